"""Page previews of the capture screen — the captured pages' thumbnails and the live camera
frame — held by the UI and wiped with the session."""

from __future__ import annotations

import logging

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage

__all__ = ["PreviewStore"]

log = logging.getLogger(__name__)

_THUMB = QSize(360, 480)


class PreviewStore:
    """Thumbnails per material id and the latest live camera frame; URLs carry a generation
    so QML never shows a stale one."""

    def __init__(self) -> None:
        self._pages: dict[str, list[QImage]] = {}
        self.generation = 0
        self._live: QImage | None = None
        self.live_generation = 0

    def __len__(self) -> int:
        return sum(len(v) for v in self._pages.values())

    @staticmethod
    def _thumb(data: bytes) -> QImage:
        image = QImage.fromData(data)
        if image.isNull():
            log.info("page preview could not be decoded")
            image = QImage(_THUMB, QImage.Format.Format_Grayscale8)
            image.fill(Qt.GlobalColor.gray)
        return image.scaled(_THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                            Qt.TransformationMode.SmoothTransformation)

    def add(self, material_id: str, data: bytes) -> None:
        self._pages.setdefault(material_id, []).append(self._thumb(data))
        self.generation += 1

    def replace(self, material_id: str, index: int, data: bytes) -> None:
        self._pages[material_id][index] = self._thumb(data)
        self.generation += 1

    def remove(self, material_id: str, index: int) -> None:
        del self._pages[material_id][index]
        self.generation += 1

    def urls(self, material_id: str) -> list[str]:
        return [f"image://pages/{material_id}/{n}/{self.generation}"
                for n in range(len(self._pages.get(material_id, ())))]

    def image(self, image_id: str) -> QImage | None:
        """``<material>/<index>/<generation>`` → the thumbnail, or ``None``."""
        parts = image_id.split("/")
        if len(parts) != 3 or not parts[1].isdigit():
            return None
        pages = self._pages.get(parts[0], [])
        index = int(parts[1])
        return pages[index] if index < len(pages) else None

    # ------------------------------------------------------------------ the live camera frame

    def set_live(self, image: QImage) -> None:
        """The newest camera preview frame (the store keeps its own copy)."""
        self.clear_live()
        self._live = image.copy()
        self.live_generation += 1

    def live_url(self) -> str:
        return f"image://camera/{self.live_generation}" if self._live is not None else ""

    def live_image(self) -> QImage | None:
        return self._live

    def clear_live(self) -> None:
        if self._live is not None:
            self._live.fill(0)  # the frame may show an ID card: overwrite before dropping
            self._live = None
            self.live_generation += 1

    def wipe(self) -> None:
        for pages in self._pages.values():
            for image in pages:
                image.fill(0)  # overwrite the pixels before dropping the last reference
            pages.clear()
        self._pages.clear()
        self.generation += 1
        self.clear_live()
