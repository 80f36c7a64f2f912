"""The journey's states, intents and its one transition table.

Every intent method of :class:`~kiosk.journey.machine.Journey` asks :func:`check` before it
does anything (an intent not allowed in the current state is a UI bug: :class:`BugError`)
and :func:`check_target` before it moves (a move the table does not list is our bug).
Tests walk this table: every row is exercised, every missing row is refused.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from kiosk.errors import BugError

__all__ = [
    "ACTIVE_TIMED",
    "NEVER_TIMES_OUT",
    "TRANSITIONS",
    "Intent",
    "State",
    "allowed_intents",
    "check",
    "check_target",
]


class State(enum.Enum):
    ATTRACT = "attract"
    LANGUAGE = "language"
    HOME = "home"
    CATALOG = "catalog"
    SERVICE_DETAIL = "service_detail"
    IDENTIFY = "identify"
    FORM = "form"
    CAPTURE = "capture"
    REVIEW = "review"
    CONSENT = "consent"
    SUBMITTING = "submitting"
    RECEIPT = "receipt"
    RATING = "rating"
    END = "end"
    STATUS_CHECK = "status_check"
    STATUS_RESULT = "status_result"
    RESULT_PICKUP = "result_pickup"
    PICKUP_RESULT = "pickup_result"
    POLICY_LOOKUP = "policy_lookup"
    POLICY_RESULTS = "policy_results"
    IDLE_WARNING = "idle_warning"
    OUT_OF_SERVICE = "out_of_service"


class Intent(enum.Enum):
    # global (see _GLOBAL)
    SET_CARE_MODE = "set_care_mode"
    SET_LANGUAGE = "set_language"
    TICK = "tick"
    OUT_OF_SERVICE = "out_of_service"
    CANCEL = "cancel"
    HOME = "home"
    BACK = "back"
    # attract / language / home
    START = "start"
    CHOOSE_LANGUAGE = "choose_language"
    CHOOSE_APPLY = "choose_apply"
    CHOOSE_STATUS_CHECK = "choose_status_check"
    CHOOSE_RESULT_PICKUP = "choose_result_pickup"
    CHOOSE_POLICY_LOOKUP = "choose_policy_lookup"
    # application
    BROWSE_CATEGORY = "browse_category"
    SEARCH = "search"
    SELECT_ITEM = "select_item"
    BEGIN_APPLICATION = "begin_application"
    IDENTIFY = "identify"
    ENTER_ID_MANUALLY = "enter_id_manually"
    IDENTIFICATION_FAILED = "identification_failed"
    SUBMIT_PAGE = "submit_page"
    ADD_PAGE = "add_page"
    RETAKE_PAGE = "retake_page"
    REMOVE_PAGE = "remove_page"
    FINISH_MATERIAL = "finish_material"
    CONFIRM_REVIEW = "confirm_review"
    EDIT_FORM_PAGE = "edit_form_page"
    EDIT_MATERIAL = "edit_material"
    ACCEPT_CONSENT = "accept_consent"
    WITHDRAW_CONSENT = "withdraw_consent"
    BEGIN_SUBMIT = "begin_submit"
    SUBMIT_SUCCEEDED = "submit_succeeded"
    SUBMIT_FAILED = "submit_failed"
    CONTINUE_TO_RATING = "continue_to_rating"
    FINISH = "finish"
    RATE = "rate"
    SKIP_RATING = "skip_rating"
    DONE = "done"
    # branches
    LOOKUP_STATUS = "lookup_status"
    ENTER_PICKUP_TRACKING = "enter_pickup_tracking"
    IDENTIFY_FOR_PICKUP = "identify_for_pickup"
    PICKUP_DONE = "pickup_done"
    LOOKUP_POLICIES = "lookup_policies"
    APPLY_POLICY = "apply_policy"
    # overlays
    STILL_HERE = "still_here"
    RESUME_SERVICE = "resume_service"


S = State
I = Intent  # noqa: E741

# States with an idle timeout that shows the warning overlay first.
ACTIVE_TIMED: Final[frozenset[State]] = frozenset(
    set(State) - {S.ATTRACT, S.SUBMITTING, S.END, S.IDLE_WARNING, S.OUT_OF_SERVICE}
)
# ATTRACT is the idle screen; SUBMITTING must finish its commit; OUT_OF_SERVICE waits for a
# technician. END times out too, but straight to ATTRACT (nothing left to lose).
NEVER_TIMES_OUT: Final[frozenset[State]] = frozenset({S.ATTRACT, S.SUBMITTING, S.OUT_OF_SERVICE})

_SESSION: Final = frozenset(set(State) - {S.ATTRACT, S.OUT_OF_SERVICE, S.IDLE_WARNING})

_STEPS: dict[tuple[State, Intent], frozenset[State]] = {
    (S.ATTRACT, I.START): frozenset({S.LANGUAGE}),
    (S.LANGUAGE, I.CHOOSE_LANGUAGE): frozenset({S.HOME}),
    (S.LANGUAGE, I.BACK): frozenset({S.ATTRACT}),
    (S.HOME, I.CHOOSE_APPLY): frozenset({S.CATALOG}),
    (S.HOME, I.CHOOSE_STATUS_CHECK): frozenset({S.STATUS_CHECK}),
    (S.HOME, I.CHOOSE_RESULT_PICKUP): frozenset({S.RESULT_PICKUP}),
    (S.HOME, I.CHOOSE_POLICY_LOOKUP): frozenset({S.POLICY_LOOKUP}),
    (S.HOME, I.BACK): frozenset({S.LANGUAGE}),
    # apply for a service
    (S.CATALOG, I.BROWSE_CATEGORY): frozenset({S.CATALOG}),
    (S.CATALOG, I.SEARCH): frozenset({S.CATALOG}),
    (S.CATALOG, I.SELECT_ITEM): frozenset({S.SERVICE_DETAIL, S.CATALOG}),
    (S.CATALOG, I.BACK): frozenset({S.HOME}),
    (S.SERVICE_DETAIL, I.BEGIN_APPLICATION): frozenset({S.IDENTIFY, S.SERVICE_DETAIL}),
    (S.SERVICE_DETAIL, I.BACK): frozenset({S.CATALOG, S.POLICY_RESULTS}),
    (S.IDENTIFY, I.IDENTIFY): frozenset({S.FORM, S.IDENTIFY}),
    (S.IDENTIFY, I.ENTER_ID_MANUALLY): frozenset({S.FORM, S.IDENTIFY}),
    (S.IDENTIFY, I.IDENTIFICATION_FAILED): frozenset({S.IDENTIFY}),
    (S.IDENTIFY, I.BACK): frozenset({S.SERVICE_DETAIL}),
    (S.FORM, I.SUBMIT_PAGE): frozenset({S.FORM, S.CAPTURE, S.REVIEW}),
    (S.FORM, I.BACK): frozenset({S.FORM, S.IDENTIFY}),
    (S.CAPTURE, I.ADD_PAGE): frozenset({S.CAPTURE}),
    (S.CAPTURE, I.RETAKE_PAGE): frozenset({S.CAPTURE}),
    (S.CAPTURE, I.REMOVE_PAGE): frozenset({S.CAPTURE}),
    (S.CAPTURE, I.FINISH_MATERIAL): frozenset({S.CAPTURE, S.REVIEW}),
    (S.CAPTURE, I.BACK): frozenset({S.CAPTURE, S.FORM}),
    (S.REVIEW, I.CONFIRM_REVIEW): frozenset({S.CONSENT}),
    (S.REVIEW, I.EDIT_FORM_PAGE): frozenset({S.FORM}),
    (S.REVIEW, I.EDIT_MATERIAL): frozenset({S.CAPTURE}),
    (S.REVIEW, I.BACK): frozenset({S.CAPTURE, S.FORM}),
    (S.CONSENT, I.ACCEPT_CONSENT): frozenset({S.CONSENT}),
    (S.CONSENT, I.WITHDRAW_CONSENT): frozenset({S.CONSENT}),
    (S.CONSENT, I.BEGIN_SUBMIT): frozenset({S.SUBMITTING}),
    (S.CONSENT, I.BACK): frozenset({S.REVIEW}),
    (S.SUBMITTING, I.SUBMIT_SUCCEEDED): frozenset({S.RECEIPT}),
    (S.SUBMITTING, I.SUBMIT_FAILED): frozenset({S.CONSENT}),
    (S.RECEIPT, I.CONTINUE_TO_RATING): frozenset({S.RATING}),
    (S.RECEIPT, I.FINISH): frozenset({S.END}),
    (S.RATING, I.RATE): frozenset({S.END}),
    (S.RATING, I.SKIP_RATING): frozenset({S.END}),
    (S.RATING, I.BACK): frozenset({S.RECEIPT}),
    (S.END, I.DONE): frozenset({S.ATTRACT}),
    # status check
    (S.STATUS_CHECK, I.LOOKUP_STATUS): frozenset({S.STATUS_RESULT, S.STATUS_CHECK}),
    (S.STATUS_CHECK, I.BACK): frozenset({S.HOME}),
    (S.STATUS_RESULT, I.BACK): frozenset({S.STATUS_CHECK}),
    # result pickup
    (S.RESULT_PICKUP, I.ENTER_PICKUP_TRACKING): frozenset({S.RESULT_PICKUP}),
    (S.RESULT_PICKUP, I.IDENTIFY_FOR_PICKUP): frozenset({S.PICKUP_RESULT, S.RESULT_PICKUP}),
    (S.RESULT_PICKUP, I.IDENTIFICATION_FAILED): frozenset({S.RESULT_PICKUP}),
    (S.RESULT_PICKUP, I.BACK): frozenset({S.RESULT_PICKUP, S.HOME}),
    (S.PICKUP_RESULT, I.PICKUP_DONE): frozenset({S.END}),
    (S.PICKUP_RESULT, I.BACK): frozenset({S.RESULT_PICKUP}),
    # policy lookup
    (S.POLICY_LOOKUP, I.LOOKUP_POLICIES): frozenset({S.POLICY_RESULTS, S.POLICY_LOOKUP}),
    (S.POLICY_LOOKUP, I.BACK): frozenset({S.HOME}),
    (S.POLICY_RESULTS, I.APPLY_POLICY): frozenset({S.SERVICE_DETAIL, S.POLICY_RESULTS}),
    (S.POLICY_RESULTS, I.BACK): frozenset({S.POLICY_LOOKUP}),
    # overlays
    (S.IDLE_WARNING, I.STILL_HERE): ACTIVE_TIMED,
    (S.IDLE_WARNING, I.CANCEL): frozenset({S.ATTRACT}),
    (S.IDLE_WARNING, I.HOME): frozenset({S.HOME}),
    (S.OUT_OF_SERVICE, I.RESUME_SERVICE): frozenset({S.ATTRACT}),
    (S.ATTRACT, I.CANCEL): frozenset({S.ATTRACT}),
}


def _global_rows() -> dict[tuple[State, Intent], frozenset[State]]:
    rows: dict[tuple[State, Intent], frozenset[State]] = {}
    for state in State:
        # care mode and language: on every screen; in the warning overlay they also count
        # as "still here" and return to the state beneath
        beneath = ACTIVE_TIMED if state is S.IDLE_WARNING else frozenset({state})
        rows[(state, I.SET_CARE_MODE)] = beneath
        rows[(state, I.SET_LANGUAGE)] = beneath
        # the clock: timed states may move to the warning overlay, the warning and END to
        # ATTRACT (also when a late tick finds the warning already expired)
        if state in ACTIVE_TIMED:
            rows[(state, I.TICK)] = frozenset({state, S.IDLE_WARNING, S.ATTRACT})
        elif state in (S.IDLE_WARNING, S.END):
            rows[(state, I.TICK)] = frozenset({state, S.ATTRACT})
        else:
            rows[(state, I.TICK)] = frozenset({state})
        # a fatal environment problem: immediately, except mid-commit (deferred, see Journey)
        rows[(state, I.OUT_OF_SERVICE)] = (
            frozenset({S.SUBMITTING}) if state is S.SUBMITTING else frozenset({S.OUT_OF_SERVICE})
        )
        # cancel (end the session) and home: from every step but the commit
        if state in _SESSION and state is not S.SUBMITTING:
            rows[(state, I.CANCEL)] = frozenset({S.ATTRACT})
            rows[(state, I.HOME)] = frozenset({S.HOME})
    return rows


TRANSITIONS: Final[Mapping[tuple[State, Intent], frozenset[State]]] = MappingProxyType(
    {**_global_rows(), **_STEPS}
)


def allowed_intents(state: State) -> frozenset[Intent]:
    return frozenset(i for (s, i) in TRANSITIONS if s is state)


def check(state: State, intent: Intent) -> frozenset[State]:
    """The states ``intent`` may lead to from ``state``; :class:`BugError` if not allowed."""
    targets = TRANSITIONS.get((state, intent))
    if targets is None:
        raise BugError("journey.bug", f"{intent.value} is not allowed in {state.value}")
    return targets


def check_target(state: State, intent: Intent, target: State) -> None:
    if target not in check(state, intent):
        raise BugError(
            "journey.bug", f"{state.value} -{intent.value}-> {target.value}"
        )
