"""Camera port, the OpenCV driver and the file/synthetic source (DESIGN §4)."""

from kiosk.devices.camera.factory import build_camera
from kiosk.devices.camera.file_source import FileCamera
from kiosk.devices.camera.opencv import OpenCvCamera
from kiosk.devices.camera.port import Camera, Frame

__all__ = ["Camera", "FileCamera", "Frame", "OpenCvCamera", "build_camera"]
