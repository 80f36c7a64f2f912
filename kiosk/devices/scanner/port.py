"""The code-scanner port: every scanner (camera decode, HID wedge, serial, simulator) reports a
:class:`ScanResult` whose text came through :func:`decode_payload`.

Payloads can be personal data (names, ID numbers in a QR): they never reach a log, a repr or an
exception message.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

from kiosk.devices.status import DeviceError, DeviceStatus

PAYLOAD_TOO_LARGE = "device.scanner.payload_too_large"
UNDECODABLE = "device.scanner.undecodable"
OFFLINE_KEY = "device.scanner.offline"
DECODER_UNAVAILABLE = "device.scanner.decoder_unavailable"

Source = Literal["camera", "hid", "serial", "simulated"]


class ScanError(DeviceError):
    """A scan arrived but cannot be used (too large, not text). ``detail`` never holds the payload."""


@dataclasses.dataclass(frozen=True, slots=True)
class ScanResult:
    text: str = dataclasses.field(repr=False)
    raw: bytes = dataclasses.field(repr=False)
    symbology: str  # "QRCode", "EAN13", "Code128", … (zxing-cpp's names); "Unknown" for wedges
    source: Source
    decoder: str | None = None  # "zxing" / "pyzbar" for camera scans

    def __repr__(self) -> str:
        return (
            f"ScanResult(symbology={self.symbology!r}, source={self.source!r}, "
            f"decoder={self.decoder!r}, bytes={len(self.raw)})"
        )


@dataclasses.dataclass(frozen=True, slots=True)
class DecodedCode:
    """What a frame decoder found: the payload bytes as encoded in the symbol, not transcoded."""

    raw: bytes = dataclasses.field(repr=False)
    symbology: str
    corners: tuple[tuple[int, int], ...] = ()  # in image pixels, clockwise from top-left if known

    def __repr__(self) -> str:
        return f"DecodedCode(symbology={self.symbology!r}, bytes={len(self.raw)}, corners={self.corners})"


def decode_payload(raw: bytes, max_bytes: int) -> str:
    """Scanner bytes → text: size-limited, UTF-8 (a BOM is dropped), else GB18030.

    Raises :class:`ScanError` ``device.scanner.payload_too_large`` or ``device.scanner.undecodable``.
    """
    if len(raw) > max_bytes:
        raise ScanError(PAYLOAD_TOO_LARGE, f"{len(raw)} bytes > {max_bytes}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise ScanError(UNDECODABLE, f"{len(raw)} bytes, neither UTF-8 nor GB18030") from None


ScanCallback = Callable[[ScanResult], None]
ErrorCallback = Callable[[ScanError], None]


class CodeScanner(Protocol):
    def start(self, callback: ScanCallback, on_error: ErrorCallback | None = None) -> None:
        """Begin delivering scans to ``callback`` (on the scanner's own thread); rejected scans go
        to ``on_error`` (or are logged without their payload). Raises :class:`DeviceOffline` when
        the device is missing."""

    def status(self) -> DeviceStatus: ...

    def stop(self) -> None:
        """Stop and release the device (idempotent)."""


Gray = npt.NDArray[np.uint8]


class FrameDecoder(Protocol):
    name: str

    def decode(self, gray: Gray) -> list[DecodedCode]:
        """All codes in a 2-D uint8 grayscale image, payloads as raw bytes."""
