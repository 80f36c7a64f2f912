"""A non-blocking exclusive ``flock`` on a lock file: one process at a time for a job (one
sync process per terminal, the app's maintenance beside the timer's). A process killed with
SIGKILL releases it with its file descriptors."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

__all__ = ["try_flock"]


def try_flock(path: Path) -> int | None:
    """The locked file's descriptor (close it to release), or ``None`` if another holds it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd
