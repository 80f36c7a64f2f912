"""The durable, encrypted outbox (DESIGN §1, §5).

:meth:`Outbox.enqueue` returns only after the submission is on the disk: attachment blobs
first (fsynced), then one ``BEGIN IMMEDIATE`` transaction inserting the submission, its
attachment rows and an audit row, committed with ``synchronous=FULL``. Only then may the UI say
"submitted" or print a receipt.

Personal data (identity, form values, consent) is one AES-GCM blob per row, bound to the
submission's UUID; codes, statuses and times stay in the clear so the queue can be inspected
and synced without the key. Every status change appends an audit row (no personal data).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import logging
import re
import threading
import weakref
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import sqlite_utils
from stdnum.iso7064 import mod_37_36
from uuid6 import uuid7

from kiosk.errors import BugError, KnownError, StoreError
from kiosk.store import db as dbmod
from kiosk.store.blobs import BlobStore
from kiosk.store.crypto import DataKey
from kiosk.store.models import (
    ACCEPTED_OR_LATER,
    STATUSES,
    AttachmentInfo,
    NewSubmission,
    Receipt,
    Status,
    SubmissionRow,
)

log = logging.getLogger(__name__)

Now = Callable[[], dt.datetime]

# which status may follow which (back-office status updates may skip steps)
_LATER = frozenset(ACCEPTED_OR_LATER)
TRANSITIONS: dict[Status, frozenset[Status]] = {
    "queued": frozenset({"sending", "accepted", "rejected"}),
    "sending": frozenset({"queued", "accepted", "rejected"}),
    "rejected": frozenset({"queued"}),  # a technician re-queues a parked item
    "accepted": _LATER - {"accepted"},
    "in_review": _LATER - {"in_review", "accepted"},
    "needs_more": _LATER - {"needs_more", "accepted"},
    "approved": frozenset({"result_ready", "collected"}),
    "declined": frozenset({"collected"}),
    "result_ready": frozenset({"collected"}),
    "collected": frozenset(),
}
_ROW_COLUMNS = (
    "uuid, tracking_no, item_code, terminal_id, status, created_at, updated_at,"
    " attempts, case_no, reason, accepted_at, purged_at, rating"
)
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_MIME_EXT = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _ts(value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise BugError("unexpected", "naive datetime given to the store")
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _parse_ts(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def tracking_key(text: str) -> str:
    """A tracking number as typed or scanned → its canonical key (no separators, upper case)."""
    return re.sub(r"[^0-9A-Z]", "", text.upper())


def tracking_valid(text: str) -> bool:
    key = tracking_key(text)
    return len(key) >= 8 and mod_37_36.is_valid(key)


def format_tracking(terminal_code: str, day: dt.date, seq: int) -> str:
    """``DM1-261125-0007-Q``: terminal, local date, daily sequence, ISO 7064 check character."""
    body = f"{terminal_code}{day:%y%m%d}{seq:04d}"
    return f"{terminal_code}-{day:%y%m%d}-{seq:04d}-{mod_37_36.calc_check_digit(body)}"


class _CloseWithThread:
    """Sits in a thread-local slot beside that thread's connection and closes it when the slot
    is cleared (the thread's Python state ends). A sqlite3 connection sits in a reference cycle
    (its statement cache), so dropping it would leave the file open until a garbage collection."""

    __slots__ = ("_database",)

    def __init__(self, database: sqlite_utils.Database) -> None:
        self._database = database

    def __del__(self) -> None:
        self._database.close()


class Outbox:
    def __init__(
        self,
        database: sqlite_utils.Database,
        blobs: BlobStore,
        key: DataKey,
        *,
        terminal_id: str,
        terminal_code: str,
        max_attachment_bytes: int = 20 * 1024 * 1024,
        now: Now = _utcnow,
        db_path: Path | None = None,
    ) -> None:
        # One SQLite connection per thread: the GUI, the commit worker, the sync worker and the
        # admin screen all use the outbox, and a connection shared between threads would let one
        # thread's statements run inside another's open transaction. SQLite itself (WAL,
        # BEGIN IMMEDIATE, busy_timeout) then serialises the writers.
        # Every other thread's connection is closed when that thread's Python state ends (a Qt
        # pool thread drops it after each task, a sync push thread exits after each round): a
        # strong list of them kept two file descriptors open per commit and per push thread.
        self._db_path = db_path
        self._local = threading.local()
        self._local.db = database
        self._connections: weakref.WeakSet[sqlite_utils.Database] = weakref.WeakSet([database])
        self._primary = database  # the opening thread's: open until close()
        self._connections_lock = threading.Lock()
        self.blobs = blobs
        self._key = key
        self.terminal_id = terminal_id
        self.terminal_code = terminal_code
        self.max_attachment_bytes = max_attachment_bytes
        self._now = now

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(
        cls,
        data_dir: Path,
        key_provider: Callable[[bool], DataKey],
        *,
        terminal_id: str,
        terminal_code: str,
        max_attachment_bytes: int = 20 * 1024 * 1024,
        now: Now = _utcnow,
        sweep: bool = True,
    ) -> Outbox:
        """Open (creating or migrating) the store in ``data_dir``.

        ``key_provider(create)`` returns the data key; ``create`` is true only for a store that
        has never held a key, so a lost keyring is an error, never a silent new key.
        """
        database = dbmod.connect(data_dir / "queue.sqlite3")
        dbmod.migrate(database)
        row = database.execute("SELECT value FROM meta WHERE key = 'key_check'").fetchone()
        key = key_provider(row is None)
        if row is None:
            with dbmod.transaction(database) as conn:
                conn.execute("INSERT INTO meta(key, value) VALUES ('key_check', ?)", (key.check_value,))
        elif row[0] != key.check_value:
            raise KnownError("store.key_unavailable", "the keyring's data key does not match this store")
        outbox = cls(
            database,
            BlobStore(data_dir / "blobs", key),
            key,
            terminal_id=terminal_id,
            terminal_code=terminal_code,
            max_attachment_bytes=max_attachment_bytes,
            now=now,
            db_path=data_dir / "queue.sqlite3",
        )
        if sweep:
            outbox.sweep_orphans()
        return outbox

    @property
    def db(self) -> sqlite_utils.Database:
        """This thread's connection (opened on first use, with the store's pragmas)."""
        database: sqlite_utils.Database | None = getattr(self._local, "db", None)
        if database is None:
            if self._db_path is None:
                raise BugError("unexpected", "an outbox without a path is single-threaded")
            database = dbmod.connect(self._db_path)
            self._local.db = database
            self._local.closer = _CloseWithThread(database)
            with self._connections_lock:
                self._connections.add(database)
        return database

    def close(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
            self._connections.clear()
        for database in connections:
            database.close()

    # ------------------------------------------------------------------ writing
    def enqueue(self, submission: NewSubmission) -> Receipt:
        """Durably queue ``submission``; returns once it would survive a power cut (its
        ``attachments_later`` are built first, on the caller's thread)."""
        submission = submission.with_attachments()
        for att in submission.attachments:
            if len(att.data) > self.max_attachment_bytes:
                raise StoreError("store.attachment_too_large", f"{len(att.data)} bytes")
        uid = str(uuid7())
        now = self._now()
        written: list[str] = []
        try:
            with self.blobs.writing():
                infos = []
                for seq, att in enumerate(submission.attachments):
                    name = self.blobs.put(att.data, self._attachment_aad(uid, seq))
                    written.append(name)
                    infos.append((seq, att, name))
                personal = self._key.encrypt_json(
                    {
                        "identity": submission.identity,
                        "form": submission.form,
                        "consent": {
                            "text_version": submission.consent.text_version,
                            "accepted_at": _ts(submission.consent.accepted_at),
                            "language": submission.consent.language,
                        },
                    },
                    self._personal_aad(uid),
                )
                with dbmod.transaction(self.db) as conn:
                    tracking = self._next_tracking(conn, now)
                    conn.execute(
                        "INSERT INTO submissions(uuid, tracking_no, tracking_key, item_code,"
                        " terminal_id, language, status, created_at, updated_at, attempts,"
                        " personal) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, 0, ?)",
                        (uid, tracking, tracking_key(tracking), submission.item_code,
                         self.terminal_id, submission.language, _ts(now), _ts(now), personal),
                    )
                    for seq, att, name in infos:
                        conn.execute(
                            "INSERT INTO attachments(submission_uuid, seq, material_id, filename,"
                            " mime, pages, size, sha256, blob) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            (uid, seq, att.material_id, self._safe_filename(att.filename, att.mime,
                                                                             att.material_id, seq),
                             att.mime, att.pages, len(att.data), _sha256(att.data), name),
                        )
                    self._audit(conn, uid, "queued", None, "queued", f"{len(infos)} attachment(s)")
        except BaseException as err:
            self.blobs.delete(written)
            mapped = dbmod.store_error_from(err) if isinstance(err, Exception) else None
            if mapped is not None and mapped is not err:
                log.error("submission for %s not queued: %s", submission.item_code, mapped.detail)
                raise mapped from err
            raise
        log.info("submission %s queued (item %s, %d attachment(s))",
                 uid, submission.item_code, len(submission.attachments))
        return Receipt(uuid=uid, tracking_no=tracking, item_code=submission.item_code, created_at=now)

    def _next_tracking(self, conn: Any, now: dt.datetime) -> str:
        day = now.astimezone().date()
        conn.execute(
            "INSERT INTO tracking_seq(day, last) VALUES (?, 1)"
            " ON CONFLICT(day) DO UPDATE SET last = last + 1",
            (day.isoformat(),),
        )
        seq = conn.execute("SELECT last FROM tracking_seq WHERE day = ?", (day.isoformat(),)).fetchone()[0]
        return format_tracking(self.terminal_code, day, int(seq))

    def transition(
        self,
        uuid: str,
        to_status: Status,
        *,
        case_no: str | None = None,
        reason: str | None = None,
        count_attempt: bool = False,
        next_attempt_at: dt.datetime | None = None,
    ) -> SubmissionRow:
        """Move a submission to ``to_status`` (checked against :data:`TRANSITIONS`), audited."""
        if to_status not in STATUSES:
            raise BugError("unexpected", f"unknown status {to_status}")
        now = self._now()
        with dbmod.transaction(self.db) as conn:
            row = conn.execute("SELECT status FROM submissions WHERE uuid = ?", (uuid,)).fetchone()
            if row is None:
                raise KnownError("store.not_found", f"no submission {uuid}")
            current: Status = row[0]
            if to_status != current and to_status not in TRANSITIONS[current]:
                raise BugError("unexpected", f"{uuid}: {current} -> {to_status} is not allowed")
            sets = ["status = ?", "updated_at = ?"]
            args: list[Any] = [to_status, _ts(now)]
            if case_no is not None:
                sets.append("case_no = ?")
                args.append(case_no)
            if reason is not None:
                sets.append("reason = ?")
                args.append(reason)
            if count_attempt:
                sets.append("attempts = attempts + 1")
            sets.append("next_attempt_at = ?")
            args.append(_ts(next_attempt_at) if next_attempt_at else None)
            if to_status != "sending":
                # leaving the sync worker's hands: its claim (if any) ends here
                sets.append("claim_token = NULL")
                sets.append("claim_until = NULL")
            if to_status == "accepted" and current != "accepted":
                sets.append("accepted_at = ?")
                args.append(_ts(now))
                # the back office accepted it: every attachment arrived and passed its check
                conn.execute("UPDATE attachments SET uploaded = size, verified = 1 WHERE submission_uuid = ?",
                             (uuid,))
            conn.execute(f"UPDATE submissions SET {', '.join(sets)} WHERE uuid = ?", (*args, uuid))  # noqa: S608
            if to_status != current:
                self._audit(conn, uuid, "status", current, to_status, reason or "")
        log.info("submission %s: %s -> %s", uuid, current, to_status)
        return self.get(uuid)

    def set_rating(self, uuid: str, level: int, reasons: Sequence[str]) -> None:
        """Store the citizen's 好差评 rating: 1–5 and reason codes (never free text)."""
        if not 1 <= level <= 5:
            raise BugError("unexpected", f"rating {level} out of range")
        codes = [r for r in reasons if re.fullmatch(r"[a-z0-9_]{1,32}", r)]
        with dbmod.transaction(self.db) as conn:
            cur = conn.execute(
                "UPDATE submissions SET rating = ?, rating_reasons = ?, updated_at = ? WHERE uuid = ?",
                (level, json.dumps(codes), _ts(self._now()), uuid),
            )
            if cur.rowcount != 1:
                raise KnownError("store.not_found", f"no submission {uuid}")
            self._audit(conn, uuid, "rated", None, None, f"level {level}")

    # ------------------------------------------------------------------ sync (kiosk/sync)
    def claim_due(self, limit: int, *, token: str, lease_s: float, reclaim_own: bool = True
                  ) -> list[SubmissionRow]:
        """Claim up to ``limit`` submissions due for pushing, oldest first.

        Due: ``queued`` or ``sending``, ``next_attempt_at`` passed (or unset), and no live claim
        by another run (a claim is a lease, so a killed sync process's items come back after
        ``lease_s``); with ``reclaim_own=False`` not this run's live claims either (items it is
        still pushing). Claimed ``queued`` items move to ``sending`` (audited).
        """
        now = self._now()
        until = now + dt.timedelta(seconds=lease_s)
        with dbmod.transaction(self.db) as conn:
            picked = [
                (r[0], r[1]) for r in conn.execute(
                    "SELECT uuid, status FROM submissions WHERE status IN ('queued', 'sending')"
                    " AND (next_attempt_at IS NULL OR next_attempt_at <= ?)"
                    " AND (claim_until IS NULL OR claim_until <= ? OR (? AND claim_token = ?))"
                    " ORDER BY created_at, uuid LIMIT ?",
                    (_ts(now), _ts(now), 1 if reclaim_own else 0, token, limit),
                )
            ]
            for uid, status in picked:
                conn.execute(
                    "UPDATE submissions SET status = 'sending', claim_token = ?, claim_until = ?,"
                    " updated_at = ? WHERE uuid = ?",
                    (token, _ts(until), _ts(now), uid),
                )
                if status != "sending":
                    self._audit(conn, uid, "status", status, "sending", "claimed by sync")
        return [self.get(uid) for uid, _ in picked]

    def release_claims(self, token: str | None = None, uuids: Sequence[str] | None = None) -> int:
        """Drop the claims of run ``token`` (every claim when None: no other run is alive),
        only on ``uuids`` when given."""
        with dbmod.transaction(self.db) as conn:
            if token is None:
                cur = conn.execute("UPDATE submissions SET claim_token = NULL, claim_until = NULL"
                                   " WHERE claim_token IS NOT NULL")
            elif uuids is None:
                cur = conn.execute("UPDATE submissions SET claim_token = NULL, claim_until = NULL"
                                   " WHERE claim_token = ?", (token,))
            else:
                count = 0
                for uid in uuids:
                    count += conn.execute("UPDATE submissions SET claim_token = NULL, claim_until = NULL"
                                          " WHERE claim_token = ? AND uuid = ?", (token, uid)).rowcount
                return count
            return int(cur.rowcount)

    def retry_later(self, uuid: str, *, error: str, next_attempt_at: dt.datetime) -> None:
        """A transient push failure: count the attempt, note the error, schedule the next one.

        The item stays ``sending`` (no audit row per retry); ``error`` is technician-facing.
        """
        with dbmod.transaction(self.db) as conn:
            cur = conn.execute(
                "UPDATE submissions SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,"
                " claim_token = NULL, claim_until = NULL, updated_at = ?"
                " WHERE uuid = ? AND status IN ('queued', 'sending')",
                (error[:500], _ts(next_attempt_at), _ts(self._now()), uuid),
            )
            if cur.rowcount != 1:
                raise KnownError("store.not_found", f"no unsent submission {uuid}")

    def set_upload_progress(self, uuid: str, seq: int, offset: int, *, verified: bool = False) -> None:
        """Remember the byte offset the back office confirmed for attachment ``seq``."""
        with dbmod.transaction(self.db) as conn:
            conn.execute(
                "UPDATE attachments SET uploaded = ?, verified = ? WHERE submission_uuid = ? AND seq = ?",
                (offset, 1 if verified else 0, uuid, seq),
            )

    def upload_progress(self, uuid: str) -> dict[int, tuple[int, bool]]:
        """``{seq: (confirmed offset, verified)}`` for a submission's attachments."""
        return {
            int(r[0]): (int(r[1] or 0), bool(r[2]))
            for r in self.db.execute(
                "SELECT seq, uploaded, verified FROM attachments WHERE submission_uuid = ? ORDER BY seq",
                (uuid,),
            )
        }

    def apply_status_update(
        self, uuid: str, status: Status, *, reason: str | None = None, case_no: str | None = None
    ) -> bool:
        """Apply a status the back office reports; False when unknown here, stale or not allowed.

        Updates arrive in the back office's order, but a replay (a lost cursor) or an update for
        a submission this terminal no longer holds must not fail the pull: they are skipped.
        """
        if status not in STATUSES:
            log.info("status update for %s names unknown status %s; skipped", uuid, status)
            return False
        row = self.db.execute("SELECT status, case_no FROM submissions WHERE uuid = ?", (uuid,)).fetchone()
        if row is None:
            log.info("status update for unknown submission %s; skipped", uuid)
            return False
        current: Status = row[0]
        if current == status:
            if case_no is not None and case_no != row[1]:
                self.transition(uuid, status, case_no=case_no)
            return False
        if status not in TRANSITIONS[current]:
            log.info("status update %s -> %s for %s is stale; skipped", current, status, uuid)
            return False
        self.transition(uuid, status, case_no=case_no, reason=reason)
        return True

    def sync_backlog(self, limit: int = 50) -> list[dict[str, Any]]:
        """Unsent and parked items with their sync bookkeeping (no personal data)."""
        rows = list(self.db.query(
            "SELECT s.uuid, s.tracking_no, s.status, s.attempts, s.next_attempt_at, s.last_error,"
            " s.reason, s.created_at,"
            " (SELECT coalesce(sum(size), 0) FROM attachments a WHERE a.submission_uuid = s.uuid) AS bytes,"
            " (SELECT coalesce(sum(uploaded), 0) FROM attachments a WHERE a.submission_uuid = s.uuid)"
            " AS uploaded FROM submissions s WHERE s.status IN ('queued', 'sending', 'rejected')"
            " ORDER BY s.created_at LIMIT ?",
            [limit],
        ))
        return rows

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str | None) -> None:
        """Set (or with None, delete) a ``meta`` entry: sync cursors, ETags, last results."""
        with dbmod.transaction(self.db) as conn:
            if value is None:
                conn.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                conn.execute(
                    "INSERT INTO meta(key, value) VALUES (?, ?)"
                    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )

    # ------------------------------------------------------------------ reading
    def get(self, uuid: str) -> SubmissionRow:
        rows = self._rows("WHERE uuid = ?", (uuid,))
        if not rows:
            raise KnownError("store.not_found", f"no submission {uuid}")
        return rows[0]

    def find_by_tracking(self, tracking_no: str) -> SubmissionRow | None:
        if not tracking_valid(tracking_no):
            return None
        rows = self._rows("WHERE tracking_key = ?", (tracking_key(tracking_no),))
        return rows[0] if rows else None

    def list_rows(self, status: Status | None = None, limit: int = 100) -> list[SubmissionRow]:
        if status is None:
            return self._rows("ORDER BY created_at DESC LIMIT ?", (limit,))
        return self._rows("WHERE status = ? ORDER BY created_at DESC LIMIT ?", (status, limit))

    def read_personal(self, uuid: str) -> dict[str, Any] | None:
        """Identity, form and consent, decrypted; None once purged."""
        row = self.db.execute("SELECT personal FROM submissions WHERE uuid = ?", (uuid,)).fetchone()
        if row is None:
            raise KnownError("store.not_found", f"no submission {uuid}")
        if row[0] is None:
            return None
        value: dict[str, Any] = self._key.decrypt_json(row[0], self._personal_aad(uuid))
        return value

    def owner_matches(self, uuid: str, id_kind: str, id_number: str) -> bool:
        """Whether the document (kind, number) is the applicant's; False once purged.

        Answers result pickup without handing the applicant's identity to the caller.
        """
        personal = self.read_personal(uuid)
        if personal is None:
            return False
        identity = personal.get("identity") or {}
        stored_kind = str(identity.get("kind", ""))
        stored_number = str(identity.get("number", "")).upper().encode()
        same_number = hmac.compare_digest(stored_number, id_number.strip().upper().encode())
        return same_number and stored_kind == id_kind

    def read_attachment(self, uuid: str, seq: int) -> bytes:
        row = self.db.execute(
            "SELECT blob, sha256 FROM attachments WHERE submission_uuid = ? AND seq = ?", (uuid, seq)
        ).fetchone()
        if row is None:
            raise KnownError("store.not_found", f"no attachment {uuid}/{seq}")
        data = self.blobs.get(row[0], self._attachment_aad(uuid, seq))
        if _sha256(data) != row[1]:
            raise StoreError("store.corrupt", f"attachment {uuid}/{seq} does not match its hash")
        return data

    def audit_trail(self, uuid: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        if uuid is None:
            return list(self.db.query("SELECT * FROM audit ORDER BY id DESC LIMIT ?", [limit]))
        return list(self.db.query(
            "SELECT * FROM audit WHERE submission_uuid = ? ORDER BY id", [uuid]))

    def stats(self) -> dict[str, Any]:
        """Queue depth and oldest unsent age: what heartbeats and diagnostics show."""
        counts = {s: 0 for s in STATUSES}
        for status, n in self.db.execute("SELECT status, count(*) FROM submissions GROUP BY status"):
            counts[status] = n
        oldest = self.db.execute(
            "SELECT min(created_at) FROM submissions WHERE status IN ('queued', 'sending')"
        ).fetchone()[0]
        age = (self._now() - dt.datetime.fromisoformat(oldest)).total_seconds() if oldest else None
        return {
            "by_status": counts,
            "unsent": counts["queued"] + counts["sending"],
            "parked": counts["rejected"],
            "oldest_unsent_age_s": age,
        }

    def integrity_check(self) -> str:
        return str(self.db.execute("PRAGMA integrity_check").fetchone()[0])

    # ------------------------------------------------------------------ housekeeping
    def sweep_orphans(self) -> int:
        return self.blobs.sweep(
            lambda: [r[0] for r in self.db.execute("SELECT blob FROM attachments")]
        )

    def purge_expired(self, retention_days: int, *, dry_run: bool = False) -> list[str]:
        """Drop personal data and attachment files ``retention_days`` after acceptance."""
        cutoff = self._now() - dt.timedelta(days=retention_days)
        placeholders = ", ".join("?" for _ in ACCEPTED_OR_LATER)
        candidates = [
            r[0]
            for r in self.db.execute(
                f"SELECT uuid FROM submissions WHERE purged_at IS NULL AND accepted_at IS NOT NULL"  # noqa: S608
                f" AND accepted_at <= ? AND status IN ({placeholders})",
                (_ts(cutoff), *sorted(ACCEPTED_OR_LATER)),
            )
        ]
        if dry_run or not candidates:
            return candidates
        doomed: list[str] = []
        now = _ts(self._now())
        with dbmod.transaction(self.db) as conn:
            for uid in candidates:
                doomed += [r[0] for r in conn.execute(
                    "SELECT blob FROM attachments WHERE submission_uuid = ?", (uid,))]
                conn.execute(
                    "UPDATE submissions SET personal = NULL, purged_at = ?, updated_at = ? WHERE uuid = ?",
                    (now, now, uid),
                )
                conn.execute("DELETE FROM attachments WHERE submission_uuid = ?", (uid,))
                self._audit(conn, uid, "purged", None, None, f"retention {retention_days} d")
        self.blobs.delete(doomed)
        # push the overwritten pages out of the WAL as well
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        log.info("purged personal data of %d submission(s)", len(candidates))
        return candidates

    # ------------------------------------------------------------------ helpers
    def _rows(self, where: str, args: Iterable[Any]) -> list[SubmissionRow]:
        # ``where`` is always a literal from this module; values travel as parameters
        sql = f"SELECT {_ROW_COLUMNS} FROM submissions {where}"  # noqa: S608
        rows = list(self.db.query(sql, list(args)))
        if not rows:
            return []
        uuids = [r["uuid"] for r in rows]
        atts: dict[str, list[AttachmentInfo]] = {u: [] for u in uuids}
        marks = ", ".join("?" for _ in uuids)
        for a in self.db.query(
            f"SELECT * FROM attachments WHERE submission_uuid IN ({marks}) ORDER BY seq", uuids  # noqa: S608
        ):
            atts[a["submission_uuid"]].append(AttachmentInfo(
                material_id=a["material_id"], filename=a["filename"], mime=a["mime"],
                pages=a["pages"], size=a["size"], sha256=a["sha256"], blob=a["blob"],
            ))
        return [
            SubmissionRow(
                uuid=r["uuid"], tracking_no=r["tracking_no"], item_code=r["item_code"],
                terminal_id=r["terminal_id"], status=r["status"],
                created_at=_parse_ts(r["created_at"]) or self._now(),
                updated_at=_parse_ts(r["updated_at"]) or self._now(),
                attempts=r["attempts"], case_no=r["case_no"], reason=r["reason"],
                accepted_at=_parse_ts(r["accepted_at"]), purged_at=_parse_ts(r["purged_at"]),
                rating=r["rating"], attachments=tuple(atts[r["uuid"]]),
            )
            for r in rows
        ]

    def _audit(self, conn: Any, uuid: str | None, event: str, frm: str | None, to: str | None,
               detail: str) -> None:
        conn.execute(
            "INSERT INTO audit(at, submission_uuid, event, from_status, to_status, detail)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (_ts(self._now()), uuid, event, frm, to, detail),
        )

    @staticmethod
    def _personal_aad(uuid: str) -> bytes:
        return f"submission:{uuid}".encode()

    @staticmethod
    def _attachment_aad(uuid: str, seq: int) -> bytes:
        return f"attachment:{uuid}:{seq}".encode()

    @staticmethod
    def _safe_filename(name: str, mime: str, material_id: str, seq: int) -> str:
        # file names are generated by the kiosk; anything else is replaced, never stored
        if _SAFE_NAME.fullmatch(name):
            return name
        return f"{material_id}-{seq}{_MIME_EXT.get(mime, '.bin')}"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def row_as_dict(row: SubmissionRow) -> dict[str, Any]:
    """A JSON-ready redacted view of a row."""
    out = dataclasses.asdict(row)
    for key, value in out.items():
        if isinstance(value, dt.datetime):
            out[key] = value.isoformat()
    return out
