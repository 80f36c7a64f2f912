"""UI translations: Qt Linguist ``.ts`` sources in ``assets/translations``, compiled to ``.qm``
at setup/build time (``.qm`` are build outputs, not committed).

Screens use ``qsTr()`` (source strings in English); message keys (errors, statuses) are not
here but in :mod:`kiosk.messages`, their one source of truth, which the view models translate.

``python -m kiosk.ui.i18n build``   compile every ``.ts`` to ``.qm`` (run.sh setup calls this)
``python -m kiosk.ui.i18n update``  refresh the ``.ts`` from the QML sources (pyside6-lupdate)
``python -m kiosk.ui.i18n check``   list unfinished entries (exit 1 if any)
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Final

from PySide6.QtCore import QCoreApplication, QTranslator

from kiosk.config import ASSETS_DIR, Lang
from kiosk.messages import LANGS

__all__ = ["QML_DIR", "TS_DIR", "Translations", "build", "qm_path", "ts_path", "unfinished"]

log = logging.getLogger(__name__)

TS_DIR: Final = ASSETS_DIR / "translations"
QML_DIR: Final = Path(__file__).resolve().parent / "qml"
_QT_LANG: Final[dict[str, str]] = {"zh-Hans": "zh_CN", "zh-Hant": "zh_TW", "en": "en"}


def ts_path(lang: Lang) -> Path:
    return TS_DIR / f"kiosk_{lang}.ts"


def qm_path(lang: Lang) -> Path:
    return TS_DIR / f"kiosk_{lang}.qm"


def _tool(name: str) -> str:
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} not found (install PySide6)")
    return found


def build(*, force: bool = False) -> list[Path]:
    """Compile each ``.ts`` whose ``.qm`` is missing or older; returns the files written."""
    written = []
    for lang in LANGS:
        ts, qm = ts_path(lang), qm_path(lang)
        if not force and qm.exists() and qm.stat().st_mtime >= ts.stat().st_mtime:
            continue
        subprocess.run([_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)],
                       check=True)
        written.append(qm)
    return written


def update() -> None:
    """Refresh the ``.ts`` files from the QML sources (new strings arrive unfinished)."""
    sources = sorted(str(p) for p in QML_DIR.rglob("*.qml"))
    for lang in LANGS:
        subprocess.run([_tool("pyside6-lupdate"), "-silent", "-no-obsolete", "-locations", "none",
                        "-target-language", _QT_LANG[lang], *sources, "-ts", str(ts_path(lang))],
                       check=True)


def unfinished(lang: Lang) -> list[str]:
    """Source strings of ``lang``'s ``.ts`` without a finished translation."""
    root = ET.parse(ts_path(lang)).getroot()  # noqa: S314 - our own file
    out = []
    for message in root.iter("message"):
        source = message.findtext("source") or ""
        tr = message.find("translation")
        if tr is None or tr.get("type") in ("unfinished", "obsolete", "vanished") or not (
                tr.text or "").strip():
            out.append(source)
    return out


class Translations:
    """Installs the session language's translator on the application."""

    def __init__(self, app: QCoreApplication) -> None:
        self._app = app
        self._translator: QTranslator | None = None
        # one translator per language, loaded once: a new one per switch, parented to the app,
        # was never deleted (a QTranslator and its .qm data leaked at every session's language)
        self._loaded: dict[Lang, QTranslator] = {}
        self.language: Lang | None = None

    def install(self, lang: Lang) -> bool:
        if lang == self.language:
            return True
        if self._translator is not None:
            self._app.removeTranslator(self._translator)
            self._translator = None
        self.language = lang
        translator = self._loaded.get(lang)
        if translator is None:
            translator = QTranslator()
            if not translator.load(str(qm_path(lang))):
                log.error("translations for %s missing (%s): run python -m kiosk.ui.i18n build",
                          lang, qm_path(lang))
                return False
            self._loaded[lang] = translator
        self._app.installTranslator(translator)
        self._translator = translator
        return True


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "build"
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if command == "build":
        for path in build(force="--force" in args):
            log.info("wrote %s", path)
        return 0
    if command == "update":
        update()
        return 0
    if command == "check":
        bad = {lang: unfinished(lang) for lang in LANGS}
        for lang, sources in bad.items():
            for source in sources:
                log.info("%s: unfinished: %s", lang, source)
        return 1 if any(bad.values()) else 0
    log.error("usage: python -m kiosk.ui.i18n build|update|check")
    return 2


if __name__ == "__main__":
    sys.exit(main())
