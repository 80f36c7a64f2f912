"""The sync worker: push the outbox, pull status and documents, send heartbeats.

One cycle (:meth:`SyncWorker.run_once`):

1. **push** every due submission (claimed with a lease, ``push_concurrency`` at a time):
   ``PUT`` (idempotent) → upload what the server lacks of each attachment (framed, resumable)
   → ``commit`` → ``outbox.transition(uuid, "accepted", case_no=…)``; a submission small enough
   for a back office that takes inline pushes (protocol revision 2) goes in one request that
   answers the case number. A transient failure
   schedules the item with exponential backoff and full jitter; a 4xx other than
   408/409/429 parks it as ``rejected`` with the server's reason (a ``submission.conflict``
   409 too: another body under the same uuid will never be accepted);
2. **pull status** updates for this terminal's submissions (cursor in the store's ``meta``);
3. **pull documents** (catalog, terminal config) with ETags; a catalog is validated with
   :func:`~kiosk.catalog.parse_catalog` before it replaces the local copy: a bad one is refused
   and reported, the old one stays. A config document's ``settings`` go to ``stage_config``
   (:meth:`kiosk.remote_config.RemoteConfigStore.stage`: allow-list and the full config model
   over the local file, then staged as pending); a refusal there refuses the document the same way;
4. **heartbeat** when due: device health, queue figures, disk free, version; no personal data.

At most one sync process runs per data directory (:class:`SyncLock`); when it starts, claims
left by a killed predecessor are released. All personal data read from the outbox goes only
into signed requests and is never logged.
"""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import dataclasses
import datetime as dt
import json
import logging
import os
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kiosk import __version__
from kiosk.atomicfile import atomic_write
from kiosk.catalog import Catalog, CatalogError, parse_catalog
from kiosk.config import SyncConfig
from kiosk.devices.health import read_published
from kiosk.errors import KioskError, KnownError
from kiosk.locks import try_flock
from kiosk.store.models import SubmissionRow
from kiosk.store.outbox import Outbox
from kiosk.sync.backoff import Backoff
from kiosk.sync.client import (
    INLINE_REFUSALS,
    AuthError,
    ConflictError,
    RejectedError,
    SyncClient,
    SyncError,
    TransientError,
)
from kiosk.sync.live import store_live
from kiosk.sync.protocol import (
    AttachmentMeta,
    AttachmentState,
    DocumentKind,
    Heartbeat,
    SubmissionIn,
    SubmissionState,
    TerminalConfigDoc,
)

log = logging.getLogger(__name__)

Now = Callable[[], dt.datetime]

META_STATUS_CURSOR = "sync.status_cursor"
META_LAST_OK = "sync.last_ok_at"
META_LAST_ERROR = "sync.last_error"
META_LAST_HEARTBEAT = "sync.last_heartbeat_at"
DOCUMENT_KINDS: tuple[DocumentKind, ...] = ("catalog", "config")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _age(stamp: str | None, now: dt.datetime) -> float | None:
    """Seconds from an ISO ``stamp`` (the worker's meta values) to ``now``; None if unusable."""
    if not stamp:
        return None
    try:
        then = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if then.tzinfo is None:
        then = then.replace(tzinfo=dt.UTC)
    return round(max(0.0, (now - then).total_seconds()), 1)


class SyncLock:
    """An exclusive ``flock`` on ``<data_dir>/sync.lock``: one sync process per terminal.

    A process killed with SIGKILL releases it with its file descriptors.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = try_flock(self.path)
        if fd is None:
            raise KnownError("sync.busy", "another sync process is running for this terminal")
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> SyncLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


@dataclasses.dataclass
class CycleReport:
    """What one cycle did (counts and error keys only)."""

    accepted: list[str] = dataclasses.field(default_factory=list)
    retried: int = 0
    parked: list[str] = dataclasses.field(default_factory=list)
    statuses_applied: int = 0
    documents_updated: list[str] = dataclasses.field(default_factory=list)
    documents_refused: list[str] = dataclasses.field(default_factory=list)
    heartbeat_sent: bool = False
    errors: list[str] = dataclasses.field(default_factory=list)  # error keys / codes
    link_down: bool = False  # no answer at all from the back office this cycle

    @property
    def ok(self) -> bool:
        return not self.errors


class SyncWorker:
    def __init__(
        self,
        outbox: Outbox,
        client: SyncClient,
        config: SyncConfig,
        *,
        docs_dir: Path,
        health: Callable[[], Mapping[str, str]] = dict,
        on_catalog: Callable[[Catalog], None] | None = None,
        on_config: Callable[[TerminalConfigDoc], None] | None = None,
        stage_config: Callable[[Mapping[str, Any], str], str | None] | None = None,
        config_status: Callable[[], tuple[str, str]] | None = None,
        backoff: Backoff | None = None,
        now: Now = _utcnow,
        lease_s: float | None = None,
        catalog_version: Callable[[], str] = lambda: "",
    ) -> None:
        self.outbox = outbox
        self.client = client
        self.config = config
        self.docs_dir = docs_dir
        self._health = health
        self._on_catalog = on_catalog
        self._on_config = on_config
        self._stage_config = stage_config  # (content, etag) → None when staged, else the problems
        self._config_status = config_status  # → (config_version, config_state) for the heartbeat
        self.backoff = backoff or Backoff(config.backoff_base_s, config.backoff_cap_s)
        self._now = now
        self._lease_s = (lease_s if lease_s is not None
                         else 4 * (config.connect_timeout_s + config.read_timeout_s))
        self._catalog_version = catalog_version
        self._store = threading.Lock()  # the outbox's sqlite connection is used by one thread at a time
        self._token = secrets.token_hex(8)
        self._last_heartbeat: float | None = None
        self.heartbeat_s = config.heartbeat_s

    # ------------------------------------------------------------------ helpers
    @contextlib.contextmanager
    def _locked(self) -> Iterator[Outbox]:
        with self._store:
            yield self.outbox

    def recover(self) -> int:
        """Release every claim (call with the :class:`SyncLock` held: no other run is alive)."""
        with self._locked() as box:
            released = box.release_claims()
        if released:
            log.info("released %d claim(s) left by a previous sync run", released)
        return released

    # ------------------------------------------------------------------ the cycle
    def run_once(self, *, push: bool = True, pull: bool = True, heartbeat: bool = True) -> CycleReport:
        report = CycleReport()
        steps: list[Callable[[CycleReport], None]] = []
        if push:
            steps.append(self.push)
        if pull:
            steps += [self.pull_status, self.pull_documents]
        if heartbeat:
            steps.append(self._heartbeat_if_due)
        for step in steps:
            try:
                step(report)
            except TransientError as err:
                report.errors.append(err.key)
                report.link_down = report.link_down or err.network
                log.info("sync step %s failed: %s", step.__name__, err.detail)
            except AuthError as err:
                report.errors.append(f"{err.key}:{err.code}")
                log.warning("back office refused this terminal's signature (%s)", err.code)
                break  # every further request would be refused too
            except SyncError as err:
                report.errors.append(f"{err.key}:{err.code}")
                log.warning("sync step %s refused: %s", step.__name__, err.detail)
        with self._locked() as box:
            # milliseconds: a failure and a success within one second must still be ordered
            # (diagnostics and the heartbeat tell a current outage from a past one by them)
            stamp = self._now().isoformat(timespec="milliseconds")
            if report.ok:
                box.set_meta(META_LAST_OK, stamp)
            else:
                box.set_meta(META_LAST_ERROR, f"{stamp} {' '.join(sorted(set(report.errors)))}")
        return report

    def run(self, stop: threading.Event, *, max_cycles: int | None = None) -> int:
        """Cycle until ``stop`` is set (or ``max_cycles`` ran); returns the cycles run.

        Waits between cycles on ``stop`` (never a bare sleep): after a cycle with failures,
        a backoff delay; otherwise until the next item is due, at most ``poll_s``.
        """
        cycles = 0
        failures = 0
        while not stop.is_set() and (max_cycles is None or cycles < max_cycles):
            report = self.run_once()
            cycles += 1
            failures = failures + 1 if report.link_down or not report.ok else 0
            if max_cycles is not None and cycles >= max_cycles:
                break
            wait = self.backoff.delay(failures - 1) if failures else self._idle_wait()
            stop.wait(wait)
        return cycles

    def _idle_wait(self) -> float:
        """Seconds until the next unsent item is due (its backoff or a dead run's lease ends),
        the next heartbeat, or ``poll_s``; never below 50 ms (no hot loop)."""
        with self._locked() as box:
            row = box.db.execute(
                "SELECT count(*), min(max(coalesce(next_attempt_at, ''), coalesce(claim_until, '')))"
                " FROM submissions WHERE status IN ('queued', 'sending')"
            ).fetchone()
        wait = self.config.poll_s
        if row and row[0]:
            due = 0.0 if not row[1] else (dt.datetime.fromisoformat(row[1]) - self._now()).total_seconds()
            wait = min(wait, due)
        if self._last_heartbeat is not None:
            wait = min(wait, self._last_heartbeat + self.heartbeat_s - time.monotonic())
        return max(0.05, wait)

    # ------------------------------------------------------------------ push
    def push(self, report: CycleReport) -> None:
        """Push every due submission once (at most) in this round.

        ``push_concurrency`` submissions are in flight at any time: a slot that frees takes the
        next claimed item at once (no waiting for the slowest of a batch). Each submission's
        push is independent and idempotent; a claim keeps any other run off it.
        """
        seen: set[str] = set()
        link_failures = 0
        retried = 0
        concurrency = self.config.push_concurrency
        waiting: collections.deque[SubmissionRow] = collections.deque()
        running: dict[concurrent.futures.Future[str], SubmissionRow] = {}
        more = True
        try:
            with concurrent.futures.ThreadPoolExecutor(max_workers=concurrency,
                                                       thread_name_prefix="sync-push") as pool:
                while True:
                    while more and link_failures < 3 and len(running) < concurrency:
                        if not waiting:
                            more = self._claim_more(waiting, seen, concurrency * 2 + retried)
                            if not more:
                                break
                        row = waiting.popleft()
                        running[pool.submit(self._push_one, row)] = row
                    if not running:
                        break
                    done, _ = concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)
                    for future in done:
                        row = running.pop(future)
                        outcome = future.result()
                        if outcome == "accepted":
                            report.accepted.append(row.uuid)
                        elif outcome == "parked":
                            report.parked.append(row.uuid)
                        else:
                            report.retried += 1
                            retried += 1
                            if outcome == "network":
                                link_failures += 1
                                report.link_down = True
        finally:
            if waiting:  # claimed but not started (the link went down, or an error)
                with self._locked() as box:
                    box.release_claims(self._token, [r.uuid for r in waiting])
        if link_failures >= 3:
            # the back office is unreachable: this round stopped, the run loop backs off
            report.link_down = True
            report.errors.append("sync.offline")

    def _claim_more(self, waiting: collections.deque[SubmissionRow], seen: set[str], limit: int) -> bool:
        """Claim the next due items into ``waiting``; False when none is left for this round
        (an item already tried this round, due again after a short backoff, waits for the next)."""
        with self._locked() as box:
            rows = box.claim_due(limit, token=self._token, lease_s=self._lease_s, reclaim_own=False)
            stale = [r.uuid for r in rows if r.uuid in seen]
            if stale:
                box.release_claims(self._token, stale)
        fresh = [r for r in rows if r.uuid not in seen]
        seen.update(r.uuid for r in fresh)
        waiting.extend(fresh)
        return bool(fresh)

    def _push_one(self, row: SubmissionRow) -> str:
        """Push one claimed submission; returns accepted / parked / retry / network."""
        try:
            case_no = self._push(row)
        except RejectedError as err:
            return self._park(row, err)
        except ConflictError as err:
            if err.code == "submission.conflict":
                return self._park(row, err)
            return self._retry(row, err)
        except TransientError as err:
            return self._retry(row, err)
        except AuthError as err:
            return self._retry(row, err)
        except KioskError as err:  # the local store failed for this item
            log.error("submission %s could not be read for sync: %s", row.uuid, err.key)
            return self._retry(row, err)
        with self._locked() as box:
            box.transition(row.uuid, "accepted", case_no=case_no)
        return "accepted"

    def _park(self, row: SubmissionRow, err: SyncError) -> str:
        reason = f"{err.code or err.status}: {err.detail}"[:500]
        with self._locked() as box:
            box.transition(row.uuid, "rejected", reason=reason)
        log.warning("submission %s parked as rejected: %s", row.uuid, err.code or err.status)
        return "parked"

    def _retry(self, row: SubmissionRow, err: KioskError) -> str:
        delay = self.backoff.delay(row.attempts)
        retry_after = getattr(err, "retry_after", None)
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.backoff.cap_s))
        with self._locked() as box:
            box.retry_later(row.uuid, error=f"{err.key} {err.detail}"[:300],
                            next_attempt_at=self._now() + dt.timedelta(seconds=delay))
        log.info("submission %s: retry in %.1f s (%s)", row.uuid, delay, err.key)
        return "network" if isinstance(err, TransientError) and err.network else "retry"

    def _body(self, row: SubmissionRow) -> SubmissionIn:
        with self._locked() as box:
            personal = box.read_personal(row.uuid)
        if personal is None:
            raise RejectedError("sync.rejected", "personal data already purged", code="local.purged")
        return SubmissionIn(
            uuid=row.uuid, tracking_no=row.tracking_no, item_code=row.item_code,
            language=self._language(row.uuid), created_at=row.created_at,
            terminal_ref=row.terminal_id, personal=personal,
            attachments=tuple(
                AttachmentMeta(seq=seq, material_id=a.material_id, filename=a.filename, mime=a.mime,
                               pages=a.pages, size=a.size, sha256=a.sha256)
                for seq, a in enumerate(row.attachments)
            ),
        )

    def _put_inline(self, row: SubmissionRow, body: SubmissionIn) -> SubmissionState | None:
        """Protocol revision 2: when the back office takes inline pushes and the attachments are
        small enough, send them with the submission and commit in one request. None: not tried,
        or refused as unsupported; the caller then pushes the resumable way."""
        limit = self.client.inline_limit()
        if limit <= 0 or sum(a.size for a in body.attachments) > limit:
            return None
        contents = []
        for meta in body.attachments:
            with self._locked() as box:
                contents.append(box.read_attachment(row.uuid, meta.seq))
        try:
            return self.client.put_inline(body, contents)
        except RejectedError as err:
            if err.status not in INLINE_REFUSALS:
                raise
            log.info("inline push of %s refused (%s); sending it resumable", row.uuid, err.code or err.status)
            return None

    def _language(self, uuid: str) -> str:
        with self._locked() as box:
            found = box.db.execute("SELECT language FROM submissions WHERE uuid = ?", (uuid,)).fetchone()
        return str(found[0]) if found else ""

    def _push(self, row: SubmissionRow) -> str:
        body = self._body(row)
        state = self._put_inline(row, body)
        if state is None:
            state = self.client.put_submission(body)
        if state.committed and state.case_no:
            return state.case_no
        for att in state.attachments:
            if att.complete:
                continue
            with self._locked() as box:
                data = box.read_attachment(row.uuid, att.seq)

            def progress(s: AttachmentState, seq: int = att.seq) -> None:
                # partial progress only (a stuck upload shows in `kiosk sync status`); a
                # complete upload is recorded with the acceptance, in the same transaction
                if not s.complete:
                    with self._locked() as box:
                        box.set_upload_progress(row.uuid, seq, s.offset)

            self.client.upload(row.uuid, att.seq, data, att, on_progress=progress)
        answer = self.client.commit(row.uuid)
        return answer.case_no

    # ------------------------------------------------------------------ pull
    def pull_status(self, report: CycleReport, max_pages: int = 50) -> None:
        with self._locked() as box:
            cursor = int(box.get_meta(META_STATUS_CURSOR) or 0)
        for _ in range(max_pages):
            feed = self.client.status_updates(cursor)
            with self._locked() as box:
                for update in feed.updates:
                    if box.apply_status_update(update.uuid, update.status, reason=update.reason,
                                               case_no=update.case_no):
                        report.statuses_applied += 1
                box.set_meta(META_STATUS_CURSOR, str(feed.cursor))
            cursor = feed.cursor
            if not feed.more:
                return

    def document_path(self, kind: DocumentKind) -> Path:
        return self.docs_dir / f"{kind}.json"

    def pull_documents(self, report: CycleReport) -> None:
        for kind in DOCUMENT_KINDS:
            etag_key, refused_key = f"sync.etag.{kind}", f"sync.refused_etag.{kind}"
            with self._locked() as box:
                known = [e for e in (box.get_meta(etag_key), box.get_meta(refused_key)) if e]
            try:
                found = self.client.get_document(kind, known)
            except RejectedError as err:
                if err.status == 404:
                    continue  # nothing published yet
                raise
            if found is None:
                continue
            content, etag = found
            problem = self._validate_document(kind, content)
            if problem is None and kind == "config" and self._stage_config is not None:
                problem = self._stage_config(content, etag)
            if problem is not None:
                report.documents_refused.append(kind)
                report.errors.append(f"sync.{kind}_invalid")
                with self._locked() as box:
                    box.set_meta(refused_key, etag)
                    box.set_meta(f"sync.refused.{kind}", problem[:2000])
                log.warning("back office %s %s refused, the current one stays: %s", kind, etag,
                            problem.splitlines()[0] if problem else "")
                continue
            self.docs_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            atomic_write(self.document_path(kind),
                         json.dumps(content, ensure_ascii=False, indent=1).encode("utf-8"), 0o644)
            with self._locked() as box:
                box.set_meta(etag_key, etag)
                box.set_meta(refused_key, None)
                box.set_meta(f"sync.refused.{kind}", None)
            report.documents_updated.append(kind)
            log.info("back office %s %s installed", kind, etag)
            self._deliver(kind, content)

    def _validate_document(self, kind: DocumentKind, content: Any) -> str | None:
        """None when ``content`` is usable, else the problems (technician-facing)."""
        if kind == "catalog":
            try:
                parse_catalog(content, source="synced catalog")
            except CatalogError as err:
                return err.detail
            return None
        try:
            TerminalConfigDoc.model_validate(content)
        except ValidationError as err:
            return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors())
        return None

    def _deliver(self, kind: DocumentKind, content: Any) -> None:
        if kind == "catalog" and self._on_catalog is not None:
            self._on_catalog(parse_catalog(content, source="synced catalog"))
        elif kind == "config":
            doc = TerminalConfigDoc.model_validate(content)
            if doc.heartbeat_s is not None:
                self.heartbeat_s = doc.heartbeat_s
            store_live(self.outbox, doc.out_of_service, doc.notice)  # the UI reads these live
            if self._on_config is not None:
                self._on_config(doc)

    # ------------------------------------------------------------------ heartbeat
    def _heartbeat_if_due(self, report: CycleReport) -> None:
        now = time.monotonic()
        if self._last_heartbeat is not None and now - self._last_heartbeat < self.heartbeat_s:
            return
        self.send_heartbeat()
        self._last_heartbeat = now
        report.heartbeat_sent = True

    def heartbeat_payload(self) -> Heartbeat:
        with self._locked() as box:
            stats = box.stats()
            data_dir = box.blobs.dir.parent
            last_ok, last_error = box.get_meta(META_LAST_OK), box.get_meta(META_LAST_ERROR)
        now = self._now()
        devices = {str(k)[:32]: str(v)[:64] for k, v in self._health().items()}
        devices_age: float | None = None
        if not devices:  # `kiosk sync` beside the app: the app publishes its device health
            published = read_published(data_dir)
            if published is not None:
                devices, devices_age = published
        error_at, _, error_keys = (last_error or "").partition(" ")
        return Heartbeat(
            sent_at=now,
            app_version=__version__,
            devices=devices,
            queue_depth=int(stats["unsent"]),
            parked=int(stats["parked"]),
            oldest_unsent_age_s=stats["oldest_unsent_age_s"],
            disk_free_bytes=shutil.disk_usage(data_dir).free,
            catalog_version=self._catalog_version()[:32],
            devices_age_s=None if devices_age is None else round(devices_age, 1),
            last_sync_ok_age_s=_age(last_ok, now),
            last_sync_error_age_s=_age(error_at, now),
            last_sync_error=error_keys[:200],
            **self._config_fields(),
        )

    def _config_fields(self) -> dict[str, str]:
        """``config_version`` / ``config_state`` of the remote config (kiosk.remote_config)."""
        if self._config_status is None:
            return {}
        try:
            version, state = self._config_status()
        except Exception:  # the heartbeat goes out without them rather than not at all
            log.exception("remote config status could not be read for the heartbeat")
            return {}
        return {"config_version": version[:64], "config_state": state[:300]}

    def send_heartbeat(self) -> None:
        ack = self.client.heartbeat(self.heartbeat_payload())
        with self._locked() as box:
            box.set_meta(META_LAST_HEARTBEAT, ack.server_time.isoformat(timespec="seconds"))

    # ------------------------------------------------------------------ status (CLI)
    def status(self) -> dict[str, Any]:
        """A redacted summary for ``kiosk sync status``."""
        with self._locked() as box:
            meta = {k: box.get_meta(k) for k in (
                META_STATUS_CURSOR, META_LAST_OK, META_LAST_ERROR, META_LAST_HEARTBEAT,
                "sync.etag.catalog", "sync.etag.config", "sync.refused_etag.catalog", "sync.refused.catalog",
                "sync.refused_etag.config", "sync.refused.config")}
            return {"stats": box.stats(), "backlog": box.sync_backlog(), "meta": meta}
