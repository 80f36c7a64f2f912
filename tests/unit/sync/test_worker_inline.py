"""The worker with protocol revision 2: inline pushes once the back office advertises them,
the resumable path above the limit or when told not to, and a fallback when refused."""

from __future__ import annotations

import hashlib
import random
from typing import Any

from bench.sync_harness import Kiosk, ThreadedBackOffice, make_submission
from kiosk.app import build_keyring, build_sync_worker
from kiosk.store.outbox import Outbox
from kiosk.sync.protocol import INLINE_MAX_BYTES
from kiosk.sync.worker import SyncWorker
from tests.factories import StepClock


def worker_for(kiosk: Kiosk) -> SyncWorker:
    return build_sync_worker(kiosk.config, kiosk.outbox, build_keyring(kiosk.config))


def requests_seen(worker: SyncWorker) -> list[tuple[str, str]]:
    """Record (method, path) of every request the worker's client sends."""
    seen: list[tuple[str, str]] = []
    send = worker.client._send

    def spy(prepared: Any) -> Any:
        seen.append((prepared.method, prepared.path_url.split("/api/v1", 1)[1].split("?")[0]))
        return send(prepared)

    worker.client._send = spy  # type: ignore[method-assign]
    return seen


def assert_identical(kiosk: Kiosk, backoffice: ThreadedBackOffice, uuids: list[str]) -> None:
    for uid in uuids:
        row = kiosk.outbox.get(uid)
        assert row.status == "accepted" and row.case_no == backoffice.db.get_submission(uid).summary.case_no
        for seq, att in enumerate(row.attachments):
            assert hashlib.sha256(backoffice.db.read_attachment(uid, seq)).hexdigest() == att.sha256


def test_small_submissions_go_inline_once_the_server_says_so(kiosk: Kiosk, backoffice: ThreadedBackOffice
                                                             ) -> None:
    rng = random.Random(11)
    uuids = [kiosk.outbox.enqueue(make_submission(i, rng, (20_000, 0, 5_000))).uuid for i in range(4)]
    big = kiosk.outbox.enqueue(make_submission(9, rng, (INLINE_MAX_BYTES, 10))).uuid
    worker = worker_for(kiosk)
    worker.config = worker.config.model_copy(update={"push_concurrency": 1})  # a predictable order
    seen = requests_seen(worker)
    report = worker.run_once(pull=False, heartbeat=False)
    assert sorted(report.accepted) == sorted([*uuids, big])
    assert worker.client.server_inline_max == INLINE_MAX_BYTES
    puts = [p for m, p in seen if m == "PUT"]
    patches = [p for m, p in seen if m == "PATCH"]
    commits = [p for m, p in seen if m == "POST" and p.endswith("/commit")]
    # the first PUT learns the limit (that one goes resumable); every later small one is one request
    assert len(puts) == 5 and len(commits) == 2
    assert any(big in p for p in patches) and all(big in p or uuids[0] in p for p in patches)
    assert_identical(kiosk, backoffice, [*uuids, big])


def test_a_terminal_can_keep_to_the_resumable_upload(kiosk: Kiosk, backoffice: ThreadedBackOffice) -> None:
    rng = random.Random(12)
    uuids = [kiosk.outbox.enqueue(make_submission(i, rng, (3_000, 4_000))).uuid for i in range(3)]
    worker = worker_for(kiosk)
    worker.client.inline_max_bytes = 0
    seen = requests_seen(worker)
    assert sorted(worker.run_once(pull=False, heartbeat=False).accepted) == sorted(uuids)
    assert sum(1 for m, _ in seen if m == "PATCH") == 6
    assert_identical(kiosk, backoffice, uuids)


def test_an_inline_push_refused_by_a_downgraded_server_goes_resumable(
        kiosk: Kiosk, backoffice: ThreadedBackOffice) -> None:
    uid = kiosk.outbox.enqueue(make_submission(0, random.Random(13), (2_000,))).uuid
    backoffice.app.state.backoffice.inline_max_bytes = 0  # the server no longer takes them
    worker = worker_for(kiosk)
    worker.client.server_inline_max = INLINE_MAX_BYTES  # what an earlier answer said
    seen = requests_seen(worker)
    assert worker.run_once(pull=False, heartbeat=False).accepted == [uid]
    assert [m for m, _ in seen] == ["PUT", "PUT", "PATCH", "POST"]
    assert worker.client.server_inline_max == 0
    assert_identical(kiosk, backoffice, [uid])


def test_a_run_does_not_reclaim_what_it_is_still_pushing(outbox: Outbox, clock: StepClock) -> None:
    rng = random.Random(14)
    a, b, c = (outbox.enqueue(make_submission(i, rng, (10,))).uuid for i in range(3))
    assert [r.uuid for r in outbox.claim_due(2, token="run", lease_s=60, reclaim_own=False)] == [a, b]
    assert [r.uuid for r in outbox.claim_due(2, token="run", lease_s=60, reclaim_own=False)] == [c]
    assert [r.uuid for r in outbox.claim_due(5, token="run", lease_s=60)] == [a, b, c]  # the old rule
    assert outbox.release_claims("run", [b]) == 1
    assert [r.uuid for r in outbox.claim_due(5, token="other", lease_s=60)] == [b]
    assert outbox.release_claims("run") == 2
