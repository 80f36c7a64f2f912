"""Image providers: ``image://qr/<text>`` (receipt QR codes) and ``image://pages/...``
(capture previews held by :class:`~kiosk.ui.models.PreviewStore`)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtQuick import QQuickImageProvider

from kiosk.ui.models.previews import PreviewStore

__all__ = ["PageImageProvider", "QrImageProvider", "qr_image"]

log = logging.getLogger(__name__)


def qr_image(text: str, size: int = 480) -> QImage:
    """``text`` as a QR code (error correction M, 4-module quiet zone), black on white."""
    import qrcode  # ~70 ms to import: when the first receipt needs it, not before the first frame

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    qr.add_data(text)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    n = len(matrix)
    module = max(1, size // n)
    image = QImage(n * module, n * module, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    black = QColor(Qt.GlobalColor.black)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                painter.fillRect(x * module, y * module, module, module, black)
    painter.end()
    return image


class QrImageProvider(QQuickImageProvider):
    def __init__(self) -> None:
        super().__init__(QQuickImageProvider.ImageType.Image)

    def requestImage(self, image_id: str, size: QSize, requested: QSize) -> QImage:
        side = max(requested.width(), requested.height(), 0) or 480
        image = qr_image(image_id, side)
        size.setWidth(image.width())
        size.setHeight(image.height())
        return image


class PageImageProvider(QQuickImageProvider):
    def __init__(self, store: PreviewStore) -> None:
        super().__init__(QQuickImageProvider.ImageType.Image)
        self._store = store

    def requestImage(self, image_id: str, size: QSize, requested: QSize) -> QImage:
        image = self._store.image(image_id)
        if image is None:  # wiped meanwhile: a blank tile, never an old page
            image = QImage(36, 48, QImage.Format.Format_RGB32)
            image.fill(Qt.GlobalColor.lightGray)
        size.setWidth(image.width())
        size.setHeight(image.height())
        return image
