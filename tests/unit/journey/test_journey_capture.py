"""Captured pages become one PDF per material (kiosk.capture.output.material_output): page
count, order and physical size kept; materials without pages send nothing; limits and wipe
semantics unchanged."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pypdf
import pytest

from kiosk.catalog.model import Material
from kiosk.errors import BugError
from kiosk.journey.capture import CaptureSet

MM_TO_PT = 72 / 25.4


def _material(mid: str, fmt: str = "a4", max_pages: int = 3) -> Material:
    return Material.model_validate({
        "id": mid, "name": {"zh-Hans": mid, "zh-Hant": mid, "en": mid}, "capture": "document",
        "format": fmt, "min_pages": 1, "max_pages": max_pages})


def _page(grey: int, size: tuple[int, int] = (420, 594)) -> bytes:
    """A flat page of one grey level (so a page's position in the PDF can be told apart)."""
    img = np.full((size[1], size[0], 3), grey, np.uint8)
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    return bytes(buf.tobytes())


def _pdf(data: bytes) -> pypdf.PdfReader:
    assert data.startswith(b"%PDF-")
    return pypdf.PdfReader(io.BytesIO(data))


def _grey(page: pypdf.PageObject) -> float:
    (image,) = page.images
    decoded = cv2.imdecode(np.frombuffer(image.data, np.uint8), cv2.IMREAD_GRAYSCALE)
    return float(decoded.mean())


def test_a_material_becomes_one_pdf_with_its_pages_in_order() -> None:
    form = _material("application_form")
    captures = CaptureSet()
    for grey in (40, 130, 220):
        assert captures.add(form, _page(grey)) is None
    (attachment,) = captures.attachments((form,))
    assert (attachment.material_id, attachment.mime, attachment.filename, attachment.pages) == (
        "application_form", "application/pdf", "application_form.pdf", 3)
    reader = _pdf(attachment.data)
    assert len(reader.pages) == attachment.pages == 3
    greys = [_grey(p) for p in reader.pages]
    assert greys == sorted(greys) and greys[0] < 60 < greys[1] < 160 < greys[2]
    for page in reader.pages:  # every page is an A4 sheet, whatever the camera's resolution
        box = page.mediabox
        assert float(box.width) == pytest.approx(210 * MM_TO_PT, abs=1)
        assert float(box.height) == pytest.approx(297 * MM_TO_PT, abs=1)


def test_retake_and_remove_shape_the_pdf_and_empty_materials_send_nothing() -> None:
    form, card, extra = _material("form"), _material("id_copy", "id_card", 2), _material("extra")
    captures = CaptureSet()
    assert captures.add(form, _page(40)) is None
    assert captures.add(form, _page(130)) is None
    captures.replace(form, 0, _page(220))  # retake page 1
    assert captures.add(card, _page(90, (428, 270))) is None
    assert captures.add(card, _page(200, (428, 270))) is None
    captures.remove(card, 0)
    attachments = captures.attachments((form, card, extra))
    assert [(a.material_id, a.pages) for a in attachments] == [("form", 2), ("id_copy", 1)]
    form_pdf, card_pdf = (_pdf(a.data) for a in attachments)
    assert [_grey(p) > 180 for p in form_pdf.pages] == [True, False]  # the retake replaced page 1
    box = card_pdf.pages[0].mediabox  # an ID-1 card's size, landscape
    assert float(box.width) == pytest.approx(85.6 * MM_TO_PT, abs=1)
    assert float(box.height) == pytest.approx(54 * MM_TO_PT, abs=1)
    assert _grey(card_pdf.pages[0]) > 180  # the card's first page was removed


def test_page_limits_and_wipe_still_hold() -> None:
    form = _material("form", max_pages=2)
    captures = CaptureSet()
    assert captures.add(form, _page(50)) is None
    assert captures.add(form, _page(60)) is None
    assert captures.add(form, _page(70)) == "journey.too_many_pages"
    buffers = captures.buffers()
    captures.wipe()
    assert all(not any(b) for b in buffers)
    assert captures.attachments((form,)) == ()


def test_a_page_that_is_not_an_image_is_a_bug() -> None:
    form = _material("form")
    captures = CaptureSet()
    assert captures.add(form, b"\xff\xd8\xff not really a jpeg") is None
    with pytest.raises(BugError):
        captures.attachments((form,))
