"""Immutable snapshots of the journey for observers (the Qt bridge turns them into queued
signals). Everything is derived from the session on demand; nothing here is kept as state.

Texts are not copied in: a snapshot names catalogue entries by code/id and messages by key,
and the UI looks them up in the session language. Personal data appears only where a screen
must show it (the form page being edited, the review summary) and is gone once the session
is wiped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from kiosk.config import Lang
from kiosk.journey.capture import MaterialStatus
from kiosk.journey.offer import ItemOption
from kiosk.journey.session import PickupJob
from kiosk.journey.states import State
from kiosk.store.models import Receipt, SubmissionRow

__all__ = ["JourneyEvent", "JourneyView", "Listener", "PolicyOption"]


@dataclasses.dataclass(frozen=True, slots=True)
class PolicyOption:
    policy_id: str
    item_code: str | None  # the item through which a company applies (None: information only)
    reason: str | None  # why "apply" is greyed out, as for ItemOption


@dataclasses.dataclass(frozen=True, slots=True)
class JourneyView:
    state: State
    language: Lang
    care_mode: bool
    beneath: State | None = None  # IDLE_WARNING: the screen under the overlay
    timeout_s: float | None = None  # this screen's full countdown (None: never times out)
    error: str | None = None  # message key of the last refusal
    field_errors: tuple[tuple[str, str], ...] = ()  # (field id, message key)
    # catalogue
    category: str | None = None
    query: str = ""
    items: tuple[ItemOption, ...] = ()
    item_code: str | None = None
    # application
    id_kind: str | None = None
    id_masked: str = ""  # e.g. "4403**********1234"
    form_page: int = 0
    form_pages: int = 0
    form_values: tuple[tuple[str, str], ...] = ()  # FORM: this page's fields; REVIEW: all
    materials: tuple[MaterialStatus, ...] = ()
    material_index: int = 0
    consent_given: bool = False
    receipt: Receipt | None = None
    # branches
    status_row: SubmissionRow | None = None
    pickup: PickupJob | None = None
    policies: tuple[PolicyOption, ...] = ()
    out_of_service_key: str | None = None

    def __repr__(self) -> str:
        # personal values stay out of reprs (and so out of any log line that shows one)
        return (f"JourneyView(state={self.state.value}, language={self.language}, "
                f"item_code={self.item_code!r}, error={self.error!r})")


@dataclasses.dataclass(frozen=True, slots=True)
class JourneyEvent:
    previous: State
    view: JourneyView

    def __repr__(self) -> str:
        return f"JourneyEvent({self.previous.value} -> {self.view!r})"


Listener = Callable[[JourneyEvent], None]
