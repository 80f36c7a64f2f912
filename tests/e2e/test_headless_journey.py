"""The headless journey end to end, and the PII scan the Foundation issue asks for: after a
scripted journey with seeded personal data at DEBUG level, no seeded value is found in plain
text in the database, its WAL, the attachment blobs, the keyring, the temp dir or the logs."""

from __future__ import annotations

import io
import logging
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.demo import DEFAULT_SCRIPT, run_headless_demo, simulated_card
from tests.conftest import LogCollector

SEEDED_FORM_VALUES = [
    "深圳市福田区晨曦科技有限公司", "广东省深圳市福田区福华三路100号", "13912345678",
    "软件开发；信息技术咨询服务",
]


@pytest.fixture
def isolated_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    tmp = tmp_path / "tmpdir"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    yield tmp


def _reset_logging() -> None:
    root = logging.getLogger()
    for handler in root.handlers[:]:
        if getattr(handler, "_kiosk", False):
            handler.flush()
            root.removeHandler(handler)
            handler.close()
    root.setLevel(logging.WARNING)


def test_demo_journey_and_no_personal_data_in_any_file(
    tmp_config_file: Path, tmp_path: Path, isolated_tmp: Path, expect_logs: LogCollector
) -> None:
    with socket.socket() as probe:  # a free loopback port for the demo's local back office
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    text = tmp_config_file.read_text(encoding="utf-8") + (
        f'\n[logging]\nlevel = "DEBUG"\n[sync]\nurl = "http://127.0.0.1:{port}"\n')
    tmp_config_file.write_text(text, encoding="utf-8")
    config = load_config(tmp_config_file)
    out = io.StringIO()
    try:
        code = run_headless_demo(config, script=DEFAULT_SCRIPT, out=out)
    finally:
        _reset_logging()
    printed = out.getvalue()
    assert code == 0, printed
    assert "committed to the outbox before this line" in printed
    assert "accepted by the back office: case number SZ2026" in printed
    assert "status of DM1-" in printed and ": approved (last known" in printed
    assert "科技初創企業房租補貼" in printed
    assert "idle_warning → attract" in printed
    assert printed.rstrip().endswith("personal values held by the journey: 0")

    card = simulated_card("resident")
    seeded = [card.number, card.name, card.address, *SEEDED_FORM_VALUES]
    log_file = config.paths.log_file
    assert log_file is not None and log_file.stat().st_size > 0
    assert "journey identify -identify-> form" in log_file.read_text(encoding="utf-8")
    # a fresh terminal creates its keyring master secret: the only warning of the run
    assert f"created a new keyring master secret at {config.keyring.master_secret_file}" in (
        expect_logs.messages())
    assert len(expect_logs.messages()) == 1, expect_logs.messages()
    scanned = 0
    # the kiosk's own files (the demo's local back office keeps its database beside them, in
    # data-backoffice/: staff process personal data there by design)
    for root in (tmp_path / "data", tmp_path / "secret", isolated_tmp):
        for path in root.rglob("*"):
            if not path.is_file():
                continue
            blob = path.read_bytes()
            scanned += 1
            for value in seeded:
                for encoding in ("utf-8", "utf-16-le", "gb18030"):
                    assert value.encode(encoding) not in blob, f"{value!r} ({encoding}) in {path}"
    # the database, its WAL, 6 attachment blobs, the keyring and the log were all looked at
    names = {p.name for p in (tmp_path / "data").rglob("*") if p.is_file()}
    assert {"queue.sqlite3", "kiosk.log"} <= names
    assert scanned >= 9
    # and nothing personal is printed on the technician's console either
    for value in seeded:
        assert value not in printed
