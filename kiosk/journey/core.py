"""The journey's machinery: session state, the intent decorator, moves, wiping, views.

The steps live in :mod:`~kiosk.journey.application` and :mod:`~kiosk.journey.branches`;
:class:`~kiosk.journey.machine.Journey` combines them with navigation and the idle timeout.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from typing import Concatenate, ParamSpec, TypeVar

from kiosk.catalog import Catalog
from kiosk.catalog.model import ServiceItem
from kiosk.config import Config, Lang
from kiosk.errors import BugError, KioskError
from kiosk.identity.models import IdentityDocument
from kiosk.identity.numbers import (
    IdentityError,
    ensure_not_expired,
)
from kiosk.journey.capture import capture_materials
from kiosk.journey.clock import Clock
from kiosk.journey.idle import IdleTimer
from kiosk.journey.offer import ItemOption, availability, method_for
from kiosk.journey.ports import DeviceAvailability, OutboxPort, OwnerVerifier
from kiosk.journey.session import SessionData
from kiosk.journey.states import ACTIVE_TIMED, Intent, State, check, check_target
from kiosk.journey.view import JourneyEvent, JourneyView, Listener, PolicyOption
from kiosk.log import SessionSecrets

__all__ = ["NO_SESSION", "JourneyCore", "StepRefused", "intent", "session_active"]

_log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")
J = TypeVar("J", bound="JourneyCore")

# out_of_service() during the commit waits until it finished and the citizen has their receipt
_OUT_OF_SERVICE_WAITS = frozenset({State.SUBMITTING, State.RECEIPT, State.RATING, State.END})


class StepRefused(KioskError):
    """A user-correctable refusal from an intent that returns a value (``begin_submit``).

    ``key`` is a message key; the journey stays in its state and shows it."""


def intent(
    which: Intent, *, activity: bool = True, clears_error: bool = True
) -> Callable[[Callable[Concatenate[J, P], R]], Callable[Concatenate[J, P], R]]:
    """Declare a method as intent ``which``: before it runs, the transition table is asked
    (BugError if not allowed here) and activity is counted; observers are notified after."""

    def decorate(method: Callable[Concatenate[J, P], R]) -> Callable[Concatenate[J, P], R]:
        @functools.wraps(method)
        def wrapper(self: J, /, *args: P.args, **kwargs: P.kwargs) -> R:
            check(self._state, which)
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


# no citizen session exists in these states (the session data was wiped on entering them)
NO_SESSION: frozenset[State] = frozenset({State.ATTRACT, State.OUT_OF_SERVICE})


def session_active(state: State) -> bool:
    """The session start/end hook's test: True from the first step out of the attract screen
    until the wipe (ATTRACT or OUT_OF_SERVICE). Observers call it on each
    :class:`JourneyEvent`'s ``view.state``."""
    return state not in NO_SESSION


def _mask(number: str) -> str:
    if len(number) > 8:
        return number[:4] + "*" * (len(number) - 8) + number[-4:]
    if len(number) > 2:
        return number[0] + "*" * (len(number) - 2) + number[-1]
    return "*" * len(number)


class JourneyCore:
    """State, session data and the machinery every step uses (see :class:`Journey`)."""

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

    @property
    def session_active(self) -> bool:
        """A citizen session is open: from leaving the attract screen until the wipe that
        returns to it (or the out-of-service screen). Nightly maintenance waits for this."""
        return session_active(self._state)

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

    def _refresh_status_row(self) -> None:
        """The status screen re-reads its row (the outbox is local: cheap): a status the sync
        worker pulled while the citizen looks at it shows without a new lookup."""
        row = self._session.status_row
        if row is None:
            return
        fresh = self._outbox.find_by_tracking(row.tracking_no)
        if fresh is not None and fresh != row:
            _log.info("status of the shown submission changed: %s → %s", row.status, fresh.status)
            self._session.status_row = fresh

    def devices_changed(self) -> None:
        """The device health monitor reports a change: re-derive greyed-out items."""
        self._notify(self._state)

    # ------------------------------------------------------------------ internals: moves

    def _move(self, intent: Intent, target: State) -> None:
        check_target(self._state, intent, target)
        if target is not self._state:
            _log.info("journey %s -%s-> %s", self._state.value, intent.value, target.value)
        self._state = target

    def _after_intent(self, previous: State) -> None:
        if (self._pending_out_of_service is not None
                and self._state not in _OUT_OF_SERVICE_WAITS):
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

