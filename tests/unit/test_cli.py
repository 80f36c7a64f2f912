from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.app import open_outbox
from kiosk.cli import main
from kiosk.config import load_config
from tests.conftest import LogCollector
from tests.factories import make_submission

Capsys = pytest.CaptureFixture[str]


@pytest.fixture
def queued(tmp_config_file: Path, expect_logs: LogCollector) -> str:
    box = open_outbox(load_config(tmp_config_file))
    try:
        return box.enqueue(make_submission(2, name="命令行测试人")).tracking_no
    finally:
        box.close()


def test_queue_list_is_redacted(tmp_config_file: Path, queued: str, capsys: Capsys) -> None:
    assert main(["--config", str(tmp_config_file), "queue", "list"]) == 0
    out = capsys.readouterr().out
    assert queued in out and "queued" in out and "unsent 1" in out
    assert "命令行测试人" not in out and "360426199101010071" not in out


def test_queue_show_and_json(tmp_config_file: Path, queued: str, capsys: Capsys) -> None:
    assert main(["--config", str(tmp_config_file), "queue", "show", queued.lower()]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["tracking_no"] == queued
    assert shown["personal_data"] == "encrypted (not shown)"
    assert [a["event"] for a in shown["audit"]] == ["queued"]
    assert main(["--config", str(tmp_config_file), "queue", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 1 and len(rows[0]["attachments"]) == 2
    assert "命令行测试人" not in json.dumps(rows, ensure_ascii=False)


def test_queue_purge_dry_run(tmp_config_file: Path, queued: str, capsys: Capsys) -> None:
    assert main(["--config", str(tmp_config_file), "queue", "purge", "--dry-run", "--days", "0"]) == 0
    # not accepted by the back office yet: nothing may be purged
    assert "would purge personal data of 0 submission(s)" in capsys.readouterr().out


def test_catalog_commands(capsys: Capsys) -> None:
    assert main(["catalog", "validate"]) == 0
    assert "15 items" in capsys.readouterr().out
    assert main(["catalog", "search", "gssldj"]) == 0
    assert "公司设立登记" in capsys.readouterr().out
    assert main(["--profile", "remote", "catalog", "list"]) == 0
    out = capsys.readouterr().out
    assert "公司設立登記" in out  # remote: Traditional Chinese first
    assert "醫師執業註冊" not in out and "医师执业注册" not in out  # not offered remotely


def test_bad_config_exits_non_zero_with_the_key_path(tmp_path: Path, capsys: Capsys) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[store]\nretention_days = 'forever'\n", encoding="utf-8")
    assert main(["--config", str(bad), "queue", "list"]) == 2
    err = capsys.readouterr().err
    assert "store.retention_days" in err and "config.invalid" in err


def test_diag_reports_and_exits_non_zero_without_a_back_office(
    tmp_config_file: Path, tmp_path: Path, capsys: Capsys, expect_logs: LogCollector
) -> None:
    report = tmp_path / "diag.pdf"
    code = main(["--config", str(tmp_config_file), "diag", "--json", "--report", str(report)])
    out = json.loads(capsys.readouterr().out)
    assert code == 1  # the link to the back office is required and nothing listens on it
    checks = {c["id"]: c for c in out["checks"]}
    assert checks["link"]["level"] == "fail" and out["ok"] is False
    assert checks["device.id_card_reader"]["level"] == "ok"
    assert report.read_bytes().startswith(b"%PDF")


def test_the_launcher_pauses_the_garbage_collector_for_the_kiosks_start_only(
        tmp_config_file: Path, queued: str, capsys: Capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    """``kiosk`` (kiosk.__main__) pauses the cyclic collector; any command but ``run`` turns it
    on again at once (``run`` does after its first frame: tests/ui/test_cold_start.py)."""
    import gc

    import kiosk.__main__ as launcher

    monkeypatch.setattr("sys.argv", ["kiosk", "--config", str(tmp_config_file), "queue", "list"])
    try:
        assert launcher.main() == 0
        assert gc.isenabled()
        assert queued in capsys.readouterr().out
    finally:
        gc.enable()
