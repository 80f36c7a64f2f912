"""What one citizen's session holds, and how it is wiped.

Everything here except ``language``/``care_mode`` and the redacted store rows may be
personal data. :meth:`SessionData.wipe_personal` drops it (zeroing captured pages);
:meth:`SessionData.reset` also restores the terminal's default language and care mode off.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from kiosk.catalog.model import Company
from kiosk.config import Lang
from kiosk.identity.models import IdentityDocument
from kiosk.journey.capture import CaptureSet
from kiosk.journey.states import State
from kiosk.store.models import Consent, Receipt, SubmissionRow

__all__ = ["PickupJob", "SessionData"]


@dataclasses.dataclass(frozen=True, slots=True)
class PickupJob:
    """What the result-pickup step prints: the back office's result document for ``case_no``
    (fetched and printed by the devices layer), identified by the submission."""

    uuid: str
    tracking_no: str
    item_code: str
    case_no: str | None


@dataclasses.dataclass(slots=True, repr=False)
class SessionData:
    language: Lang
    care_mode: bool = False
    error: str | None = None  # the last refused intent's message key, shown on the screen
    field_errors: dict[str, str] = dataclasses.field(default_factory=dict)
    # application
    category: str | None = None
    query: str = ""
    item_code: str | None = None
    detail_origin: State = State.CATALOG
    identity: IdentityDocument | None = None
    raw: dict[str, str] = dataclasses.field(default_factory=dict)  # as typed / prefilled
    values: dict[str, Any] = dataclasses.field(default_factory=dict)  # validated, typed
    page: int = 0
    material_index: int = 0
    captures: CaptureSet = dataclasses.field(default_factory=CaptureSet)
    consent: Consent | None = None
    receipt: Receipt | None = None
    # status check / pickup (redacted rows: no personal data)
    tracking_no: str = ""
    status_row: SubmissionRow | None = None
    pickup_row: SubmissionRow | None = None
    pickup: PickupJob | None = None
    # policy lookup
    company: Company | None = None
    policy_ids: tuple[str, ...] = ()
    # idle overlay / out of service
    beneath: State | None = None
    out_of_service_key: str | None = None
    started_at: dt.datetime | None = None

    def __repr__(self) -> str:
        return (f"SessionData(language={self.language!r}, care_mode={self.care_mode}, "
                f"item_code={self.item_code!r}, page={self.page}, captures={self.captures!r})")

    def clear_application(self) -> None:
        """Drop the application in progress (identity, form, pages, consent)."""
        self.identity = None
        self.raw.clear()
        self.values.clear()
        self.page = 0
        self.material_index = 0
        self.captures.wipe()
        self.consent = None
        self.field_errors.clear()

    def wipe_personal(self) -> None:
        self.clear_application()
        self.error = None
        self.category = None
        self.query = ""
        self.item_code = None
        self.detail_origin = State.CATALOG
        self.receipt = None
        self.tracking_no = ""
        self.status_row = None
        self.pickup_row = None
        self.pickup = None
        self.company = None
        self.policy_ids = ()
        self.beneath = None

    def reset(self, language: Lang) -> None:
        self.wipe_personal()
        self.language = language
        self.care_mode = False
        self.started_at = None
        self.out_of_service_key = None

    def personal_values(self) -> list[str | bytes]:
        """Every personal value held (for the wipe tests): strings and captured page bytes."""
        out: list[str | bytes] = []
        if self.identity is not None:
            out += self.identity.personal_values()
        out += [v for v in self.raw.values() if v]
        out += [str(v) for v in self.values.values() if v is not None and str(v)]
        if self.query:
            out.append(self.query)
        if self.tracking_no:
            out.append(self.tracking_no)
        if self.company is not None:
            out.append(self.company.uscc)
        out += [bytes(b) for b in self.captures.buffers()]
        return out
