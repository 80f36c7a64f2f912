"""The two frame decoders, on rendered codes."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from pyzbar import pyzbar

from kiosk.devices.scanner.decoders import PyzbarDecoder, ZxingDecoder, make_decoder
from kiosk.devices.scanner.port import FrameDecoder
from tests.contract.scanner.render import barcode_image, in_frame, qr_image

CHINESE = "深圳市福田区晨曦科技有限公司"


def _gray(code: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(in_frame(code), cv2.COLOR_BGR2GRAY)


@pytest.fixture(params=["pyzbar", "zxing"])
def decoder(request: pytest.FixtureRequest) -> FrameDecoder:
    return make_decoder(request.param)


@pytest.mark.parametrize(
    "payload",
    [b"ASCII-1", CHINESE.encode("utf-8"), CHINESE.encode("gb18030"), "广东省深圳市福田区福中三路".encode(),
     bytes(range(1, 128))],
)
def test_qr_payload_bytes_come_back_unchanged(decoder: FrameDecoder, payload: bytes) -> None:
    codes = decoder.decode(_gray(qr_image(payload)))
    assert [c.raw for c in codes] == [payload]
    assert codes[0].symbology == "QRCode"


@pytest.mark.parametrize(("text", "symbology"), [("5901234123457", "EAN13"), ("KIOSK-0042", "Code128")])
def test_linear_symbologies(decoder: FrameDecoder, text: str, symbology: str) -> None:
    codes = decoder.decode(_gray(barcode_image(text, symbology)))
    assert [(c.raw, c.symbology) for c in codes] == [(text.encode(), symbology)]


def test_corners_are_clockwise_from_top_left(decoder: FrameDecoder) -> None:
    (code,) = decoder.decode(_gray(qr_image(b"corners")))
    (tlx, tly), (trx, try_), (brx, bry), (blx, bly) = code.corners
    assert tlx < trx and tly < bly and brx > blx and bry > try_


def test_nothing_in_an_empty_frame(decoder: FrameDecoder) -> None:
    assert decoder.decode(np.full((480, 640), 120, np.uint8)) == []


def test_decoders_want_grayscale(decoder: FrameDecoder) -> None:
    with pytest.raises(ValueError, match="grayscale"):
        decoder.decode(np.zeros((10, 10, 3), np.uint8))


def test_stock_pyzbar_misreads_chinese_and_binary_mode_fixes_it() -> None:
    """Pins the ZBar behaviour PyzbarDecoder works around: pyzbar.decode() returns ZBar's text,
    transcoded from a Shift_JIS guess, for this UTF-8 payload. If this assertion ever fails, ZBar
    stopped guessing wrong; the binary-mode decoder is still correct either way."""
    gray = _gray(qr_image(CHINESE.encode("utf-8")))
    (stock,) = pyzbar.decode(gray, symbols=[pyzbar.ZBarSymbol.QRCODE])
    assert stock.data != CHINESE.encode("utf-8")
    assert stock.data.decode("utf-8") != CHINESE  # valid UTF-8, wrong text: a misread
    (ours,) = PyzbarDecoder(["QRCode"]).decode(gray)
    assert ours.raw == CHINESE.encode("utf-8")


def test_unknown_symbology_and_decoder_names() -> None:
    with pytest.raises(ValueError, match="DataMatrix"):
        PyzbarDecoder(["DataMatrix"])
    with pytest.raises(ValueError, match="unknown decoder"):
        make_decoder("opencv")  # type: ignore[arg-type]
    assert isinstance(make_decoder("zxing"), ZxingDecoder)
