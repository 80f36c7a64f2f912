"""The sync worker against a real back office (uvicorn on loopback, in a thread)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import threading
from pathlib import Path
from typing import Any

import pytest

from bench.sync_harness import FaultPlan, FaultProxy, Kiosk, ThreadedBackOffice, make_submission, wait_until
from kiosk.app import build_keyring, build_sync_worker
from kiosk.catalog import DEFAULT_CATALOG_DIR, Catalog, load_catalog
from kiosk.sync.live import LiveSettings, read_live
from kiosk.sync.protocol import TerminalConfigDoc
from kiosk.sync.worker import SyncLock, SyncWorker
from tests.factories import StepClock


def worker_for(kiosk: Kiosk, **kw: Any) -> SyncWorker:
    return build_sync_worker(kiosk.config, kiosk.outbox, build_keyring(kiosk.config), **kw)


def test_push_commits_every_submission_with_identical_bytes(kiosk: Kiosk, backoffice: ThreadedBackOffice
                                                            ) -> None:
    rng = random.Random(1)
    uuids = [kiosk.outbox.enqueue(make_submission(i, rng, (30_000, 0, 70_000))).uuid for i in range(5)]
    report = worker_for(kiosk).run_once()
    assert report.ok and sorted(report.accepted) == sorted(uuids) and report.heartbeat_sent
    for uid in uuids:
        row = kiosk.outbox.get(uid)
        assert row.status == "accepted" and row.case_no and row.case_no.startswith("SZ")
        detail = backoffice.db.get_submission(uid)
        assert detail.summary.case_no == row.case_no and detail.summary.status == "accepted"
        assert detail.body["personal"] == kiosk.outbox.read_personal(uid)
        for seq, att in enumerate(row.attachments):
            assert hashlib.sha256(backoffice.db.read_attachment(uid, seq)).hexdigest() == att.sha256
        assert all(verified for _, verified in kiosk.outbox.upload_progress(uid).values())
    # a second cycle has nothing to push and changes nothing
    again = worker_for(kiosk).run_once()
    assert again.accepted == [] and backoffice.db.count_submissions() == 5


def test_status_updates_reach_the_kiosk(kiosk: Kiosk, backoffice: ThreadedBackOffice) -> None:
    uid = kiosk.outbox.enqueue(make_submission(0, random.Random(2), (100,))).uuid
    worker = worker_for(kiosk)
    worker.run_once()
    backoffice.db.set_status(uid, "in_review", "", "alice")
    backoffice.db.set_status(uid, "result_ready", "请到3号窗口取证", "alice")
    report = worker.run_once()
    row = kiosk.outbox.get(uid)
    assert report.statuses_applied == 2 and row.status == "result_ready" and row.reason == "请到3号窗口取证"
    cursor = kiosk.outbox.get_meta("sync.status_cursor")
    kiosk.outbox.set_meta("sync.status_cursor", "0")  # a lost cursor replays: nothing breaks
    assert worker.run_once().statuses_applied == 0
    assert kiosk.outbox.get_meta("sync.status_cursor") == cursor


def test_a_4xx_parks_the_item_with_the_servers_reason(kiosk: Kiosk, backoffice: ThreadedBackOffice,
                                                      expect_logs: Any) -> None:
    uid = kiosk.outbox.enqueue(make_submission(0, random.Random(3), (100,))).uuid
    # another terminal already holds this uuid: the back office answers 403 submission.not_yours
    code, _ = backoffice.db.create_enrolment_code("T-OTHER")
    other = backoffice.db.enrol(code, "9" * 32)
    assert other.terminal_id == "T-OTHER"
    worker = worker_for(kiosk)
    body = worker._body(kiosk.outbox.get(uid))
    backoffice.db.put_submission("T-OTHER", body)
    report = worker.run_once()
    row = kiosk.outbox.get(uid)
    assert report.parked == [uid] and row.status == "rejected"
    assert row.reason is not None and row.reason.startswith("submission.not_yours")
    assert any("parked as rejected" in m for m in expect_logs.messages())


def test_5xx_and_dead_links_retry_with_backoff(kiosk: Kiosk, backoffice: ThreadedBackOffice) -> None:
    uid = kiosk.outbox.enqueue(make_submission(0, random.Random(4), (100,))).uuid
    worker = worker_for(kiosk)
    with FaultProxy(backoffice.port, FaultPlan(rate=1.0, kinds=("server_error",))) as proxy:
        worker.client.base_url = proxy.url
        report = worker.run_once(pull=False, heartbeat=False)
    [item] = kiosk.outbox.sync_backlog()
    assert report.retried == 1 and item["status"] == "sending" and item["attempts"] == 1
    assert item["next_attempt_at"] and "sync.server_error" in item["last_error"]
    worker.client.base_url = "http://127.0.0.1:9"  # nothing listens on the discard port
    wait_until(lambda: worker.run_once(pull=False, heartbeat=False).link_down, 5, what="a due retry")
    worker.client.base_url = backoffice.url
    wait_until(lambda: bool(worker.run_once(pull=False, heartbeat=False).accepted), 10, what="acceptance")
    assert kiosk.outbox.get(uid).status == "accepted" and kiosk.outbox.get(uid).attempts >= 2


def test_lost_commit_answer_is_recovered_from_the_status_feed(kiosk: Kiosk, backoffice: ThreadedBackOffice
                                                              ) -> None:
    uid = kiosk.outbox.enqueue(make_submission(0, random.Random(5), (100,))).uuid
    worker = worker_for(kiosk)
    with FaultProxy(backoffice.port, FaultPlan(rate=1.0, kinds=("lose_response",))) as proxy:
        worker.client.base_url = proxy.url
        worker.run_once(pull=False, heartbeat=False)  # PUT reached the server, the answer was lost
    worker.client.base_url = backoffice.url
    # whatever happened, a later cycle converges to exactly one committed copy
    wait_until(lambda: worker.run_once().ok and kiosk.outbox.get(uid).status == "accepted", 10,
               what="acceptance")
    assert backoffice.db.count_submissions() == 1
    assert kiosk.outbox.get(uid).case_no == backoffice.db.get_submission(uid).summary.case_no


def _catalog_document() -> dict[str, Any]:
    catalog = load_catalog(DEFAULT_CATALOG_DIR)
    doc: dict[str, Any] = catalog.document.model_dump(mode="json", by_alias=True)
    return doc


def test_catalog_is_validated_before_it_replaces_the_local_copy(
        kiosk: Kiosk, backoffice: ThreadedBackOffice, expect_logs: Any) -> None:
    installed: list[Catalog] = []
    worker = worker_for(kiosk, on_catalog=installed.append)
    good = _catalog_document()
    backoffice.db.publish_document("catalog", good, "admin")
    assert worker.run_once().documents_updated == ["catalog"]
    assert installed and installed[0].version == good["version"]
    path = worker.document_path("catalog")
    assert json.loads(path.read_text(encoding="utf-8")) == good
    assert worker.run_once().documents_updated == []  # 304: unchanged

    bad = {**good, "version": "bad-1", "items": [{**good["items"][0], "category": "no-such-category"}]}
    backoffice.db.publish_document("catalog", bad, "admin")
    report = worker.run_once()
    assert report.documents_refused == ["catalog"] and "sync.catalog_invalid" in report.errors
    assert json.loads(path.read_text(encoding="utf-8")) == good  # the old one stays
    assert len(installed) == 1
    assert "no-such-category" in (kiosk.outbox.get_meta("sync.refused.catalog") or "")
    assert any("refused" in m for m in expect_logs.messages())
    assert worker.run_once().documents_refused == []  # the refused ETag is not fetched again


def test_terminal_config_document(kiosk: Kiosk, backoffice: ThreadedBackOffice) -> None:
    got: list[TerminalConfigDoc] = []
    worker = worker_for(kiosk, on_config=got.append)
    backoffice.db.publish_document("config", {"heartbeat_s": 45, "notice": {"en": "Closed Monday"}}, "admin")
    worker.run_once()
    assert got and got[0].heartbeat_s == 45 and worker.heartbeat_s == 45
    # the live fields go where the UI (another process) reads them
    assert read_live(kiosk.outbox) == LiveSettings(False, {"en": "Closed Monday"})
    backoffice.db.publish_document("config", {"out_of_service": True}, "admin")
    worker.run_once()
    assert read_live(kiosk.outbox) == LiveSettings(True, {})


def test_heartbeat_carries_no_personal_data(kiosk: Kiosk, backoffice: ThreadedBackOffice) -> None:
    kiosk.outbox.enqueue(make_submission(0, random.Random(6), (100,)))
    worker = worker_for(kiosk, health=lambda: {"printer": "paper_low", "idcard": "ok"})
    worker.send_heartbeat()
    [terminal] = [t for t in backoffice.db.list_terminals() if t.id == kiosk.credentials.terminal_id]
    beat = terminal.last_heartbeat
    assert beat is not None and beat.queue_depth == 1 and beat.devices["printer"] == "paper_low"
    assert beat.disk_free_bytes > 0 and beat.oldest_unsent_age_s is not None
    payload = beat.model_dump_json()
    personal = kiosk.outbox.read_personal(kiosk.outbox.list_rows()[0].uuid)
    assert personal is not None
    for value in (personal["identity"]["number"], personal["identity"]["name"]):
        assert str(value) not in payload


def test_run_loop_stops_on_request_and_one_sync_process_at_a_time(kiosk: Kiosk, tmp_path: Path) -> None:
    worker = worker_for(kiosk)
    stop = threading.Event()
    stop.set()
    assert worker.run(stop) == 0
    assert worker.run(threading.Event(), max_cycles=2) == 2
    with SyncLock(tmp_path / "sync.lock"), pytest.raises(Exception) as info:
        SyncLock(tmp_path / "sync.lock").acquire()
    assert getattr(info.value, "key", "") == "sync.busy"


def test_claims_expire_and_are_released(outbox: Any, clock: StepClock) -> None:
    a = outbox.enqueue(make_submission(0, random.Random(7), (10,))).uuid
    b = outbox.enqueue(make_submission(1, random.Random(8), (10,))).uuid
    claimed = outbox.claim_due(10, token="run-1", lease_s=60)
    assert [r.uuid for r in claimed] == [a, b] and all(r.status == "sending" for r in claimed)
    assert outbox.claim_due(10, token="run-2", lease_s=60) == []  # live claims
    clock.advance(seconds=61)
    assert len(outbox.claim_due(10, token="run-2", lease_s=60)) == 2  # a dead run's lease ended
    assert outbox.release_claims() == 2
    outbox.retry_later(a, error="sync.offline", next_attempt_at=clock() + dt.timedelta(seconds=30))
    assert [r.uuid for r in outbox.claim_due(10, token="run-3", lease_s=60)] == [b]
    outbox.set_upload_progress(b, 0, 10, verified=True)
    assert outbox.upload_progress(b) == {0: (10, True)}
    outbox.transition(b, "accepted", case_no="SZ1")
    assert outbox.apply_status_update(b, "in_review") and not outbox.apply_status_update(b, "accepted")
    assert not outbox.apply_status_update("no-such-uuid", "approved")
    assert [e["event"] for e in outbox.audit_trail(a)].count("status") == 1  # queued -> sending once
