from __future__ import annotations

import contextlib
import datetime as dt
import secrets
import sqlite3
from pathlib import Path

import pytest

from kiosk.errors import BugError, KnownError, StoreError
from kiosk.store.crypto import DataKey, load_or_create_data_key
from kiosk.store.db import MIGRATIONS
from kiosk.store.keyring_backend import KioskFileKeyring
from kiosk.store.outbox import Outbox, format_tracking, tracking_key, tracking_valid
from tests.factories import StepClock, make_submission


def test_enqueue_round_trip(outbox: Outbox) -> None:
    sub = make_submission()
    receipt = outbox.enqueue(sub)
    row = outbox.get(receipt.uuid)
    assert row.status == "queued"
    assert row.tracking_no == receipt.tracking_no
    assert row.item_code == sub.item_code
    assert [a.material_id for a in row.attachments] == ["doc_0", "doc_1"]
    personal = outbox.read_personal(receipt.uuid)
    assert personal is not None
    assert personal["identity"] == sub.identity
    assert personal["form"] == sub.form
    assert personal["consent"]["text_version"] == "v1"
    for seq, att in enumerate(sub.attachments):
        assert outbox.read_attachment(receipt.uuid, seq) == att.data


def test_uuid_is_v7_and_time_ordered(outbox: Outbox) -> None:
    first = outbox.enqueue(make_submission(0))
    second = outbox.enqueue(make_submission(0))
    assert first.uuid[14] == "7" and second.uuid[14] == "7"
    assert first.uuid < second.uuid


def test_tracking_numbers_are_sequential_per_day_and_checked(outbox: Outbox, clock: StepClock) -> None:
    a = outbox.enqueue(make_submission(0)).tracking_no
    b = outbox.enqueue(make_submission(0)).tracking_no
    clock.advance(days=1)
    c = outbox.enqueue(make_submission(0)).tracking_no
    assert a.startswith("DM1-") and a.split("-")[2] == "0001"
    assert b.split("-")[2] == "0002"
    assert c.split("-")[2] == "0001" and c.split("-")[1] != a.split("-")[1]
    for t in (a, b, c):
        assert tracking_valid(t)
        assert tracking_valid(t.lower().replace("-", " "))
    # one wrong character is caught by the ISO 7064 check character
    wrong = a[:-3] + ("9" if a[-3] != "9" else "8") + a[-2:]
    assert not tracking_valid(wrong)
    assert outbox.find_by_tracking(wrong) is None
    found = outbox.find_by_tracking(tracking_key(b))
    assert found is not None and found.tracking_no == b


def test_format_tracking_is_stable() -> None:
    assert format_tracking("DM1", dt.date(2026, 11, 25), 7).startswith("DM1-261125-0007-")


def test_personal_data_is_not_in_the_database_file_in_clear(outbox: Outbox, tmp_path: Path) -> None:
    outbox.enqueue(make_submission(1, name="独特姓名甲乙", number="120103198806018241"))
    outbox.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for path in (tmp_path / "data").rglob("*"):
        if path.is_file():
            blob = path.read_bytes()
            for value in ("独特姓名甲乙", "120103198806018241", "深圳市测试科技有限公司", "13800138000"):
                for enc in ("utf-8", "utf-16-le"):
                    assert value.encode(enc) not in blob, (path, value)


def test_status_transitions_are_checked_and_audited(outbox: Outbox) -> None:
    uid = outbox.enqueue(make_submission(0)).uuid
    outbox.transition(uid, "sending", count_attempt=True)
    row = outbox.transition(uid, "accepted", case_no="BO-2026-000123")
    assert row.case_no == "BO-2026-000123" and row.accepted_at is not None and row.attempts == 1
    outbox.transition(uid, "in_review")
    outbox.transition(uid, "result_ready")
    with pytest.raises(BugError):
        outbox.transition(uid, "queued")
    events = [(a["event"], a["from_status"], a["to_status"]) for a in outbox.audit_trail(uid)]
    assert events == [
        ("queued", None, "queued"),
        ("status", "queued", "sending"),
        ("status", "sending", "accepted"),
        ("status", "accepted", "in_review"),
        ("status", "in_review", "result_ready"),
    ]


def test_rejected_can_be_requeued_by_a_technician(outbox: Outbox) -> None:
    uid = outbox.enqueue(make_submission(0)).uuid
    outbox.transition(uid, "rejected", reason="form schema v3 expected")
    assert outbox.stats()["parked"] == 1
    outbox.transition(uid, "queued")
    assert outbox.stats()["unsent"] == 1


def test_rating_is_stored_with_codes_only(outbox: Outbox) -> None:
    uid = outbox.enqueue(make_submission(0)).uuid
    outbox.set_rating(uid, 5, ["fast", "clear_guidance", "free text with spaces!"])
    assert outbox.get(uid).rating == 5
    reasons = outbox.db.execute("SELECT rating_reasons FROM submissions").fetchone()[0]
    assert reasons == '["fast", "clear_guidance"]'
    with pytest.raises(BugError):
        outbox.set_rating(uid, 6, [])


def test_retention_purges_personal_data_after_acceptance(outbox: Outbox, clock: StepClock) -> None:
    keep = outbox.enqueue(make_submission(1)).uuid  # never accepted: never purged
    gone = outbox.enqueue(make_submission(2)).uuid
    blobs = {a.blob for a in outbox.get(gone).attachments}
    outbox.transition(gone, "sending")
    outbox.transition(gone, "accepted", case_no="C1")
    clock.advance(days=29)
    assert outbox.purge_expired(30) == []
    clock.advance(days=2)
    assert outbox.purge_expired(30, dry_run=True) == [gone]
    assert outbox.purge_expired(30) == [gone]
    assert outbox.read_personal(gone) is None
    row = outbox.get(gone)
    assert row.purged_at is not None and row.attachments == () and row.case_no == "C1"
    assert not any(outbox.blobs.exists(b) for b in blobs)
    assert outbox.read_personal(keep) is not None
    assert outbox.audit_trail(gone)[-1]["event"] == "purged"


def test_stats(outbox: Outbox, clock: StepClock) -> None:
    outbox.enqueue(make_submission(0))
    clock.advance(seconds=90)
    outbox.enqueue(make_submission(0))
    stats = outbox.stats()
    assert stats["unsent"] == 2
    assert stats["oldest_unsent_age_s"] == pytest.approx(90)


def test_orphan_blobs_are_swept_at_open(tmp_path: Path, keyring: KioskFileKeyring, clock: StepClock) -> None:
    def provider(create: bool) -> DataKey:
        return load_or_create_data_key(keyring, create=create)

    box = Outbox.open(tmp_path / "d", provider, terminal_id="t", terminal_code="DM1", now=clock)
    uid = box.enqueue(make_submission(1)).uuid
    orphan = box.blobs.put(b"half-written submission", b"x")
    (box.blobs.dir / ".deadbeef.123.tmp").write_bytes(b"partial")
    box.close()
    box = Outbox.open(tmp_path / "d", provider, terminal_id="t", terminal_code="DM1", now=clock)
    assert not box.blobs.exists(orphan)
    assert not (box.blobs.dir / ".deadbeef.123.tmp").exists()
    assert box.read_attachment(uid, 0)
    box.close()


def test_lost_keyring_is_an_error_not_a_new_key(tmp_path: Path, clock: StepClock) -> None:
    ring_a = KioskFileKeyring(tmp_path / "a.cfg", secrets.token_bytes(32))
    box = Outbox.open(tmp_path / "d", lambda c: load_or_create_data_key(ring_a, create=c),
                      terminal_id="t", terminal_code="DM1", now=clock)
    box.enqueue(make_submission(0))
    box.close()
    empty = KioskFileKeyring(tmp_path / "b.cfg", secrets.token_bytes(32))
    with pytest.raises(KnownError) as info:
        Outbox.open(tmp_path / "d", lambda c: load_or_create_data_key(empty, create=c),
                    terminal_id="t", terminal_code="DM1", now=clock)
    assert info.value.key == "store.key_unavailable"
    # a different key in a keyring is detected by the key check value
    other = KioskFileKeyring(tmp_path / "c.cfg", secrets.token_bytes(32))
    load_or_create_data_key(other, create=True)
    with pytest.raises(KnownError) as info:
        Outbox.open(tmp_path / "d", lambda c: load_or_create_data_key(other, create=c),
                    terminal_id="t", terminal_code="DM1", now=clock)
    assert info.value.key == "store.key_unavailable"


def test_tampered_blob_is_detected(outbox: Outbox) -> None:
    uid = outbox.enqueue(make_submission(1)).uuid
    blob = outbox.get(uid).attachments[0].blob
    path = outbox.blobs.dir / blob
    data = bytearray(path.read_bytes())
    data[20] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError) as info:
        outbox.read_attachment(uid, 0)
    assert info.value.key == "store.corrupt"


def test_oversized_attachment_is_refused_before_anything_is_written(outbox: Outbox) -> None:
    outbox.max_attachment_bytes = 1000
    with pytest.raises(StoreError) as info:
        outbox.enqueue(make_submission(1, size=1001))
    assert info.value.key == "store.attachment_too_large"
    assert outbox.list_rows() == [] and outbox.blobs.names() == set()


def test_failed_commit_leaves_no_row_and_no_blob(outbox: Outbox) -> None:
    # a real SQLite failure inside the transaction: the schema refuses the row
    outbox.db.execute("CREATE TRIGGER refuse BEFORE INSERT ON submissions BEGIN"
                      " SELECT RAISE(ABORT, 'refused'); END")
    with pytest.raises(sqlite3.IntegrityError):
        outbox.enqueue(make_submission(2))
    assert outbox.list_rows() == []
    assert outbox.blobs.names() == set()


def test_schema_version_and_newer_schema_refused(
    outbox: Outbox, tmp_path: Path, keyring: KioskFileKeyring
) -> None:
    assert outbox.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert outbox.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert outbox.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    outbox.db.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError) as info:
        Outbox.open(tmp_path / "data", lambda c: load_or_create_data_key(keyring, create=c),
                    terminal_id="t", terminal_code="DM1")
    assert info.value.key == "store.corrupt"


def test_owner_matches_only_the_applicants_document(outbox: Outbox, clock: StepClock) -> None:
    uid = outbox.enqueue(make_submission(0, number="360426199101010071")).uuid
    assert outbox.owner_matches(uid, "resident_id", "360426199101010071")
    assert not outbox.owner_matches(uid, "resident_id", "120103198806018241")
    assert not outbox.owner_matches(uid, "hkid", "360426199101010071")
    outbox.transition(uid, "accepted", case_no="C")
    clock.advance(days=31)
    outbox.purge_expired(30)
    assert not outbox.owner_matches(uid, "resident_id", "360426199101010071")


def test_threads_each_get_their_own_connection_and_transactions_do_not_mix(outbox: Outbox) -> None:
    # the GUI's commit worker, the sync worker and the admin screen use one outbox at once
    import threading

    errors: list[BaseException] = []
    receipts: list[str] = []
    lock = threading.Lock()

    def writer() -> None:
        try:
            for _ in range(15):
                uid = outbox.enqueue(make_submission(1, size=500)).uuid
                outbox.transition(uid, "sending")
                outbox.transition(uid, "accepted", case_no=f"C-{uid[-6:]}")
                with lock:
                    receipts.append(uid)
        except BaseException as err:  # collected and re-raised in the test thread
            errors.append(err)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(receipts) == 60
    rows = outbox.list_rows(limit=100)
    assert {r.uuid for r in rows} == set(receipts)
    assert all(r.status == "accepted" for r in rows)
    assert len({r.tracking_no for r in rows}) == 60
    assert outbox.integrity_check() == "ok"


def _open_files(path: Path) -> int:
    count = 0
    for fd in Path("/proc/self/fd").iterdir():
        with contextlib.suppress(OSError):  # closed while listing
            count += Path(fd.readlink()) == path
    return count


def test_a_finished_threads_connection_is_closed(outbox: Outbox, tmp_path: Path) -> None:
    # Qt's commit pool drops a thread's Python state after every task and the sync worker's push
    # threads end after each round: their connections must not stay open until close()
    import threading

    database = tmp_path / "data" / "queue.sqlite3"
    before = _open_files(database)
    counts = []
    for _ in range(6):
        thread = threading.Thread(target=lambda: outbox.enqueue(make_submission(1, size=100)))
        thread.start()
        thread.join()
        counts.append(_open_files(database))
    # SQLite's unix VFS keeps one closed connection's descriptor for reuse while another
    # connection of the process holds a lock on the file: one extra at most, never one per thread
    assert counts == [counts[0]] * 6 and counts[0] <= before + 1, (before, counts)
    assert len(outbox.list_rows(limit=10)) == 6
