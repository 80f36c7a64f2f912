"""The back office's database: schema (SQLAlchemy Core) and the :class:`BackOfficeDB` repository.

One schema for SQLite (the default, embedded) and PostgreSQL (a district-wide deployment):
only portable column types, no dialect SQL outside :func:`make_engine`. Everything that reads or
writes goes through :class:`BackOfficeDB`; the API (:mod:`kiosk.backoffice.api`) and the staff
pages call its methods and never build SQL themselves.

Tables
------
``terminals``          enrolled terminals: secret, last heartbeat
``enrolment_codes``    one-time codes (stored as SHA-256), bound to a terminal id
``nonces``             signed-request nonces seen recently (replay protection)
``submissions``        one row per submission uuid, kept for good (idempotency); ``body`` holds
                       the pushed JSON (personal data: staff pages only, never logged)
``attachments``        declared attachments with the received byte count
``attachment_chunks``  the bytes, in order (portable: no file system shared between servers)
``status_events``      every status a submission took; the terminals' status feed (cursor = id)
``documents``          published catalog/config documents (global, or per terminal) with ETags
``heartbeats``         every heartbeat received
``audit``              who did what (staff status changes, publishing, enrolment codes)

Writes: one transaction each (``BEGIN IMMEDIATE`` on SQLite, ``SELECT … FOR UPDATE`` on
PostgreSQL) under a process-wide lock, so concurrent requests of one server never interleave.
On PostgreSQL several servers may share the database (behind one load balancer): a row they
read to change is locked (``FOR UPDATE``), and where two of them insert the same key at the
same instant (a terminal's retry reaching another server) the loser's transaction runs once
more and finds the winner's row, answering as for a repeat (``_again_on_conflict``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import logging
import secrets
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

from kiosk.store.outbox import TRANSITIONS
from kiosk.sync.protocol import (
    BACKOFFICE_STATUSES,
    AttachmentState,
    CommitResponse,
    EnrolResponse,
    Heartbeat,
    HelpRequestIn,
    HelpRequestState,
    StatusFeed,
    StatusUpdate,
    SubmissionIn,
    SubmissionState,
    document_etag,
)

if TYPE_CHECKING:
    from kiosk.capture.payloads import GovAppToken

_T = TypeVar("_T")
FEED_LOCK_KEY = 0x6B696F736B666564  # a PostgreSQL advisory lock (b"kioskfed"): the status feed's order
log = logging.getLogger(__name__)

Now = Callable[[], dt.datetime]

metadata = sa.MetaData()

terminals = sa.Table(
    "terminals", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, default=""),
    sa.Column("secret", sa.String(64)),  # hex; NULL until enrolled
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("enrolled_at", sa.DateTime(timezone=True)),
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
    sa.Column("last_heartbeat_at", sa.DateTime(timezone=True)),
    sa.Column("last_heartbeat", sa.Text),  # JSON of the last Heartbeat
)
enrolment_codes = sa.Table(
    "enrolment_codes", metadata,
    sa.Column("code_hash", sa.String(64), primary_key=True),
    sa.Column("terminal_id", sa.String(64), sa.ForeignKey("terminals.id"), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("used_at", sa.DateTime(timezone=True)),
    sa.Column("request_id", sa.String(32)),
)
nonces = sa.Table(
    "nonces", metadata,
    sa.Column("terminal_id", sa.String(64), primary_key=True),
    sa.Column("nonce", sa.String(32), primary_key=True),
    sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False, index=True),
)
submissions = sa.Table(
    "submissions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("uuid", sa.String(36), nullable=False, unique=True),
    sa.Column("terminal_id", sa.String(64), sa.ForeignKey("terminals.id"), nullable=False, index=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("tracking_no", sa.String(32), nullable=False),
    sa.Column("item_code", sa.String(64), nullable=False, index=True),
    sa.Column("language", sa.String(16), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),  # on the kiosk
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("committed_at", sa.DateTime(timezone=True)),
    sa.Column("case_no", sa.String(32), unique=True),
    sa.Column("status", sa.String(16), nullable=False, index=True),  # "received" until commit
    sa.Column("status_note", sa.Text),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("body", sa.Text, nullable=False),  # the pushed JSON: personal data
)
attachments = sa.Table(
    "attachments", metadata,
    sa.Column("submission_uuid", sa.String(36), sa.ForeignKey("submissions.uuid"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("material_id", sa.String(64), nullable=False),
    sa.Column("filename", sa.String(64), nullable=False),
    sa.Column("mime", sa.String(80), nullable=False),
    sa.Column("pages", sa.Integer, nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("received", sa.BigInteger, nullable=False, default=0),
    sa.Column("complete", sa.Boolean, nullable=False, default=False),
)
attachment_chunks = sa.Table(
    "attachment_chunks", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("submission_uuid", sa.String(36), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("offset", sa.BigInteger, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Index("ix_chunks_attachment", "submission_uuid", "seq", "offset"),
)
status_events = sa.Table(
    "status_events", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("submission_uuid", sa.String(36), nullable=False, index=True),
    sa.Column("terminal_id", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("case_no", sa.String(32)),
    sa.Column("note", sa.Text),
    sa.Column("staff", sa.String(64), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_status_events_feed", "terminal_id", "id"),
)
documents = sa.Table(
    "documents", metadata,
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("scope", sa.String(64), primary_key=True),  # "*" or a terminal id
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("etag", sa.String(70), nullable=False),
    sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("published_by", sa.String(64), nullable=False),
)
heartbeats = sa.Table(
    "heartbeats", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("terminal_id", sa.String(64), nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Index("ix_heartbeats_terminal", "terminal_id", "received_at"),
)
# the stand-in for the provincial identity platform behind the government app: a verified
# identity per app subject (a real deployment asks the platform instead; see resolve_gov_app)
gov_app_identities = sa.Table(
    "gov_app_identities", metadata,
    sa.Column("subject", sa.String(128), primary_key=True),
    sa.Column("identity", sa.Text, nullable=False),  # IdentityDocument.as_dict JSON
    sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
)
# a login token is good for one identification: its nonce is kept until it expired
gov_app_nonces = sa.Table(
    "gov_app_nonces", metadata,
    sa.Column("nonce", sa.String(128), primary_key=True),
    sa.Column("expires_at", sa.Integer, nullable=False),
)
# the help button: a call for the hall's remote staff, answered on the terminals page
help_requests = sa.Table(
    "help_requests", metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("terminal_id", sa.String(64), nullable=False, index=True),
    sa.Column("screen", sa.String(32), nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("care_mode", sa.Boolean, nullable=False),
    sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("acknowledged_at", sa.DateTime(timezone=True)),
    sa.Column("acknowledged_by", sa.String(64)),
)
audit = sa.Table(
    "audit", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),  # staff name, "terminal:<id>" or "system"
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("submission_uuid", sa.String(36), index=True),
    sa.Column("detail", sa.Text, nullable=False, default=""),
)


class BackOfficeError(Exception):
    """A refusal with an HTTP status and a stable code; the API turns it into an answer."""

    def __init__(self, status: int, code: str, message: str = "", extra: dict[str, Any] | None = None
                 ) -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra or {}


@dataclasses.dataclass(frozen=True)
class SubmissionFilter:
    """What the staff list shows: every field optional; newest first."""

    status: str | None = None
    item_code: str | None = None
    terminal_id: str | None = None
    committed_only: bool = True
    limit: int = 100
    offset: int = 0


@dataclasses.dataclass(frozen=True)
class SubmissionSummary:
    uuid: str
    case_no: str | None
    tracking_no: str
    item_code: str
    terminal_id: str
    status: str
    status_note: str | None
    created_at: dt.datetime
    received_at: dt.datetime
    committed_at: dt.datetime | None
    updated_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class AttachmentInfo:
    seq: int
    material_id: str
    filename: str
    mime: str
    pages: int
    size: int
    sha256: str
    received: int
    complete: bool


@dataclasses.dataclass(frozen=True)
class SubmissionDetail:
    summary: SubmissionSummary
    body: dict[str, Any] = dataclasses.field(repr=False)  # personal data: staff pages only
    attachments: tuple[AttachmentInfo, ...]
    history: tuple[StatusUpdate, ...]


@dataclasses.dataclass(frozen=True)
class TerminalInfo:
    id: str
    name: str
    enrolled_at: dt.datetime | None
    disabled: bool
    last_heartbeat_at: dt.datetime | None
    last_heartbeat: Heartbeat | None


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes; everything is stored in UTC."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _must(value: dt.datetime | None) -> dt.datetime:
    out = _aware(value)
    if out is None:
        raise ValueError("a NOT NULL timestamp was NULL")
    return out


def _hash_code(code: str) -> str:
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode("ascii", "ignore")).hexdigest()


_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def make_engine(url: str) -> Engine:
    """An engine for ``url``: SQLite gets WAL, ``synchronous=FULL``, foreign keys and explicit
    ``BEGIN`` (``BEGIN IMMEDIATE`` for writes, see :meth:`BackOfficeDB._write`)."""
    if not url.startswith("sqlite"):
        return sa.create_engine(url, pool_pre_ping=True)
    memory = url in ("sqlite://", "sqlite:///:memory:")
    engine = sa.create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        poolclass=StaticPool if memory else None,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        if not memory:
            cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA busy_timeout = 30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class BackOfficeDB:
    """The repository: every read and write of the back office's data."""

    def __init__(self, url: str, *, now: Now = _utcnow, case_prefix: str = "SZ") -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sqlite = self.engine.dialect.name == "sqlite"
        self._lock = threading.Lock()
        self._now = now
        self.case_prefix = case_prefix

    def create_schema(self) -> None:
        metadata.create_all(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    @contextlib.contextmanager
    def _write(self, *, durable: bool = True) -> Iterator[Connection]:
        with self._lock, self.engine.connect() as conn:
            if not self._sqlite:
                with conn.begin():
                    yield conn
                return
            raw = conn.connection.dbapi_connection
            if not durable and raw is not None:
                raw.execute("PRAGMA synchronous = NORMAL")  # outside any transaction
            try:
                conn = conn.execution_options(sqlite_immediate=True)
                with conn.begin():
                    yield conn
            finally:
                if not durable and raw is not None:
                    raw.execute("PRAGMA synchronous = FULL")

    @contextlib.contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def _audit(self, conn: Connection, actor: str, action: str, uuid: str | None, detail: str) -> None:
        conn.execute(audit.insert().values(at=self._now(), actor=actor, action=action,
                                           submission_uuid=uuid, detail=detail))

    # ------------------------------------------------------------------ terminals
    def create_enrolment_code(self, terminal_id: str | None = None, *, name: str = "",
                              ttl_h: int = 72, created_by: str = "system") -> tuple[str, str]:
        """A new one-time code for ``terminal_id`` (a new id when None); returns (code, id).

        Re-enrolling an existing terminal (a replaced disk) issues it a new secret on use.
        """
        code = "-".join("".join(secrets.choice(_CODE_ALPHABET) for _ in range(4)) for _ in range(3))
        tid = terminal_id or f"T-{secrets.token_hex(4).upper()}"
        now = self._now()

        def issue() -> None:
            with self._write() as conn:
                if conn.execute(sa.select(terminals.c.id).where(terminals.c.id == tid)).first() is None:
                    conn.execute(terminals.insert().values(id=tid, name=name, created_at=now, disabled=False))
                conn.execute(enrolment_codes.insert().values(
                    code_hash=_hash_code(code), terminal_id=tid, created_at=now,
                    expires_at=now + dt.timedelta(hours=ttl_h), created_by=created_by))
                self._audit(conn, created_by, "enrolment_code", None, f"terminal {tid}")

        self._again_on_conflict(issue)  # two technicians issuing codes for one new terminal at once
        log.info("enrolment code issued for terminal %s", tid)
        return code, tid

    def enrol(self, code: str, request_id: str) -> EnrolResponse:
        """Use a one-time code. The same ``request_id`` again (a lost answer) gets the same
        credential; any other use of a used, expired or unknown code is refused."""
        now = self._now()
        with self._write() as conn:
            row = conn.execute(sa.select(enrolment_codes).where(
                enrolment_codes.c.code_hash == _hash_code(code)).with_for_update()).mappings().first()
            if row is None or _must(row["expires_at"]) < now:
                raise BackOfficeError(403, "enrol.invalid_code", "unknown or expired enrolment code")
            tid = row["terminal_id"]
            if row["used_at"] is not None:
                if row["request_id"] != request_id:
                    raise BackOfficeError(403, "enrol.invalid_code", "enrolment code already used")
                secret = conn.execute(sa.select(terminals.c.secret).where(terminals.c.id == tid)).scalar_one()
                return EnrolResponse(terminal_id=tid, secret=secret)
            secret = secrets.token_hex(32)
            conn.execute(terminals.update().where(terminals.c.id == tid).values(
                secret=secret, enrolled_at=now, disabled=False))
            conn.execute(enrolment_codes.update().where(
                enrolment_codes.c.code_hash == row["code_hash"]).values(used_at=now, request_id=request_id))
            self._audit(conn, f"terminal:{tid}", "enrolled", None, "")
        log.info("terminal %s enrolled", tid)
        return EnrolResponse(terminal_id=tid, secret=secret)

    def terminal_secret(self, terminal_id: str) -> bytes | None:
        """The HMAC key of an enrolled, enabled terminal; None otherwise."""
        with self._read() as conn:
            row = conn.execute(sa.select(terminals.c.secret, terminals.c.disabled).where(
                terminals.c.id == terminal_id)).first()
        if row is None or row[0] is None or row[1]:
            return None
        return bytes.fromhex(row[0])

    def set_terminal_disabled(self, terminal_id: str, disabled: bool, staff: str) -> None:
        with self._write() as conn:
            conn.execute(terminals.update().where(terminals.c.id == terminal_id).values(disabled=disabled))
            self._audit(conn, staff, "terminal_disabled" if disabled else "terminal_enabled", None,
                        f"terminal {terminal_id}")

    def remember_nonce(self, terminal_id: str, nonce: str, keep_s: int) -> bool:
        """Record a request nonce; False if it was seen already (a replay). Old nonces go.

        On SQLite this commit does not wait for its own fsync (``synchronous=NORMAL`` for this
        one transaction): the WAL frames become durable with the next ``FULL`` commit, usually
        the request's own write a millisecond later. A process crash loses nothing; only a
        power cut in that instant could forget a nonce, and its request is stale soon after.
        """
        now = self._now()

        def record() -> bool:
            with self._write(durable=False) as conn:
                seen = conn.execute(sa.select(nonces.c.nonce).where(
                    nonces.c.terminal_id == terminal_id, nonces.c.nonce == nonce)).first()
                if seen is not None:
                    return False
                conn.execute(nonces.insert().values(terminal_id=terminal_id, nonce=nonce, seen_at=now))
                # cheap, bounded housekeeping: requests older than the window are refused anyway
                if secrets.randbelow(64) == 0:
                    conn.execute(nonces.delete().where(nonces.c.seen_at < now - dt.timedelta(seconds=keep_s)))
            return True

        # another server recording it in the same instant: the rerun finds it, this one is the replay
        return self._again_on_conflict(record)

    def record_heartbeat(self, terminal_id: str, beat: Heartbeat) -> None:
        now = self._now()
        payload = beat.model_dump_json()
        with self._write() as conn:
            conn.execute(heartbeats.insert().values(terminal_id=terminal_id, received_at=now,
                                                    payload=payload))
            conn.execute(terminals.update().where(terminals.c.id == terminal_id).values(
                last_heartbeat_at=now, last_heartbeat=payload))

    def list_terminals(self) -> list[TerminalInfo]:
        with self._read() as conn:
            rows = conn.execute(sa.select(terminals).order_by(terminals.c.id)).mappings().all()
        return [
            TerminalInfo(
                id=r["id"], name=r["name"], enrolled_at=_aware(r["enrolled_at"]), disabled=r["disabled"],
                last_heartbeat_at=_aware(r["last_heartbeat_at"]),
                last_heartbeat=(Heartbeat.model_validate_json(r["last_heartbeat"])
                                if r["last_heartbeat"] else None),
            )
            for r in rows
        ]

    def heartbeat_history(self, terminal_id: str, limit: int = 100) -> list[tuple[dt.datetime, Heartbeat]]:
        with self._read() as conn:
            rows = conn.execute(sa.select(heartbeats.c.received_at, heartbeats.c.payload).where(
                heartbeats.c.terminal_id == terminal_id).order_by(heartbeats.c.id.desc()).limit(limit)).all()
        return [(_must(r[0]), Heartbeat.model_validate_json(r[1])) for r in rows]

    # ------------------------------------------------------------------ submissions (terminal side)
    def _owned(self, conn: Connection, terminal_id: str, uuid: str, *, write: bool) -> sa.RowMapping:
        query = sa.select(submissions).where(submissions.c.uuid == uuid)
        if write and not self._sqlite:
            query = query.with_for_update()
        row = conn.execute(query).mappings().first()
        if row is None or row["terminal_id"] != terminal_id:
            if row is not None and write:
                raise BackOfficeError(403, "submission.not_yours", "this uuid belongs to another terminal")
            raise BackOfficeError(404, "submission.not_found", "no such submission")
        return row

    def _state(self, conn: Connection, row: sa.RowMapping) -> SubmissionState:
        atts = conn.execute(sa.select(attachments).where(
            attachments.c.submission_uuid == row["uuid"]).order_by(attachments.c.seq)).mappings().all()
        return SubmissionState(
            uuid=row["uuid"], committed=row["committed_at"] is not None, case_no=row["case_no"],
            status=row["status"],
            attachments=tuple(AttachmentState(seq=a["seq"], size=a["size"], offset=a["received"],
                                              complete=a["complete"]) for a in atts),
        )

    def _again_on_conflict(self, work: Callable[[], _T]) -> _T:
        """Run ``work`` (one write transaction that inserts a row unless it exists) once more
        when another server inserted the same key between its check and its insert: a unique
        violation on PostgreSQL, raised once that server committed, so the rerun finds its row.
        SQLite's ``BEGIN IMMEDIATE`` lets one writer in at a time: there it cannot happen."""
        try:
            return work()
        except sa.exc.IntegrityError:
            if self._sqlite:
                raise
            log.info("another server inserted the same row meanwhile: running the write again")
            return work()

    def _feed_turn(self, conn: Connection) -> None:
        """Call right before inserting a status event. A terminal's feed cursor is the last
        event id it saw, so events must become visible in id order; on PostgreSQL with several
        servers an id drawn earlier could commit later and the cursor would pass it for good.
        The event's transaction takes a lock held until it commits, so the next id is drawn
        only after it committed. (SQLite has one writer at a time anyway.)"""
        if not self._sqlite:
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(FEED_LOCK_KEY)))

    def _upsert(self, conn: Connection, table: sa.Table, key: tuple[str, ...], **values: Any) -> None:
        """Insert the row, or replace the one with the same ``key`` (one statement: servers
        doing it at once leave the last one's row, never an error)."""
        insert = sqlite_insert(table) if self._sqlite else pg_insert(table)
        conn.execute(insert.values(**values).on_conflict_do_update(
            index_elements=list(key),
            set_={name: getattr(insert.excluded, name) for name in values if name not in key}))

    def put_submission(self, terminal_id: str, sub: SubmissionIn, *,
                       inline: Mapping[int, bytes] | None = None, inline_max: int = 0) -> SubmissionState:
        """Create the submission; the same body again answers the same; another body → 409.

        ``inline`` (protocol revision 2: every attachment's bytes, at most ``inline_max`` in
        all) completes the attachments and commits in the same transaction, so the answer
        carries the case number.
        """
        return self._again_on_conflict(lambda: self._put_submission(terminal_id, sub, inline, inline_max))

    def _put_submission(self, terminal_id: str, sub: SubmissionIn, inline: Mapping[int, bytes] | None,
                        inline_max: int) -> SubmissionState:
        fingerprint = sub.fingerprint()
        now = self._now()
        seqs = [a.seq for a in sub.attachments]
        if len(set(seqs)) != len(seqs):
            raise BackOfficeError(422, "submission.invalid", "attachment seq numbers repeat")
        commit = inline is not None
        contents = self._check_inline(sub, inline, inline_max) if inline is not None else {}
        with self._write() as conn:
            existing = conn.execute(sa.select(submissions).where(
                submissions.c.uuid == sub.uuid).with_for_update()).mappings().first()
            if existing is not None:
                if existing["terminal_id"] != terminal_id:
                    raise BackOfficeError(403, "submission.not_yours",
                                          "this uuid belongs to another terminal")
                if existing["fingerprint"] != fingerprint:
                    raise BackOfficeError(409, "submission.conflict",
                                          "another body was already received under this uuid")
                if existing["committed_at"] is None and commit:
                    for seq, data in contents.items():
                        self._store_inline(conn, sub.uuid, seq, data)
                    self._commit_in(conn, terminal_id, existing, now, required=False)
                    existing = conn.execute(sa.select(submissions).where(
                        submissions.c.uuid == sub.uuid)).mappings().one()
                return self._state(conn, existing)
            inserted = conn.execute(submissions.insert().values(
                uuid=sub.uuid, terminal_id=terminal_id, fingerprint=fingerprint, tracking_no=sub.tracking_no,
                item_code=sub.item_code, language=sub.language, created_at=sub.created_at,
                received_at=now, status="received", updated_at=now,
                body=json.dumps(sub.model_dump(mode="json"), ensure_ascii=False))).inserted_primary_key
            empty = hashlib.sha256(b"").hexdigest()
            atts = [AttachmentState(seq=a.seq, size=a.size, offset=a.size if a.seq in contents else 0,
                                    complete=a.seq in contents or (a.size == 0 and a.sha256 == empty))
                    for a in sorted(sub.attachments, key=lambda m: m.seq)]
            if sub.attachments:
                done = {a.seq: a for a in atts}
                conn.execute(attachments.insert(), [
                    {"submission_uuid": sub.uuid, "seq": a.seq, "material_id": a.material_id,
                     "filename": a.filename, "mime": a.mime, "pages": a.pages, "size": a.size,
                     "sha256": a.sha256, "received": done[a.seq].offset, "complete": done[a.seq].complete}
                    for a in sub.attachments
                ])
            chunks = [{"submission_uuid": sub.uuid, "seq": seq, "offset": 0, "data": data}
                      for seq, data in contents.items() if data]
            if chunks:
                conn.execute(attachment_chunks.insert(), chunks)
            case_no = None
            if commit and all(a.complete for a in atts) and inserted:
                # everything is here: commit in this transaction (what _commit_in does, minus
                # the queries whose answers are known)
                case_no = self._commit_row(conn, terminal_id, sub.uuid, int(inserted[0]), now)
            state = SubmissionState(uuid=sub.uuid, committed=case_no is not None, case_no=case_no,
                                    status="accepted" if case_no else "received", attachments=tuple(atts))
        log.info("submission %s received from terminal %s%s", sub.uuid, terminal_id,
                 f", committed as case {state.case_no}" if state.committed else "")
        return state

    @staticmethod
    def _check_inline(sub: SubmissionIn, inline: Mapping[int, bytes], inline_max: int
                      ) -> Mapping[int, bytes]:
        """Every attachment's bytes, each matching its declared size and SHA-256 (checked before
        any lock is taken)."""
        if sum(a.size for a in sub.attachments) > inline_max:
            raise BackOfficeError(413, "upload.inline_too_large",
                                  f"inline content above {inline_max} bytes: use the resumable upload")
        for a in sub.attachments:
            data = inline.get(a.seq)
            if data is None or len(data) != a.size or hashlib.sha256(data).hexdigest() != a.sha256:
                raise BackOfficeError(422, "upload.inline_mismatch",
                                      f"attachment {a.seq}: content differs from its size or SHA-256")
        return inline

    @staticmethod
    def _store_inline(conn: Connection, uuid: str, seq: int, data: bytes) -> None:
        """Replace what an incomplete attachment holds with its verified inline content."""
        done = conn.execute(sa.select(attachments.c.complete).where(
            attachments.c.submission_uuid == uuid, attachments.c.seq == seq)).scalar_one()
        if done:
            return
        conn.execute(attachment_chunks.delete().where(
            attachment_chunks.c.submission_uuid == uuid, attachment_chunks.c.seq == seq))
        if data:
            conn.execute(attachment_chunks.insert().values(
                submission_uuid=uuid, seq=seq, offset=0, data=data))
        conn.execute(attachments.update().where(
            attachments.c.submission_uuid == uuid, attachments.c.seq == seq).values(
            received=len(data), complete=True))

    def submission_state(self, terminal_id: str, uuid: str) -> SubmissionState:
        with self._read() as conn:
            return self._state(conn, self._owned(conn, terminal_id, uuid, write=False))

    def attachment_state(self, terminal_id: str, uuid: str, seq: int) -> AttachmentState:
        with self._read() as conn:
            self._owned(conn, terminal_id, uuid, write=False)
            return self._attachment(conn, uuid, seq)

    def _attachment(self, conn: Connection, uuid: str, seq: int) -> AttachmentState:
        a = conn.execute(sa.select(attachments).where(
            attachments.c.submission_uuid == uuid, attachments.c.seq == seq)).mappings().first()
        if a is None:
            raise BackOfficeError(404, "attachment.not_found", "no such attachment")
        return AttachmentState(seq=seq, size=a["size"], offset=a["received"], complete=a["complete"])

    def append_attachment(self, terminal_id: str, uuid: str, seq: int, offset: int, data: bytes
                          ) -> AttachmentState:
        """Append ``data`` at ``offset`` (which must be the received count). When the last byte
        arrives the whole file's SHA-256 is checked; a mismatch discards it (409, offset 0)."""
        with self._write() as conn:
            self._owned(conn, terminal_id, uuid, write=True)
            query = sa.select(attachments).where(attachments.c.submission_uuid == uuid,
                                                 attachments.c.seq == seq)
            a = conn.execute(query).mappings().first()
            if a is None:
                raise BackOfficeError(404, "attachment.not_found", "no such attachment")
            state = AttachmentState(seq=seq, size=a["size"], offset=a["received"], complete=a["complete"])
            if offset != a["received"]:
                raise BackOfficeError(409, "upload.offset_mismatch", "resume at the server's offset",
                                      {"state": state.model_dump()})
            if offset + len(data) > a["size"]:
                raise BackOfficeError(422, "upload.too_long", "more bytes than the declared size")
            if data:
                conn.execute(attachment_chunks.insert().values(
                    submission_uuid=uuid, seq=seq, offset=offset, data=data))
            received = offset + len(data)
            complete = False
            if received == a["size"]:
                digest = hashlib.sha256()
                if offset == 0:
                    digest.update(data)  # the whole file came in this append: no read-back
                else:
                    for (chunk,) in conn.execute(sa.select(attachment_chunks.c.data).where(
                            attachment_chunks.c.submission_uuid == uuid, attachment_chunks.c.seq == seq
                    ).order_by(attachment_chunks.c.offset)):
                        digest.update(chunk)
                if digest.hexdigest() != a["sha256"]:
                    conn.execute(attachment_chunks.delete().where(
                        attachment_chunks.c.submission_uuid == uuid, attachment_chunks.c.seq == seq))
                    conn.execute(attachments.update().where(
                        attachments.c.submission_uuid == uuid, attachments.c.seq == seq).values(received=0))
                    log.warning("attachment %s/%d failed its SHA-256 check; discarded", uuid, seq)
                    raise BackOfficeError(409, "upload.hash_mismatch", "SHA-256 differs; upload again",
                                          {"state": {**state.model_dump(), "offset": 0}})
                complete = True
            conn.execute(attachments.update().where(
                attachments.c.submission_uuid == uuid, attachments.c.seq == seq).values(
                received=received, complete=complete))
        return AttachmentState(seq=seq, size=state.size, offset=received, complete=complete)

    def commit(self, terminal_id: str, uuid: str) -> CommitResponse:
        """Make the submission visible to staff and give it a case number; idempotent."""
        now = self._now()
        with self._write() as conn:
            row = self._owned(conn, terminal_id, uuid, write=True)
            if row["committed_at"] is not None:
                return CommitResponse(uuid=uuid, case_no=row["case_no"], status=row["status"])
            case_no = self._commit_in(conn, terminal_id, row, now, required=True)
        log.info("submission %s committed as case %s", uuid, case_no)
        return CommitResponse(uuid=uuid, case_no=str(case_no), status="accepted")

    def _commit_in(self, conn: Connection, terminal_id: str, row: sa.RowMapping, now: dt.datetime, *,
                   required: bool) -> str | None:
        """Commit an uncommitted submission inside the caller's write transaction; returns the
        case number, or None (``required``: 409) while an attachment is incomplete."""
        uuid = row["uuid"]
        missing = conn.execute(sa.select(sa.func.count()).select_from(attachments).where(
            attachments.c.submission_uuid == uuid, attachments.c.complete.is_(False))).scalar_one()
        if missing:
            if required:
                raise BackOfficeError(409, "commit.incomplete", f"{missing} attachment(s) incomplete")
            return None
        return self._commit_row(conn, terminal_id, uuid, row["id"], now)

    def _commit_row(self, conn: Connection, terminal_id: str, uuid: str, row_id: int, now: dt.datetime
                    ) -> str:
        case_no = f"{self.case_prefix}{now:%Y}{row_id:07d}"
        conn.execute(submissions.update().where(submissions.c.uuid == uuid).values(
            committed_at=now, case_no=case_no, status="accepted", updated_at=now))
        self._feed_turn(conn)
        conn.execute(status_events.insert().values(
            submission_uuid=uuid, terminal_id=terminal_id, status="accepted", case_no=case_no,
            note=None, staff="system", at=now))
        return case_no

    def status_feed(self, terminal_id: str, after: int, limit: int) -> StatusFeed:
        with self._read() as conn:
            rows = conn.execute(sa.select(status_events).where(
                status_events.c.terminal_id == terminal_id, status_events.c.id > after
            ).order_by(status_events.c.id).limit(limit + 1)).mappings().all()
        more = len(rows) > limit
        rows = rows[:limit]
        updates = tuple(StatusUpdate(id=r["id"], uuid=r["submission_uuid"], status=r["status"],
                                     case_no=r["case_no"], reason=r["note"], at=_must(r["at"]))
                        for r in rows)
        return StatusFeed(updates=updates, cursor=updates[-1].id if updates else after, more=more)

    # ------------------------------------------------------------------ documents
    def publish_document(self, kind: str, content: dict[str, Any], staff: str,
                         terminal_id: str | None = None) -> str:
        """Publish a catalog/config document (for every terminal, or one); returns its ETag.

        Callers validate the content first (the catalog with ``parse_catalog``); terminals
        validate again before they use it.
        """
        etag = document_etag(content)
        scope = terminal_id or "*"
        now = self._now()
        with self._write() as conn:
            self._upsert(conn, documents, ("kind", "scope"), kind=kind, scope=scope,
                         content=json.dumps(content, ensure_ascii=False), etag=etag,
                         published_at=now, published_by=staff)
            self._audit(conn, staff, "publish", None, f"{kind} for {scope} etag {etag}")
        log.info("document %s published for %s (etag %s)", kind, scope, etag)
        return etag

    def get_document(self, kind: str, terminal_id: str) -> tuple[dict[str, Any], str] | None:
        """The terminal's own document of ``kind`` if published, else the global one."""
        with self._read() as conn:
            rows = conn.execute(sa.select(documents.c.scope, documents.c.content, documents.c.etag).where(
                documents.c.kind == kind, documents.c.scope.in_([terminal_id, "*"]))).all()
        if not rows:
            return None
        row = min(rows, key=lambda r: r[0] == "*")  # a terminal's own document wins
        content: dict[str, Any] = json.loads(row[1])
        return content, row[2]

    # ------------------------------------------------------------------ staff side
    def list_submissions(self, flt: SubmissionFilter = SubmissionFilter()) -> list[SubmissionSummary]:
        query = sa.select(submissions)
        if flt.committed_only:
            query = query.where(submissions.c.committed_at.is_not(None))
        if flt.status:
            query = query.where(submissions.c.status == flt.status)
        if flt.item_code:
            query = query.where(submissions.c.item_code == flt.item_code)
        if flt.terminal_id:
            query = query.where(submissions.c.terminal_id == flt.terminal_id)
        query = query.order_by(submissions.c.id.desc()).limit(flt.limit).offset(flt.offset)
        with self._read() as conn:
            return [self._summary(r) for r in conn.execute(query).mappings()]

    def count_submissions(self, *, committed_only: bool = True) -> int:
        query = sa.select(sa.func.count()).select_from(submissions)
        if committed_only:
            query = query.where(submissions.c.committed_at.is_not(None))
        with self._read() as conn:
            return int(conn.execute(query).scalar_one())

    @staticmethod
    def _summary(r: sa.RowMapping) -> SubmissionSummary:
        return SubmissionSummary(
            uuid=r["uuid"], case_no=r["case_no"], tracking_no=r["tracking_no"], item_code=r["item_code"],
            terminal_id=r["terminal_id"], status=r["status"], status_note=r["status_note"],
            created_at=_must(r["created_at"]), received_at=_must(r["received_at"]),
            committed_at=_aware(r["committed_at"]), updated_at=_must(r["updated_at"]),
        )

    def put_help_request(self, terminal_id: str, request_id: str, body: HelpRequestIn) -> HelpRequestState:
        """Record a citizen's call for help (a repeat of the same id changes nothing)."""
        self._again_on_conflict(lambda: self._put_help_request(terminal_id, request_id, body))
        return self.help_request(terminal_id, request_id)

    def _put_help_request(self, terminal_id: str, request_id: str, body: HelpRequestIn) -> None:
        with self._write() as conn:
            row = conn.execute(sa.select(help_requests.c.terminal_id).where(
                help_requests.c.id == request_id)).first()
            if row is None:
                conn.execute(help_requests.insert().values(
                    id=request_id, terminal_id=terminal_id, screen=body.screen, language=body.language,
                    care_mode=body.care_mode, requested_at=body.requested_at, received_at=self._now(),
                    status="open"))
                self._audit(conn, f"terminal:{terminal_id}", "help_requested", None,
                            f"{request_id} on {body.screen}")
            elif row[0] != terminal_id:
                raise BackOfficeError(409, "help.conflict", "this id belongs to another terminal")

    def help_request(self, terminal_id: str, request_id: str) -> HelpRequestState:
        with self._read() as conn:
            row = conn.execute(sa.select(help_requests).where(
                help_requests.c.id == request_id, help_requests.c.terminal_id == terminal_id)
            ).mappings().first()
        if row is None:
            raise BackOfficeError(404, "help.not_found", "no such help request")
        return HelpRequestState(id=row["id"], status=row["status"],
                                acknowledged_at=_aware(row["acknowledged_at"]))

    def open_help_requests(self) -> list[dict[str, Any]]:
        """Calls not yet closed, oldest first (the terminals page)."""
        with self._read() as conn:
            rows = conn.execute(sa.select(help_requests).where(
                help_requests.c.status != "closed").order_by(help_requests.c.requested_at)).mappings().all()
        return [dict(r) for r in rows]

    def answer_help_request(self, request_id: str, status: str, staff: str) -> None:
        """Staff: ``acknowledged`` (on my way / calling) or ``closed`` (done)."""
        if status not in ("acknowledged", "closed"):
            raise BackOfficeError(422, "help.invalid", f"cannot set {status!r}")
        with self._write() as conn:
            values: dict[str, Any] = {"status": status}
            if status == "acknowledged":
                values.update(acknowledged_at=self._now(), acknowledged_by=staff)
            done = conn.execute(
                help_requests.update().where(help_requests.c.id == request_id).values(**values))
            if done.rowcount == 0:
                raise BackOfficeError(404, "help.not_found", "no such help request")
            self._audit(conn, staff, f"help_{status}", None, request_id)

    def register_gov_app_identity(self, subject: str, identity: Mapping[str, Any]) -> None:
        """Record the identity behind a government-app subject (the identity platform's side)."""
        with self._write() as conn:
            self._upsert(conn, gov_app_identities, ("subject",), subject=subject,
                         identity=json.dumps(dict(identity), ensure_ascii=False), registered_at=self._now())

    def resolve_gov_app(self, terminal_id: str, token: str, public_key: bytes | None) -> dict[str, Any]:
        """The identity behind a login token a terminal forwards: the token is verified again
        here (signature, lifetime), used once (its nonce), then its subject looked up. 403 for a
        token refused, 404 for a subject the platform does not know."""
        from kiosk.capture.payloads import GovAppToken, PayloadKeys, Rejected, parse_payload

        if public_key is None:
            raise BackOfficeError(404, "identity.gov_app_off", "gov-app identification is not set up")
        now = self._now()
        keys = PayloadKeys(gov_app_public_key=public_key, any_audience=True)
        parsed = parse_payload(token.encode("utf-8"), keys, now=now.timestamp())
        if not isinstance(parsed, GovAppToken):
            reason = parsed.reason if isinstance(parsed, Rejected) else "qr.unknown_kind"
            raise BackOfficeError(403, "identity.token_refused", reason)
        # another server taking the same token in the same instant: the rerun finds it spent (403)
        row = self._again_on_conflict(lambda: self._use_gov_app_token(terminal_id, parsed, now))
        if row is None:
            raise BackOfficeError(404, "identity.gov_app_unknown", "no identity for this subject")
        identity: dict[str, Any] = json.loads(row[0])
        return identity

    def _use_gov_app_token(self, terminal_id: str, parsed: GovAppToken, now: dt.datetime
                           ) -> sa.Row[Any] | None:
        """Spend the token's nonce and look its subject up (one transaction)."""
        with self._write() as conn:
            expired = int(now.timestamp()) - 60
            conn.execute(gov_app_nonces.delete().where(gov_app_nonces.c.expires_at < expired))
            seen = conn.execute(sa.select(gov_app_nonces.c.nonce).where(
                gov_app_nonces.c.nonce == parsed.nonce)).first()
            if seen is not None:
                raise BackOfficeError(403, "identity.token_refused", "qr.replayed")
            conn.execute(gov_app_nonces.insert().values(nonce=parsed.nonce, expires_at=parsed.expires_at))
            row = conn.execute(sa.select(gov_app_identities.c.identity).where(
                gov_app_identities.c.subject == parsed.subject)).first()
            self._audit(conn, f"terminal:{terminal_id}", "gov_app_identify", None,
                        "found" if row is not None else "unknown subject")
        return row

    def verify_receipt_code(self, code: str) -> str:
        """A receipt QR code a citizen shows at a window → the submission's uuid, once its
        signature checks out with the key derived from the issuing terminal's secret
        (:func:`kiosk.sync.credentials.receipt_code_key`). 404 for an unknown submission, 400
        for a code that is malformed, forged or was signed before the terminal was enrolled."""
        from kiosk.capture.payloads import PayloadKeys, ReceiptCode, parse_payload, receipt_submission_id
        from kiosk.sync.credentials import receipt_code_key

        sid = receipt_submission_id(code.strip())
        if sid is None:
            raise BackOfficeError(400, "receipt.malformed", "not a receipt code")
        with self._read() as conn:
            terminal_id = conn.execute(sa.select(submissions.c.terminal_id).where(
                submissions.c.uuid == sid)).scalar()
        if terminal_id is None:
            raise BackOfficeError(404, "submission.not_found", "no such submission (not synced yet?)")
        secret = self.terminal_secret(terminal_id)
        if secret is None:
            raise BackOfficeError(400, "receipt.unverifiable", "the issuing terminal is not enrolled")
        parsed = parse_payload(code.strip().encode("utf-8"),
                               PayloadKeys(receipt_hmac_key=receipt_code_key(secret)))
        if not isinstance(parsed, ReceiptCode) or parsed.submission_id != sid:
            raise BackOfficeError(400, "receipt.bad_signature",
                                  "the code's signature does not match its terminal's key")
        return sid

    def get_submission(self, uuid: str) -> SubmissionDetail:
        """Everything about one submission, personal data included (staff pages only)."""
        with self._read() as conn:
            row = conn.execute(sa.select(submissions).where(submissions.c.uuid == uuid)).mappings().first()
            if row is None:
                raise BackOfficeError(404, "submission.not_found", "no such submission")
            atts = conn.execute(sa.select(attachments).where(
                attachments.c.submission_uuid == uuid).order_by(attachments.c.seq)).mappings().all()
            events = conn.execute(sa.select(status_events).where(
                status_events.c.submission_uuid == uuid).order_by(status_events.c.id)).mappings().all()
        return SubmissionDetail(
            summary=self._summary(row),
            body=json.loads(row["body"]),
            attachments=tuple(AttachmentInfo(
                seq=a["seq"], material_id=a["material_id"], filename=a["filename"], mime=a["mime"],
                pages=a["pages"], size=a["size"], sha256=a["sha256"], received=a["received"],
                complete=a["complete"]) for a in atts),
            history=tuple(StatusUpdate(id=e["id"], uuid=uuid, status=e["status"], case_no=e["case_no"],
                                       reason=e["note"], at=_must(e["at"])) for e in events),
        )

    def read_attachment(self, uuid: str, seq: int) -> bytes:
        """The bytes received so far (the whole file once complete)."""
        with self._read() as conn:
            chunks = conn.execute(sa.select(attachment_chunks.c.data).where(
                attachment_chunks.c.submission_uuid == uuid, attachment_chunks.c.seq == seq
            ).order_by(attachment_chunks.c.offset)).scalars().all()
        return b"".join(chunks)

    def set_status(self, uuid: str, status: str, note: str, staff: str) -> StatusUpdate:
        """A staff decision: checked against the kiosk's transition table, fed to the terminal
        (status feed) and audited."""
        if status not in BACKOFFICE_STATUSES or status == "accepted":
            raise BackOfficeError(422, "status.invalid", f"cannot set status {status!r}")
        now = self._now()
        with self._write() as conn:
            row = conn.execute(sa.select(submissions).where(
                submissions.c.uuid == uuid).with_for_update()).mappings().first()
            if row is None or row["committed_at"] is None:
                raise BackOfficeError(404, "submission.not_found", "no such committed submission")
            current = row["status"]
            if status not in TRANSITIONS[current]:
                raise BackOfficeError(409, "status.not_allowed", f"{current} -> {status} is not allowed")
            conn.execute(submissions.update().where(submissions.c.uuid == uuid).values(
                status=status, status_note=note or None, updated_at=now))
            self._feed_turn(conn)
            inserted = conn.execute(status_events.insert().values(
                submission_uuid=uuid, terminal_id=row["terminal_id"], status=status, case_no=row["case_no"],
                note=note or None, staff=staff, at=now)).inserted_primary_key
            event_id = int(inserted[0]) if inserted else 0
            self._audit(conn, staff, "set_status", uuid, f"{current} -> {status}")
        log.info("submission %s: %s -> %s by %s", uuid, current, status, staff)
        return StatusUpdate.model_validate({"id": event_id, "uuid": uuid, "status": status,
                                            "case_no": row["case_no"], "reason": note or None, "at": now})

    def audit_log(self, uuid: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        query = sa.select(audit).order_by(audit.c.id.desc()).limit(limit)
        if uuid is not None:
            query = query.where(audit.c.submission_uuid == uuid)
        with self._read() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def submission_uuids(self) -> Sequence[str]:
        """Every uuid held (tests and reconciliation)."""
        with self._read() as conn:
            return list(conn.execute(sa.select(submissions.c.uuid)).scalars())

    # ------------------------------------------------------------------ staff pages (accounts,
    # sessions, login throttling, result files); tables at the end of this module
    def create_staff_user(self, username: str, password_hash: str, *, display_name: str = "",
                          created_by: str = "system") -> None:
        """A new staff account (the caller hashes the password); 409 if the name is taken."""
        now = self._now()

        def create() -> None:
            with self._write() as conn:
                taken = conn.execute(sa.select(staff_users.c.username).where(
                    staff_users.c.username == username)).first()
                if taken is not None:
                    raise BackOfficeError(409, "staff.exists", "a staff account with this name exists")
                conn.execute(staff_users.insert().values(
                    username=username, display_name=display_name, password_hash=password_hash,
                    created_at=now, created_by=created_by, disabled=False))
                self._audit(conn, created_by, "staff_created", None, f"staff {username}")

        self._again_on_conflict(create)  # created on two servers at once: the second gets the 409
        log.info("staff account %s created by %s", username, created_by)

    def set_staff_password(self, username: str, password_hash: str, staff: str) -> None:
        """Replace a password hash (a rehash on login, or a reset); ends the account's sessions
        unless it is the rehash of the same password (``staff`` == ``"rehash"``)."""
        with self._write() as conn:
            done = conn.execute(staff_users.update().where(staff_users.c.username == username).values(
                password_hash=password_hash)).rowcount
            if not done:
                raise BackOfficeError(404, "staff.not_found", "no such staff account")
            if staff != "rehash":
                conn.execute(staff_sessions.delete().where(staff_sessions.c.username == username))
                self._audit(conn, staff, "staff_password", None, f"staff {username}")

    def set_staff_disabled(self, username: str, disabled: bool, staff: str) -> None:
        with self._write() as conn:
            done = conn.execute(staff_users.update().where(staff_users.c.username == username).values(
                disabled=disabled)).rowcount
            if not done:
                raise BackOfficeError(404, "staff.not_found", "no such staff account")
            if disabled:
                conn.execute(staff_sessions.delete().where(staff_sessions.c.username == username))
            self._audit(conn, staff, "staff_disabled" if disabled else "staff_enabled", None,
                        f"staff {username}")

    def get_staff_user(self, username: str) -> StaffUser | None:
        with self._read() as conn:
            r = conn.execute(sa.select(staff_users).where(staff_users.c.username == username)
                             ).mappings().first()
        return None if r is None else self._staff(r)

    def list_staff_users(self) -> list[StaffUser]:
        with self._read() as conn:
            rows = conn.execute(sa.select(staff_users).order_by(staff_users.c.username)).mappings().all()
        return [self._staff(r) for r in rows]

    @staticmethod
    def _staff(r: sa.RowMapping) -> StaffUser:
        return StaffUser(username=r["username"], display_name=r["display_name"],
                         password_hash=r["password_hash"], disabled=r["disabled"],
                         created_at=_must(r["created_at"]), last_login_at=_aware(r["last_login_at"]))

    def start_staff_session(self, token_hash: str, username: str, ttl: dt.timedelta) -> StaffSession:
        """A server-side session for a successful login (the cookie holds the token; the
        database its SHA-256). Expired sessions are swept here."""
        now = self._now()
        with self._write() as conn:
            conn.execute(staff_sessions.delete().where(staff_sessions.c.expires_at < now))
            conn.execute(staff_sessions.insert().values(
                token_hash=token_hash, username=username, created_at=now, last_seen_at=now,
                expires_at=now + ttl))
            conn.execute(staff_users.update().where(staff_users.c.username == username).values(
                last_login_at=now))
            self._audit(conn, username, "login", None, "")
        return StaffSession(token_hash=token_hash, username=username, created_at=now, last_seen_at=now,
                            expires_at=now + ttl)

    def get_staff_session(self, token_hash: str) -> StaffSession | None:
        with self._read() as conn:
            r = conn.execute(sa.select(staff_sessions).where(
                staff_sessions.c.token_hash == token_hash)).mappings().first()
        if r is None:
            return None
        return StaffSession(token_hash=r["token_hash"], username=r["username"],
                            created_at=_must(r["created_at"]), last_seen_at=_must(r["last_seen_at"]),
                            expires_at=_must(r["expires_at"]))

    def touch_staff_session(self, token_hash: str) -> None:
        with self._write(durable=False) as conn:
            conn.execute(staff_sessions.update().where(staff_sessions.c.token_hash == token_hash).values(
                last_seen_at=self._now()))

    def end_staff_session(self, token_hash: str, *, reason: str = "logout") -> None:
        with self._write() as conn:
            row = conn.execute(sa.select(staff_sessions.c.username).where(
                staff_sessions.c.token_hash == token_hash)).first()
            if row is None:
                return
            conn.execute(staff_sessions.delete().where(staff_sessions.c.token_hash == token_hash))
            self._audit(conn, row[0], reason, None, "")

    def login_lockout(self, keys: Sequence[str]) -> dt.datetime | None:
        """The latest ``locked_until`` still in the future among ``keys``; None if none is locked."""
        now = self._now()
        with self._read() as conn:
            rows = conn.execute(sa.select(staff_login_failures.c.locked_until).where(
                staff_login_failures.c.key.in_(list(keys)))).scalars().all()
        until = [t for t in (_aware(r) for r in rows) if t is not None and t > now]
        return max(until) if until else None

    def note_login_failure(self, keys: Sequence[str], *, window: dt.timedelta,
                           limits: Sequence[int], lock_for: dt.timedelta) -> dt.datetime | None:
        """Count one failed login against every key (``limits[i]`` failures of ``keys[i]``
        within ``window`` lock that key for ``lock_for``). Returns the lock time if one started."""
        return self._again_on_conflict(lambda: self._note_login_failure(keys, window, limits, lock_for))

    def _note_login_failure(self, keys: Sequence[str], window: dt.timedelta, limits: Sequence[int],
                            lock_for: dt.timedelta) -> dt.datetime | None:
        now = self._now()
        locked: dt.datetime | None = None
        with self._write() as conn:
            for key, limit in zip(keys, limits, strict=True):
                # locked: failures tried on several servers at once are all counted
                r = conn.execute(sa.select(staff_login_failures).where(
                    staff_login_failures.c.key == key).with_for_update()).mappings().first()
                if r is None:
                    conn.execute(staff_login_failures.insert().values(
                        key=key, failures=1, window_start=now, locked_until=None))
                    failures = 1
                else:
                    fresh = _must(r["window_start"]) < now - window
                    failures = 1 if fresh else r["failures"] + 1
                    conn.execute(staff_login_failures.update().where(
                        staff_login_failures.c.key == key).values(
                        failures=failures, window_start=now if fresh else r["window_start"]))
                if failures >= limit:
                    until = now + lock_for
                    conn.execute(staff_login_failures.update().where(
                        staff_login_failures.c.key == key).values(
                        locked_until=until, failures=0, window_start=now))
                    self._audit(conn, "system", "login_locked", None, key[:200])
                    locked = until
        return locked

    def clear_login_failures(self, key: str) -> None:
        with self._write() as conn:
            conn.execute(staff_login_failures.delete().where(staff_login_failures.c.key == key))

    def staff_secret(self, name: str) -> str:
        """A named random secret (hex), created on first use and kept (e.g. the session cookie
        key, so a restarted or second server accepts the same cookies)."""
        with self._read() as conn:
            value = conn.execute(sa.select(staff_secrets.c.value).where(
                staff_secrets.c.name == name)).scalar()
        if value is not None:
            return str(value)

        def create() -> str:
            with self._write() as conn:
                value = conn.execute(sa.select(staff_secrets.c.value).where(
                    staff_secrets.c.name == name)).scalar()
                if value is None:
                    value = secrets.token_hex(32)
                    conn.execute(staff_secrets.insert().values(
                        name=name, value=value, created_at=self._now()))
            return str(value)

        return self._again_on_conflict(create)  # servers starting together agree on the first one's

    def record_staff_action(self, staff: str, action: str, uuid: str | None = None, detail: str = "") -> None:
        """Audit a staff access that changes nothing (viewing personal data, a download)."""
        with self._write(durable=False) as conn:
            self._audit(conn, staff, action, uuid, detail)

    def mark_result_ready(self, uuid: str, data: bytes, filename: str, note: str, staff: str
                          ) -> StatusUpdate | None:
        """Store the result PDF and set ``result_ready`` in one transaction (checked against the
        transition table, fed to the terminal, audited). On a submission already
        ``result_ready`` the file is replaced (audited) and None is returned."""
        now = self._now()
        digest = hashlib.sha256(data).hexdigest()
        with self._write() as conn:
            row = conn.execute(sa.select(submissions).where(
                submissions.c.uuid == uuid).with_for_update()).mappings().first()
            if row is None or row["committed_at"] is None:
                raise BackOfficeError(404, "submission.not_found", "no such committed submission")
            current = row["status"]
            replace = current == "result_ready"
            if not replace and "result_ready" not in TRANSITIONS[current]:
                raise BackOfficeError(409, "status.not_allowed", f"{current} -> result_ready is not allowed")
            conn.execute(result_files.delete().where(result_files.c.submission_uuid == uuid))
            conn.execute(result_files.insert().values(
                submission_uuid=uuid, filename=filename, mime="application/pdf", size=len(data),
                sha256=digest, data=data, uploaded_at=now, uploaded_by=staff))
            if replace:
                self._audit(conn, staff, "result_replaced", uuid, f"{len(data)} bytes sha256 {digest}")
                log.info("submission %s: result file replaced by %s", uuid, staff)
                return None
            conn.execute(submissions.update().where(submissions.c.uuid == uuid).values(
                status="result_ready", status_note=note or None, updated_at=now))
            self._feed_turn(conn)
            inserted = conn.execute(status_events.insert().values(
                submission_uuid=uuid, terminal_id=row["terminal_id"], status="result_ready",
                case_no=row["case_no"], note=note or None, staff=staff, at=now)).inserted_primary_key
            event_id = int(inserted[0]) if inserted else 0
            self._audit(conn, staff, "set_status", uuid, f"{current} -> result_ready")
            self._audit(conn, staff, "result_uploaded", uuid, f"{len(data)} bytes sha256 {digest}")
        log.info("submission %s: %s -> result_ready with a result file by %s", uuid, current, staff)
        return StatusUpdate.model_validate({"id": event_id, "uuid": uuid, "status": "result_ready",
                                            "case_no": row["case_no"], "reason": note or None, "at": now})

    def result_info(self, uuid: str) -> ResultFileInfo | None:
        with self._read() as conn:
            r = conn.execute(sa.select(*[c for c in result_files.c if c.name != "data"]).where(
                result_files.c.submission_uuid == uuid)).mappings().first()
        if r is None:
            return None
        return ResultFileInfo(filename=r["filename"], mime=r["mime"], size=r["size"], sha256=r["sha256"],
                              uploaded_at=_must(r["uploaded_at"]), uploaded_by=r["uploaded_by"])

    def read_result(self, uuid: str, terminal_id: str | None = None) -> tuple[ResultFileInfo, bytes]:
        """The result file; with ``terminal_id`` only for that terminal's own submission (404
        otherwise, as for every terminal read)."""
        with self._read() as conn:
            if terminal_id is not None:
                self._owned(conn, terminal_id, uuid, write=False)
            r = conn.execute(sa.select(result_files).where(
                result_files.c.submission_uuid == uuid)).mappings().first()
        if r is None:
            raise BackOfficeError(404, "result.not_found", "no result file for this submission")
        info = ResultFileInfo(filename=r["filename"], mime=r["mime"], size=r["size"], sha256=r["sha256"],
                              uploaded_at=_must(r["uploaded_at"]), uploaded_by=r["uploaded_by"])
        return info, bytes(r["data"])

    def list_documents(self) -> list[DocumentInfo]:
        with self._read() as conn:
            rows = conn.execute(sa.select(documents.c.kind, documents.c.scope, documents.c.etag,
                                          documents.c.published_at, documents.c.published_by).order_by(
                documents.c.kind, documents.c.scope)).all()
        return [DocumentInfo(kind=r[0], scope=r[1], etag=r[2], published_at=_must(r[3]), published_by=r[4])
                for r in rows]

    def list_enrolment_codes(self, limit: int = 200) -> list[EnrolmentCodeInfo]:
        """Issued codes, newest first (the codes themselves are kept only as hashes)."""
        with self._read() as conn:
            rows = conn.execute(sa.select(enrolment_codes).order_by(
                enrolment_codes.c.created_at.desc()).limit(limit)).mappings().all()
        return [EnrolmentCodeInfo(code_ref=r["code_hash"][:8], terminal_id=r["terminal_id"],
                                  created_at=_must(r["created_at"]), expires_at=_must(r["expires_at"]),
                                  created_by=r["created_by"], used_at=_aware(r["used_at"]))
                for r in rows]


# ---------------------------------------------------------------- staff-page tables and records
# New tables only: ``create_schema`` (``metadata.create_all``) adds them to an existing database.
staff_users = sa.Table(
    "staff_users", metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("display_name", sa.String(200), nullable=False, default=""),
    sa.Column("password_hash", sa.String(255), nullable=False),  # argon2id (PHC string)
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
    sa.Column("last_login_at", sa.DateTime(timezone=True)),
)
staff_sessions = sa.Table(
    "staff_sessions", metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),  # SHA-256 of the cookie's token
    sa.Column("username", sa.String(64), sa.ForeignKey("staff_users.username"), nullable=False, index=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
)
staff_login_failures = sa.Table(
    "staff_login_failures", metadata,
    sa.Column("key", sa.String(200), primary_key=True),  # "user:<name>" or "ip:<address>"
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
    sa.Column("locked_until", sa.DateTime(timezone=True)),
)
staff_secrets = sa.Table(
    "staff_secrets", metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(128), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
result_files = sa.Table(
    "result_files", metadata,
    sa.Column("submission_uuid", sa.String(36), sa.ForeignKey("submissions.uuid"), primary_key=True),
    sa.Column("filename", sa.String(128), nullable=False),
    sa.Column("mime", sa.String(80), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("uploaded_by", sa.String(64), nullable=False),
)


@dataclasses.dataclass(frozen=True)
class StaffUser:
    username: str
    display_name: str
    password_hash: str = dataclasses.field(repr=False)
    disabled: bool
    created_at: dt.datetime
    last_login_at: dt.datetime | None


@dataclasses.dataclass(frozen=True)
class StaffSession:
    token_hash: str
    username: str
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class ResultFileInfo:
    filename: str
    mime: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    uploaded_by: str


@dataclasses.dataclass(frozen=True)
class DocumentInfo:
    kind: str
    scope: str
    etag: str
    published_at: dt.datetime
    published_by: str


@dataclasses.dataclass(frozen=True)
class EnrolmentCodeInfo:
    code_ref: str  # the first hex digits of the code's hash: a reference, not the code
    terminal_id: str
    created_at: dt.datetime
    expires_at: dt.datetime
    created_by: str
    used_at: dt.datetime | None
