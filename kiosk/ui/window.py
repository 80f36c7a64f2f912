"""The kiosk window: a QQuickView over ``qml/Main.qml`` with the session view model, the Theme,
image providers, translations and the idle tick, wired to a journey.

Portrait 1080×1920 or landscape 1920×1080, picked from the screen's shape unless overridden;
full-screen on a real display. Offscreen (tests, screenshots) it is a plain window of that size.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, Literal

from PySide6.QtCore import QCoreApplication, QLoggingCategory, QSize, QTimer, QUrl
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QImage
from PySide6.QtQuick import QQuickItem, QQuickView
from PySide6.QtQuickControls2 import QQuickStyle

from kiosk.config import Config
from kiosk.journey import Journey, OutboxPort
from kiosk.ui.bridge import JourneyBridge
from kiosk.ui.i18n import QML_DIR, Translations
from kiosk.ui.images import PageImageProvider, QrImageProvider
from kiosk.ui.models.admin import AdminModel
from kiosk.ui.models.capture import CameraImageProvider, CaptureModel
from kiosk.ui.models.session import SessionModel
from kiosk.ui.speech import Say, VoicePrompts
from kiosk.ui.theme import Theme, screen_dpi

__all__ = ["CJK_FONT", "KioskWindow", "Orientation", "prepare_environment"]

log = logging.getLogger(__name__)

Orientation = Literal["auto", "portrait", "landscape"]
PORTRAIT: Final = QSize(1080, 1920)
LANDSCAPE: Final = QSize(1920, 1080)
CJK_FONT: Final = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
# Qt's own modules log these at warning level on a machine without PipeWire/with the shipped
# keyboard QML; they say nothing about the kiosk
_QUIET_CATEGORIES: Final = ("qt.multimedia.symbolsresolver=false",
                            "qt.qml.propertyCache.append=false")


# how long a Python thread may hold the GIL while another waits (CPython's default: 5 ms). The
# card-poll, scanner, print and sync threads are mostly Python; at 5 ms the GUI thread waited
# for the GIL long enough to miss frames (bench/ui_speed.py: loaded p99 tick gap 15-19 ms at
# 5 ms, 8-10 ms at 1 ms, with the same scan/print/sync throughput)
GIL_SWITCH_INTERVAL_S: Final = 0.001


def prepare_environment() -> None:
    """Before the QGuiApplication exists: the virtual keyboard as input method, Basic style,
    and a short GIL switch interval so that worker threads yield to the GUI thread quickly."""
    os.environ["QT_IM_MODULE"] = "qtvirtualkeyboard"
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
    QLoggingCategory.setFilterRules("\n".join(_QUIET_CATEGORIES))
    QQuickStyle.setStyle("Basic")


def load_fonts(app: QGuiApplication) -> None:
    if CJK_FONT.exists():
        font_id = QFontDatabase.addApplicationFont(str(CJK_FONT))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if families:
            app.setFont(QFont(families[0]))
            return
    log.warning("CJK font %s not available; Chinese text may not render", CJK_FONT)


class KioskWindow:
    """Everything on screen for one journey; ``close()`` when done."""

    def __init__(self, app: QGuiApplication, *, config: Config, journey: Journey,
                 outbox: OutboxPort, page_source: Callable[[str, int], bytes],
                 orientation: Orientation = "auto", tick_ms: int = 1000,
                 speak: Say | None = None, camera: Any = None, camera_sim: Any = None) -> None:
        self.app = app
        load_fonts(app)
        screen = app.primaryScreen()
        size = self._pick_size(orientation, screen.size() if screen else None)
        self.theme = Theme(dpi=screen_dpi(screen), portrait=size.height() > size.width())
        self.bridge = JourneyBridge()
        self.session = SessionModel(journey, self.bridge, config, outbox=outbox,
                                    page_source=page_source)
        # the capture screen's live camera; a camera may also arrive later (attach_camera)
        self.capture = CaptureModel(self.session, self.bridge)
        if camera is not None:
            self.attach_camera(camera, camera_sim)
        self.translations = Translations(app)
        self.admin = AdminModel(journey)  # inert until the composition calls set_services
        self.voice = VoicePrompts(self.session, speak) if speak is not None else None
        self.view = QQuickView()
        self.view.setResizeMode(QQuickView.ResizeMode.SizeRootObjectToView)
        self.view.setTitle(config.terminal.name.get(journey.view().language))
        engine = self.view.engine()
        engine.addImageProvider("qr", QrImageProvider())
        engine.addImageProvider("pages", PageImageProvider(self.session.previews))
        engine.addImageProvider("camera", CameraImageProvider(self.session.previews))
        ctx = self.view.rootContext()
        ctx.setContextProperty("Theme", self.theme)
        ctx.setContextProperty("session", self.session)
        ctx.setContextProperty("admin", self.admin)
        ctx.setContextProperty("capture", self.capture)
        self._keyboard_data = Path(tempfile.mkdtemp(prefix="kiosk-keyboard-"))
        for sub in ("pinyin", "tcime"):
            (self._keyboard_data / sub).mkdir()
        ctx.setContextProperty("keyboardUserData", str(self._keyboard_data))
        self.session.languageSwitched.connect(self._on_language)
        self.session.changed.connect(self._sync_theme)
        self.view.resize(size)
        self.view.setSource(QUrl.fromLocalFile(str(QML_DIR / "Main.qml")))
        if self.view.status() != QQuickView.Status.Ready:
            errors = "; ".join(e.toString() for e in self.view.errors())
            raise RuntimeError(f"Main.qml failed to load: {errors}")
        # after the first load: QML's loader thread would call the Python-wrapped translator
        # while this thread holds the GIL inside setSource() (a deadlock)
        self._on_language(journey.view().language)
        self.timer = QTimer()
        self.timer.setInterval(tick_ms)
        self.timer.timeout.connect(self.session.tick)
        if tick_ms > 0:
            self.timer.start()

    def attach_camera(self, camera: Any, camera_sim: Any = None) -> None:
        """Give the capture screen its camera (the configured driver). ``camera_sim``: the
        scriptable simulator behind it, if any — the demo places document scenes under it."""
        scenes = None
        if camera_sim is not None and callable(getattr(camera_sim, "show_image", None)):
            from kiosk.capture.scene import ScenePlayer

            scenes = ScenePlayer(camera_sim)
        self.capture.attach_camera(camera, scenes=scenes)

    @staticmethod
    def _pick_size(orientation: Orientation, screen: QSize | None) -> QSize:
        if orientation == "portrait":
            return PORTRAIT
        if orientation == "landscape":
            return LANDSCAPE
        if screen is not None and screen.width() > screen.height():
            return LANDSCAPE
        return PORTRAIT

    def _sync_theme(self) -> None:
        self.theme.careMode = self.session.careMode

    def _on_language(self, lang: str) -> None:
        for code in ("zh-Hans", "zh-Hant", "en"):
            if code == lang:
                self.translations.install(code)
        self.view.engine().retranslate()

    def show(self, *, fullscreen: bool) -> None:
        if fullscreen:
            self.view.showFullScreen()
        else:
            self.view.show()

    @property
    def root(self) -> QQuickItem:
        return self.view.rootObject()

    def grab(self) -> QImage:
        return self.view.grabWindow()

    def close(self) -> None:
        self.timer.stop()
        self.bridge.wait_idle()
        self.admin.close()
        self.capture.close()
        self.session.close()
        self.view.close()
        self.view.setSource(QUrl())
        self.view.deleteLater()
        QCoreApplication.processEvents()
        shutil.rmtree(self._keyboard_data, ignore_errors=True)
