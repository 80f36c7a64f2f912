"""Logging setup (DESIGN §6): a PII-redacting filter on every handler and a ring buffer
that the diagnostics screen reads.

Personal data must never be *passed* to a logger in the first place; this module is the
second line of defence:

* patterns for identifiers with a known shape (mainland ID / permit numbers, HKID, USCC,
  Home Return Permit numbers, mainland mobile numbers) are masked wherever they appear;
* :class:`SessionSecrets` holds the values of the current session (a name, an address)
  that have no shape; the journey registers them when they are read and clears them when
  the session is wiped, and the filter masks every occurrence.
"""

from __future__ import annotations

import collections
import logging
import logging.handlers
import os
import re
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Final

REDACTED: Final = "[redacted]"

_PATTERNS: Final[tuple[re.Pattern[str], ...]] = (
    # 18-character resident ID / residence permit / 2023 foreigner PR number (and 15-digit old ones)
    re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])"),
    re.compile(r"(?<![0-9A-Za-z])\d{15}(?![0-9A-Za-z])"),
    # unified social credit code (18 chars over the GB 32100 alphabet)
    re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10}(?![0-9A-Z])"),
    # HKID, with or without brackets: A123456(3), AB1234563
    re.compile(r"(?<![0-9A-Za-z])[A-Z]{1,2}\d{6}\(?[0-9A]\)?(?![0-9A-Za-z])"),
    # Home Return Permit: H/M + 8 digits (+ 2-digit renewal count)
    re.compile(r"(?<![0-9A-Za-z])[HM]\d{8}(?:\d{2})?(?![0-9A-Za-z])"),
    # mainland mobile numbers
    re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"),
)


class SessionSecrets:
    """Values of the current session that must never appear in a log line."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()

    def add(self, values: Iterable[str]) -> None:
        with self._lock:
            # very short values ("1", "男") would mask ordinary words; they carry little on their own
            self._values.update(v for v in values if isinstance(v, str) and len(v.strip()) >= 2)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def snapshot(self) -> list[str]:
        with self._lock:
            return sorted(self._values, key=len, reverse=True)


def redact(text: str, secrets: SessionSecrets | None = None) -> str:
    """Mask every identifier-shaped token and every registered session secret in ``text``."""
    if secrets is not None:
        for value in secrets.snapshot():
            text = text.replace(value, REDACTED)
    for pattern in _PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


class RedactingFilter(logging.Filter):
    """Formats the record's message once, redacts it, and freezes it (args cleared)."""

    def __init__(self, secrets: SessionSecrets | None = None) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = redact(message, self.secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        return True


class RingBufferHandler(logging.Handler):
    """Keeps the last ``capacity`` formatted (already redacted) lines for diagnostics."""

    def __init__(self, capacity: int = 500) -> None:
        super().__init__()
        self._lines: collections.deque[str] = collections.deque(maxlen=capacity)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._lines.append(self.format(record))
        except Exception:  # logging must never take the kiosk down
            self.handleError(record)

    def lines(self) -> list[str]:
        return list(self._lines)


FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(
    level: str = "INFO",
    log_file: Path | None = None,
    *,
    secrets: SessionSecrets | None = None,
    max_bytes: int = 5_000_000,
    backups: int = 5,
    stream: bool = True,
) -> RingBufferHandler:
    """Configure the root logger; every handler gets the redacting filter."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_kiosk", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    redactor = RedactingFilter(secrets)
    formatter = logging.Formatter(FORMAT)
    handlers: list[logging.Handler] = []
    ring = RingBufferHandler()
    handlers.append(ring)
    if stream:
        handlers.append(logging.StreamHandler())
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(
            logging.handlers.RotatingFileHandler(
                log_file, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
            )
        )
    for handler in handlers:
        handler.addFilter(redactor)
        handler.setFormatter(formatter)
        handler._kiosk = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    return ring


# ---------------------------------------------------------------- secondary processes
JOURNAL_ENV: Final = ("JOURNAL_STREAM", "INVOCATION_ID")


def under_journal(environ: Mapping[str, str] | None = None) -> bool:
    """True when systemd started this process (its stderr goes to the journal)."""
    env = os.environ if environ is None else environ
    return any(env.get(name) for name in JOURNAL_ENV)


def process_log_file(log_file: Path | None, process: str) -> Path | None:
    """The file a secondary process (``sync``, ``maintenance``) logs to: its own file beside the
    app's (``kiosk.log`` → ``kiosk-sync.log``), never the app's own. Only one process may
    rotate a file: two ``RotatingFileHandler`` on one file each rename it under the other."""
    if log_file is None:
        return None
    if not process or not process.replace("-", "").isalnum():
        raise ValueError(f"bad process name {process!r}")
    return log_file.with_name(f"{log_file.stem}-{process}{log_file.suffix or '.log'}")


def setup_process_logging(
    level: str,
    log_file: Path | None,
    process: str,
    *,
    secrets: SessionSecrets | None = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[RingBufferHandler, Path | None]:
    """Logging for a secondary process (``kiosk sync`` beside the app): under systemd, stderr
    only (the journal keeps and ages it); otherwise stderr plus a file of its own
    (:func:`process_log_file`). Returns the ring buffer and the file used (None: journal)."""
    target = None if under_journal(environ) else process_log_file(log_file, process)
    ring = setup_logging(level, target, secrets=secrets, stream=True)
    return ring, target
