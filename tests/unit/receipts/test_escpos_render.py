"""Byte-level tests of the ESC/POS rendering against python-escpos's Dummy printer."""

from __future__ import annotations

import pytest
from escpos.printer import Dummy

from kiosk.receipts.escpos import FS_CHINESE_OFF, FS_CHINESE_ON, FS_KANJI_DOUBLE, render_escpos
from tests.unit.receipts.samples import ITEM_ZH, QR_PAYLOAD, TRACKING_NO, sample_receipt

ESC_INIT = b"\x1b@"
BOLD_ON = b"\x1bE\x01"
GS_V_PARTIAL = b"\x1dV\x01"
GS_V_FULL = b"\x1dV\x00"


def render(**kwargs: object) -> bytes:
    printer = Dummy()
    render_escpos(sample_receipt(), printer, **kwargs)  # type: ignore[arg-type]
    return bytes(printer.output)


def qr_store_command(payload: str) -> bytes:
    """GS ( k pL pH cn=49 fn=80 m=48 d1…dk: store the symbol data."""
    data = payload.encode("utf-8")
    size = len(data) + 3
    return b"\x1d(k" + bytes([size & 0xFF, size >> 8]) + b"1P0" + data


def test_receipt_starts_with_init_and_chinese_mode() -> None:
    out = render()
    assert out.startswith(ESC_INIT + FS_CHINESE_ON)


def test_chinese_text_is_gb18030_in_double_byte_mode() -> None:
    out = render()
    on, off = out.index(FS_CHINESE_ON), out.rindex(FS_CHINESE_OFF)
    body = out[on:off]
    assert ITEM_ZH.encode("gb18030") in body
    assert "受理编号".encode("gb18030") in body
    assert "政务服务受理凭条".encode("gb18030") in body
    assert ITEM_ZH.encode("utf-8") not in out


def test_title_and_tracking_number_are_bold_and_enlarged() -> None:
    out = render()
    title = "政务服务受理凭条".encode("gb18030")
    before_title = out[: out.index(title)]
    assert before_title.endswith(FS_KANJI_DOUBLE)
    assert BOLD_ON in before_title
    before_no = out[: out.index(TRACKING_NO.encode())]
    assert before_no.rindex(BOLD_ON) > before_no.rindex(b"\x1bE\x00")
    assert b"\x1b!\x10" in before_no[before_no.rindex(BOLD_ON) - 12 :]  # ESC ! double height


def test_native_qr_carries_the_payload() -> None:
    out = render()
    assert qr_store_command(QR_PAYLOAD) in out
    assert b"\x1d(k\x03\x001Q0" in out  # print the stored symbol
    assert out.index(qr_store_command(QR_PAYLOAD)) < out.index(b"\x1d(k\x03\x001Q0")


@pytest.mark.parametrize(("cut", "expected"), [("partial", GS_V_PARTIAL), ("full", GS_V_FULL)])
def test_cut_follows_the_config(cut: str, expected: bytes) -> None:
    out = render(cut=cut)
    assert out.endswith(expected)
    assert out.index(FS_CHINESE_OFF) < out.index(expected)


def test_no_cut() -> None:
    out = render(cut="none")
    assert b"\x1dV" not in out
    assert out.endswith(b"\x1bd\x06")  # print and feed 6 lines


def test_code_page_mode_has_no_double_byte_commands() -> None:
    printer = Dummy()
    render_escpos(sample_receipt("en", item_name="Company registration"), printer, chinese_mode=False)
    out = bytes(printer.output)
    assert out.startswith(ESC_INIT)
    assert FS_CHINESE_ON not in out and FS_CHINESE_OFF not in out
    assert b"Company registration" in out and TRACKING_NO.encode() in out
    assert out.endswith(GS_V_PARTIAL)


def test_lines_fit_the_paper_width() -> None:
    printer = Dummy()
    long_item = "企业登记注册及相关证照联办" * 4
    render_escpos(sample_receipt(item_name=long_item), printer, columns=32)
    text_lines = [line for line in bytes(printer.output).split(b"\n") if b"\x1d" not in line]
    for line in text_lines:
        stripped = line.replace(b"\x1b!\x00", b"").replace(b"\x1ba\x00", b"").replace(b"\x1ba\x01", b"")
        assert len(stripped) <= 32 + 8  # GB18030: 2 bytes = 2 columns; a few bytes of style commands
