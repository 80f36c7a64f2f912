"""Nightly maintenance from the running app (issue 7): the UI's journey sets the session flag
while a citizen session is open and clears it on the wipe; the app's scheduler runs tonight's
steps only inside the window and only when no session is active (fake clocks throughout)."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.catalog import parse_catalog
from kiosk.config import Config, load_config
from kiosk.journey import State
from kiosk.maintenance import (
    InAppMaintenance,
    RunLock,
    SessionFlag,
    SessionTracker,
    app_maintenance,
    maintenance_main,
    maintenance_paths,
)
from kiosk.store.crypto import DataKey, load_or_create_data_key
from kiosk.store.keyring_backend import KioskFileKeyring
from kiosk.store.outbox import Outbox
from tests.factories import StepClock, make_submission
from tests.unit.journey.conftest import Ctx, catalog_document, make_ctx, to_form, to_home

CST = dt.timezone(dt.timedelta(hours=8))
IN_WINDOW = dt.datetime(2026, 11, 25, 18, 30, tzinfo=dt.UTC)  # 02:30 local, the next night


@pytest.fixture
def config(tmp_config_file: Path) -> Config:
    return load_config(tmp_config_file)  # [maintenance] 02:00-05:00 by default


@pytest.fixture
def clock() -> StepClock:
    return StepClock()  # 17:30 local: outside the window


@pytest.fixture
def outbox(tmp_path: Path, clock: StepClock, config: Config) -> Iterator[Outbox]:
    ring = KioskFileKeyring(tmp_path / "keyring" / "k.cfg", secrets.token_bytes(32))

    def provider(create: bool) -> DataKey:
        return load_or_create_data_key(ring, create=create)

    box = Outbox.open(config.paths.data_dir, provider, terminal_id="t-1", terminal_code="DM1", now=clock)
    yield box
    box.close()


@pytest.fixture
def ctx(config: Config) -> Ctx:
    return make_ctx(config, parse_catalog(catalog_document()))


@pytest.fixture
def maint(config: Config, outbox: Outbox, clock: StepClock, ctx: Ctx) -> Iterator[InAppMaintenance]:
    refreshed: list[str] = []
    m = app_maintenance(config, outbox, now=clock, tz=CST,
                        refresh_catalog=lambda: refreshed.append("x") or "test-2")
    m.attach(ctx.journey)
    yield m
    m.stop()


def flag_file(config: Config) -> Path:
    return maintenance_paths(config.paths.data_dir)[1]


def accepted_long_ago(outbox: Outbox, clock: StepClock) -> str:
    receipt = outbox.enqueue(make_submission(1))
    outbox.transition(receipt.uuid, "accepted", case_no="C-1")
    return receipt.uuid


def test_flag_is_set_while_a_session_is_active_and_cleared_on_wipe(
        maint: InAppMaintenance, ctx: Ctx, config: Config) -> None:
    flag = SessionFlag(flag_file(config))
    assert ctx.journey.state is State.ATTRACT
    assert not flag_file(config).exists() and not maint.tracker.active
    ctx.journey.start()  # the citizen touches the attract screen: the session starts
    assert flag.is_active() and maint.tracker.active
    to_form_from_language(ctx)
    assert flag.is_active()
    ctx.journey.cancel()  # "finish": the session is wiped
    assert ctx.journey.state is State.ATTRACT
    assert not flag_file(config).exists() and not maint.tracker.active


def to_form_from_language(ctx: Ctx) -> None:
    ctx.journey.choose_language("zh-Hans")
    ctx.journey.choose_apply()


def test_idle_wipe_and_out_of_service_clear_the_flag(maint: InAppMaintenance, ctx: Ctx,
                                                     config: Config) -> None:
    to_form(ctx)
    assert flag_file(config).exists()
    # the citizen walks away: warning, then the wipe
    for _ in range(3):
        ctx.clock.advance(ctx.config.session.idle_timeout_s + ctx.config.session.idle_warning_s)
        ctx.journey.tick()
    assert ctx.journey.state is State.ATTRACT
    assert not flag_file(config).exists()
    to_home(ctx)
    assert flag_file(config).exists()
    ctx.journey.out_of_service("journey.device_unavailable.camera")
    assert ctx.journey.state is State.OUT_OF_SERVICE
    assert not flag_file(config).exists()


def test_a_long_session_keeps_the_flag_fresh(tmp_path: Path) -> None:
    mono = [0.0]
    wall = [0.0]
    flag = SessionFlag(tmp_path / "session.active", stale_after_s=100, wall=lambda: wall[0])
    tracker = SessionTracker(flag, refresh_s=30, monotonic=lambda: mono[0])
    tracker.set_active(True)
    first = flag.path.stat().st_mtime_ns
    mono[0] = 10.0
    flag.path.unlink()  # (so a rewrite is visible without waiting for the mtime to move)
    tracker.set_active(True)
    assert not flag.path.exists()  # within refresh_s: not rewritten
    mono[0] = 31.0
    tracker.set_active(True)
    assert flag.path.exists() and flag.path.stat().st_mtime_ns >= first
    wall[0] = flag.path.stat().st_mtime + 50
    assert flag.is_active()


def test_skipped_while_a_session_is_active_run_when_idle_in_the_window(
        maint: InAppMaintenance, ctx: Ctx, outbox: Outbox, clock: StepClock) -> None:
    old = accepted_long_ago(outbox, clock)
    clock.advance(days=40)
    # outside the window: nothing, even when idle
    assert maint.check().reason == "outside_window"
    clock.value = IN_WINDOW + dt.timedelta(days=40)
    to_form(ctx)  # a citizen at 02:30
    result = maint.check()
    assert not result.ran and result.reason == "session_active"
    assert outbox.read_personal(old) is not None
    ctx.journey.cancel()
    result = maint.check()
    assert result.ran and result.purged == 1, result
    assert outbox.read_personal(old) is None
    assert str(result.step("vacuum")).startswith("vacuumed")
    assert result.step("catalog") == "refreshed test-2"
    assert maint.check().reason == "already_done"


def test_the_timer_honours_the_apps_flag(maint: InAppMaintenance, ctx: Ctx, config: Config,
                                         outbox: Outbox, clock: StepClock) -> None:
    clock.value = IN_WINDOW
    to_home(ctx)  # the app has a session open

    def factory() -> Outbox:
        return outbox_for(config, outbox)

    assert maintenance_main(config.paths.data_dir, 30, outbox_factory=factory, now=clock, tz=CST) == 0
    assert not maintenance_paths(config.paths.data_dir)[0].exists()  # no step ran
    ctx.journey.cancel()
    assert maintenance_main(config.paths.data_dir, 30, outbox_factory=factory, now=clock, tz=CST) == 0
    assert maintenance_paths(config.paths.data_dir)[0].exists()
    assert maint.check().reason == "already_done"  # the app does not repeat the timer's night


class _Unclosable:
    """The test's outbox handed to maintenance_main (which closes what it opened)."""

    def __init__(self, box: Outbox) -> None:
        self._box = box

    def __getattr__(self, name: str) -> object:
        return getattr(self._box, name)

    def close(self) -> None:
        return None


def outbox_for(config: Config, box: Outbox) -> Outbox:
    return _Unclosable(box)  # type: ignore[return-value]


def test_app_and_timer_never_run_at_once(maint: InAppMaintenance, config: Config,
                                         clock: StepClock) -> None:
    clock.value = IN_WINDOW
    state_file = maintenance_paths(config.paths.data_dir)[0]
    with RunLock(state_file.with_suffix(".lock")) as got:
        assert got
        assert maint.check().reason == "busy"
    assert maint.check().ran


def test_the_scheduler_thread_checks_on_its_own(maint: InAppMaintenance, clock: StepClock) -> None:
    clock.value = IN_WINDOW
    ran = threading.Event()
    maint.on_result = lambda result: ran.set() if result.ran else None
    maint.interval_s = 0.01
    maint.start()
    assert ran.wait(30)
    maint.stop()
    assert maint.last is not None and maint.last.ran
