"""Captured pages → one PDF per material plus thumbnails, within a per-page size budget.

Budget rule (per page): encode JPEG at quality 85, 75, 65, 55, 45 in turn; if still over
``max_page_kb``, scale the page down by 15 % and try again — but never below 200 dpi of the
material's physical size (or the page's native resolution when the camera delivered less, which
is never upscaled). If the smallest allowed encoding is still too large, the page is kept at that
encoding and ``within_budget`` is False (the caller decides; the store refuses oversize
attachments with ``store.attachment_too_large``). Text stays legible because the resolution floor
is 200 dpi and quality never drops below 45.

The PDF is assembled by img2pdf, which embeds the JPEG bytes unchanged (no re-encode, lossless
assembly), each page sized to the material's physical size in millimetres.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from typing import Final

import cv2
import img2pdf  # type: ignore[import-untyped]
import numpy as np

from kiosk.capture.document import MM_PER_INCH, PAGE_MM, Image, PageFormat, u8

log = logging.getLogger(__name__)

QUALITIES: Final = (85, 75, 65, 55, 45)
MIN_DPI: Final = 200.0
MAX_DPI: Final = 300.0
THUMB_SIDE: Final = 256


@dataclasses.dataclass(frozen=True, slots=True)
class EncodedPage:
    jpeg: bytes = dataclasses.field(repr=False)
    width: int
    height: int
    quality: int
    dpi: float
    within_budget: bool


@dataclasses.dataclass(frozen=True, slots=True)
class MaterialOutput:
    pdf: bytes = dataclasses.field(repr=False)
    thumbnails: tuple[bytes, ...] = dataclasses.field(repr=False)
    pages: tuple[EncodedPage, ...]

    @property
    def within_budget(self) -> bool:
        return all(p.within_budget for p in self.pages)


def _jpeg(image: Image, quality: int) -> bytes:
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality, cv2.IMWRITE_JPEG_OPTIMIZE, 1])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return bytes(buf.tobytes())


def encode_page(page: Image, fmt: PageFormat, max_page_kb: int) -> EncodedPage:
    """Encode one dewarped page within ``max_page_kb`` following the module's budget rule."""
    width_in = PAGE_MM[fmt][0] / MM_PER_INCH
    native_dpi = page.shape[1] / width_in
    dpi = min(native_dpi, MAX_DPI)
    floor_dpi = min(MIN_DPI, native_dpi)
    limit = max_page_kb * 1024
    while True:
        scale = dpi / native_dpi
        img = (
            page
            if scale >= 0.999
            else u8(cv2.resize(page, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA))
        )
        for quality in QUALITIES:
            data = _jpeg(img, quality)
            best = EncodedPage(data, img.shape[1], img.shape[0], quality, dpi, len(data) <= limit)
            if best.within_budget:
                return best
        if dpi <= floor_dpi + 1e-6:
            break
        dpi = max(floor_dpi, dpi * 0.85)
    # the last encoding tried is the smallest allowed
    log.info("page over budget at the legibility floor (%d KB > %d KB)", len(best.jpeg) // 1024, max_page_kb)
    return best


def thumbnail(page: Image, side: int = THUMB_SIDE) -> bytes:
    h, w = page.shape[:2]
    scale = min(1.0, side / max(h, w))
    small = u8(
        cv2.resize(page, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    )
    return _jpeg(small, 70)


def material_output(pages: Sequence[Image], fmt: PageFormat, max_page_kb: int = 500) -> MaterialOutput:
    """All pages of one material → a multi-page PDF (each page the material's physical size),
    JPEG thumbnails and the per-page encodings."""
    if not pages:
        raise ValueError("a material needs at least one page")
    encoded = tuple(encode_page(np.ascontiguousarray(p), fmt, max_page_kb) for p in pages)
    wmm, hmm = PAGE_MM[fmt]
    layout = img2pdf.get_layout_fun((img2pdf.mm_to_pt(wmm), img2pdf.mm_to_pt(hmm)))
    pdf = img2pdf.convert([e.jpeg for e in encoded], layout_fun=layout)
    return MaterialOutput(bytes(pdf), tuple(thumbnail(p) for p in pages), encoded)
