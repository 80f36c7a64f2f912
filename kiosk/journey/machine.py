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
* ``out_of_service(key)`` wipes the session and shows the out-of-service screen; called while
  SUBMITTING it is applied as soon as the commit has finished and the session moves on.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Concatenate, Literal, ParamSpec, TypeVar, get_args

from kiosk.catalog import Catalog
from kiosk.catalog.forms import validate_group
from kiosk.catalog.model import Company, CompanySize, Material, ServiceItem
from kiosk.catalog.policies import company_district_from_uscc
from kiosk.config import Config, Lang
from kiosk.errors import BugError, KioskError, KnownError
from kiosk.identity.models import IdentityDocument
from kiosk.identity.numbers import (
    IdentityError,
    ensure_not_expired,
    validate_hkid,
    validate_home_return_permit,
    validate_uscc,
)
from kiosk.journey.capture import capture_materials
from kiosk.journey.clock import Clock
from kiosk.journey.idle import IdleTimer, Verdict
from kiosk.journey.offer import ItemOption, availability, method_for
from kiosk.journey.ports import DeviceAvailability, OutboxPort, OwnerVerifier
from kiosk.journey.session import PickupJob, SessionData
from kiosk.journey.states import ACTIVE_TIMED, Intent, State, check, check_target
from kiosk.journey.view import JourneyEvent, JourneyView, Listener, PolicyOption
from kiosk.log import SessionSecrets
from kiosk.store.models import Consent, NewSubmission, Receipt

__all__ = ["Journey", "StepRefused"]

_log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

# form field types whose values are registered with the log redactor (free text and numbers
# with a shape); choices, dates and numbers are too short or too common to mask usefully
_SECRET_TYPES = frozenset({"text", "address", "phone", "resident_id", "hkid", "uscc"})
_INDUSTRY_SECTIONS = frozenset("ABCDEFGHIJKLMNOPQRST")
_COMPANY_SIZES: frozenset[str] = frozenset(get_args(CompanySize))
_EARLIEST_COMPANY_YEAR = 1949
ManualIdKind = Literal["hkid", "home_return_permit"]


class StepRefused(KioskError):
    """A user-correctable refusal from an intent that returns a value (``begin_submit``).

    ``key`` is a message key; the journey stays in its state and shows it."""


def _intent(
    intent: Intent, *, activity: bool = True, clears_error: bool = True
) -> Callable[[Callable[Concatenate[Journey, P], R]], Callable[Concatenate[Journey, P], R]]:
    """Wrap an intent method: check the table, count activity, notify observers after."""

    def decorate(method: Callable[Concatenate[Journey, P], R]
                 ) -> Callable[Concatenate[Journey, P], R]:
        @functools.wraps(method)
        def wrapper(self: Journey, /, *args: P.args, **kwargs: P.kwargs) -> R:
            check(self._state, intent)
            previous = self._state
            if activity:
                self._idle.touch(self._clock.monotonic())
            if clears_error:
                self._session.error = None
                self._session.field_errors.clear()
            try:
                return method(self, *args, **kwargs)
            finally:
                self._after_intent(previous)

        return wrapper

    return decorate


def _normalise_code(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def _mask(number: str) -> str:
    if len(number) > 8:
        return number[:4] + "*" * (len(number) - 8) + number[-4:]
    if len(number) > 2:
        return number[0] + "*" * (len(number) - 2) + number[-1]
    return "*" * len(number)


class Journey:
    """One kiosk's citizen session; create once at start-up and reuse for every citizen."""

    def __init__(
        self,
        *,
        config: Config,
        catalog: Catalog,
        outbox: OutboxPort,
        clock: Clock,
        devices: DeviceAvailability,
        secrets: SessionSecrets | None = None,
        owner_verifier: OwnerVerifier | None = None,
    ) -> None:
        self._config = config
        self._catalog = catalog
        self._pending_catalog: Catalog | None = None
        self._outbox = outbox
        self._clock = clock
        self._devices = devices
        self._secrets = secrets if secrets is not None else SessionSecrets()
        self._owner_verifier = owner_verifier
        self._state = State.ATTRACT
        self._session = SessionData(language=config.default_language)
        self._idle = IdleTimer(config.session, clock.monotonic())
        self._pending_out_of_service: str | None = None
        self._listeners: list[Listener] = []
        self._last_view: JourneyView | None = None
        self._offered = self._offered_codes()

    def __repr__(self) -> str:
        return (f"Journey(state={self._state.value}, language={self._session.language}, "
                f"item_code={self._session.item_code!r})")

    # ------------------------------------------------------------------ observation

    @property
    def state(self) -> State:
        return self._state

    @property
    def catalog(self) -> Catalog:
        return self._catalog

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with a :class:`JourneyEvent` whenever the view changes.

        Listeners run synchronously on the caller's thread; the Qt bridge re-emits them as
        queued signals. Returns a function that unsubscribes."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def view(self) -> JourneyView:
        """A snapshot of what the current screen shows (derived, immutable)."""
        s = self._session
        shown = s.beneath if self._state is State.IDLE_WARNING and s.beneath else self._state
        fields: dict[str, object] = {}
        item = self._current_item()
        if shown is State.CATALOG:
            fields["items"] = self._listing()
        if item is not None and shown in (State.FORM, State.REVIEW):
            group_fields = item.form[s.page].fields if shown is State.FORM else item.fields()
            fields["form_values"] = tuple((f.id, s.raw.get(f.id, "")) for f in group_fields)
        if item is not None and shown in (State.CAPTURE, State.REVIEW):
            fields["materials"] = tuple(s.captures.status(m, s.identity)
                                        for m in capture_materials(item))
        if shown is State.POLICY_RESULTS:
            fields["policies"] = self._policy_options()
        return JourneyView(
            state=self._state,
            language=s.language,
            care_mode=s.care_mode,
            beneath=s.beneath if self._state is State.IDLE_WARNING else None,
            timeout_s=self._timeout_s(),
            error=s.error,
            field_errors=tuple(sorted(s.field_errors.items())),
            category=s.category,
            query=s.query,
            item_code=s.item_code,
            id_kind=s.identity.kind if s.identity else None,
            id_masked=_mask(s.identity.number) if s.identity else "",
            form_page=s.page,
            form_pages=len(item.form) if item is not None else 0,
            material_index=s.material_index,
            consent_given=s.consent is not None,
            receipt=s.receipt,
            status_row=s.status_row,
            pickup=s.pickup,
            out_of_service_key=s.out_of_service_key,
            **fields,  # type: ignore[arg-type]
        )

    def seconds_left(self) -> float | None:
        """Seconds until this screen's idle step (for the countdown); ``None``: no timeout."""
        if self._state not in ACTIVE_TIMED | {State.IDLE_WARNING, State.END}:
            return None
        return self._idle.seconds_left(
            self._clock.monotonic(), self._session.care_mode,
            warning_shown=self._state is State.IDLE_WARNING,
            end_screen=self._state is State.END)

    def personal_values(self) -> list[str | bytes]:
        """Every personal value the journey holds (empty after a wipe; for tests)."""
        return self._session.personal_values()

    def item_options(self) -> tuple[ItemOption, ...]:
        """Every application item of the catalogue with its greyed-out reason (or ``None``)."""
        return tuple(ItemOption(i.code, self._reason(i)) for i in self._application_items())

    def replace_catalog(self, catalog: Catalog) -> None:
        """Use a new catalogue (from sync); a session in progress keeps the old one."""
        if self._state in (State.ATTRACT, State.OUT_OF_SERVICE):
            self._set_catalog(catalog)
            self._notify(self._state)
        else:
            self._pending_catalog = catalog

    def devices_changed(self) -> None:
        """The device health monitor reports a change: re-derive greyed-out items."""
        self._notify(self._state)

    # ------------------------------------------------------------------ global intents

    @_intent(Intent.SET_CARE_MODE, clears_error=False)
    def set_care_mode(self, on: bool) -> None:
        """Care mode (large type, slower timeouts): a switch on every screen."""
        self._session.care_mode = on
        self._leave_overlay(Intent.SET_CARE_MODE)

    @_intent(Intent.SET_LANGUAGE, clears_error=False)
    def set_language(self, language: Lang) -> None:
        self._check_language(language)
        self._session.language = language
        self._leave_overlay(Intent.SET_LANGUAGE)

    @_intent(Intent.TICK, activity=False, clears_error=False)
    def tick(self) -> None:
        """Check the idle timeout; the UI calls this about once a second."""
        state = self._state
        if state in (State.ATTRACT, State.SUBMITTING, State.OUT_OF_SERVICE):
            return
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

    @_intent(Intent.OUT_OF_SERVICE, activity=False, clears_error=False)
    def out_of_service(self, key: str) -> None:
        """Show the out-of-service screen for message ``key`` (wipes the session)."""
        if self._state is State.SUBMITTING:
            _log.info("out of service (%s) deferred until the commit finishes", key)
            self._pending_out_of_service = key
            return
        self._enter_out_of_service(key)

    @_intent(Intent.RESUME_SERVICE)
    def resume_service(self) -> None:
        self._session.out_of_service_key = None
        self._move(Intent.RESUME_SERVICE, State.ATTRACT)

    @_intent(Intent.CANCEL)
    def cancel(self) -> None:
        """End the session: wipe everything, back to ATTRACT."""
        self._end_session(Intent.CANCEL)

    @_intent(Intent.HOME)
    def home(self) -> None:
        """Wipe the task's personal data and go HOME, keeping language and care mode."""
        self._session.wipe_personal()
        self._secrets.clear()
        self._move(Intent.HOME, State.HOME)

    @_intent(Intent.BACK)
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

    @_intent(Intent.STILL_HERE)
    def still_here(self) -> None:
        """Dismiss the idle warning: back to the screen beneath."""
        self._leave_overlay(Intent.STILL_HERE)

    # ------------------------------------------------------------------ attract, language, home

    @_intent(Intent.START)
    def start(self) -> None:
        """A touch on the attract screen."""
        self._session.started_at = self._clock.now()
        self._move(Intent.START, State.LANGUAGE)

    @_intent(Intent.CHOOSE_LANGUAGE)
    def choose_language(self, language: Lang) -> None:
        self._check_language(language)
        self._session.language = language
        self._move(Intent.CHOOSE_LANGUAGE, State.HOME)

    @_intent(Intent.CHOOSE_APPLY)
    def choose_apply(self) -> None:
        self._move(Intent.CHOOSE_APPLY, State.CATALOG)

    @_intent(Intent.CHOOSE_STATUS_CHECK)
    def choose_status_check(self) -> None:
        self._move(Intent.CHOOSE_STATUS_CHECK, State.STATUS_CHECK)

    @_intent(Intent.CHOOSE_RESULT_PICKUP)
    def choose_result_pickup(self) -> None:
        self._move(Intent.CHOOSE_RESULT_PICKUP, State.RESULT_PICKUP)

    @_intent(Intent.CHOOSE_POLICY_LOOKUP)
    def choose_policy_lookup(self) -> None:
        self._move(Intent.CHOOSE_POLICY_LOOKUP, State.POLICY_LOOKUP)

    # ------------------------------------------------------------------ catalogue

    @_intent(Intent.BROWSE_CATEGORY)
    def browse_category(self, category: str | None) -> None:
        """Show one category (``None``: all); clears the search."""
        if category is not None and category not in {c.id for c in self._catalog.categories()}:
            raise BugError("journey.bug", f"unknown category {category}")
        self._session.category = category
        self._session.query = ""

    @_intent(Intent.SEARCH)
    def search(self, query: str) -> None:
        """Search names, keywords and pinyin of the application items ("" clears it)."""
        self._session.query = query.strip()

    @_intent(Intent.SELECT_ITEM)
    def select_item(self, code: str) -> str | None:
        item = self._lookup_item(code)
        if item.kind != "application":
            raise BugError("journey.bug", f"{code} is not an application item")
        return self._open_detail(Intent.SELECT_ITEM, item, State.CATALOG)

    @_intent(Intent.BEGIN_APPLICATION)
    def begin_application(self) -> str | None:
        reason = self._reason(self._item())
        if reason is not None:
            return self._refuse(reason)
        self._move(Intent.BEGIN_APPLICATION, State.IDENTIFY)
        return None

    # ------------------------------------------------------------------ identify

    @_intent(Intent.IDENTIFY)
    def identify(self, document: IdentityDocument) -> str | None:
        """A document from the card reader, the gov-app QR or an MRZ."""
        return self._identify(Intent.IDENTIFY, document)

    @_intent(Intent.ENTER_ID_MANUALLY)
    def enter_id_manually(self, kind: ManualIdKind, number: str, *, name: str = "",
                          name_en: str = "") -> str | None:
        """A HKID or Home Return Permit typed by the citizen (remote profile)."""
        validator = validate_hkid if kind == "hkid" else validate_home_return_permit
        try:
            normalised = validator(number)
        except IdentityError as err:
            return self._refuse(err.key)
        document = IdentityDocument(kind=kind, number=normalised, source="manual",
                                    name=name.strip(), name_en=name_en.strip())
        return self._identify(Intent.ENTER_ID_MANUALLY, document)

    # ------------------------------------------------------------------ form

    @_intent(Intent.SUBMIT_PAGE)
    def submit_page(self, values: Mapping[str, str]) -> dict[str, str]:
        """Validate this page's fields; errors (field id → message key) keep the page."""
        s = self._session
        item = self._item()
        group = item.form[s.page]
        ids = {f.id for f in group.fields}
        unknown = set(values) - ids
        if unknown:
            raise BugError("journey.bug", f"fields not on page {group.id}: {sorted(unknown)}")
        raw = {f.id: values.get(f.id, "") for f in group.fields}
        s.raw.update(raw)
        self._secrets.add(raw[f.id] for f in group.fields if f.type in _SECRET_TYPES)
        result = validate_group(group, raw)
        if result.errors:
            s.field_errors.update(result.errors)
            return dict(result.errors)
        for f in group.fields:
            s.values[f.id] = result.values.get(f.id, "")
        if s.page + 1 < len(item.form):
            s.page += 1
            self._move(Intent.SUBMIT_PAGE, State.FORM)
        elif capture_materials(item):
            s.material_index = 0
            self._move(Intent.SUBMIT_PAGE, State.CAPTURE)
        else:
            self._move(Intent.SUBMIT_PAGE, State.REVIEW)
        return {}

    # ------------------------------------------------------------------ capture

    @_intent(Intent.ADD_PAGE)
    def add_page(self, material_id: str, image: bytes) -> str | None:
        material = self._material(material_id)
        too_big = self._check_image(image)
        if too_big:
            return self._refuse(too_big)
        key = self._session.captures.add(material, image)
        return self._refuse(key) if key else None

    @_intent(Intent.RETAKE_PAGE)
    def retake(self, material_id: str, page_index: int, image: bytes) -> str | None:
        material = self._material(material_id)
        too_big = self._check_image(image)
        if too_big:
            return self._refuse(too_big)
        self._session.captures.replace(material, page_index, image)
        return None

    @_intent(Intent.REMOVE_PAGE)
    def remove_page(self, material_id: str, page_index: int) -> None:
        self._session.captures.remove(self._material(material_id), page_index)

    @_intent(Intent.FINISH_MATERIAL)
    def finish_material(self) -> str | None:
        """Done with the current material: next material, or REVIEW after the last."""
        s = self._session
        materials = capture_materials(self._item())
        status = s.captures.status(materials[s.material_index], s.identity)
        if not status.complete:
            return self._refuse("journey.too_few_pages" if status.pages
                                else "journey.materials_missing")
        if s.material_index + 1 < len(materials):
            s.material_index += 1
            self._move(Intent.FINISH_MATERIAL, State.CAPTURE)
            return None
        missing = self._missing_materials()
        if missing:
            return self._refuse("journey.materials_missing")
        self._move(Intent.FINISH_MATERIAL, State.REVIEW)
        return None

    # ------------------------------------------------------------------ review, consent

    @_intent(Intent.CONFIRM_REVIEW)
    def confirm_review(self) -> str | None:
        if self._missing_materials():
            return self._refuse("journey.materials_missing")
        self._check_form_complete()
        self._move(Intent.CONFIRM_REVIEW, State.CONSENT)
        return None

    @_intent(Intent.EDIT_FORM_PAGE)
    def edit_form_page(self, page: int) -> None:
        if not 0 <= page < len(self._item().form):
            raise BugError("journey.bug", f"no form page {page}")
        self._session.page = page
        self._move(Intent.EDIT_FORM_PAGE, State.FORM)

    @_intent(Intent.EDIT_MATERIAL)
    def edit_material(self, material_id: str) -> None:
        ids = [m.id for m in capture_materials(self._item())]
        if material_id not in ids:
            raise BugError("journey.bug", f"no captured material {material_id}")
        self._session.material_index = ids.index(material_id)
        self._move(Intent.EDIT_MATERIAL, State.CAPTURE)

    @_intent(Intent.ACCEPT_CONSENT)
    def accept_consent(self, text_version: str) -> None:
        """The citizen agreed to consent text ``text_version`` (shown in the session language)."""
        if not text_version.strip():
            raise BugError("journey.bug", "consent text version is empty")
        self._session.consent = Consent(text_version=text_version.strip(),
                                        accepted_at=self._clock.now(),
                                        language=self._session.language)

    @_intent(Intent.WITHDRAW_CONSENT)
    def withdraw_consent(self) -> None:
        self._session.consent = None

    # ------------------------------------------------------------------ submit

    @_intent(Intent.BEGIN_SUBMIT)
    def begin_submit(self) -> NewSubmission:
        """Phase 1: build the submission and move to SUBMITTING.

        The caller then runs ``outbox.enqueue`` (off the GUI thread) and reports with
        :meth:`submit_succeeded` or :meth:`submit_failed`. Raises :class:`StepRefused`
        (``journey.consent_required``) without consent."""
        s = self._session
        if s.consent is None:
            self._refuse("journey.consent_required")
            raise StepRefused("journey.consent_required")
        item = self._item()
        if s.identity is None or self._missing_materials():
            raise BugError("journey.bug", "submit without identity or materials")
        self._check_form_complete()
        submission = NewSubmission(
            item_code=item.code,
            language=s.language,
            identity=s.identity.as_dict(),
            form=dict(s.values),
            consent=s.consent,
            attachments=s.captures.attachments(capture_materials(item)),
        )
        self._move(Intent.BEGIN_SUBMIT, State.SUBMITTING)
        return submission

    @_intent(Intent.SUBMIT_SUCCEEDED)
    def submit_succeeded(self, receipt: Receipt) -> None:
        """Phase 2: the outbox committed. The application's personal data is dropped now."""
        if receipt.item_code != self._session.item_code:
            raise BugError("journey.bug", "receipt for another item")
        self._session.clear_application()
        self._session.receipt = receipt
        _log.info("submitted %s", receipt.item_code)
        self._move(Intent.SUBMIT_SUCCEEDED, State.RECEIPT)

    @_intent(Intent.SUBMIT_FAILED)
    def submit_failed(self, error_key: str) -> None:
        """Phase 2: the outbox refused (``store.disk_full`` …); back to CONSENT to retry."""
        self._session.error = error_key
        _log.info("submit failed: %s", error_key)
        self._move(Intent.SUBMIT_FAILED, State.CONSENT)

    def submit(self, outbox: OutboxPort | None = None) -> str | None:
        """Both phases on the caller's thread: ``None`` on success, else the message key."""
        try:
            submission = self.begin_submit()
        except StepRefused as err:
            return err.key
        try:
            receipt = (outbox or self._outbox).enqueue(submission)
        except KnownError as err:
            self.submit_failed(err.key)
            return err.key
        self.submit_succeeded(receipt)
        return None

    # ------------------------------------------------------------------ receipt, rating, end

    @_intent(Intent.CONTINUE_TO_RATING)
    def continue_to_rating(self) -> None:
        self._move(Intent.CONTINUE_TO_RATING, State.RATING)

    @_intent(Intent.FINISH)
    def finish(self) -> None:
        self._enter_end(Intent.FINISH)

    @_intent(Intent.RATE)
    def rate(self, level: int, reasons: Sequence[str] = ()) -> str | None:
        """好差评: ``level`` 1 (very poor) .. 5 (very good) and reason codes; then END.

        A store failure loses the rating only (logged, key returned); the journey ends anyway."""
        if isinstance(level, bool) or not 1 <= level <= 5:
            raise BugError("journey.bug", f"rating level {level!r}")
        if any(not isinstance(r, str) or not r or len(r) > 64 for r in reasons):
            raise BugError("journey.bug", "bad rating reason code")
        receipt = self._session.receipt
        if receipt is None:
            raise BugError("journey.bug", "rating without a receipt")
        result: str | None = None
        try:
            self._outbox.set_rating(receipt.uuid, level, tuple(reasons))
        except KnownError as err:
            _log.warning("rating not saved: %s", err.key)
            result = err.key
        self._enter_end(Intent.RATE)
        return result

    @_intent(Intent.SKIP_RATING)
    def skip_rating(self) -> None:
        self._enter_end(Intent.SKIP_RATING)

    @_intent(Intent.DONE)
    def done(self) -> None:
        """Leave the thank-you screen."""
        self._end_session(Intent.DONE)

    # ------------------------------------------------------------------ status check

    @_intent(Intent.LOOKUP_STATUS)
    def lookup_status(self, tracking_no: str) -> str | None:
        """A typed or scanned tracking number → STATUS_RESULT (works offline: local outbox)."""
        s = self._session
        s.tracking_no = _normalise_code(tracking_no)
        if not s.tracking_no:
            return self._refuse("journey.tracking_required")
        row = self._outbox.find_by_tracking(s.tracking_no)
        if row is None:
            return self._refuse("store.not_found")
        s.status_row = row
        self._move(Intent.LOOKUP_STATUS, State.STATUS_RESULT)
        return None

    # ------------------------------------------------------------------ result pickup

    @_intent(Intent.ENTER_PICKUP_TRACKING)
    def enter_pickup_tracking(self, tracking_no: str) -> str | None:
        """Step 1 of pickup: the result must be ready and printable here."""
        s = self._session
        s.tracking_no = _normalise_code(tracking_no)
        if not s.tracking_no:
            return self._refuse("journey.tracking_required")
        row = self._outbox.find_by_tracking(s.tracking_no)
        if row is None:
            return self._refuse("store.not_found")
        if row.status == "collected":
            return self._refuse("journey.result_collected")
        if row.status != "result_ready":
            return self._refuse("journey.result_not_ready")
        try:
            item = self._catalog.item(row.item_code)
        except KeyError:
            item = None
        if item is None or "self_print" not in item.result.delivery:
            return self._refuse("journey.pickup_at_window")
        s.pickup_row = row
        return None

    @_intent(Intent.IDENTIFY_FOR_PICKUP)
    def identify_for_pickup(self, document: IdentityDocument) -> str | None:
        """Step 2 of pickup: the applicant's own document → PICKUP_RESULT (what to print)."""
        s = self._session
        row = s.pickup_row
        if row is None:
            raise BugError("journey.bug", "pickup identity before a tracking number")
        key = self._document_problem(document, accepted=None)
        if key is not None:
            return self._refuse(key)
        if self._owner_verifier is None:
            return self._refuse("journey.pickup_at_window")
        self._secrets.add(document.personal_values())
        if not self._owner_verifier.owner_matches(row.uuid, document.kind, document.number):
            return self._refuse("journey.pickup_owner_mismatch")
        s.pickup = PickupJob(uuid=row.uuid, tracking_no=row.tracking_no,
                             item_code=row.item_code, case_no=row.case_no)
        self._move(Intent.IDENTIFY_FOR_PICKUP, State.PICKUP_RESULT)
        return None

    @_intent(Intent.PICKUP_DONE)
    def pickup_done(self) -> None:
        """The devices layer printed (or gave up on) the result."""
        self._enter_end(Intent.PICKUP_DONE)

    # ------------------------------------------------------------------ policy lookup

    @_intent(Intent.LOOKUP_POLICIES)
    def lookup_policies(self, uscc: str, industry: str, size: str, established_year: int
                        ) -> dict[str, str]:
        """Company attributes → POLICY_RESULTS. ``industry`` is a GB/T 4754 section letter
        (or a longer code), the district comes from the USCC. The establishment date is taken
        as 1 January of ``established_year`` (the citizen picks a year, not a date)."""
        s = self._session
        errors: dict[str, str] = {}
        code = ""
        try:
            code = validate_uscc(uscc)
        except IdentityError as err:
            errors["uscc"] = err.key
        industry = industry.strip().upper()
        if not industry or industry[0] not in _INDUSTRY_SECTIONS:
            errors["industry"] = "form.bad_choice"
        if size not in _COMPANY_SIZES:
            errors["size"] = "form.bad_choice"
        today = self._clock.now().date()
        if not _EARLIEST_COMPANY_YEAR <= established_year <= today.year:
            errors["established"] = "form.out_of_range"
        if not errors:
            try:
                s.company = Company(uscc=code, industry=industry, size=size,
                                    district=company_district_from_uscc(code),
                                    established=dt.date(established_year, 1, 1))
            except (KnownError, ValueError):
                errors["industry"] = "form.bad_choice"
        if errors:
            s.field_errors.update(errors)
            return errors
        assert s.company is not None  # noqa: S101 - set just above
        s.policy_ids = tuple(p.id for p in self._catalog.matching_policies(s.company, today))
        _log.info("policy lookup: %d matches", len(s.policy_ids))
        self._move(Intent.LOOKUP_POLICIES, State.POLICY_RESULTS)
        return {}

    @_intent(Intent.APPLY_POLICY)
    def apply_policy(self, policy_id: str) -> str | None:
        """Apply through the policy's linked item: its SERVICE_DETAIL (back returns here)."""
        if policy_id not in self._session.policy_ids:
            raise BugError("journey.bug", f"policy {policy_id} is not in the results")
        policy = next(p for p in self._catalog.policies() if p.id == policy_id)
        if policy.linked_item is None:
            raise BugError("journey.bug", f"policy {policy_id} has no linked item")
        item = self._lookup_item(policy.linked_item)
        return self._open_detail(Intent.APPLY_POLICY, item, State.POLICY_RESULTS)

    # ------------------------------------------------------------------ internals: moves

    def _move(self, intent: Intent, target: State) -> None:
        check_target(self._state, intent, target)
        if target is not self._state:
            _log.info("journey %s -%s-> %s", self._state.value, intent.value, target.value)
        self._state = target

    def _after_intent(self, previous: State) -> None:
        if self._pending_out_of_service is not None and self._state is not State.SUBMITTING:
            key, self._pending_out_of_service = self._pending_out_of_service, None
            self._enter_out_of_service(key)
        self._notify(previous)

    def _notify(self, previous: State) -> None:
        view = self.view()
        if view == self._last_view:
            return
        self._last_view = view
        event = JourneyEvent(previous=previous, view=view)
        for listener in list(self._listeners):
            listener(event)

    def _refuse(self, key: str) -> str:
        self._session.error = key
        return key

    def _wipe(self, *, full: bool) -> None:
        if full:
            self._session.reset(self._config.default_language)
            if self._pending_catalog is not None:
                self._set_catalog(self._pending_catalog)
                self._pending_catalog = None
        else:
            self._session.wipe_personal()
        self._secrets.clear()

    def _end_session(self, intent: Intent) -> None:
        self._wipe(full=True)
        self._move(intent, State.ATTRACT)

    def _enter_end(self, intent: Intent) -> None:
        self._wipe(full=False)
        self._move(intent, State.END)

    def _enter_out_of_service(self, key: str) -> None:
        _log.info("out of service: %s", key)
        self._wipe(full=True)
        self._session.out_of_service_key = key
        self._move(Intent.OUT_OF_SERVICE, State.OUT_OF_SERVICE)

    def _leave_overlay(self, intent: Intent) -> None:
        if self._state is State.IDLE_WARNING:
            beneath = self._session.beneath
            if beneath is None:
                raise BugError("journey.bug", "idle warning without a state beneath")
            self._session.beneath = None
            self._move(intent, beneath)

    def _timeout_s(self) -> float | None:
        care = self._session.care_mode
        if self._state in ACTIVE_TIMED:
            return self._idle.timeout_s(care)
        if self._state in (State.IDLE_WARNING, State.END):
            return self._idle.warning_s(care)
        return None

    def _check_language(self, language: Lang) -> None:
        if language not in self._config.terminal.languages:
            raise BugError("journey.bug", f"language {language} not offered")

    # ------------------------------------------------------------------ internals: catalogue

    def _set_catalog(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._offered = self._offered_codes()
        _log.info("catalogue %s in use", catalog.version)

    def _offered_codes(self) -> frozenset[str]:
        items = self._catalog.offered(self._config.profile, self._config.terminal.services)
        return frozenset(i.code for i in items)

    def _application_items(self) -> tuple[ServiceItem, ...]:
        return tuple(i for i in self._catalog.items() if i.kind == "application")

    def _reason(self, item: ServiceItem) -> str | None:
        return availability(item, self._config, self._offered, self._devices)

    def _listing(self) -> tuple[ItemOption, ...]:
        s = self._session
        pool = self._application_items()
        if s.query:
            items: Sequence[ServiceItem] = self._catalog.search(s.query, items=pool)
        elif s.category is not None:
            items = self._catalog.items_in(s.category, pool)
        else:
            items = pool
        return tuple(ItemOption(i.code, self._reason(i)) for i in items)

    def _policy_options(self) -> tuple[PolicyOption, ...]:
        by_id = {p.id: p for p in self._catalog.policies()}
        out = []
        for pid in self._session.policy_ids:
            linked = by_id[pid].linked_item
            reason: str | None = None
            if linked is not None:
                try:
                    reason = self._reason(self._catalog.item(linked))
                except KeyError:
                    reason = "journey.service_unavailable"
            out.append(PolicyOption(policy_id=pid, item_code=linked, reason=reason))
        return tuple(out)

    def _lookup_item(self, code: str) -> ServiceItem:
        try:
            return self._catalog.item(code)
        except KeyError:
            raise BugError("journey.bug", f"unknown item {code}") from None

    def _current_item(self) -> ServiceItem | None:
        code = self._session.item_code
        if code is None:
            return None
        try:
            return self._catalog.item(code)
        except KeyError:
            return None

    def _item(self) -> ServiceItem:
        item = self._current_item()
        if item is None:
            raise BugError("journey.bug", f"no current item in {self._state.value}")
        return item

    def _open_detail(self, intent: Intent, item: ServiceItem, origin: State) -> str | None:
        reason = self._reason(item)
        if reason is not None:
            return self._refuse(reason)
        s = self._session
        if s.item_code != item.code:
            s.clear_application()
            s.item_code = item.code
        s.detail_origin = origin
        self._move(intent, State.SERVICE_DETAIL)
        return None

    # ------------------------------------------------------------------ internals: application

    def _document_problem(self, document: IdentityDocument,
                          accepted: tuple[str, ...] | None) -> str | None:
        method = method_for(document.source, document.kind)
        if method is None or method not in self._config.terminal.identification:
            return "journey.id_method_unavailable"
        if accepted is not None and document.kind not in accepted:
            return "journey.identity_mismatch"
        try:
            ensure_not_expired(None if document.long_term else document.valid_to,
                               today=self._clock.now().date())
        except IdentityError as err:
            return err.key
        return None

    def _identify(self, intent: Intent, document: IdentityDocument) -> str | None:
        s = self._session
        item = self._item()
        key = self._document_problem(document, accepted=item.accepted_ids)
        if key is not None:
            return self._refuse(key)
        self._secrets.add(document.personal_values())
        if s.identity is not None and (s.identity.kind, s.identity.number) != (
                document.kind, document.number):
            s.clear_application()  # another person: nothing of the previous one stays
        s.identity = document
        self._prefill(item, document)
        s.page = 0
        _log.info("identified for %s by %s", item.code, document.source)
        self._move(intent, State.FORM)
        return None

    def _prefill(self, item: ServiceItem, document: IdentityDocument) -> None:
        attributes: dict[str, str] = {
            "name": document.name or document.name_en,
            "id_number": document.number,
            "sex": "" if document.sex == "unknown" else document.sex,
            "birth_date": document.birth_date.isoformat() if document.birth_date else "",
            "address": document.address,
            "nationality": document.nationality,
        }
        company = self._session.company
        for f in item.fields():
            value = attributes.get(f.prefill, "") if f.prefill else ""
            if not value and f.type == "uscc" and company is not None:
                value = company.uscc
            if value:
                self._session.raw[f.id] = value

    def _check_form_complete(self) -> None:
        missing = [f.id for f in self._item().fields() if f.id not in self._session.values]
        if missing:
            raise BugError("journey.bug", f"unvalidated fields: {missing}")

    def _material(self, material_id: str) -> Material:
        for m in capture_materials(self._item()):
            if m.id == material_id:
                return m
        raise BugError("journey.bug", f"no captured material {material_id}")

    def _check_image(self, image: bytes) -> str | None:
        if not image:
            raise BugError("journey.bug", "empty page image")
        if len(image) > self._config.store.max_attachment_kb * 1024:
            return "store.attachment_too_large"
        return None

    def _missing_materials(self) -> list[str]:
        s = self._session
        return [m.id for m in capture_materials(self._item())
                if not s.captures.status(m, s.identity).complete]

    def _last_step_before_review(self) -> State:
        s = self._session
        item = self._item()
        materials = capture_materials(item)
        if materials:
            s.material_index = len(materials) - 1
            return State.CAPTURE
        s.page = len(item.form) - 1
        return State.FORM

