"""The nightly maintenance window: fake clock, a real outbox in a temp dir."""

from __future__ import annotations

import datetime as dt
import logging
import logging.handlers
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.maintenance import (
    Maintenance,
    MaintenanceWindow,
    SessionFlag,
    maintenance_main,
    parse_hhmm,
    rollover_file_handlers,
)
from kiosk.store.crypto import DataKey, load_or_create_data_key
from kiosk.store.keyring_backend import KioskFileKeyring
from kiosk.store.outbox import Outbox
from tests.conftest import LogCollector
from tests.factories import StepClock, make_submission

CST = dt.timezone(dt.timedelta(hours=8))  # the terminal's local time (UTC+8)
WINDOW = MaintenanceWindow(parse_hhmm("02:00"), parse_hhmm("05:00"))


@pytest.fixture
def clock() -> StepClock:
    return StepClock()  # 2026-11-25 09:30 UTC = 17:30 local


@pytest.fixture
def ring(tmp_path: Path) -> KioskFileKeyring:
    return KioskFileKeyring(tmp_path / "keyring" / "k.cfg", secrets.token_bytes(32))


def open_box(tmp_path: Path, ring: KioskFileKeyring, clock: StepClock) -> Outbox:
    def provider(create: bool) -> DataKey:
        return load_or_create_data_key(ring, create=create)

    return Outbox.open(tmp_path / "data", provider, terminal_id="t-1", terminal_code="DM1", now=clock)


@pytest.fixture
def outbox(tmp_path: Path, ring: KioskFileKeyring, clock: StepClock) -> Iterator[Outbox]:
    box = open_box(tmp_path, ring, clock)
    yield box
    box.close()


def to_window(clock: StepClock) -> None:
    """Move the fake clock to 02:30 local the next night."""
    clock.value = dt.datetime(2026, 11, 25, 18, 30, tzinfo=dt.UTC)


def job(outbox: Outbox, tmp_path: Path, clock: StepClock, **kw: object) -> Maintenance:
    args: dict[str, object] = {"retention_days": 30, "state_file": tmp_path / "data" / "maintenance.json",
                               "window": WINDOW, "now": clock, "tz": CST}
    args.update(kw)
    return Maintenance(outbox, **args)  # type: ignore[arg-type]


def accepted_submission(outbox: Outbox) -> str:
    receipt = outbox.enqueue(make_submission(2))
    outbox.transition(receipt.uuid, "accepted", case_no="C-1")
    return receipt.uuid


def test_window_arithmetic() -> None:
    assert WINDOW.night_of(dt.datetime(2026, 11, 26, 2, 0, tzinfo=CST)) == dt.date(2026, 11, 26)
    assert WINDOW.night_of(dt.datetime(2026, 11, 26, 5, 0, tzinfo=CST)) is None
    assert WINDOW.night_of(dt.datetime(2026, 11, 26, 1, 59, tzinfo=CST)) is None
    overnight = MaintenanceWindow(parse_hhmm("23:30"), parse_hhmm("04:00"))
    assert overnight.night_of(dt.datetime(2026, 11, 25, 23, 45, tzinfo=CST)) == dt.date(2026, 11, 25)
    assert overnight.night_of(dt.datetime(2026, 11, 26, 3, 0, tzinfo=CST)) == dt.date(2026, 11, 25)
    assert overnight.night_of(dt.datetime(2026, 11, 26, 12, 0, tzinfo=CST)) is None
    assert MaintenanceWindow(dt.time(3), dt.time(3)).night_of(dt.datetime(2026, 1, 1, 3, tzinfo=CST)) is None


def test_outside_the_window_nothing_happens(outbox: Outbox, tmp_path: Path, clock: StepClock) -> None:
    result = job(outbox, tmp_path, clock).run_if_due()
    assert not result.ran and result.reason == "outside_window"
    assert not (tmp_path / "data" / "maintenance.json").exists()


def test_a_night_runs_every_step_once(outbox: Outbox, tmp_path: Path, clock: StepClock) -> None:
    old = accepted_submission(outbox)
    clock.advance(days=31)
    fresh = accepted_submission(outbox)
    refreshed: list[int] = []
    clock.value = dt.datetime(2026, 12, 26, 18, 30, tzinfo=dt.UTC)  # 02:30 local
    m = job(outbox, tmp_path, clock, refresh_catalog=lambda: refreshed.append(1) or "2026.12.1")
    assert m.due() == dt.date(2026, 12, 27)
    result = m.run_if_due()
    assert result.ran and result.purged == 1, result
    assert outbox.read_personal(old) is None and outbox.read_personal(fresh) is not None
    assert str(result.step("checkpoint")).startswith("checkpoint busy=0")
    assert str(result.step("vacuum")).startswith("vacuumed")
    assert result.step("rotate_logs") == "skipped: delegated to logrotate"
    assert result.step("catalog") == "refreshed 2026.12.1"
    assert outbox.integrity_check() == "ok"
    # idempotent: called again (every minute, or by the timer) it does nothing more tonight
    clock.advance(minutes=10)
    again = m.run_if_due()
    assert not again.ran and again.reason == "already_done" and refreshed == [1]
    # a restarted app (new object, same state file) agrees
    assert job(outbox, tmp_path, clock).run_if_due().reason == "already_done"
    # the next night runs again
    clock.advance(days=1)
    assert job(outbox, tmp_path, clock, refresh_catalog=lambda: refreshed.append(1)).run_if_due().ran
    assert refreshed == [1, 1]


def test_skipped_while_a_session_is_active_and_resumes(outbox: Outbox, tmp_path: Path,
                                                      clock: StepClock) -> None:
    to_window(clock)
    active = [True]
    m = job(outbox, tmp_path, clock, session_active=lambda: active[0])
    assert m.run_if_due().reason == "session_active"
    # idle now; a citizen walks up right after the checkpoint
    calls = iter([False, False, False, True])  # run_if_due, purge, checkpoint, vacuum

    def session() -> bool:
        return next(calls, True)

    first = job(outbox, tmp_path, clock, session_active=session).run_if_due()
    assert first.ran and first.step("purge") == "purged 0"
    assert str(first.step("checkpoint")).startswith("checkpoint")
    assert first.step("vacuum") == "skipped: session active" and first.step("catalog") is None
    # the session ended: the remaining steps run, the done ones are not repeated
    second = job(outbox, tmp_path, clock).run_if_due()
    assert second.ran and str(second.step("purge")).startswith("done earlier")
    assert str(second.step("vacuum")).startswith("vacuumed")


def test_a_failing_step_is_retried_then_given_up(outbox: Outbox, tmp_path: Path, clock: StepClock,
                                                  expect_logs: LogCollector) -> None:
    to_window(clock)
    attempts: list[int] = []

    def broken() -> object:
        attempts.append(1)
        raise ConnectionError("back office down")

    m = job(outbox, tmp_path, clock, refresh_catalog=broken)
    for _ in range(5):
        m.run_if_due()
        clock.advance(minutes=1)
    assert len(attempts) == 3
    assert m.due() is None
    assert any("catalog failed" in msg for msg in expect_logs.messages())


def test_vacuum_needs_free_disk(outbox: Outbox, tmp_path: Path, clock: StepClock,
                                expect_logs: LogCollector) -> None:
    to_window(clock)
    result = job(outbox, tmp_path, clock, disk_usage=lambda p: (10**9, 10**9 - 1000, 1000)).run_if_due()
    assert result.step("vacuum") == "skipped: not enough free disk"
    assert any("VACUUM skipped" in m for m in expect_logs.messages())


def test_rollover_of_the_apps_file_handler(tmp_path: Path) -> None:
    logger = logging.getLogger("test.maintenance.rotate")
    logger.propagate = False
    handler = logging.handlers.RotatingFileHandler(tmp_path / "kiosk.log", maxBytes=10**6, backupCount=3)
    logger.addHandler(handler)
    try:
        logger.warning("before")
        assert rollover_file_handlers(logger) == 1
        logger.warning("after")
    finally:
        logger.removeHandler(handler)
        handler.close()
    assert (tmp_path / "kiosk.log.1").read_text() == "before\n"
    assert (tmp_path / "kiosk.log").read_text() == "after\n"


def test_session_flag(tmp_path: Path) -> None:
    wall = [1000.0]
    flag = SessionFlag(tmp_path / "session.active", stale_after_s=60, wall=lambda: wall[0])
    assert not flag.is_active()
    flag.set_active(True)
    wall[0] = flag.path.stat().st_mtime + 10
    assert flag.is_active()
    wall[0] += 100  # the app died mid-session long ago: the flag is stale
    assert not flag.is_active()
    flag.set_active(False)
    assert not flag.path.exists()


def test_maintenance_main_for_the_timer(tmp_path: Path, ring: KioskFileKeyring, clock: StepClock) -> None:
    accepted_submission(open_box(tmp_path, ring, clock))
    clock.advance(days=40)

    def factory() -> Outbox:
        return open_box(tmp_path, ring, clock)

    data = tmp_path / "data"
    # outside the window: nothing to do, success
    assert maintenance_main(data, 30, outbox_factory=factory, window=WINDOW, now=clock, tz=CST) == 0
    assert not (data / "maintenance.json").exists()
    # a technician forces it, but a session is active
    SessionFlag(data / "session.active").set_active(True)
    assert maintenance_main(data, 30, outbox_factory=factory, window=WINDOW, now=clock, tz=CST,
                            force=True) == 1
    SessionFlag(data / "session.active").set_active(False)
    assert maintenance_main(data, 30, outbox_factory=factory, window=WINDOW, now=clock, tz=CST,
                            force=True) == 0
    box = factory()
    try:
        assert box.audit_trail(limit=1)[0]["event"] == "purged"
    finally:
        box.close()
