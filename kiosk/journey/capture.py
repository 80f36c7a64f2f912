"""Captured pages of an application's materials, held in memory until the submission commits.

Pages are copied into :class:`bytearray` buffers the journey owns, so :meth:`CaptureSet.wipe`
can overwrite them with zeros before dropping them (the caller's own ``bytes`` objects are
immutable and outside our reach; the capture pipeline should hand over and forget them).
"""

from __future__ import annotations

import dataclasses
from typing import Final

from kiosk.catalog.model import Material, ServiceItem
from kiosk.errors import BugError
from kiosk.identity.models import IdentityDocument
from kiosk.store.models import Attachment

__all__ = ["CAPTURED_KINDS", "CaptureSet", "MaterialStatus", "capture_materials"]

# capture kinds the citizen photographs at the kiosk; "e_certificate" is fetched from the
# electronic-licence library by the back office and needs nothing here
CAPTURED_KINDS: Final = frozenset({"id_card", "document", "photo"})


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
        """One ``image/jpeg`` attachment per page for now; assembling a material's pages into
        one PDF is the capture module's job and will replace this."""
        out: list[Attachment] = []
        for material in materials:
            for n, page in enumerate(self._pages.get(material.id, ()), start=1):
                out.append(Attachment(material_id=material.id,
                                      filename=f"{material.id}-{n:02d}.jpg",
                                      mime="image/jpeg", data=bytes(page), pages=1))
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


def _zero(buffer: bytearray) -> None:
    buffer[:] = bytes(len(buffer))
