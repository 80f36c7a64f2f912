"""SQLite connection and schema migrations (``PRAGMA user_version``).

WAL journal, ``synchronous=FULL`` (a commit is on the disk when it returns, power cut
included), ``busy_timeout`` so a second process (``kiosk queue``, the sync worker) waits
instead of failing, foreign keys on. sqlite-utils creates and evolves the tables; writes that
must be atomic go through :func:`transaction` (``BEGIN IMMEDIATE`` … ``COMMIT``).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import sqlite_utils

from kiosk.errors import StoreError

log = logging.getLogger(__name__)

# SQLite primary result codes (https://www.sqlite.org/rescode.html)
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26


def store_error_from(err: BaseException) -> StoreError | None:
    """Map a disk or SQLite failure onto the store's error keys; None if it is not one."""
    if isinstance(err, StoreError):
        return err
    if isinstance(err, OSError):
        if err.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            return StoreError("store.disk_full", f"{errno.errorcode.get(err.errno or 0)}")
        if err.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return StoreError("store.read_only", f"{errno.errorcode.get(err.errno or 0)}")
        if err.errno == errno.EIO:
            return StoreError("store.corrupt", "EIO")
        return None
    if isinstance(err, sqlite3.Error):
        code = (getattr(err, "sqlite_errorcode", 0) or 0) & 0xFF
        name = getattr(err, "sqlite_errorname", "") or type(err).__name__
        if code == _SQLITE_FULL:
            return StoreError("store.disk_full", name)
        if code in (_SQLITE_READONLY, _SQLITE_CANTOPEN):
            return StoreError("store.read_only", name)
        if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
            return StoreError("store.corrupt", name)
        if code == _SQLITE_IOERR:
            # SQLite reports ENOSPC while extending the WAL as an I/O error
            return StoreError("store.disk_full", name)
    return None


@contextlib.contextmanager
def translate_errors() -> Iterator[None]:
    try:
        yield
    except (OSError, sqlite3.Error) as err:
        mapped = store_error_from(err)
        if mapped is None:
            raise
        raise mapped from err


def connect(path: Path) -> sqlite_utils.Database:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with translate_errors():
        conn = sqlite3.connect(path, isolation_level=None, timeout=30.0, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        # keep deleted personal data from lingering in free pages
        conn.execute("PRAGMA secure_delete = ON")
    return sqlite_utils.Database(conn)


@contextlib.contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite3.Connection]:
    """One atomic write: BEGIN IMMEDIATE (take the write lock now), COMMIT or ROLLBACK."""
    conn = db.conn
    with translate_errors():
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def _v1(db: sqlite_utils.Database) -> None:
    db.table("meta").create({"key": str, "value": str}, pk="key", not_null={"value"})
    db.table("submissions").create(
        {
            "uuid": str,
            "tracking_no": str,
            "tracking_key": str,  # tracking number without separators, for look-ups
            "item_code": str,
            "terminal_id": str,
            "language": str,
            "status": str,
            "created_at": str,
            "updated_at": str,
            "attempts": int,
            "next_attempt_at": str,
            "case_no": str,
            "reason": str,
            "accepted_at": str,
            "purged_at": str,
            "rating": int,
            "rating_reasons": str,  # JSON list of reason codes (no free text)
            "personal": bytes,  # AES-GCM(identity, form, consent); NULL once purged
        },
        pk="uuid",
        not_null={"tracking_no", "tracking_key", "item_code", "terminal_id", "language",
                  "status", "created_at", "updated_at", "attempts"},
        defaults={"attempts": 0},
    )
    db.table("submissions").create_index(["tracking_key"], unique=True)
    db.table("submissions").create_index(["status", "created_at"])
    db.table("attachments").create(
        {
            "submission_uuid": str,
            "seq": int,
            "material_id": str,
            "filename": str,
            "mime": str,
            "pages": int,
            "size": int,
            "sha256": str,  # of the plaintext, verified by the back office after upload
            "blob": str,  # file name: SHA-256 of the ciphertext
            "uploaded": int,
        },
        pk=("submission_uuid", "seq"),
        foreign_keys=[("submission_uuid", "submissions", "uuid")],
        not_null={"material_id", "filename", "mime", "pages", "size", "sha256", "blob"},
        defaults={"uploaded": 0},
    )
    db.table("attachments").create_index(["blob"])
    db.table("audit").create(
        {
            "id": int,
            "at": str,
            "submission_uuid": str,
            "event": str,
            "from_status": str,
            "to_status": str,
            "detail": str,  # never personal data
        },
        pk="id",
        not_null={"at", "event"},
    )
    db.table("audit").create_index(["submission_uuid"])
    db.table("tracking_seq").create({"day": str, "last": int}, pk="day", not_null={"last"})


def _v2(db: sqlite_utils.Database) -> None:
    """Sync bookkeeping: work claims, the last transport error, per-attachment verification.

    ``attachments.uploaded`` (v1) holds the byte offset the back office last confirmed;
    ``verified`` is set once the back office checked the whole file's SHA-256. Cursors and
    ETags of pulled documents live in ``meta`` (``sync.*`` keys).
    """
    subs = db.table("submissions")
    subs.add_column("claim_token", str)  # which sync run holds the item
    subs.add_column("claim_until", str)  # lease: a killed run's claim expires
    subs.add_column("last_error", str)  # last transient failure (technician-facing, no PII)
    db.table("attachments").add_column("verified", int, not_null_default=0)
    subs.create_index(["status", "next_attempt_at"], index_name="idx_submissions_due")


MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (_v1, _v2)


def migrate(db: sqlite_utils.Database) -> int:
    """Bring the schema to the newest version, one transaction per step; returns the version."""
    with translate_errors():
        current = int(db.execute("PRAGMA user_version").fetchone()[0])
    if current > len(MIGRATIONS):
        raise StoreError(
            "store.corrupt", f"database schema v{current} is newer than this app (v{len(MIGRATIONS)})"
        )
    for version in range(current + 1, len(MIGRATIONS) + 1):
        with transaction(db) as conn:
            MIGRATIONS[version - 1](db)
            conn.execute(f"PRAGMA user_version = {version}")
        log.info("store schema migrated to v%d", version)
    return len(MIGRATIONS)
