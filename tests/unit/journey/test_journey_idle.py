"""Idle timeout with a FakeClock: warning overlay, still_here, wipe, care mode, no sleeps."""

from __future__ import annotations

import pytest

from kiosk.errors import BugError
from kiosk.journey import State
from kiosk.journey.states import ACTIVE_TIMED
from tests.unit.journey.conftest import PAGE_COMPANY, Ctx, drive

TIMEOUT = 90.0  # demo profile
WARNING = 20.0


@pytest.mark.parametrize("state", sorted(ACTIVE_TIMED, key=lambda s: s.value),
                         ids=lambda s: s.value)
def test_timed_state_warns_then_wipes(ctx: Ctx, state: State) -> None:
    drive(ctx, state)
    j = ctx.journey
    ctx.clock.advance(TIMEOUT - 0.5)
    j.tick()
    assert j.state is state
    ctx.clock.advance(0.5)
    j.tick()
    assert j.state is State.IDLE_WARNING
    assert j.view().beneath is state
    assert j.view().timeout_s == WARNING
    assert j.seconds_left() == pytest.approx(WARNING)
    ctx.clock.advance(WARNING - 0.5)
    j.tick()
    assert j.state is State.IDLE_WARNING
    ctx.clock.advance(0.5)
    j.tick()
    assert j.state is State.ATTRACT
    assert j.personal_values() == []
    assert j.view().language == ctx.config.default_language


@pytest.mark.parametrize("state", sorted(ACTIVE_TIMED, key=lambda s: s.value),
                         ids=lambda s: s.value)
def test_still_here_returns_to_the_state_beneath(ctx: Ctx, state: State) -> None:
    drive(ctx, state)
    j = ctx.journey
    before = j.view()
    ctx.clock.advance(TIMEOUT)
    j.tick()
    j.still_here()
    assert j.state is state
    assert j.view() == before
    # the timer restarted: a full timeout again before the next warning
    ctx.clock.advance(TIMEOUT - 1)
    j.tick()
    assert j.state is state


@pytest.mark.parametrize("state", [State.ATTRACT, State.SUBMITTING, State.OUT_OF_SERVICE])
def test_states_that_never_time_out(ctx: Ctx, state: State) -> None:
    drive(ctx, state)
    ctx.clock.advance(10 * 3600)
    ctx.journey.tick()
    assert ctx.journey.state is state
    assert ctx.journey.seconds_left() is None
    assert ctx.journey.view().timeout_s is None


def test_submitting_keeps_its_data_however_long_the_commit_takes(ctx: Ctx) -> None:
    drive(ctx, State.SUBMITTING)
    ctx.clock.advance(3600)
    ctx.journey.tick()
    assert ctx.journey.personal_values()
    for intent in (ctx.journey.cancel, ctx.journey.home, ctx.journey.back):
        with pytest.raises(BugError):
            intent()


def test_receipt_times_out_into_attract(ctx: Ctx) -> None:
    drive(ctx, State.RECEIPT)
    ctx.clock.advance(TIMEOUT)
    ctx.journey.tick()
    assert ctx.journey.state is State.IDLE_WARNING
    ctx.clock.advance(WARNING)
    ctx.journey.tick()
    assert ctx.journey.state is State.ATTRACT


def test_end_screen_returns_to_attract_without_a_warning(ctx: Ctx) -> None:
    drive(ctx, State.END)
    assert ctx.journey.view().timeout_s == WARNING
    ctx.clock.advance(WARNING - 1)
    ctx.journey.tick()
    assert ctx.journey.state is State.END
    assert ctx.journey.seconds_left() == pytest.approx(1)
    ctx.clock.advance(1)
    ctx.journey.tick()
    assert ctx.journey.state is State.ATTRACT


def test_care_mode_stretches_both_periods(ctx: Ctx) -> None:
    drive(ctx, State.FORM)
    j = ctx.journey
    j.set_care_mode(True)
    factor = ctx.config.session.care_mode_factor
    assert j.view().timeout_s == TIMEOUT * factor
    ctx.clock.advance(TIMEOUT * factor - 1)
    j.tick()
    assert j.state is State.FORM
    ctx.clock.advance(1)
    j.tick()
    assert j.state is State.IDLE_WARNING
    assert j.view().timeout_s == WARNING * factor
    ctx.clock.advance(WARNING * factor - 1)
    j.tick()
    assert j.state is State.IDLE_WARNING
    ctx.clock.advance(1)
    j.tick()
    assert j.state is State.ATTRACT
    assert j.view().care_mode is False  # reset with the session


def test_every_intent_counts_as_activity(ctx: Ctx) -> None:
    drive(ctx, State.CATALOG)
    j = ctx.journey
    ctx.clock.advance(TIMEOUT - 1)
    j.search("营业")
    ctx.clock.advance(TIMEOUT - 1)
    j.tick()
    assert j.state is State.CATALOG
    # a refused intent (user-correctable) is activity too
    ctx.clock.advance(TIMEOUT - 1)
    assert j.select_item("44030400WJ-XK-0001") == "journey.service_unavailable"
    ctx.clock.advance(TIMEOUT - 1)
    j.tick()
    assert j.state is State.CATALOG


def test_care_mode_or_language_in_the_overlay_dismisses_it(ctx: Ctx) -> None:
    drive(ctx, State.IDLE_WARNING)
    ctx.journey.set_care_mode(True)
    assert ctx.journey.state is State.HOME
    assert ctx.journey.view().care_mode
    ctx.clock.advance(TIMEOUT * 2)
    ctx.journey.tick()
    ctx.journey.set_language("en")
    assert ctx.journey.state is State.HOME
    assert ctx.journey.view().language == "en"


def test_a_late_tick_wipes_without_showing_the_warning(ctx: Ctx) -> None:
    drive(ctx, State.FORM)
    ctx.clock.advance(TIMEOUT + WARNING)
    ctx.journey.tick()
    assert ctx.journey.state is State.ATTRACT
    assert ctx.journey.personal_values() == []


def test_warning_keeps_the_form_until_it_expires(ctx: Ctx) -> None:
    drive(ctx, State.FORM)
    ctx.journey.submit_page(PAGE_COMPANY)
    ctx.clock.advance(TIMEOUT)
    ctx.journey.tick()
    assert ctx.journey.personal_values()
    ctx.journey.still_here()
    ctx.journey.back()
    assert dict(ctx.journey.view().form_values)["company_name"] == PAGE_COMPANY["company_name"]


def test_seconds_left_counts_down(ctx: Ctx) -> None:
    drive(ctx, State.HOME)
    assert ctx.journey.seconds_left() == pytest.approx(TIMEOUT)
    ctx.clock.advance(30)
    assert ctx.journey.seconds_left() == pytest.approx(TIMEOUT - 30)
