"""Status check, result pickup and policy lookup."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.catalog import Catalog
from kiosk.config import Config
from kiosk.errors import BugError
from kiosk.journey import Journey, PickupJob, PolicyOption, State
from tests.unit.journey.conftest import (
    ITEM_A,
    ITEM_A4,
    READY_TRACKING,
    STATUS_TRACKING,
    USCC,
    Ctx,
    card,
    to_home,
)
from tests.unit.journey.fakes import make_row

# ------------------------------------------------------------------ status check


def test_status_lookup_normalises_and_shows_the_row(ctx: Ctx) -> None:
    to_home(ctx)
    j = ctx.journey
    j.choose_status_check()
    assert j.lookup_status("  ") == "journey.tracking_required"
    assert j.lookup_status("dm1-nope") == "store.not_found"
    assert j.state is State.STATUS_CHECK
    assert j.view().error == "store.not_found"
    assert j.lookup_status(" ｄｍ１-20260302-0001 ") is None  # full-width, lower case
    assert j.state is State.STATUS_RESULT
    row = j.view().status_row
    assert row is not None and row.tracking_no == STATUS_TRACKING and row.status == "in_review"
    j.back()
    assert j.state is State.STATUS_CHECK and j.view().status_row is None


def test_the_status_screen_shows_a_status_pulled_while_it_is_open(ctx: Ctx) -> None:
    to_home(ctx)
    j = ctx.journey
    j.choose_status_check()
    assert j.lookup_status(STATUS_TRACKING) is None
    seen: list[str] = []
    j.subscribe(lambda event: seen.append(event.view.status_row.status)  # type: ignore[union-attr]
                if event.view.status_row is not None else None)
    j.tick()
    assert seen == []  # nothing new: no notification
    ctx.outbox.add_row(make_row(STATUS_TRACKING, status="approved"))  # the sync worker's pull
    j.tick()
    row = j.view().status_row
    assert row is not None and row.status == "approved" and seen == ["approved"]
    assert j.state is State.STATUS_RESULT


# ------------------------------------------------------------------ result pickup


def _to_pickup(c: Ctx) -> None:
    to_home(c)
    c.journey.choose_result_pickup()


@pytest.mark.parametrize(("status", "item_code", "key"), [
    ("in_review", ITEM_A, "journey.result_not_ready"),
    ("approved", ITEM_A, "journey.result_not_ready"),
    ("collected", ITEM_A, "journey.result_collected"),
    ("result_ready", "44030400MZ-JF-0001", None),
    ("result_ready", "44030400XX-XK-0009", "journey.pickup_at_window"),  # unknown item
])
def test_pickup_tracking_checks(ctx: Ctx, status: str, item_code: str, key: str | None
                                ) -> None:
    ctx.outbox.add_row(make_row("DM1-P", status=status, item_code=item_code))  # type: ignore[arg-type]
    _to_pickup(ctx)
    assert ctx.journey.enter_pickup_tracking("DM1-P") == key
    assert ctx.journey.state is State.RESULT_PICKUP


def test_pickup_at_window_only_item(config: Config) -> None:
    from kiosk.catalog import parse_catalog
    from tests.unit.journey.conftest import catalog_document, make_ctx

    doc = catalog_document()
    doc["items"][0]["result"] = {"type": "licence", "delivery": ["window_pickup"]}
    c = make_ctx(config, parse_catalog(doc))
    _to_pickup(c)
    assert c.journey.enter_pickup_tracking(READY_TRACKING) == "journey.pickup_at_window"


def test_pickup_needs_the_applicants_document(ctx: Ctx) -> None:
    _to_pickup(ctx)
    j = ctx.journey
    with pytest.raises(BugError):
        j.identify_for_pickup(card())  # no tracking number yet
    assert j.enter_pickup_tracking(READY_TRACKING) is None
    assert j.identify_for_pickup(card(number="11010519491231003X")) == (
        "journey.pickup_owner_mismatch")
    expired = card(valid_to=ctx.clock.now().date() - dt.timedelta(days=1))
    assert j.identify_for_pickup(expired) == "id.expired"
    assert j.state is State.RESULT_PICKUP
    assert j.identify_for_pickup(card()) is None
    assert j.state is State.PICKUP_RESULT
    assert j.view().pickup == PickupJob(uuid="0190f0aa-0000-7000-8000-0000000000ff",
                                        tracking_no=READY_TRACKING, item_code=ITEM_A,
                                        case_no="CASE-1")
    j.pickup_done()
    assert j.state is State.END
    assert j.personal_values() == []


def test_pickup_without_an_owner_check_goes_to_a_window(ctx: Ctx) -> None:
    j = Journey(config=ctx.config, catalog=ctx.journey.catalog, outbox=ctx.outbox,
                clock=ctx.clock, devices=ctx.devices)
    j.start()
    j.choose_language("en")
    j.choose_result_pickup()
    assert j.enter_pickup_tracking(READY_TRACKING) is None
    assert j.identify_for_pickup(card()) == "journey.pickup_at_window"


# ------------------------------------------------------------------ policy lookup


def _to_lookup(c: Ctx) -> None:
    to_home(c)
    c.journey.choose_policy_lookup()


def test_policy_lookup_matches_on_company_attributes(ctx: Ctx) -> None:
    _to_lookup(ctx)
    j = ctx.journey
    assert j.lookup_policies(USCC.lower(), "i65", "small", 2024) == {}
    assert j.state is State.POLICY_RESULTS
    company = j._session.company
    assert company is not None and company.district == "440304" and company.industry == "I65"
    assert company.established == dt.date(2024, 1, 1)
    assert j.view().policies == (
        PolicyOption("rent_subsidy", ITEM_A, None),
        PolicyOption("printer_policy", ITEM_A4, None),
        PolicyOption("info_only", None, None),
    )


def test_policy_lookup_without_matches(ctx: Ctx) -> None:
    _to_lookup(ctx)
    assert ctx.journey.lookup_policies(USCC, "C", "large", 2000) == {}
    assert [p.policy_id for p in ctx.journey.view().policies] == ["info_only", "large_only"]


def test_policy_lookup_errors(ctx: Ctx) -> None:
    _to_lookup(ctx)
    j = ctx.journey
    year = ctx.clock.now().year
    errors = j.lookup_policies("91440304MA5DAGK3XA", "9", "huge", year + 1)
    assert errors == {"uscc": "id.check_digit", "industry": "form.bad_choice",
                      "size": "form.bad_choice", "established": "form.out_of_range"}
    assert dict(j.view().field_errors) == errors
    assert j.state is State.POLICY_LOOKUP
    assert j.lookup_policies(USCC, "", "micro", 1900) == {
        "industry": "form.bad_choice", "established": "form.out_of_range"}


def test_apply_through_a_policy(ctx: Ctx) -> None:
    _to_lookup(ctx)
    j = ctx.journey
    j.lookup_policies(USCC, "I", "micro", 2025)
    with pytest.raises(BugError):
        j.apply_policy("info_only")  # no linked item: the UI shows no apply button
    with pytest.raises(BugError):
        j.apply_policy("large_only")  # not among the results
    ctx.devices.down.add("a4_printer")
    j.devices_changed()
    assert j.view().policies[1].reason == "journey.device_unavailable.a4_printer"
    assert j.apply_policy("printer_policy") == "journey.device_unavailable.a4_printer"
    assert j.apply_policy("rent_subsidy") is None
    assert j.state is State.SERVICE_DETAIL and j.view().item_code == ITEM_A
    j.back()
    assert j.state is State.POLICY_RESULTS
    j.apply_policy("rent_subsidy")
    j.begin_application()
    j.identify(card())
    # the looked-up company's USCC prefills the form's USCC field
    assert dict(j.view().form_values)["company_uscc"] == USCC


def test_policy_results_back_keeps_nothing_stale(ctx: Ctx, catalog: Catalog) -> None:
    _to_lookup(ctx)
    ctx.journey.lookup_policies(USCC, "I", "micro", 2025)
    ctx.journey.back()
    assert ctx.journey.state is State.POLICY_LOOKUP
    assert ctx.journey.view().policies == ()
    assert catalog.version == "test-1"
