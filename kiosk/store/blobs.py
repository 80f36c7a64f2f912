"""Encrypted attachment files, content-addressed by the SHA-256 of their ciphertext.

A blob is written to a temp file, fsynced, renamed into place and the directory fsynced
*before* the row that references it commits; so after any crash a committed row's blob is
complete, and a blob without a row is an orphan that :meth:`BlobStore.sweep` removes.
Writers hold a shared ``flock`` on the directory's lock file from the first blob write to the
commit; the sweep takes it exclusively, so it never deletes a blob whose row is about to commit.
A process killed with SIGKILL releases its lock with its file descriptors.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kiosk.errors import StoreError
from kiosk.store.crypto import DataKey
from kiosk.store.db import translate_errors

log = logging.getLogger(__name__)


class BlobStore:
    def __init__(self, directory: Path, key: DataKey) -> None:
        self.dir = directory
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._key = key
        self._lock_path = self.dir / ".lock"

    @contextlib.contextmanager
    def _flock(self, mode: int) -> Iterator[None]:
        fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, mode)
            yield
        finally:
            os.close(fd)  # releases the lock

    def writing(self) -> contextlib.AbstractContextManager[None]:
        """Hold this around writing blobs and committing the rows that reference them."""
        return self._flock(fcntl.LOCK_SH)

    def put(self, data: bytes, aad: bytes) -> str:
        """Encrypt and durably write ``data``; returns the blob name."""
        ciphertext = self._key.encrypt(data, aad)
        name = hashlib.sha256(ciphertext).hexdigest()
        final = self.dir / name
        tmp = self.dir / f".{name}.{os.getpid()}.tmp"
        with translate_errors():
            try:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                try:
                    view = memoryview(ciphertext)
                    while view:
                        written = os.write(fd, view)
                        view = view[written:]
                    os.fsync(fd)
                finally:
                    os.close(fd)
                tmp.replace(final)
                dfd = os.open(self.dir, os.O_RDONLY | os.O_DIRECTORY)
                try:
                    os.fsync(dfd)
                finally:
                    os.close(dfd)
            except BaseException:
                with contextlib.suppress(OSError):
                    tmp.unlink()
                raise
        return name

    def get(self, name: str, aad: bytes) -> bytes:
        with translate_errors():
            ciphertext = (self.dir / name).read_bytes()
        if hashlib.sha256(ciphertext).hexdigest() != name:
            raise StoreError("store.corrupt", f"blob {name[:12]} does not match its hash")
        return self._key.decrypt(ciphertext, aad)

    def exists(self, name: str) -> bool:
        return (self.dir / name).is_file()

    def delete(self, names: Iterable[str]) -> int:
        removed = 0
        for name in names:
            with contextlib.suppress(FileNotFoundError):
                (self.dir / name).unlink()
                removed += 1
        return removed

    def names(self) -> set[str]:
        return {p.name for p in self.dir.iterdir() if not p.name.startswith(".")}

    def sweep(self, referenced: Callable[[], Iterable[str]]) -> int:
        """Delete temp files and blobs no row references. Waits for writers to finish.

        ``referenced`` is read only once the exclusive lock is held: a writer that committed
        just before must find its blob kept.
        """
        removed = 0
        with self._flock(fcntl.LOCK_EX):
            keep = set(referenced())
            for path in self.dir.iterdir():
                if path.name == ".lock":
                    continue
                if path.name.endswith(".tmp") or path.name not in keep:
                    with contextlib.suppress(FileNotFoundError):
                        path.unlink()
                        removed += 1
        if removed:
            log.info("swept %d orphaned attachment file(s)", removed)
        return removed
