"""A whole citizen journey through the shipped catalogue's business-licence item
(公司设立登记, 44030400SC-XK-0001), scripted as the UI would drive it."""

from __future__ import annotations

import dataclasses
import logging

import pytest

from kiosk.catalog import DEFAULT_CATALOG_DIR, Catalog, load_catalog
from kiosk.config import Config
from kiosk.journey import Journey, JourneyEvent, State
from kiosk.log import RedactingFilter
from tests.unit.journey.conftest import (
    ADDRESS,
    NAME,
    PHONE,
    RESIDENT_ID,
    USCC,
    card,
    make_ctx,
    page_jpeg,
)

CODE = "44030400SC-XK-0001"
COMPANY = "深圳测试甲乙丙科技有限公司"
BUSINESS_ADDRESS = "深圳市福田区测试大道1号测试大厦12楼"


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return load_catalog(DEFAULT_CATALOG_DIR)


def _fill(journey: Journey, catalog: Catalog, answers: dict[str, str]) -> None:
    item = catalog.item(CODE)
    for group in item.form:
        current = dict(journey.view().form_values)
        values = {f.id: answers.get(f.id, current.get(f.id, "")) for f in group.fields}
        assert journey.submit_page(values) == {}, group.id


def test_business_licence_happy_path(config: Config, shipped: Catalog,
                                     caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    c = make_ctx(config, shipped)
    j = c.journey
    events: list[JourneyEvent] = []
    j.subscribe(events.append)

    j.start()
    j.choose_language("zh-Hans")
    j.set_care_mode(True)
    j.choose_apply()
    j.search("营业执照")
    assert CODE in [o.code for o in j.view().items if o.reason is None]
    assert j.select_item(CODE) is None
    assert j.begin_application() is None
    assert j.identify(card()) is None

    item = shipped.item(CODE)
    answers = {"company_name": COMPANY, "company_type": "llc", "registered_capital": "100",
               "business_address": BUSINESS_ADDRESS, "business_scope": "软件开发；信息技术咨询",
               "contact_phone": PHONE}
    _fill(j, shipped, answers)
    assert j.state is State.CAPTURE

    pages = materials = 0
    for status in j.view().materials:
        needed = 0 if status.satisfied_by_card else status.min_pages
        for n in range(needed):
            assert j.add_page(status.material_id, page_jpeg(n + 1)) is None
            pages += 1
        materials += 1 if needed else 0
        assert j.finish_material() is None, status.material_id
    assert j.state is State.REVIEW
    assert dict(j.view().form_values)["contact_name"] == NAME  # prefilled from the card
    j.confirm_review()
    j.accept_consent("privacy-2026-01")
    c.clock.advance(1)
    assert j.submit() is None
    assert j.state is State.RECEIPT
    receipt = j.view().receipt
    assert receipt is not None and receipt.item_code == CODE

    submission = c.outbox.submissions[0]
    assert submission.item_code == CODE
    assert submission.form["company_name"] == COMPANY
    assert submission.form["contact_name"] == NAME
    assert submission.identity["number"] == RESIDENT_ID
    # one PDF per captured material, its page count the pages captured
    assert len(submission.attachments) == materials
    assert sum(a.pages for a in submission.attachments) == pages
    assert {a.mime for a in submission.attachments} == {"application/pdf"}
    assert {a.material_id for a in submission.attachments} <= {m.id for m in item.materials}
    assert "shareholder_ids" not in {a.material_id for a in submission.attachments}

    j.continue_to_rating()
    assert j.rate(5, ["efficient"]) is None
    assert c.outbox.ratings == [(receipt.uuid, 5, ("efficient",))]
    j.done()
    assert j.state is State.ATTRACT
    assert j.personal_values() == []
    last = dataclasses.asdict(events[-1].view)
    for value in (NAME, ADDRESS, RESIDENT_ID, PHONE, COMPANY, BUSINESS_ADDRESS):
        assert value not in str(last)
        assert value not in caplog.text


def test_remote_terminal_with_manual_hkid(config: Config, shipped: Catalog) -> None:
    terminal = config.terminal.model_copy(update={"identification": ("hkid",
                                                                     "home_return_permit")})
    remote = config.model_copy(update={"profile": "remote", "terminal": terminal})
    c = make_ctx(remote, shipped)
    j = c.journey
    options = {o.code: o.reason for o in j.item_options()}
    assert options[CODE] is None
    assert options["44030400MZ-JF-0001"] == "journey.service_unavailable"  # not a remote item
    j.start()
    j.choose_language("zh-Hant")
    j.choose_apply()
    j.select_item(CODE)
    j.begin_application()
    assert j.enter_id_manually("hkid", "A123456(3)", name="陳大文") is None
    assert j.state is State.FORM


def test_policy_to_application_on_the_shipped_catalogue(config: Config,
                                                        shipped: Catalog) -> None:
    c = make_ctx(config, shipped)
    j = c.journey
    j.start()
    j.choose_language("en")
    j.choose_policy_lookup()
    assert j.lookup_policies(USCC, "I65", "small", 2025) == {}
    assert "tech_startup_rent_subsidy" in [p.policy_id for p in j.view().policies]
    j.back()
    # a clinic: division-level industry code (the shipped rules use divisions, e.g. Q83)
    assert j.lookup_policies(USCC, "Q83", "small", 2020) == {}
    options = {p.policy_id: p for p in j.view().policies}
    clinic = options["private_clinic_talent"]
    assert clinic.item_code == "44030400WJ-XK-0001" and clinic.reason is None
    assert options["stable_employment_refund"].item_code is None
    assert j.apply_policy("private_clinic_talent") is None
    assert j.state is State.SERVICE_DETAIL
    j.back()
    assert j.state is State.POLICY_RESULTS


def test_redacting_filter_masks_registered_values(config: Config, shipped: Catalog) -> None:
    c = make_ctx(config, shipped)
    j = c.journey
    j.start()
    j.choose_language("zh-Hans")
    j.choose_apply()
    j.select_item(CODE)
    j.begin_application()
    j.identify(card())
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "name %s at %s", (NAME, ADDRESS),
                               None)
    RedactingFilter(c.secrets).filter(record)
    assert NAME not in record.getMessage() and ADDRESS not in record.getMessage()
