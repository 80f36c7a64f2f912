"""Only one process rotates a log file: ``kiosk sync`` (and other secondary processes) log to
their own file, or only to stderr (the journal) when systemd started them (issue 7)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.sync_harness import write_kiosk_config
from kiosk.log import process_log_file, setup_logging, setup_process_logging, under_journal

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def restore_root() -> Iterator[None]:
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        yield
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
                handler.close()
        root.setLevel(level)


def test_process_file_is_beside_the_apps_and_never_the_same() -> None:
    app = Path("/var/log/smarthall-kiosk/kiosk.log")
    assert process_log_file(app, "sync") == Path("/var/log/smarthall-kiosk/kiosk-sync.log")
    assert process_log_file(app, "sync") != app
    assert process_log_file(None, "sync") is None
    with pytest.raises(ValueError):
        process_log_file(app, "../x")


def test_journal_detection() -> None:
    assert under_journal({"JOURNAL_STREAM": "8:12345"})
    assert under_journal({"INVOCATION_ID": "0123abcd"})
    assert not under_journal({"HOME": "/root"})


def test_secondary_process_writes_its_own_file(tmp_path: Path, restore_root: None) -> None:
    app_file = tmp_path / "logs" / "kiosk.log"
    _ring, used = setup_process_logging("INFO", app_file, "sync", environ={})
    logging.getLogger("kiosk.sync.worker").info("sync cycle done")
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert used == tmp_path / "logs" / "kiosk-sync.log"
    assert "sync cycle done" in used.read_text(encoding="utf-8")
    assert not app_file.exists()


def test_under_systemd_a_secondary_process_opens_no_file(tmp_path: Path, restore_root: None) -> None:
    app_file = tmp_path / "logs" / "kiosk.log"
    _ring, used = setup_process_logging("INFO", app_file, "sync", environ={"INVOCATION_ID": "x"})
    assert used is None
    files = [h for h in logging.getLogger().handlers
             if isinstance(h, logging.FileHandler) and getattr(h, "_kiosk", False)]
    assert files == []
    assert not (tmp_path / "logs").exists()


def test_a_rollover_in_one_process_leaves_the_other_file_alone(tmp_path: Path, restore_root: None) -> None:
    """The app's size-capped handler rolls over; the sync file (another process) is untouched."""
    app_file = tmp_path / "kiosk.log"
    sync_file = process_log_file(app_file, "sync")
    assert sync_file is not None
    sync_file.write_text("sync line\n", encoding="utf-8")
    setup_logging("INFO", app_file, stream=False, max_bytes=200, backups=2)
    for i in range(20):
        logging.getLogger("kiosk.app").info("app line %d with some padding to fill the file", i)
    assert (tmp_path / "kiosk.log.1").exists()
    assert sync_file.read_text(encoding="utf-8") == "sync line\n"
    assert not (tmp_path / "kiosk-sync.log.1").exists()


@pytest.mark.parametrize("journal", [False, True])
def test_kiosk_sync_does_not_open_the_apps_log_file(tmp_path: Path, journal: bool) -> None:
    """The real ``kiosk sync --once`` process (not enrolled: it stops after setting up logging)."""
    config = write_kiosk_config(tmp_path / "kiosk", "http://127.0.0.1:9")
    logs = tmp_path / "kiosk" / "data" / "logs"
    env = {k: v for k, v in os.environ.items() if k not in ("JOURNAL_STREAM", "INVOCATION_ID")}
    if journal:
        env["INVOCATION_ID"] = "0123456789abcdef"
    done = subprocess.run([sys.executable, "-m", "kiosk.cli", "--config", str(config), "sync", "--once"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2, done.stderr  # sync.not_enrolled
    assert "sync.not_enrolled" in done.stderr
    assert not (logs / "kiosk.log").exists()
    assert (logs / "kiosk-sync.log").exists() is not journal
