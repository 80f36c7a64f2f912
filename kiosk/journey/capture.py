"""Captured pages of an application's materials, held in memory until the submission commits.

Pages are copied into :class:`bytearray` buffers the journey owns, so :meth:`CaptureSet.wipe`
can overwrite them with zeros before dropping them (the caller's own ``bytes`` objects are
immutable and outside our reach; the capture pipeline should hand over and forget them).

A page is an encoded image (the live capture worker hands over a dewarped page as JPEG). At
submit each material becomes **one PDF** (:func:`kiosk.capture.output.material_output`: every
page at the material's physical size, each within :data:`PAGE_BUDGET_KB`), so the back office
receives one document per material, not a pile of photos.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING, Final

from kiosk.catalog.model import Material, ServiceItem
from kiosk.errors import BugError
from kiosk.identity.models import IdentityDocument
from kiosk.store.models import Attachment

if TYPE_CHECKING:
    from kiosk.capture.document import Image

# OpenCV and img2pdf (kiosk.capture.output) are imported where a material's PDF is built — on
# the commit worker — not when the journey is imported before the kiosk's first frame

__all__ = ["CAPTURED_KINDS", "PAGE_BUDGET_KB", "CaptureSet", "MaterialStatus", "capture_materials"]

log = logging.getLogger(__name__)

# capture kinds the citizen photographs at the kiosk; "e_certificate" is fetched from the
# electronic-licence library by the back office and needs nothing here
CAPTURED_KINDS: Final = frozenset({"id_card", "document", "photo"})
# per page of a material's PDF (capture.output's budget rule: quality, then resolution down to
# 200 dpi); 50 pages (the catalogue's maximum) stay under the store's 20 MB attachment limit
PAGE_BUDGET_KB: Final = 400


def capture_materials(item: ServiceItem) -> tuple[Material, ...]:
    """The materials the kiosk asks for, in catalogue order (one CAPTURE page each)."""
    return tuple(m for m in item.materials
                 if m.source != "shared_data" and m.capture in CAPTURED_KINDS)


def _card_satisfies(material: Material, identity: IdentityDocument | None) -> bool:
    # the card reader already delivered the card's data: no photo of it is needed
    return material.capture == "id_card" and identity is not None and identity.source == "id_card"


@dataclasses.dataclass(frozen=True, slots=True)
class MaterialStatus:
    """A material's capture progress, for the view (no image data)."""

    material_id: str
    pages: int
    min_pages: int
    max_pages: int
    required: bool
    satisfied_by_card: bool

    @property
    def complete(self) -> bool:
        if self.satisfied_by_card:
            return True
        if self.pages == 0:
            return not self.required or self.min_pages == 0
        return self.pages >= self.min_pages


class CaptureSet:
    """Pages per material id; every operation checks the material's page limits."""

    def __init__(self) -> None:
        self._pages: dict[str, list[bytearray]] = {}

    def __repr__(self) -> str:
        counts = {k: len(v) for k, v in self._pages.items()}
        return f"CaptureSet({counts})"

    def pages(self, material_id: str) -> int:
        return len(self._pages.get(material_id, ()))

    def add(self, material: Material, image: bytes) -> str | None:
        pages = self._pages.setdefault(material.id, [])
        if len(pages) >= material.max_pages:
            return "journey.too_many_pages"
        pages.append(bytearray(image))
        return None

    def replace(self, material: Material, index: int, image: bytes) -> None:
        pages = self._pages.get(material.id, [])
        if not 0 <= index < len(pages):
            raise BugError("journey.bug", f"{material.id}: no page {index}")
        _zero(pages[index])
        pages[index] = bytearray(image)

    def remove(self, material: Material, index: int) -> None:
        pages = self._pages.get(material.id, [])
        if not 0 <= index < len(pages):
            raise BugError("journey.bug", f"{material.id}: no page {index}")
        _zero(pages.pop(index))

    def status(self, material: Material, identity: IdentityDocument | None) -> MaterialStatus:
        return MaterialStatus(
            material_id=material.id,
            pages=self.pages(material.id),
            min_pages=material.min_pages,
            max_pages=material.max_pages,
            required=material.required,
            satisfied_by_card=_card_satisfies(material, identity) and not self.pages(material.id),
        )

    def attachments(self, materials: tuple[Material, ...]) -> tuple[Attachment, ...]:
        """One ``application/pdf`` attachment per material that has pages, in catalogue order:
        its pages in order, each at the material's physical size (``pages`` = page count)."""
        out: list[Attachment] = []
        for material in materials:
            buffers = self._pages.get(material.id, ())
            if not buffers:
                continue
            from kiosk.capture.output import material_output

            images = [_decode(page, material.id, n) for n, page in enumerate(buffers, start=1)]
            try:
                result = material_output(images, material.format, PAGE_BUDGET_KB)
            finally:
                for image in images:
                    image.fill(0)  # decoded pixels are personal data too
            if not result.within_budget:
                log.info("%s: a page is over the size budget at the legibility floor", material.id)
            out.append(Attachment(material_id=material.id, filename=f"{material.id}.pdf",
                                  mime="application/pdf", data=result.pdf, pages=len(buffers)))
        return tuple(out)

    def buffers(self) -> tuple[bytearray, ...]:
        """The live buffers (tests check that :meth:`wipe` zeroes them)."""
        return tuple(b for pages in self._pages.values() for b in pages)

    def wipe(self) -> None:
        for pages in self._pages.values():
            for page in pages:
                _zero(page)
            pages.clear()
        self._pages.clear()


def _decode(page: bytearray, material_id: str, number: int) -> Image:
    import cv2
    import numpy as np

    image = cv2.imdecode(np.frombuffer(page, np.uint8), cv2.IMREAD_COLOR)
    if image is None:  # the capture pipeline hands over encoded pages: anything else is ours
        raise BugError("journey.bug", f"{material_id}: page {number} is not an image")
    return np.asarray(image, np.uint8)


def _zero(buffer: bytearray) -> None:
    buffer[:] = bytes(len(buffer))
