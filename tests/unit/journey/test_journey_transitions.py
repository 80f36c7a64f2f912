"""The transition table, row by row: every allowed (state, intent, target) is exercised by a
scenario; every intent missing from a state's rows is refused with BugError."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from kiosk.errors import BugError
from kiosk.journey import TRANSITIONS, Intent, State
from kiosk.journey.states import ACTIVE_TIMED, allowed_intents, check_target
from kiosk.store.models import Receipt
from tests.unit.journey.conftest import (
    IMAGE,
    ITEM_A,
    ITEM_B,
    ITEM_HALL_ONLY,
    PAGE_COMPANY,
    PAGE_CONTACT,
    READY_TRACKING,
    STATUS_TRACKING,
    USCC,
    Ctx,
    card,
    drive,
)
from tests.unit.journey.fakes import WHEN

Action = Callable[[Ctx], object]

# a call for every intent (arguments plausible; used to prove refusals come from the table)
INTENT_CALLS: dict[Intent, Action] = {
    Intent.SET_CARE_MODE: lambda c: c.journey.set_care_mode(True),
    Intent.SET_LANGUAGE: lambda c: c.journey.set_language("en"),
    Intent.TICK: lambda c: c.journey.tick(),
    Intent.OUT_OF_SERVICE: lambda c: c.journey.out_of_service("store.corrupt"),
    Intent.CANCEL: lambda c: c.journey.cancel(),
    Intent.HOME: lambda c: c.journey.home(),
    Intent.BACK: lambda c: c.journey.back(),
    Intent.START: lambda c: c.journey.start(),
    Intent.CHOOSE_LANGUAGE: lambda c: c.journey.choose_language("en"),
    Intent.CHOOSE_APPLY: lambda c: c.journey.choose_apply(),
    Intent.CHOOSE_STATUS_CHECK: lambda c: c.journey.choose_status_check(),
    Intent.CHOOSE_RESULT_PICKUP: lambda c: c.journey.choose_result_pickup(),
    Intent.CHOOSE_POLICY_LOOKUP: lambda c: c.journey.choose_policy_lookup(),
    Intent.BROWSE_CATEGORY: lambda c: c.journey.browse_category("enterprise"),
    Intent.SEARCH: lambda c: c.journey.search("营业执照"),
    Intent.SELECT_ITEM: lambda c: c.journey.select_item(ITEM_A),
    Intent.BEGIN_APPLICATION: lambda c: c.journey.begin_application(),
    Intent.IDENTIFY: lambda c: c.journey.identify(card()),
    Intent.ENTER_ID_MANUALLY: lambda c: c.journey.enter_id_manually("hkid", "A123456(3)"),
    Intent.IDENTIFICATION_FAILED: lambda c: c.journey.identification_failed("device.idcard.checksum"),
    Intent.SUBMIT_PAGE: lambda c: c.journey.submit_page(PAGE_COMPANY),
    Intent.ADD_PAGE: lambda c: c.journey.add_page("application_form", IMAGE),
    Intent.RETAKE_PAGE: lambda c: c.journey.retake("application_form", 0, IMAGE),
    Intent.REMOVE_PAGE: lambda c: c.journey.remove_page("application_form", 0),
    Intent.FINISH_MATERIAL: lambda c: c.journey.finish_material(),
    Intent.CONFIRM_REVIEW: lambda c: c.journey.confirm_review(),
    Intent.EDIT_FORM_PAGE: lambda c: c.journey.edit_form_page(0),
    Intent.EDIT_MATERIAL: lambda c: c.journey.edit_material("application_form"),
    Intent.ACCEPT_CONSENT: lambda c: c.journey.accept_consent("consent-v1"),
    Intent.WITHDRAW_CONSENT: lambda c: c.journey.withdraw_consent(),
    Intent.BEGIN_SUBMIT: lambda c: c.journey.begin_submit(),
    Intent.SUBMIT_SUCCEEDED: lambda c: c.journey.submit_succeeded(_receipt()),
    Intent.SUBMIT_FAILED: lambda c: c.journey.submit_failed("store.disk_full"),
    Intent.CONTINUE_TO_RATING: lambda c: c.journey.continue_to_rating(),
    Intent.FINISH: lambda c: c.journey.finish(),
    Intent.RATE: lambda c: c.journey.rate(5),
    Intent.SKIP_RATING: lambda c: c.journey.skip_rating(),
    Intent.DONE: lambda c: c.journey.done(),
    Intent.LOOKUP_STATUS: lambda c: c.journey.lookup_status(STATUS_TRACKING),
    Intent.ENTER_PICKUP_TRACKING: lambda c: c.journey.enter_pickup_tracking(READY_TRACKING),
    Intent.IDENTIFY_FOR_PICKUP: lambda c: c.journey.identify_for_pickup(card()),
    Intent.PICKUP_DONE: lambda c: c.journey.pickup_done(),
    Intent.LOOKUP_POLICIES: lambda c: c.journey.lookup_policies(USCC, "I", "small", 2025),
    Intent.APPLY_POLICY: lambda c: c.journey.apply_policy("rent_subsidy"),
    Intent.STILL_HERE: lambda c: c.journey.still_here(),
    Intent.RESUME_SERVICE: lambda c: c.journey.resume_service(),
}


def _receipt() -> Receipt:
    return Receipt(uuid="u", tracking_no="T", item_code=ITEM_A, created_at=WHEN)


def test_every_intent_has_a_call() -> None:
    assert set(INTENT_CALLS) == set(Intent)


@dataclasses.dataclass(frozen=True)
class Scenario:
    state: State
    intent: Intent
    expected: State
    prep: Action | None = None  # after driving to ``state``
    action: Action | None = None  # default: INTENT_CALLS[intent]
    name: str = ""

    def id(self) -> str:
        return f"{self.state.value}-{self.intent.value}-{self.expected.value}{self.name}"


def _down(*devices: str) -> Action:
    return lambda c: c.devices.down.update(devices)


def _idle(c: Ctx) -> None:
    c.clock.advance(c.config.session.idle_timeout_s)


def _idle_long(c: Ctx) -> None:
    s = c.config.session
    c.clock.advance(s.idle_warning_s)


SCENARIOS: list[Scenario] = [
    Scenario(State.ATTRACT, Intent.START, State.LANGUAGE),
    Scenario(State.ATTRACT, Intent.CANCEL, State.ATTRACT),
    Scenario(State.LANGUAGE, Intent.CHOOSE_LANGUAGE, State.HOME),
    Scenario(State.LANGUAGE, Intent.BACK, State.ATTRACT),
    Scenario(State.HOME, Intent.CHOOSE_APPLY, State.CATALOG),
    Scenario(State.HOME, Intent.CHOOSE_STATUS_CHECK, State.STATUS_CHECK),
    Scenario(State.HOME, Intent.CHOOSE_RESULT_PICKUP, State.RESULT_PICKUP),
    Scenario(State.HOME, Intent.CHOOSE_POLICY_LOOKUP, State.POLICY_LOOKUP),
    Scenario(State.HOME, Intent.BACK, State.LANGUAGE),
    Scenario(State.CATALOG, Intent.BROWSE_CATEGORY, State.CATALOG),
    Scenario(State.CATALOG, Intent.SEARCH, State.CATALOG),
    Scenario(State.CATALOG, Intent.SELECT_ITEM, State.SERVICE_DETAIL),
    Scenario(State.CATALOG, Intent.SELECT_ITEM, State.CATALOG, name="-unavailable",
             action=lambda c: c.journey.select_item(ITEM_HALL_ONLY)),
    Scenario(State.CATALOG, Intent.BACK, State.HOME),
    Scenario(State.SERVICE_DETAIL, Intent.BEGIN_APPLICATION, State.IDENTIFY),
    Scenario(State.SERVICE_DETAIL, Intent.BEGIN_APPLICATION, State.SERVICE_DETAIL,
             name="-camera-down", prep=_down("camera")),
    Scenario(State.SERVICE_DETAIL, Intent.BACK, State.CATALOG),
    Scenario(State.SERVICE_DETAIL, Intent.BACK, State.POLICY_RESULTS, name="-from-policy",
             prep=lambda c: (c.journey.cancel(), drive(c, State.POLICY_RESULTS),
                             c.journey.apply_policy("rent_subsidy"))),
    Scenario(State.IDENTIFY, Intent.IDENTIFY, State.FORM),
    Scenario(State.IDENTIFY, Intent.IDENTIFY, State.IDENTIFY, name="-mismatch",
             action=lambda c: c.journey.identify(card(kind="passport", source="mrz"))),
    Scenario(State.IDENTIFY, Intent.ENTER_ID_MANUALLY, State.FORM),
    Scenario(State.IDENTIFY, Intent.ENTER_ID_MANUALLY, State.IDENTIFY, name="-bad-number",
             action=lambda c: c.journey.enter_id_manually("hkid", "A123456(4)")),
    Scenario(State.IDENTIFY, Intent.IDENTIFICATION_FAILED, State.IDENTIFY),
    Scenario(State.IDENTIFY, Intent.BACK, State.SERVICE_DETAIL),
    Scenario(State.FORM, Intent.SUBMIT_PAGE, State.FORM),
    Scenario(State.FORM, Intent.SUBMIT_PAGE, State.CAPTURE, name="-last-page",
             prep=lambda c: c.journey.submit_page(PAGE_COMPANY),
             action=lambda c: c.journey.submit_page(PAGE_CONTACT)),
    Scenario(State.FORM, Intent.SUBMIT_PAGE, State.REVIEW, name="-no-materials",
             prep=lambda c: (c.journey.home(), c.journey.choose_apply(),
                             c.journey.select_item(ITEM_B), c.journey.begin_application(),
                             c.journey.identify(card())),
             action=lambda c: c.journey.submit_page({"note": "备注"})),
    Scenario(State.FORM, Intent.BACK, State.IDENTIFY),
    Scenario(State.FORM, Intent.BACK, State.FORM, name="-page-2",
             prep=lambda c: c.journey.submit_page(PAGE_COMPANY)),
    Scenario(State.CAPTURE, Intent.ADD_PAGE, State.CAPTURE),
    Scenario(State.CAPTURE, Intent.RETAKE_PAGE, State.CAPTURE,
             prep=lambda c: c.journey.add_page("application_form", IMAGE)),
    Scenario(State.CAPTURE, Intent.REMOVE_PAGE, State.CAPTURE,
             prep=lambda c: c.journey.add_page("application_form", IMAGE)),
    Scenario(State.CAPTURE, Intent.FINISH_MATERIAL, State.CAPTURE,
             prep=lambda c: c.journey.add_page("application_form", IMAGE)),
    Scenario(State.CAPTURE, Intent.FINISH_MATERIAL, State.REVIEW, name="-last",
             prep=lambda c: (c.journey.add_page("application_form", IMAGE),
                             c.journey.finish_material(), c.journey.finish_material())),
    Scenario(State.CAPTURE, Intent.BACK, State.FORM),
    Scenario(State.CAPTURE, Intent.BACK, State.CAPTURE, name="-second-material",
             prep=lambda c: (c.journey.add_page("application_form", IMAGE),
                             c.journey.finish_material())),
    Scenario(State.REVIEW, Intent.CONFIRM_REVIEW, State.CONSENT),
    Scenario(State.REVIEW, Intent.EDIT_FORM_PAGE, State.FORM),
    Scenario(State.REVIEW, Intent.EDIT_MATERIAL, State.CAPTURE),
    Scenario(State.REVIEW, Intent.BACK, State.CAPTURE),
    Scenario(State.REVIEW, Intent.BACK, State.FORM, name="-no-materials",
             prep=lambda c: (c.journey.home(), c.journey.choose_apply(),
                             c.journey.select_item(ITEM_B), c.journey.begin_application(),
                             c.journey.identify(card()), c.journey.submit_page({"note": "x"}))),
    Scenario(State.CONSENT, Intent.ACCEPT_CONSENT, State.CONSENT),
    Scenario(State.CONSENT, Intent.WITHDRAW_CONSENT, State.CONSENT),
    Scenario(State.CONSENT, Intent.BEGIN_SUBMIT, State.SUBMITTING,
             prep=lambda c: c.journey.accept_consent("consent-v1")),
    Scenario(State.CONSENT, Intent.BACK, State.REVIEW),
    Scenario(State.SUBMITTING, Intent.SUBMIT_SUCCEEDED, State.RECEIPT),
    Scenario(State.SUBMITTING, Intent.SUBMIT_FAILED, State.CONSENT),
    Scenario(State.RECEIPT, Intent.CONTINUE_TO_RATING, State.RATING),
    Scenario(State.RECEIPT, Intent.FINISH, State.END),
    Scenario(State.RATING, Intent.RATE, State.END),
    Scenario(State.RATING, Intent.SKIP_RATING, State.END),
    Scenario(State.RATING, Intent.BACK, State.RECEIPT),
    Scenario(State.END, Intent.DONE, State.ATTRACT),
    Scenario(State.STATUS_CHECK, Intent.LOOKUP_STATUS, State.STATUS_RESULT),
    Scenario(State.STATUS_CHECK, Intent.LOOKUP_STATUS, State.STATUS_CHECK, name="-unknown",
             action=lambda c: c.journey.lookup_status("DM1-NOPE")),
    Scenario(State.STATUS_CHECK, Intent.BACK, State.HOME),
    Scenario(State.STATUS_RESULT, Intent.BACK, State.STATUS_CHECK),
    Scenario(State.RESULT_PICKUP, Intent.ENTER_PICKUP_TRACKING, State.RESULT_PICKUP),
    Scenario(State.RESULT_PICKUP, Intent.IDENTIFICATION_FAILED, State.RESULT_PICKUP),
    Scenario(State.RESULT_PICKUP, Intent.IDENTIFY_FOR_PICKUP, State.PICKUP_RESULT,
             prep=lambda c: c.journey.enter_pickup_tracking(READY_TRACKING)),
    Scenario(State.RESULT_PICKUP, Intent.IDENTIFY_FOR_PICKUP, State.RESULT_PICKUP,
             name="-not-owner", prep=lambda c: c.journey.enter_pickup_tracking(READY_TRACKING),
             action=lambda c: c.journey.identify_for_pickup(card(number="11010519491231003X"))),
    Scenario(State.RESULT_PICKUP, Intent.BACK, State.HOME),
    Scenario(State.RESULT_PICKUP, Intent.BACK, State.RESULT_PICKUP, name="-tracking-entered",
             prep=lambda c: c.journey.enter_pickup_tracking(READY_TRACKING)),
    Scenario(State.PICKUP_RESULT, Intent.PICKUP_DONE, State.END),
    Scenario(State.PICKUP_RESULT, Intent.BACK, State.RESULT_PICKUP),
    Scenario(State.POLICY_LOOKUP, Intent.LOOKUP_POLICIES, State.POLICY_RESULTS),
    Scenario(State.POLICY_LOOKUP, Intent.LOOKUP_POLICIES, State.POLICY_LOOKUP, name="-bad",
             action=lambda c: c.journey.lookup_policies("91440304MA5DAGK3XA", "I", "x", 2025)),
    Scenario(State.POLICY_LOOKUP, Intent.BACK, State.HOME),
    Scenario(State.POLICY_RESULTS, Intent.APPLY_POLICY, State.SERVICE_DETAIL),
    Scenario(State.POLICY_RESULTS, Intent.APPLY_POLICY, State.POLICY_RESULTS,
             name="-printer-down", prep=_down("a4_printer"),
             action=lambda c: c.journey.apply_policy("printer_policy")),
    Scenario(State.POLICY_RESULTS, Intent.BACK, State.POLICY_LOOKUP),
    Scenario(State.IDLE_WARNING, Intent.STILL_HERE, State.HOME),
    Scenario(State.IDLE_WARNING, Intent.CANCEL, State.ATTRACT),
    Scenario(State.IDLE_WARNING, Intent.HOME, State.HOME),
    Scenario(State.OUT_OF_SERVICE, Intent.RESUME_SERVICE, State.ATTRACT),
]

# the global rows, for every state
for _state in State:
    _same = State.HOME if _state is State.IDLE_WARNING else _state
    SCENARIOS += [
        Scenario(_state, Intent.SET_CARE_MODE, _same),
        Scenario(_state, Intent.SET_LANGUAGE, _same),
        Scenario(_state, Intent.TICK, _state if _state is not State.IDLE_WARNING
                 else State.IDLE_WARNING),
        Scenario(_state, Intent.OUT_OF_SERVICE,
                 State.SUBMITTING if _state is State.SUBMITTING else State.OUT_OF_SERVICE),
    ]
    if (_state, Intent.CANCEL) in TRANSITIONS and _state is not State.IDLE_WARNING:
        SCENARIOS.append(Scenario(_state, Intent.CANCEL, State.ATTRACT))
    if (_state, Intent.HOME) in TRANSITIONS and _state is not State.IDLE_WARNING:
        SCENARIOS.append(Scenario(_state, Intent.HOME, State.HOME))
    if _state in ACTIVE_TIMED:
        SCENARIOS.append(Scenario(_state, Intent.TICK, State.IDLE_WARNING, name="-idle",
                                  prep=_idle))
        SCENARIOS.append(Scenario(_state, Intent.TICK, State.ATTRACT, name="-late-tick",
                                  prep=lambda c: (_idle(c), _idle_long(c))))
SCENARIOS += [
    Scenario(State.IDLE_WARNING, Intent.TICK, State.ATTRACT, name="-expired", prep=_idle_long),
    Scenario(State.END, Intent.TICK, State.ATTRACT, name="-expired", prep=_idle_long),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=Scenario.id)
def test_allowed_transition(ctx: Ctx, scenario: Scenario) -> None:
    drive(ctx, scenario.state)
    if scenario.prep is not None:
        scenario.prep(ctx)
    assert ctx.journey.state is scenario.state
    assert (scenario.state, scenario.intent) in TRANSITIONS
    (scenario.action or INTENT_CALLS[scenario.intent])(ctx)
    assert ctx.journey.state is scenario.expected
    assert scenario.expected in TRANSITIONS[(scenario.state, scenario.intent)]


def test_every_row_and_every_target_is_exercised() -> None:
    covered = {(s.state, s.intent, s.expected) for s in SCENARIOS}
    # rows whose targets include "any state beneath the overlay" need one target only
    multi = {Intent.SET_CARE_MODE, Intent.SET_LANGUAGE, Intent.STILL_HERE}
    missing = []
    for (state, intent), targets in TRANSITIONS.items():
        if state is State.IDLE_WARNING and intent in multi:
            if not any((state, intent, t) in covered for t in targets):
                missing.append((state, intent, "any"))
            continue
        missing += [(state, intent, t) for t in targets if (state, intent, t) not in covered]
    assert not missing


REFUSED = [(s, i) for s in State for i in Intent if (s, i) not in TRANSITIONS]


@pytest.mark.parametrize(("state", "intent"), REFUSED,
                         ids=[f"{s.value}-{i.value}" for s, i in REFUSED])
def test_disallowed_intent_is_refused(ctx: Ctx, state: State, intent: Intent) -> None:
    drive(ctx, state)
    before = ctx.journey.view()
    events = len(ctx.events)
    with pytest.raises(BugError) as info:
        INTENT_CALLS[intent](ctx)
    assert info.value.key == "journey.bug"
    assert ctx.journey.state is state
    assert ctx.journey.view() == before
    assert len(ctx.events) == events


def test_table_shape() -> None:
    # no intent leads out of SUBMITTING except the two commit outcomes (and the deferred OOS)
    out_of_submitting = {i for i in allowed_intents(State.SUBMITTING)
                         if TRANSITIONS[(State.SUBMITTING, i)] != {State.SUBMITTING}}
    assert out_of_submitting == {Intent.SUBMIT_SUCCEEDED, Intent.SUBMIT_FAILED}
    # back is refused where there is nothing to go back to
    for state in (State.ATTRACT, State.SUBMITTING, State.RECEIPT, State.END,
                  State.IDLE_WARNING, State.OUT_OF_SERVICE):
        assert Intent.BACK not in allowed_intents(state)
    with pytest.raises(BugError):
        check_target(State.HOME, Intent.CHOOSE_APPLY, State.FORM)
