"""Voice prompts for key steps in care mode (DESIGN §3): Qt TextToSpeech where a speech engine
exists; otherwise skipped without error.

The spoken texts are the screens' own ``qsTr`` strings (same context and source, so the
``.ts`` files translate them) or message keys, in the session language.
"""

from __future__ import annotations

import ctypes.util
import logging
from collections.abc import Callable
from typing import Final

from PySide6.QtCore import QCoreApplication, QLocale, QObject

from kiosk.ui.models.session import KEYBOARD_LOCALES, SessionModel

__all__ = ["PROMPTS", "TextToSpeech", "VoicePrompts"]

log = logging.getLogger(__name__)

# screen → (QML context, source string) of the prompt spoken when it appears
PROMPTS: Final[dict[str, tuple[str, str]]] = {
    "identify": ("Identify", "Place your ID card on the reader"),
    "capture": ("Capture", "Place the document under the camera, flat and inside the frame"),
    "submitting": ("Submitting", "Please wait, do not leave yet."),
    "end": ("End", "Please take your receipt. Your details have been cleared from this screen."),
}

Say = Callable[[str, str], None]  # (text, session language)


class VoicePrompts(QObject):
    """Speaks the prompt of each key step once, when it appears, in care mode."""

    def __init__(self, session: SessionModel, say: Say, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._say = say
        self._last: tuple[str, bool, str] | None = None
        session.changed.connect(self._on_change)

    def _on_change(self) -> None:
        s = self._session
        if not s.property("careMode"):
            self._last = None
            return
        warning = bool(s.property("idleWarning"))
        key = (str(s.property("screen")), warning, str(s.property("language")))
        if key == self._last:
            return
        self._last = key
        if warning:
            text = str(s.property("idleText"))
        elif key[0] in PROMPTS:
            context, source = PROMPTS[key[0]]
            text = QCoreApplication.translate(context, source)
        else:
            return
        self._say(text, str(s.property("language")))


# engines whose plug-in loads a system library that may be missing (Qt logs a critical error)
_ENGINE_LIBRARIES: Final = {"speechd": "speechd", "flite": "flite"}


def _engine_runtime_present(engine: str) -> bool:
    library = _ENGINE_LIBRARIES.get(engine)
    return library is None or ctypes.util.find_library(library) is not None


class TextToSpeech:
    """The first working speech engine (never the ``mock`` one); silent when there is none."""

    def __init__(self) -> None:
        self._tts = None
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech
        except ImportError:
            log.info("Qt TextToSpeech not available: voice prompts off")
            return
        for engine in QTextToSpeech.availableEngines():
            if engine == "mock" or not _engine_runtime_present(engine):
                continue
            tts = QTextToSpeech(engine)
            if tts.state() != QTextToSpeech.State.Error:
                self._tts = tts
                log.info("voice prompts through the %s speech engine", engine)
                return
        log.info("no speech engine: voice prompts off")

    def __call__(self, text: str, language: str) -> None:
        if self._tts is None:
            return
        locale = QLocale(KEYBOARD_LOCALES.get(language, "en_US"))
        if any(loc.name() == locale.name() for loc in self._tts.availableLocales()):
            self._tts.setLocale(locale)
        self._tts.say(text)
