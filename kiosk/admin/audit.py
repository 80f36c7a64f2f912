"""The admin audit log: an append-only JSON Lines file in the data directory.

Every admin action (entry attempts, PIN changes, retried submissions, forced syncs, catalogue
reloads, restarts, diagnostics reports) is one line, written with ``O_APPEND`` and fsynced
before the action is reported done. Each line carries the SHA-256 of the previous line
(``prev``), so an edited or deleted line breaks the chain that :meth:`AuditLog.verify` walks.

No personal data goes in: details are short technician-facing strings and numbers, and every
string passes through :func:`kiosk.log.redact` as a second line of defence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

from kiosk.log import redact

log = logging.getLogger(__name__)

Now = Callable[[], dt.datetime]
Detail = Mapping[str, str | int | float | bool | None]

GENESIS: Final = "0" * 64
_MAX_DETAIL: Final = 200


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _digest(line: bytes) -> str:
    return hashlib.sha256(line.rstrip(b"\n")).hexdigest()


class AuditLog:
    """Append-only, fsynced, hash-chained JSONL file (mode 0600)."""

    def __init__(self, path: Path, *, now: Now = _utcnow) -> None:
        self.path = path
        self._now = now
        self._lock = threading.Lock()
        self._prev: str | None = None

    def append(self, action: str, outcome: str = "ok", detail: Detail | None = None) -> dict[str, Any]:
        """Append one entry and fsync it; returns the entry as written."""
        clean: dict[str, Any] = {}
        for key, value in (detail or {}).items():
            clean[str(key)] = redact(value)[:_MAX_DETAIL] if isinstance(value, str) else value
        with self._lock:
            prev = self._prev if self._prev is not None else self._last_digest()
            entry = {
                "at": self._now().astimezone(dt.UTC).isoformat(timespec="milliseconds"),
                "action": action,
                "outcome": outcome,
                "detail": clean,
                "prev": prev,
            }
            line = json.dumps(entry, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
            self._prev = _digest(line)
        log.info("admin audit: %s %s", action, outcome)
        return entry

    def _last_digest(self) -> str:
        try:
            with self.path.open("rb") as fh:
                fh.seek(0, os.SEEK_END)
                size = fh.tell()
                fh.seek(max(0, size - 8192))
                tail = fh.read()
        except FileNotFoundError:
            return GENESIS
        lines = [ln for ln in tail.split(b"\n") if ln.strip()]
        return _digest(lines[-1]) if lines else GENESIS

    def entries(self, limit: int | None = None) -> list[dict[str, Any]]:
        """The entries, oldest first (the last ``limit`` when given). A torn last line is skipped."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        out: list[dict[str, Any]] = []
        for line in raw.splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
        return out[-limit:] if limit else out

    def verify(self) -> tuple[bool, int]:
        """Walk the hash chain: ``(intact, number of entries checked before a break)``."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return True, 0
        prev = GENESIS
        count = 0
        for line in raw.splitlines():
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                return False, count
            if entry.get("prev") != prev:
                return False, count
            prev = _digest(line)
            count += 1
        return True, count
