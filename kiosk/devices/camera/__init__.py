"""Camera port, the OpenCV driver and the file/synthetic source (DESIGN §4).

The drivers (OpenCV) load when first used: the kiosk's UI imports the port's constants before
its first frame and opens the camera after it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.devices.camera.port import Camera, Frame

if TYPE_CHECKING:
    from kiosk.devices.camera.factory import build_camera
    from kiosk.devices.camera.file_source import FileCamera
    from kiosk.devices.camera.opencv import OpenCvCamera

__all__ = ["Camera", "FileCamera", "Frame", "OpenCvCamera", "build_camera"]

_LAZY = {"build_camera": "factory", "FileCamera": "file_source", "OpenCvCamera": "opencv"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
