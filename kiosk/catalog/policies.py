"""Enterprise-benefit policy matching (政策通).

Semantics (see :class:`~kiosk.catalog.model.Eligibility`): every non-empty rule must hold
(AND); within a rule any entry may match (OR). Industry codes (GB/T 4754) and administrative
division codes are *prefixes*: a rule ``"I65"`` matches a company in ``"I651"``, a rule
``"4403"`` matches district ``"440304"``. A rule more specific than the company's attribute
does not match (``"I651"`` does not match a company filed only as ``"I65"``).

A company's age is counted in whole years from ``established`` to ``today``: it turns 1 on
its first anniversary. ``max_age_years`` is inclusive, so "established less than three years
ago" is ``max_age_years = 2``. A policy's ``valid_from``/``valid_until`` are inclusive.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from kiosk.catalog.model import Company, Eligibility, Policy
from kiosk.errors import KnownError

_USCC_SHAPE = re.compile(r"^[0-9A-HJ-NP-RTUW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RTUW-Y]{10}$")


def company_age_years(established: dt.date, today: dt.date) -> int:
    """Whole years from ``established`` to ``today`` (negative if established later)."""
    years = today.year - established.year
    if (today.month, today.day) < (established.month, established.day):
        years -= 1
    return years


def is_valid_on(policy: Policy, today: dt.date) -> bool:
    """Whether ``today`` lies inside the policy's (inclusive) validity window."""
    if policy.valid_from is not None and today < policy.valid_from:
        return False
    return policy.valid_until is None or today <= policy.valid_until


def is_eligible(rules: Eligibility, company: Company, today: dt.date) -> bool:
    """Whether ``company`` satisfies every non-empty rule of ``rules`` on ``today``."""
    if rules.industries and not any(company.industry.startswith(p) for p in rules.industries):
        return False
    if rules.sizes and company.size not in rules.sizes:
        return False
    if rules.districts and not any(company.district.startswith(p) for p in rules.districts):
        return False
    if rules.min_age_years is not None or rules.max_age_years is not None:
        age = company_age_years(company.established, today)
        if age < 0:  # established in the future: bad data, no age rule can hold
            return False
        if rules.min_age_years is not None and age < rules.min_age_years:
            return False
        if rules.max_age_years is not None and age > rules.max_age_years:
            return False
    return True


def matching_policies(
    policies: Iterable[Policy], company: Company, today: dt.date
) -> list[Policy]:
    """The policies valid on ``today`` whose eligibility ``company`` meets, in catalogue order."""
    return [p for p in policies
            if is_valid_on(p, today) and is_eligible(p.eligibility, company, today)]


def company_district_from_uscc(uscc: str) -> str:
    """The 6-digit administrative division code inside a unified social credit code.

    Characters 3–8 of the 18-character code (GB 32100) are the registering authority's
    division code. Only the shape is checked here; the check digit is the identity module's
    business. Raises :class:`KnownError` ``id.format`` (without echoing the code).
    """
    code = uscc.strip().upper()
    if not _USCC_SHAPE.match(code):
        raise KnownError("id.format", "not an 18-character unified social credit code")
    return code[2:8]
