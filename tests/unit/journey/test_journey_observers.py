"""Observers get an immutable snapshot on every change, and only on a change."""

from __future__ import annotations

import dataclasses

import pytest

from kiosk.journey import JourneyEvent, State
from tests.unit.journey.conftest import Ctx


def test_events_carry_previous_state_and_view(ctx: Ctx) -> None:
    j = ctx.journey
    j.start()
    j.choose_language("en")
    assert [(e.previous, e.view.state) for e in ctx.events] == [
        (State.ATTRACT, State.LANGUAGE), (State.LANGUAGE, State.HOME)]
    assert ctx.events[-1].view.language == "en"
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctx.events[-1].view.state = State.END  # type: ignore[misc]


def test_no_event_without_a_change(ctx: Ctx) -> None:
    j = ctx.journey
    j.start()
    n = len(ctx.events)
    j.tick()
    j.set_care_mode(False)
    assert len(ctx.events) == n
    j.set_care_mode(True)
    assert len(ctx.events) == n + 1
    assert ctx.events[-1].view.care_mode


def test_unsubscribe(ctx: Ctx) -> None:
    mine: list[JourneyEvent] = []
    unsubscribe = ctx.journey.subscribe(mine.append)
    ctx.journey.start()
    unsubscribe()
    unsubscribe()  # twice is harmless
    ctx.journey.choose_language("en")
    assert len(mine) == 1


def test_refusals_are_visible(ctx: Ctx) -> None:
    j = ctx.journey
    j.start()
    j.choose_language("zh-Hans")
    j.choose_status_check()
    j.lookup_status("nope")
    assert ctx.events[-1].view.error == "store.not_found"
    assert ctx.events[-1].view.state is State.STATUS_CHECK
    j.lookup_status("nope")  # the same refusal again: the view did not change
    assert ctx.events[-1].view.error == "store.not_found"


def test_language_not_offered_is_a_bug(ctx: Ctx) -> None:
    from kiosk.errors import BugError

    terminal = ctx.config.terminal.model_copy(update={"languages": ("zh-Hant", "en")})
    from tests.unit.journey.conftest import make_ctx

    c = make_ctx(ctx.config.model_copy(update={"terminal": terminal}), ctx.journey.catalog)
    assert c.journey.view().language == "zh-Hant"  # the terminal default
    c.journey.start()
    with pytest.raises(BugError):
        c.journey.choose_language("zh-Hans")


def test_out_of_service_screen_settings_do_not_leak_into_the_next_session(ctx: Ctx) -> None:
    ctx.journey.out_of_service("store.corrupt")
    ctx.journey.set_language("en")
    ctx.journey.set_care_mode(True)
    assert ctx.journey.view().out_of_service_key == "store.corrupt"
    ctx.journey.resume_service()
    view = ctx.journey.view()
    assert view.state is State.ATTRACT and view.out_of_service_key is None
    assert view.language == ctx.config.default_language and not view.care_mode
