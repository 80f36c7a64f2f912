"""`kiosk backoffice create-enrolment-code`, `kiosk enroll`, `kiosk sync --once`, `kiosk sync status`,
and the [sync] config section."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from bench.sync_harness import ThreadedBackOffice, make_submission, write_kiosk_config
from kiosk.app import open_outbox
from kiosk.cli import main
from kiosk.config import load_config
from kiosk.errors import ConfigError


def test_enroll_sync_once_and_status(tmp_path: Path, backoffice: ThreadedBackOffice,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    config_path = write_kiosk_config(tmp_path / "k", backoffice.url, backoff_base_s=0.05, backoff_cap_s=0.5)
    assert main(["--config", str(config_path), "backoffice", "--db", backoffice.settings.db_url,
                 "create-enrolment-code", "--terminal-id", "T-CLI"]) == 0
    code = re.search(r"enrolment code (\S+)", capsys.readouterr().out)
    assert code is not None
    assert main(["--config", str(config_path), "sync", "status"]) == 0
    assert "not enrolled" in capsys.readouterr().out
    assert main(["--config", str(config_path), "enroll", "--code", code.group(1)]) == 0
    assert "T-CLI" in capsys.readouterr().out
    assert main(["--config", str(config_path), "enroll", "--code", code.group(1)]) == 2  # one use only
    assert "sync.enrol_failed" in capsys.readouterr().err

    config = load_config(config_path)
    outbox = open_outbox(config)
    uid = outbox.enqueue(make_submission(0, random.Random(1), (1000,))).uuid
    outbox.close()
    assert main(["--config", str(config_path), "sync", "--once"]) == 0
    assert "accepted 1" in capsys.readouterr().out
    assert main(["--config", str(config_path), "sync", "status"]) == 0
    out = capsys.readouterr().out
    assert "T-CLI" in out and "unsent        0" in out and "sync.last_ok_at" in out
    assert uid in backoffice.db.submission_uuids()


def test_sync_without_enrolment_fails_with_a_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config_path = write_kiosk_config(tmp_path / "k", "http://127.0.0.1:9")
    assert main(["--config", str(config_path), "sync", "--once"]) == 2
    assert "sync.not_enrolled" in capsys.readouterr().err


@pytest.mark.parametrize(("url", "ok"), [
    ("http://127.0.0.1:8765", True), ("https://bo.example.gov.cn/base/", True), ("http://localhost:1", True),
    ("http://bo.example.gov.cn", False), ("ftp://127.0.0.1", False), ("https://bo.example?x=1", False),
])
def test_sync_url_rules(tmp_path: Path, url: str, ok: bool) -> None:
    path = write_kiosk_config(tmp_path, url)
    if ok:
        assert load_config(path).sync.url == url.rstrip("/")
    else:
        with pytest.raises(ConfigError) as info:
            load_config(path)
        assert "sync.url" in info.value.detail


def test_backoff_cap_below_base_is_refused(tmp_path: Path) -> None:
    path = write_kiosk_config(tmp_path, "http://127.0.0.1:1", backoff_base_s=10, backoff_cap_s=5)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "backoff_cap_s" in info.value.detail


@pytest.mark.parametrize("profile", ["demo", "hall", "remote"])
def test_profiles_have_a_sync_section(profile: str) -> None:
    sync = load_config(profile=profile).sync
    assert sync.url.startswith("http://127.0.0.1" if profile == "demo" else "https://")
    assert sync.backoff_cap_s >= sync.backoff_base_s
