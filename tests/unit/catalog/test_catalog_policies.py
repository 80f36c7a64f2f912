"""Policy matching: AND across rules, OR within, prefixes, company age, validity window."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kiosk.catalog import DEFAULT_CATALOG_DIR, Catalog, load_catalog
from kiosk.catalog.model import Company, Eligibility, Policy
from kiosk.catalog.policies import (
    company_age_years,
    company_district_from_uscc,
    is_eligible,
    is_valid_on,
    matching_policies,
)
from kiosk.errors import KnownError

from ._catalog_builders import make_policy

TODAY = dt.date(2026, 11, 15)


def company(**over: Any) -> Company:
    data: dict[str, Any] = {"uscc": "91440304MA5G12345E", "industry": "I6510", "size": "small",
                            "district": "440304", "established": "2020-03-01"}
    return Company.model_validate(data | over)


def rules(**kw: Any) -> Eligibility:
    return Eligibility.model_validate(kw)


def policy(pid: str = "p", eligibility: dict[str, Any] | None = None, **over: Any) -> Policy:
    return Policy.model_validate(make_policy(pid, eligibility=eligibility or {}, **over))


def test_empty_rules_match_everyone() -> None:
    assert is_eligible(rules(), company(), TODAY)


@pytest.mark.parametrize(("rule", "industry", "expected"), [
    ("I", "I6510", True),  # section
    ("I65", "I6510", True),  # division
    ("I651", "I6510", True),  # group
    ("I6510", "I6510", True),
    ("I652", "I6510", False),
    ("M", "I6510", False),
    ("I651", "I65", False),  # rule more specific than what the company filed
])
def test_industry_prefix(rule: str, industry: str, expected: bool) -> None:
    assert is_eligible(rules(industries=[rule]), company(industry=industry), TODAY) is expected


def test_within_a_rule_any_entry_may_match() -> None:
    assert is_eligible(rules(industries=["M754", "I65"]), company(), TODAY)
    assert is_eligible(rules(sizes=["micro", "small"]), company(), TODAY)
    assert not is_eligible(rules(sizes=["medium", "large"]), company(), TODAY)
    assert is_eligible(rules(districts=["4401", "4403"]), company(), TODAY)


@pytest.mark.parametrize(("prefix", "expected"), [
    ("44", True), ("4403", True), ("440304", True), ("440305", False), ("4401", False),
    ("45", False),
])
def test_district_prefix(prefix: str, expected: bool) -> None:
    assert is_eligible(rules(districts=[prefix]), company(), TODAY) is expected


def test_every_rule_must_hold() -> None:
    everything = {"industries": ["I65"], "sizes": ["small"], "districts": ["4403"],
                  "min_age_years": 1, "max_age_years": 10}
    assert is_eligible(rules(**everything), company(), TODAY)
    for key, failing in [("industries", ["M"]), ("sizes", ["large"]), ("districts", ["11"]),
                         ("min_age_years", 7), ("max_age_years", 5)]:
        assert not is_eligible(rules(**(everything | {key: failing})), company(), TODAY), key


@pytest.mark.parametrize(("established", "today", "age"), [
    ("2020-03-01", "2026-02-28", 5),
    ("2020-03-01", "2026-03-01", 6),  # the anniversary counts
    ("2026-11-15", "2026-11-15", 0),
    ("2024-02-29", "2025-02-28", 0),
    ("2024-02-29", "2025-03-01", 1),
    ("2026-12-01", "2026-11-15", -1),
])
def test_company_age_in_whole_years(established: str, today: str, age: int) -> None:
    assert company_age_years(dt.date.fromisoformat(established),
                             dt.date.fromisoformat(today)) == age


def test_age_bounds_are_inclusive() -> None:
    three = company(established="2023-11-15")  # exactly 3 on TODAY
    assert is_eligible(rules(min_age_years=3), three, TODAY)
    assert not is_eligible(rules(min_age_years=3), three, TODAY - dt.timedelta(days=1))
    assert is_eligible(rules(max_age_years=2), three, TODAY - dt.timedelta(days=1))
    assert not is_eligible(rules(max_age_years=2), three, TODAY)


def test_future_establishment_fails_age_rules_only() -> None:
    future = company(established="2027-01-01")
    assert not is_eligible(rules(max_age_years=5), future, TODAY)
    assert is_eligible(rules(sizes=["small"]), future, TODAY)


def test_validity_window_is_inclusive() -> None:
    windowed = policy(valid_from="2026-01-01", valid_until="2026-12-31")
    assert is_valid_on(windowed, dt.date(2026, 1, 1))
    assert is_valid_on(windowed, dt.date(2026, 12, 31))
    assert not is_valid_on(windowed, dt.date(2025, 12, 31))
    assert not is_valid_on(windowed, dt.date(2027, 1, 1))
    assert is_valid_on(policy(), dt.date(1999, 1, 1))
    assert not is_valid_on(policy(valid_until="2026-11-14"), TODAY)
    assert is_valid_on(policy(valid_from="2026-11-15"), TODAY)


def test_matching_policies_keeps_order_and_filters() -> None:
    policies = [
        policy("a", {"industries": ["I"]}),
        policy("expired", {"industries": ["I"]}, valid_until="2026-01-01"),
        policy("wrong_size", {"sizes": ["large"]}),
        policy("b", {"districts": ["44"]}),
    ]
    assert [p.id for p in matching_policies(policies, company(), TODAY)] == ["a", "b"]


def test_shipped_policies_for_an_incubator() -> None:
    catalog = load_catalog(DEFAULT_CATALOG_DIR)
    incubator = company(industry="M7540", size="medium", established="2021-05-10")
    found = [p.id for p in catalog.matching_policies(incubator, dt.date(2026, 6, 1))]
    assert "incubator_post_subsidy" in found
    assert "tech_startup_rent_subsidy" not in found  # medium and five years old
    later = [p.id for p in catalog.matching_policies(incubator, dt.date(2027, 1, 1))]
    assert "incubator_post_subsidy" not in later  # the 2026 round has closed
    linked = catalog.item(catalog_policy(catalog, "incubator_post_subsidy").linked_item or "")
    assert linked.name.zh_Hans == "孵化器后补助申请"


def catalog_policy(catalog: Catalog, pid: str) -> Policy:
    return next(p for p in catalog.policies() if p.id == pid)


def test_shipped_policies_for_a_new_restaurant() -> None:
    catalog = load_catalog(DEFAULT_CATALOG_DIR)
    restaurant = company(industry="H6210", size="micro", district="440305",
                         established="2026-05-01")
    found = [p.id for p in catalog.matching_policies(restaurant, dt.date(2026, 11, 1))]
    assert "catering_startup_support" in found
    assert "franchise_brand_support" not in found  # not in Futian, and under a year old


def test_district_from_uscc() -> None:
    assert company_district_from_uscc("91440304MA5G12345E") == "440304"
    assert company_district_from_uscc(" 91110105mA01abcd2x ") == "110105"
    for bad in ("", "9144030", "91A40304MA5G12345E", "91440304MA5G12345EE", "91440304MA5G1234IE"):
        with pytest.raises(KnownError) as info:
            company_district_from_uscc(bad)
        assert info.value.key == "id.format"


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2050, 12, 31)),
       st.integers(min_value=0, max_value=60))
def test_age_on_the_anniversary_equals_the_years(established: dt.date, years: int) -> None:
    assume(not (established.month == 2 and established.day == 29))
    anniversary = established.replace(year=established.year + years)
    assert company_age_years(established, anniversary) == years
    assert company_age_years(established, anniversary - dt.timedelta(days=1)) == years - 1
