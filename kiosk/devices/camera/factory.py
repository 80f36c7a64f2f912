"""Build the configured camera (``app.py`` calls this; nothing else chooses drivers)."""

from __future__ import annotations

from kiosk.devices.camera.file_source import FileCamera
from kiosk.devices.camera.opencv import OpenCvCamera
from kiosk.devices.camera.port import Camera
from kiosk.devices.config import CameraConfig, FileCameraConfig, OpenCvCameraConfig
from kiosk.errors import BugError


def build_camera(config: CameraConfig) -> tuple[Camera, FileCamera | None]:
    """The camera, and the same object again when it is the scriptable file source.

    Nothing is opened here: ``start()`` raises :class:`DeviceOffline` (``device.camera.offline``)
    naming a missing device node or source file.
    """
    if isinstance(config, FileCameraConfig):
        camera = FileCamera.from_config(config)
        return camera, camera
    if isinstance(config, OpenCvCameraConfig):
        return OpenCvCamera(config), None
    raise BugError("config.invalid", f"unhandled camera config {type(config).__name__}")
