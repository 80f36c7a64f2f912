"""The Theme: sizes and colours for every screen, one object per QML engine.

Care mode is a theme switch (larger type, high contrast), not a separate UI; the journey
slows its own timeouts. Touch targets are at least 20 mm, computed from the screen's physical
DPI (with a sane fallback when the platform reports nonsense, e.g. offscreen).
"""

from __future__ import annotations

import logging
from typing import Final

from PySide6.QtCore import Property, QObject, Signal
from PySide6.QtGui import QColor, QScreen

__all__ = ["MIN_TOUCH_MM", "Theme", "touch_px"]

log = logging.getLogger(__name__)

MIN_TOUCH_MM: Final = 20.0
_FALLBACK_DPI: Final = 96.0  # a 21.5" 1080p kiosk panel is about 102 dpi
_MM_PER_INCH: Final = 25.4


def touch_px(dpi: float | None, mm: float = MIN_TOUCH_MM) -> int:
    """Pixels for ``mm`` at ``dpi``; an implausible DPI (offscreen, broken EDID) uses 96."""
    if dpi is None or not 50.0 <= dpi <= 600.0:
        dpi = _FALLBACK_DPI
    return round(mm / _MM_PER_INCH * dpi)


def screen_dpi(screen: QScreen | None) -> float | None:
    if screen is None:
        return None
    size = screen.physicalSize()
    if size.width() <= 0 or size.height() <= 0:
        return None
    return screen.size().width() / (size.width() / _MM_PER_INCH)


_NORMAL: Final = {
    "background": "#F4F6FA", "surface": "#FFFFFF", "primary": "#1F5FBF", "onPrimary": "#FFFFFF",
    "text": "#1A1F29", "muted": "#5A6475", "disabled": "#B8BFCC", "error": "#C62828",
    "success": "#2E7D32", "header": "#123E7C", "onHeader": "#FFFFFF", "border": "#D5DAE3",
    "overlay": "#B3000000",
}
# high contrast: black on white with thick borders, ≥ 7:1 everywhere (WCAG AAA)
_CARE: Final = {
    "background": "#FFFFFF", "surface": "#FFFFFF", "primary": "#002D72", "onPrimary": "#FFFFFF",
    "text": "#000000", "muted": "#1A1A1A", "disabled": "#6B6B6B", "error": "#9A0000",
    "success": "#0B4D0F", "header": "#000000", "onHeader": "#FFFF00", "border": "#000000",
    "overlay": "#E6000000",
}


class Theme(QObject):
    """Sizes (px) and colours; ``careMode`` and ``portrait`` switch them."""

    changed = Signal()

    def __init__(self, *, dpi: float | None = None, portrait: bool = True,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._min_touch = touch_px(dpi)
        self._care = False
        self._portrait = portrait
        log.info("theme: touch target %d px (dpi %s)", self._min_touch, dpi)

    # ------------------------------------------------------------------ switches

    def _get_care(self) -> bool:
        return self._care

    def _set_care(self, on: bool) -> None:
        if on != self._care:
            self._care = on
            self.changed.emit()

    careMode = Property(bool, _get_care, _set_care, notify=changed)

    def _get_portrait(self) -> bool:
        return self._portrait

    def _set_portrait(self, on: bool) -> None:
        if on != self._portrait:
            self._portrait = on
            self.changed.emit()

    portrait = Property(bool, _get_portrait, _set_portrait, notify=changed)

    def _scale(self) -> float:
        return 1.35 if self._care else 1.0

    # ------------------------------------------------------------------ sizes

    def _touch(self) -> int:
        return round(self._min_touch * (1.2 if self._care else 1.0))

    @Property(int, notify=changed)
    def minTouch(self) -> int:
        return self._touch()

    @Property(int, notify=changed)
    def fontBody(self) -> int:
        return round(30 * self._scale())

    @Property(int, notify=changed)
    def fontSmall(self) -> int:
        return round(24 * self._scale())

    @Property(int, notify=changed)
    def fontTitle(self) -> int:
        return round(44 * self._scale())

    @Property(int, notify=changed)
    def fontHuge(self) -> int:
        return round(64 * self._scale())

    @Property(int, notify=changed)
    def spacing(self) -> int:
        return 24

    @Property(int, notify=changed)
    def margin(self) -> int:
        return 40

    @Property(int, notify=changed)
    def radius(self) -> int:
        return 16

    @Property(int, notify=changed)
    def borderWidth(self) -> int:
        return 4 if self._care else 2

    @Property(int, notify=changed)
    def headerHeight(self) -> int:
        return self._touch() + 40

    @Property(int, notify=changed)
    def footerHeight(self) -> int:
        return self._touch() + 40

    @Property(int, notify=changed)
    def tileColumns(self) -> int:
        return 2 if self._portrait else 3

    @Property(str, constant=True)
    def fontFamily(self) -> str:
        return "WenQuanYi Zen Hei"

    # ------------------------------------------------------------------ colours

    def _colour(self, name: str) -> QColor:
        return QColor((_CARE if self._care else _NORMAL)[name])

    @Property(QColor, notify=changed)
    def background(self) -> QColor:
        return self._colour("background")

    @Property(QColor, notify=changed)
    def surface(self) -> QColor:
        return self._colour("surface")

    @Property(QColor, notify=changed)
    def primary(self) -> QColor:
        return self._colour("primary")

    @Property(QColor, notify=changed)
    def onPrimary(self) -> QColor:
        return self._colour("onPrimary")

    @Property(QColor, notify=changed)
    def text(self) -> QColor:
        return self._colour("text")

    @Property(QColor, notify=changed)
    def muted(self) -> QColor:
        return self._colour("muted")

    @Property(QColor, notify=changed)
    def disabled(self) -> QColor:
        return self._colour("disabled")

    @Property(QColor, notify=changed)
    def error(self) -> QColor:
        return self._colour("error")

    @Property(QColor, notify=changed)
    def success(self) -> QColor:
        return self._colour("success")

    @Property(QColor, notify=changed)
    def header(self) -> QColor:
        return self._colour("header")

    @Property(QColor, notify=changed)
    def onHeader(self) -> QColor:
        return self._colour("onHeader")

    @Property(QColor, notify=changed)
    def border(self) -> QColor:
        return self._colour("border")

    @Property(QColor, notify=changed)
    def overlay(self) -> QColor:
        return self._colour("overlay")
