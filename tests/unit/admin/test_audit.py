"""The admin audit log: append-only JSONL, fsynced, hash-chained, redacted."""

from __future__ import annotations

import json
from pathlib import Path

from kiosk.admin import AuditLog
from tests.factories import StepClock


def test_append_chain_and_tamper_detection(tmp_path: Path) -> None:
    clock = StepClock()
    log = AuditLog(tmp_path / "admin" / "audit.jsonl", now=clock)
    for n in range(3):
        clock.advance(seconds=1)
        log.append("admin.force_sync", "ok", {"n": n})
    # a new object (a restarted kiosk) continues the same chain
    AuditLog(log.path, now=clock).append("admin.restart_app")
    assert log.verify() == (True, 4)
    lines = log.path.read_text().splitlines()
    assert json.loads(lines[0])["at"] == "2026-11-25T09:30:01.000+00:00"
    edited = json.loads(lines[1])
    edited["outcome"] = "failed"
    lines[1] = json.dumps(edited, sort_keys=True, ensure_ascii=False)
    log.path.write_text("\n".join(lines) + "\n")
    assert log.verify() == (False, 2)


def test_details_are_redacted(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    log.append("admin.device_test", "ok", {"note": "card 360426199101010071 read", "count": 1})
    text = log.path.read_text()
    assert "360426199101010071" not in text and "[redacted]" in text
    assert log.entries(limit=1)[0]["detail"]["count"] == 1


def test_torn_last_line_is_skipped(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    log.append("admin.entry", "ok")
    with log.path.open("ab") as fh:
        fh.write(b'{"action": "admin.ent')
    assert [e["action"] for e in log.entries()] == ["admin.entry"]
