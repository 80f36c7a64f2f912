"""PDF renderings: the Chinese text must extract, which proves the CJK font is embedded."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from kiosk.errors import KnownError
from kiosk.receipts import pdf as pdf_mod
from kiosk.receipts.pdf import register_cjk_font, render_receipt_pdf, render_summary_pdf
from tests.unit.receipts.samples import ITEM_ZH, TRACKING_NO, sample_receipt, sample_summary


def text_of(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def embedded_fonts(reader: PdfReader) -> list[str]:
    names = []
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            names.append(str(font["/BaseFont"]))
    return names


def test_receipt_pdf_text_extracts() -> None:
    data = render_receipt_pdf(sample_receipt())
    assert data.startswith(b"%PDF-")
    reader, text = text_of(data)
    assert ITEM_ZH in text
    assert "受理编号" in text
    assert TRACKING_NO in text
    assert "政务服务受理凭条" in text
    assert any("KioskCJK" in name or "+" in name for name in embedded_fonts(reader))


def test_receipt_page_is_80_mm_wide() -> None:
    reader = PdfReader(io.BytesIO(render_receipt_pdf(sample_receipt())))
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(80 * mm)
    assert float(box.height) > 80 * mm


def test_traditional_and_english_receipts() -> None:
    _, hant = text_of(render_receipt_pdf(sample_receipt("zh-Hant", item_name="公司設立登記")))
    assert "公司設立登記" in hant and "受理編號" in hant
    _, en = text_of(render_receipt_pdf(sample_receipt("en", item_name="Company registration")))
    assert "Tracking No." in en and TRACKING_NO in en


def test_a4_summary_text_extracts() -> None:
    data = render_summary_pdf(sample_summary())
    reader, text = text_of(data)
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(210 * mm, abs=1)
    assert ITEM_ZH in text and "受理编号" in text and TRACKING_NO in text
    assert "深圳市前海示例科技有限公司" in text


def test_font_from_config_path_is_tried_first(tmp_path: Path) -> None:
    name = register_cjk_font(Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0)
    assert name.startswith("KioskCJK-")


def test_no_cjk_font_fails_with_a_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bogus = tmp_path / "not-a-font.ttf"
    bogus.write_bytes(b"not a font")
    monkeypatch.setattr(pdf_mod, "DEFAULT_FONT_CANDIDATES", ((tmp_path / "missing.ttc", 0),))
    with pytest.raises(KnownError) as info:
        render_receipt_pdf(sample_receipt(), font_path=bogus)
    assert info.value.key == "receipts.font_missing"
    assert "not-a-font.ttf" in info.value.detail and "missing.ttc" in info.value.detail
