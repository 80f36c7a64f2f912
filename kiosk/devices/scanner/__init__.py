"""Code scanners: camera decoding (pyzbar / zxing-cpp), HID keyboard wedge, serial, simulator."""

from kiosk.devices.scanner.factory import build_scanner
from kiosk.devices.scanner.port import (
    CodeScanner,
    DecodedCode,
    FrameDecoder,
    ScanError,
    ScanResult,
    decode_payload,
)
from kiosk.devices.scanner.simulated import SimulatedScanner

__all__ = [
    "CodeScanner",
    "DecodedCode",
    "FrameDecoder",
    "ScanError",
    "ScanResult",
    "SimulatedScanner",
    "build_scanner",
    "decode_payload",
]
