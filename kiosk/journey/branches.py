"""The HOME branches besides applying: status check, result pickup, policy lookup."""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata
from typing import get_args

from kiosk.catalog.model import Company, CompanySize
from kiosk.catalog.policies import company_district_from_uscc
from kiosk.errors import BugError, KnownError
from kiosk.identity.models import IdentityDocument
from kiosk.identity.numbers import (
    IdentityError,
    validate_uscc,
)
from kiosk.journey.core import JourneyCore, intent
from kiosk.journey.session import PickupJob
from kiosk.journey.states import Intent, State
from kiosk.store.models import SubmissionRow

__all__ = ["BranchSteps"]

_log = logging.getLogger(__name__)

_INDUSTRY_SECTIONS = frozenset("ABCDEFGHIJKLMNOPQRST")
_COMPANY_SIZES: frozenset[str] = frozenset(get_args(CompanySize))
_EARLIEST_COMPANY_YEAR = 1949


def _normalise_code(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


class BranchSteps(JourneyCore):
    """Status check, result pickup and policy lookup intents."""

    # ------------------------------------------------------------------ status check

    @intent(Intent.LOOKUP_STATUS)
    def lookup_status(self, tracking_no: str) -> str | None:
        """A typed or scanned tracking number → STATUS_RESULT (works offline: local outbox)."""
        row = self._find_tracked(tracking_no)
        if isinstance(row, str):
            return self._refuse(row)
        self._session.status_row = row
        self._move(Intent.LOOKUP_STATUS, State.STATUS_RESULT)
        return None

    def _find_tracked(self, tracking_no: str) -> SubmissionRow | str:
        """The outbox row for a typed or scanned tracking number, or the refusal's key."""
        s = self._session
        s.tracking_no = _normalise_code(tracking_no)
        if not s.tracking_no:
            return "journey.tracking_required"
        row = self._outbox.find_by_tracking(s.tracking_no)
        return "store.not_found" if row is None else row

    # ------------------------------------------------------------------ result pickup

    @intent(Intent.ENTER_PICKUP_TRACKING)
    def enter_pickup_tracking(self, tracking_no: str) -> str | None:
        """Step 1 of pickup: the result must be ready and printable here."""
        s = self._session
        row = self._find_tracked(tracking_no)
        if isinstance(row, str):
            return self._refuse(row)
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

    @intent(Intent.IDENTIFY_FOR_PICKUP)
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

    @intent(Intent.PICKUP_DONE)
    def pickup_done(self) -> None:
        """The devices layer printed (or gave up on) the result."""
        self._enter_end(Intent.PICKUP_DONE)

    # ------------------------------------------------------------------ policy lookup

    @intent(Intent.LOOKUP_POLICIES)
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

    @intent(Intent.APPLY_POLICY)
    def apply_policy(self, policy_id: str) -> str | None:
        """Apply through the policy's linked item: its SERVICE_DETAIL (back returns here)."""
        if policy_id not in self._session.policy_ids:
            raise BugError("journey.bug", f"policy {policy_id} is not in the results")
        policy = next(p for p in self._catalog.policies() if p.id == policy_id)
        if policy.linked_item is None:
            raise BugError("journey.bug", f"policy {policy_id} has no linked item")
        item = self._lookup_item(policy.linked_item)
        return self._open_detail(Intent.APPLY_POLICY, item, State.POLICY_RESULTS)
