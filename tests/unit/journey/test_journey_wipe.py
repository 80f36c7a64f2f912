"""Wiping: after cancel, idle expiry, home, out-of-service or the end of a submission no
personal value remains in the journey, its repr, its events or the log."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

import pytest

from kiosk.journey import JourneyEvent, State
from tests.unit.journey.conftest import (
    ADDRESS,
    COMPANY,
    IMAGE,
    NAME,
    PAGE_COMPANY,
    PAGE_CONTACT,
    PHONE,
    RESIDENT_ID,
    USCC,
    Ctx,
    card,
    to_home,
)

SEARCH = "测试搜索词张三"
SEEDED = [NAME, ADDRESS, RESIDENT_ID, PHONE, COMPANY, SEARCH, USCC]


def seed(c: Ctx) -> list[bytearray]:
    """A session holding every kind of personal value, ending in CAPTURE with pages."""
    j = c.journey
    to_home(c)
    j.choose_policy_lookup()
    assert j.lookup_policies(USCC, "I", "small", 2025) == {}
    assert j.apply_policy("rent_subsidy") is None
    j.back()
    j.back()
    j.home()
    j.choose_policy_lookup()
    assert j.lookup_policies(USCC, "I", "small", 2025) == {}
    j.apply_policy("rent_subsidy")
    j.begin_application()
    assert j.identify(card()) is None
    assert j.submit_page({**PAGE_COMPANY, "company_uscc": USCC}) == {}
    assert j.submit_page(PAGE_CONTACT) == {}
    assert j.add_page("application_form", IMAGE) is None
    assert j.add_page("application_form", IMAGE + b"-2") is None
    buffers = list(j._session.captures.buffers())
    assert buffers
    values = j.personal_values()
    for value in SEEDED:
        if value != SEARCH:
            assert value in values
    assert IMAGE in values
    return buffers


def seed_with_search(c: Ctx) -> list[bytearray]:
    buffers = seed(c)
    # a search query is personal too (people type names into search boxes)
    c.journey.home()
    c.journey.choose_apply()
    c.journey.search(SEARCH)
    assert SEARCH in c.journey.personal_values()
    return buffers


def _assert_clean(c: Ctx, events: list[JourneyEvent], *, language_reset: bool) -> None:
    j = c.journey
    assert j.personal_values() == []
    assert c.secrets.snapshot() == []
    text = repr(j) + repr(j._session) + repr(j.view())
    text += str(dataclasses.asdict(j.view()))
    for event in events:
        text += repr(event) + str(dataclasses.asdict(event.view))
    for value in SEEDED:
        assert value not in text
    assert "JPEG-page" not in text
    if language_reset:
        assert j.view().language == c.config.default_language
        assert j.view().care_mode is False


WIPES: dict[str, tuple[Callable[[Ctx], None], State, bool]] = {
    "cancel": (lambda c: c.journey.cancel(), State.ATTRACT, True),
    # care mode is on in these tests: both periods are doubled (demo: 90 s and 20 s)
    "idle": (lambda c: (c.clock.advance(1000), c.journey.tick()), State.ATTRACT, True),
    "idle-warning-expiry": (
        lambda c: (c.clock.advance(180), c.journey.tick(), c.clock.advance(40), c.journey.tick()),
        State.ATTRACT, True),
    "home": (lambda c: c.journey.home(), State.HOME, False),
    "out-of-service": (lambda c: c.journey.out_of_service("store.corrupt"),
                       State.OUT_OF_SERVICE, True),
}


@pytest.mark.parametrize("how", list(WIPES))
def test_wipe_leaves_no_personal_value(ctx: Ctx, how: str) -> None:
    action, expected, language_reset = WIPES[how]
    buffers = seed(ctx)
    ctx.journey.set_language("en")
    ctx.journey.set_care_mode(True)
    assert NAME in ctx.secrets.snapshot()
    after: list[JourneyEvent] = []
    ctx.journey.subscribe(after.append)
    action(ctx)
    assert ctx.journey.state is expected
    assert after, "the wipe emitted no event"
    _assert_clean(ctx, after, language_reset=language_reset)
    assert all(not any(b) for b in buffers), "captured pages were not overwritten"
    if not language_reset:  # home keeps the citizen's language and care mode
        assert ctx.journey.view().language == "en"
        assert ctx.journey.view().care_mode


def test_search_query_is_wiped(ctx: Ctx) -> None:
    seed_with_search(ctx)
    after: list[JourneyEvent] = []
    ctx.journey.subscribe(after.append)
    ctx.journey.cancel()
    _assert_clean(ctx, after, language_reset=True)


def test_successful_submission_drops_the_application_at_once(ctx: Ctx) -> None:
    buffers = seed(ctx)
    j = ctx.journey
    assert j.finish_material() is None
    assert j.finish_material() is None  # id_copy: the card read
    assert j.finish_material() is None  # extra: optional, none
    j.confirm_review()
    j.accept_consent("consent-v1")
    after: list[JourneyEvent] = []
    j.subscribe(after.append)
    assert j.submit() is None
    assert j.state is State.RECEIPT
    assert all(not any(b) for b in buffers)
    values = j.personal_values()
    for value in (NAME, ADDRESS, RESIDENT_ID, PHONE, COMPANY):
        assert value not in values
    assert IMAGE not in values
    # the outbox got everything
    submission = ctx.outbox.submissions[0]
    assert submission.identity["name"] == NAME
    assert submission.form["company_uscc"] == USCC
    j.finish()
    j.done()
    _assert_clean(ctx, after[1:], language_reset=True)


def test_no_personal_value_reaches_the_log(ctx: Ctx, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    seed_with_search(ctx)
    ctx.journey.cancel()
    text = caplog.text
    assert "journey" in text
    for value in SEEDED:
        assert value not in text
