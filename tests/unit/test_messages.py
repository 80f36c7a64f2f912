"""Every error key the package can raise has a message in all three languages."""

from __future__ import annotations

import re
from pathlib import Path

from kiosk.messages import LANGS, MESSAGES, translate

PACKAGE = Path(__file__).resolve().parents[2] / "kiosk"
KEY_CALL = re.compile(r"""(?:Error|FieldError|IdentityError|KioskError)\(\s*["']([a-z_]+\.[a-z_.]+)["']""")


def test_all_messages_have_three_languages() -> None:
    for key, texts in MESSAGES.items():
        assert set(texts) == set(LANGS), key
        assert all(texts[lang].strip() for lang in LANGS), key
        assert texts["zh-Hans"] != texts["en"], key


def test_every_raised_key_is_translated() -> None:
    raised = set()
    for path in PACKAGE.rglob("*.py"):
        raised.update(KEY_CALL.findall(path.read_text(encoding="utf-8")))
    assert raised, "the scan found no keys: the pattern is broken"
    missing = sorted(k for k in raised if k not in MESSAGES)
    assert not missing, f"keys without translations: {missing}"


def test_unknown_key_falls_back_to_the_generic_fault() -> None:
    assert translate("no.such.key", "en") == MESSAGES["unexpected"]["en"]
