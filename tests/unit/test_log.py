from __future__ import annotations

import logging
from pathlib import Path

import pytest

from kiosk.log import REDACTED, SessionSecrets, redact, setup_logging


@pytest.mark.parametrize(
    "value",
    ["360426199101010071", "12010319880601824X", "A123456(3)", "AB1234569", "91110000600037341L",
     "H12345678", "M1234567801", "13800138000"],
)
def test_identifier_shapes_are_masked(value: str) -> None:
    assert redact(f"user typed {value} here") == f"user typed {REDACTED} here"


def test_ordinary_text_is_left_alone() -> None:
    text = "submission 0193a4f2-7c1e-7b3a-9d2e-1234567890ab queued (item 44030400SC-XK-0001, 2 attachment(s))"
    assert redact(text) == text


def test_session_secrets_are_masked_and_cleared() -> None:
    secrets = SessionSecrets()
    secrets.add(["张三丰", "深圳市福田区福华一路1号", "男"])
    assert redact("名字 张三丰 地址 深圳市福田区福华一路1号 性别 男", secrets) == (
        f"名字 {REDACTED} 地址 {REDACTED} 性别 男"
    )
    secrets.clear()
    assert "张三丰" in redact("张三丰", secrets)


def test_handlers_write_redacted_lines(tmp_path: Path) -> None:
    secrets = SessionSecrets()
    secrets.add(["李四"])
    log_file = tmp_path / "logs" / "kiosk.log"
    ring = setup_logging("DEBUG", log_file, secrets=secrets, stream=False)
    try:
        logging.getLogger("kiosk.test").info("card read for %s, number %s", "李四", "360426199101010071")
        try:
            raise ValueError("bad number 360426199101010071")
        except ValueError:
            logging.getLogger("kiosk.test").debug("parse failed", exc_info=True)
    finally:
        for handler in logging.getLogger().handlers[:]:
            if getattr(handler, "_kiosk", False):
                handler.flush()
                logging.getLogger().removeHandler(handler)
                handler.close()
    text = log_file.read_text(encoding="utf-8")
    assert "李四" not in text and "360426199101010071" not in text
    assert text.count(REDACTED) >= 3
    assert any("card read for [redacted]" in line for line in ring.lines())
