"""The citizen session state machine (no Qt): :class:`Journey`.

Each public method is one *intent*. It first asks the transition table
(:mod:`kiosk.journey.states`) whether the intent is allowed in the current state: if not,
the UI offered something it should not have, and :class:`~kiosk.errors.BugError` is raised.
Problems the citizen can fix (a wrong document, a missing page) are returned as message keys
(``str | None``; ``None`` = done) and shown on the screen via ``view().error``; the state
stays. Every move is checked against the table too.

Navigation rules:

* ``back()`` goes to the previous step (FORM page 2 → page 1, first FORM page → IDENTIFY,
  first material → last FORM page, SERVICE_DETAIL → wherever it was opened from). It is
  refused where there is nothing to go back to: ATTRACT, SUBMITTING (the commit must finish),
  RECEIPT (the application is filed), END, and the overlays.
* ``home()`` wipes every personal value and goes to HOME, keeping language and care mode: the
  same citizen starting another task. ``cancel()`` ends the session: full wipe, language back
  to the terminal default, care mode off, ATTRACT. The idle timeout does the same as cancel.
  Neither is allowed while SUBMITTING.
* Every intent except ``tick()`` counts as activity. ``tick()`` moves a timed state to the
  IDLE_WARNING overlay after ``idle_timeout_s`` (× ``care_mode_factor`` in care mode) and
  wipes the session ``idle_warning_s`` (× factor) later. Any intent allowed in the overlay
  (``still_here()``, care mode, language) returns to the state beneath. END returns to
  ATTRACT after ``idle_warning_s`` without a warning. ATTRACT, SUBMITTING and OUT_OF_SERVICE
  never time out.
* ``out_of_service(key)`` wipes the session and shows the out-of-service screen. Called while
  SUBMITTING it waits: after a failed commit it applies at once; after a successful one the
  citizen keeps the receipt (and rating, thank-you) screens and it applies when they leave.
"""

from __future__ import annotations

import logging

from kiosk.config import Lang
from kiosk.errors import BugError
from kiosk.journey.application import ApplicationSteps
from kiosk.journey.branches import BranchSteps
from kiosk.journey.core import StepRefused, intent
from kiosk.journey.idle import Verdict
from kiosk.journey.states import Intent, State

__all__ = ["Journey", "StepRefused"]

_log = logging.getLogger(__name__)


class Journey(ApplicationSteps, BranchSteps):
    """One kiosk's citizen session; create once at start-up and reuse for every citizen.

    Constructor (keyword-only): ``config``, ``catalog``, ``outbox``, ``clock``, ``devices``,
    ``secrets=None``, ``owner_verifier=None`` (see :class:`~kiosk.journey.core.JourneyCore`)."""

    # ------------------------------------------------------------------ global intents

    @intent(Intent.SET_CARE_MODE, clears_error=False)
    def set_care_mode(self, on: bool) -> None:
        """Care mode (large type, slower timeouts): a switch on every screen."""
        self._session.care_mode = on
        self._leave_overlay(Intent.SET_CARE_MODE)

    @intent(Intent.SET_LANGUAGE, clears_error=False)
    def set_language(self, language: Lang) -> None:
        self._check_language(language)
        self._session.language = language
        self._leave_overlay(Intent.SET_LANGUAGE)

    @intent(Intent.TICK, activity=False, clears_error=False)
    def tick(self) -> None:
        """Check the idle timeout; the UI calls this about once a second."""
        state = self._state
        if state in (State.ATTRACT, State.SUBMITTING, State.OUT_OF_SERVICE):
            return
        if state is State.STATUS_RESULT:
            self._refresh_status_row()
        now = self._clock.monotonic()
        care = self._session.care_mode
        if state is State.END:
            if self._idle.end_screen_expired(now, care):
                self._end_session(Intent.TICK)
            return
        verdict = self._idle.verdict(now, care, warning_shown=state is State.IDLE_WARNING)
        if verdict is Verdict.EXPIRE:
            _log.info("session idle in %s: wiped", (self._session.beneath or state).value)
            self._end_session(Intent.TICK)
        elif verdict is Verdict.WARN:
            self._session.beneath = state
            self._move(Intent.TICK, State.IDLE_WARNING)

    @intent(Intent.OUT_OF_SERVICE, activity=False, clears_error=False)
    def out_of_service(self, key: str) -> None:
        """Show the out-of-service screen for message ``key`` (wipes the session)."""
        if self._state is State.SUBMITTING:
            _log.info("out of service (%s) deferred until the commit finishes", key)
            self._pending_out_of_service = key
            return
        self._enter_out_of_service(key)

    @intent(Intent.RESUME_SERVICE)
    def resume_service(self) -> None:
        """Back in service (a technician or the health monitor): a fresh ATTRACT screen."""
        self._end_session(Intent.RESUME_SERVICE)

    @intent(Intent.CANCEL)
    def cancel(self) -> None:
        """End the session: wipe everything, back to ATTRACT."""
        self._end_session(Intent.CANCEL)

    @intent(Intent.HOME)
    def home(self) -> None:
        """Wipe the task's personal data and go HOME, keeping language and care mode."""
        self._session.wipe_personal()
        self._secrets.clear()
        self._move(Intent.HOME, State.HOME)

    @intent(Intent.BACK)
    def back(self) -> None:
        s = self._session
        state = self._state
        target: State
        if state is State.LANGUAGE:
            target = State.ATTRACT
        elif state is State.HOME:
            target = State.LANGUAGE
        elif state in (State.CATALOG, State.STATUS_CHECK, State.POLICY_LOOKUP):
            target = State.HOME
        elif state is State.SERVICE_DETAIL:
            target = s.detail_origin
        elif state is State.IDENTIFY:
            target = State.SERVICE_DETAIL
        elif state is State.FORM:
            if s.page > 0:
                s.page -= 1
                target = State.FORM
            else:
                target = State.IDENTIFY
        elif state is State.CAPTURE:
            if s.material_index > 0:
                s.material_index -= 1
                target = State.CAPTURE
            else:
                s.page = len(self._item().form) - 1
                target = State.FORM
        elif state is State.REVIEW:
            target = self._last_step_before_review()
        elif state is State.CONSENT:
            target = State.REVIEW
        elif state is State.RATING:
            target = State.RECEIPT
        elif state is State.STATUS_RESULT:
            s.status_row = None
            target = State.STATUS_CHECK
        elif state is State.RESULT_PICKUP:
            if s.pickup_row is not None:
                s.pickup_row = None
                target = State.RESULT_PICKUP
            else:
                target = State.HOME
        elif state is State.PICKUP_RESULT:
            s.pickup = None
            target = State.RESULT_PICKUP
        elif state is State.POLICY_RESULTS:
            s.policy_ids = ()
            target = State.POLICY_LOOKUP
        else:  # pragma: no cover - the table refuses BACK everywhere else
            raise BugError("journey.bug", f"no back target in {state.value}")
        if state is State.LANGUAGE:
            self._end_session(Intent.BACK)
        else:
            self._move(Intent.BACK, target)

    @intent(Intent.STILL_HERE)
    def still_here(self) -> None:
        """Dismiss the idle warning: back to the screen beneath."""
        self._leave_overlay(Intent.STILL_HERE)

    # ------------------------------------------------------------------ attract, language, home

    @intent(Intent.START)
    def start(self) -> None:
        """A touch on the attract screen."""
        self._session.started_at = self._clock.now()
        self._move(Intent.START, State.LANGUAGE)

    @intent(Intent.CHOOSE_LANGUAGE)
    def choose_language(self, language: Lang) -> None:
        self._check_language(language)
        self._session.language = language
        self._move(Intent.CHOOSE_LANGUAGE, State.HOME)

    @intent(Intent.CHOOSE_APPLY)
    def choose_apply(self) -> None:
        self._move(Intent.CHOOSE_APPLY, State.CATALOG)

    @intent(Intent.CHOOSE_STATUS_CHECK)
    def choose_status_check(self) -> None:
        self._move(Intent.CHOOSE_STATUS_CHECK, State.STATUS_CHECK)

    @intent(Intent.CHOOSE_RESULT_PICKUP)
    def choose_result_pickup(self) -> None:
        self._move(Intent.CHOOSE_RESULT_PICKUP, State.RESULT_PICKUP)

    @intent(Intent.CHOOSE_POLICY_LOOKUP)
    def choose_policy_lookup(self) -> None:
        self._move(Intent.CHOOSE_POLICY_LOOKUP, State.POLICY_LOOKUP)
