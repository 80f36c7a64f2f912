"""One source of truth per text: qsTr strings in the .ts files (all finished), message keys in
kiosk.messages (all three languages)."""

from __future__ import annotations

import re
import typing
import xml.etree.ElementTree as ET

import pytest

from kiosk.catalog.model import Channel, Device
from kiosk.messages import LANGS, MESSAGES
from kiosk.store.models import Status
from kiosk.ui.i18n import QML_DIR, qm_path, ts_path, unfinished
from kiosk.ui.models.session import RATING_REASONS

_QSTR = re.compile(r'qsTr\("((?:[^"\\]|\\.)*)"')


def _qml_strings() -> set[str]:
    found: set[str] = set()
    for path in QML_DIR.rglob("*.qml"):
        found |= {m.encode().decode("unicode_escape") if "\\" in m else m
                  for m in _QSTR.findall(path.read_text(encoding="utf-8"))}
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_every_shipped_language_is_finished(lang: str) -> None:
    assert unfinished(lang) == []  # type: ignore[arg-type]
    assert qm_path(lang).exists()  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", LANGS)
def test_every_qml_string_is_in_the_ts_file(lang: str) -> None:
    root = ET.parse(ts_path(lang)).getroot()  # type: ignore[arg-type]  # noqa: S314
    sources = {m.findtext("source") for m in root.iter("message")}
    missing = _qml_strings() - sources
    assert not missing, f"run python -m kiosk.ui.i18n update: {sorted(missing)}"


def test_translations_differ_from_english_for_chinese() -> None:
    for lang in ("zh-Hans", "zh-Hant"):
        root = ET.parse(ts_path(lang)).getroot()  # type: ignore[arg-type]  # noqa: S314
        same = [m.findtext("source") for m in root.iter("message")
                if m.findtext("source") == m.findtext("translation")]
        assert same == [], lang


def _ui_keys() -> set[str]:
    keys = {f"status.{s}" for s in typing.get_args(Status)}
    keys |= {f"channel.{c}" for c in typing.get_args(Channel)}
    keys |= {f"journey.device_unavailable.{d}" for d in typing.get_args(Device)}
    keys |= {f"rating.reason.{r}" for r in RATING_REASONS}
    keys |= {"journey.idle_warning", "journey.submitted", "receipt.next_step.default",
             "policy.no_match", "journey.service_unavailable", "journey.no_accepted_id",
             "journey.consent_required", "unexpected", "store.not_found", "store.disk_full",
             "journey.tracking_required", "journey.materials_missing", "journey.too_few_pages"}
    return keys


@pytest.mark.parametrize("key", sorted(_ui_keys()))
def test_every_key_the_ui_shows_is_translated(key: str) -> None:
    texts = MESSAGES[key]
    assert all(texts.get(lang, "").strip() for lang in LANGS), key


def test_switching_languages_loads_each_translator_once(qapp: object) -> None:
    # a 24/7 kiosk switches language in most sessions: no QTranslator (and .qm data) per switch
    from PySide6.QtCore import QCoreApplication, QTranslator

    from kiosk.ui.i18n import Translations

    app = QCoreApplication.instance()
    assert app is not None
    before = len(app.findChildren(QTranslator))
    translations = Translations(app)
    loaded = []
    try:
        for lang in ("zh-Hans", "en", "zh-Hant") * 4:
            assert translations.install(lang)
            loaded.append(translations._translator)
    finally:
        if loaded and loaded[-1] is not None:
            app.removeTranslator(loaded[-1])  # leave the application as the other tests expect
    assert len({id(t) for t in loaded}) == 3
    assert len(app.findChildren(QTranslator)) == before
