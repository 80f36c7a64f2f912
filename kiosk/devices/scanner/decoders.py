"""Frame decoders behind :class:`FrameDecoder`: ZBar (through pyzbar) and zxing-cpp.

Both return the payload **bytes as encoded in the symbol**; turning them into text is
:func:`decode_payload`'s job, so every scanner applies the same UTF-8 → GB18030 rule.

ZBar and Chinese text. ``pyzbar.decode()`` hands back ZBar's *text*: for a QR byte segment
without an ECI header ZBar guesses the character set and, for UTF-8 Chinese such as
"深圳市福田区晨曦科技有限公司", often guesses Shift_JIS, then re-encodes the wrong guess as UTF-8
("豺ｱ蝨ｳ蟶…"): a misread, not a miss. ZBar ≥ 0.23.1 has ``ZBAR_CFG_BINARY`` ("don't convert
binary data to text"), value 4 in ``enum zbar_config_e`` (after ``ZBAR_CFG_ASCII`` = 3).
pyzbar 0.1.9 does not expose it (its ``ZBarConfig`` enum stops at ``CFG_ASCII`` and names 4
``CFG_NUM``), and ``pyzbar.decode()`` offers no way to set it. :class:`PyzbarDecoder` therefore
drives ZBar through pyzbar's ctypes wrapper (``pyzbar.wrapper``: scanner, image, symbol calls)
and sets ``ZBAR_CFG_BINARY`` on the QR symbology; ``zbar_symbol_get_data`` then returns the
segment bytes unchanged (checked on libzbar0 0.23.92: UTF-8 and GB18030 payloads come back byte
for byte). On a libzbar that rejects the option the decoder refuses to start instead of
misreading.

zxing-cpp 3.x: ``Barcode.bytes`` is the payload without transcoding (``.text`` is zxing's own
guess and is ignored); ``Barcode.format.name`` gives the symbology names used across the port.
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Iterable
from typing import Any, Final, Literal

import numpy as np

from kiosk.devices.scanner.port import DECODER_UNAVAILABLE, DecodedCode, FrameDecoder, Gray
from kiosk.devices.status import DeviceError

# symbologies a kiosk meets: QR on receipts/phones/licences, 1-D on parcels and forms
DEFAULT_SYMBOLOGIES: Final = (
    "QRCode", "EAN13", "EAN8", "UPCA", "UPCE", "Code128", "Code39", "Code93", "ITF", "Codabar", "PDF417",
)

_ZBAR_NAMES: Final = {
    "QRCODE": "QRCode", "EAN13": "EAN13", "EAN8": "EAN8", "UPCA": "UPCA", "UPCE": "UPCE",
    "CODE128": "Code128", "CODE39": "Code39", "CODE93": "Code93", "I25": "ITF",
    "CODABAR": "Codabar", "PDF417": "PDF417", "DATABAR": "DataBar", "DATABAR_EXP": "DataBarExpanded",
    "ISBN10": "ISBN10", "ISBN13": "ISBN13", "EAN2": "EAN2", "EAN5": "EAN5", "SQCODE": "SQCode",
}
_ZBAR_CFG_ENABLE: Final = 0
_ZBAR_CFG_BINARY: Final = 4  # zbar.h enum zbar_config_e, since ZBar 0.23.1; not in pyzbar
_ZBAR_Y800: Final = 0x30303859  # fourcc('Y','8','0','0'): 8-bit grayscale


def _gray(image: Gray) -> Gray:
    if image.ndim != 2 or image.dtype != np.uint8:
        raise ValueError(f"expected a 2-D uint8 grayscale image, got {image.dtype} {image.shape}")
    return np.ascontiguousarray(image)


class PyzbarDecoder:
    name = "pyzbar"

    def __init__(self, symbologies: Iterable[str] = DEFAULT_SYMBOLOGIES) -> None:
        try:
            from pyzbar import wrapper as zbar  # loads libzbar.so.0
        except ImportError as err:  # libzbar0 missing
            raise DeviceError(DECODER_UNAVAILABLE, f"pyzbar/libzbar not loadable: {err}") from err
        self._zbar: Any = zbar
        by_name = {ours: zbar.ZBarSymbol[theirs] for theirs, ours in _ZBAR_NAMES.items()}
        unknown = set(symbologies) - set(by_name)
        if unknown:
            raise ValueError(f"ZBar cannot read {sorted(unknown)}")
        self._symbols = [by_name[s] for s in symbologies]
        # fail now, not with misreads later, if this libzbar has no binary mode
        scanner = self._new_scanner()
        zbar.zbar_image_scanner_destroy(scanner)

    def _new_scanner(self) -> Any:
        zbar = self._zbar
        scanner = zbar.zbar_image_scanner_create()
        zbar.zbar_image_scanner_set_config(scanner, zbar.ZBarSymbol.NONE, _ZBAR_CFG_ENABLE, 0)
        for symbol in self._symbols:
            zbar.zbar_image_scanner_set_config(scanner, symbol, _ZBAR_CFG_ENABLE, 1)
        if zbar.ZBarSymbol.QRCODE in self._symbols and zbar.zbar_image_scanner_set_config(
            scanner, zbar.ZBarSymbol.QRCODE, _ZBAR_CFG_BINARY, 1
        ):
            zbar.zbar_image_scanner_destroy(scanner)
            raise DeviceError(DECODER_UNAVAILABLE, "libzbar has no ZBAR_CFG_BINARY (needs >= 0.23.1)")
        return scanner

    def decode(self, gray: Gray) -> list[DecodedCode]:
        zbar = self._zbar
        pixels = _gray(gray)
        height, width = pixels.shape
        scanner = self._new_scanner()  # a scanner per call: cheap, and safe across threads
        image = zbar.zbar_image_create()
        try:
            zbar.zbar_image_set_format(image, _ZBAR_Y800)
            zbar.zbar_image_set_size(image, width, height)
            zbar.zbar_image_set_data(image, pixels.ctypes.data_as(ctypes.c_void_p), pixels.size, None)
            if zbar.zbar_scan_image(scanner, image) < 0:
                raise DeviceError(DECODER_UNAVAILABLE, "zbar_scan_image failed")
            found: list[DecodedCode] = []
            symbol = zbar.zbar_image_first_symbol(image)
            while symbol:
                raw = ctypes.string_at(
                    zbar.zbar_symbol_get_data(symbol), zbar.zbar_symbol_get_data_length(symbol)
                )
                points = [
                    (int(zbar.zbar_symbol_get_loc_x(symbol, i)), int(zbar.zbar_symbol_get_loc_y(symbol, i)))
                    for i in range(zbar.zbar_symbol_get_loc_size(symbol))
                ]
                found.append(DecodedCode(raw, self._symbology(symbol), _corners(points)))
                symbol = zbar.zbar_symbol_next(symbol)
            return found
        finally:
            zbar.zbar_image_destroy(image)
            zbar.zbar_image_scanner_destroy(scanner)

    def _symbology(self, symbol: Any) -> str:
        try:
            name: str = self._zbar.ZBarSymbol(symbol.contents.type).name
        except ValueError:
            return "Unknown"
        return _ZBAR_NAMES.get(name, name)


class ZxingDecoder:
    name = "zxing"

    def __init__(self, symbologies: Iterable[str] = DEFAULT_SYMBOLOGIES, *, try_harder: bool = True) -> None:
        try:
            import zxingcpp
        except ImportError as err:
            raise DeviceError(DECODER_UNAVAILABLE, f"zxing-cpp not importable: {err}") from err
        self._zxing = zxingcpp
        self._formats = zxingcpp.barcode_formats_from_str(",".join(symbologies))
        self._try_harder = try_harder

    def decode(self, gray: Gray) -> list[DecodedCode]:
        zx = self._zxing
        barcodes = zx.read_barcodes(
            _gray(gray),
            formats=self._formats,
            try_rotate=self._try_harder,
            try_downscale=True,
            try_invert=self._try_harder,
        )
        found: list[DecodedCode] = []
        for barcode in barcodes:
            if not barcode.valid:
                continue
            pos = barcode.position
            corners = tuple(
                (int(p.x), int(p.y)) for p in (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left)
            )
            found.append(DecodedCode(bytes(barcode.bytes), _zxing_name(barcode.format.name), corners))
        return found


def _zxing_name(name: str) -> str:
    return "QRCode" if name.startswith("QRCodeModel") else name


def _corners(points: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """ZBar gives a QR code's 4 corners counter-clockwise, and scan-line hits for 1-D codes (reduced
    to their box): return them clockwise from the top-left, as zxing-cpp does."""
    if not points:
        return ()
    if len(points) != 4:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        return ((min(xs), min(ys)), (max(xs), min(ys)), (max(xs), max(ys)), (min(xs), max(ys)))
    cx, cy = sum(p[0] for p in points) / 4, sum(p[1] for p in points) / 4
    ordered = sorted(points, key=lambda p: math.atan2(p[1] - cy, p[0] - cx))  # y down: clockwise
    start = min(range(4), key=lambda i: ordered[i][0] + ordered[i][1])
    return tuple(ordered[start:] + ordered[:start])


def make_decoder(name: Literal["zxing", "pyzbar"]) -> FrameDecoder:
    if name == "zxing":
        return ZxingDecoder()
    if name == "pyzbar":
        return PyzbarDecoder()
    raise ValueError(f"unknown decoder {name!r}; choose 'zxing' or 'pyzbar'")
