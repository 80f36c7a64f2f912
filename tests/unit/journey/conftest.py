"""Fixtures for journey tests: a small catalogue, a demo config, fakes, and ``drive()`` which
takes a fresh journey to any state along a canonical path."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from kiosk.catalog import Catalog, parse_catalog
from kiosk.config import Config, load_config
from kiosk.identity.models import IdentityDocument
from kiosk.journey import FakeClock, Journey, State
from kiosk.log import SessionSecrets
from tests.unit.journey.fakes import FakeDevices, FakeOutbox, FakeOwnerVerifier, make_row

ITEM_A = "44030400SC-XK-0001"  # materials, two form pages, card reader + camera
ITEM_B = "44030400MZ-JF-0001"  # resident ID only, one page, no materials
ITEM_HALL_ONLY = "44030400WJ-XK-0001"  # not offered by the demo profile
ITEM_A4 = "44030400GA-QR-0001"  # needs the A4 printer
ITEM_STATUS = "44030400ZW-BM-0001"  # kind status_query (never listed)
USCC = "91440304MA5DAGK3XM"  # district 440304
NAME = "测试张三"
ADDRESS = "深圳市福田区测试路88号"
RESIDENT_ID = "11010519491231002X"
HKID = "A1234563"
PHONE = "13800138000"
COMPANY = "测试甲乙科技有限公司"


def page_jpeg(n: int = 1) -> bytes:
    """A small, real JPEG page (the journey assembles each material's pages into a PDF)."""
    import cv2
    import numpy as np

    img = np.full((297, 210, 3), 235, np.uint8)
    cv2.putText(img, f"page {n}", (20, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (20, 20, 20), 2)
    for y in range(100, 280, 16):
        cv2.line(img, (20, y), (190 - (y * 7 + n * 13) % 60, y), (50, 50, 50), 2)
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 90])
    assert ok
    return bytes(buf.tobytes())


IMAGE = page_jpeg(1)

READY_TRACKING = "DM1-READY-0001"
STATUS_TRACKING = "DM1-20260302-0001"


def texts(hans: str) -> dict[str, str]:
    return {"zh-Hans": hans, "zh-Hant": hans + "（繁）", "en": hans + " (en)"}


def _field(fid: str, ftype: str, **over: Any) -> dict[str, Any]:
    return {"id": fid, "type": ftype, "label": texts(fid), **over}


def _item(code: str, **over: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "code": code,
        "name": texts(f"事项{code[-4:]}"),
        "description": texts("说明"),
        "department": texts("部门"),
        "category": "enterprise",
        "item_type": "licensing",
        "service_object": ["natural_person", "legal_person"],
        "channel": "at_most_one_visit",
        "visits": 1,
        "legal_days": 15,
        "promised_days": 3,
        "result": {"type": "licence", "delivery": ["e_certificate", "self_print"]},
        "profiles": ["demo", "hall", "remote"],
        "form": [{"id": "main", "title": texts("信息"), "fields": [_field("note", "text")]}],
    }
    item.update(over)
    return item


def catalog_document() -> dict[str, Any]:
    return {
        "format_version": 1,
        "version": "test-1",
        "published": "2026-01-01",
        "categories": [{"id": "enterprise", "name": texts("企业")},
                       {"id": "family", "name": texts("家庭")}],
        "items": [
            _item(
                ITEM_A,
                keywords=["营业执照", "yyzz"],
                accepted_ids=["resident_id", "hk_macao_taiwan_permit", "hkid",
                              "home_return_permit"],
                devices=["id_card_reader", "camera"],
                materials=[
                    {"id": "application_form", "name": texts("申请书"), "capture": "document",
                     "min_pages": 1, "max_pages": 2},
                    {"id": "id_copy", "name": texts("身份证"), "capture": "id_card",
                     "format": "id_card", "min_pages": 1, "max_pages": 1},
                    {"id": "extra", "name": texts("其他"), "capture": "document",
                     "required": False, "min_pages": 2, "max_pages": 3},
                    {"id": "licence", "name": texts("执照"), "capture": "e_certificate",
                     "source": "shared_data"},
                ],
                form=[
                    {"id": "company", "title": texts("企业"), "fields": [
                        _field("company_name", "text"),
                        _field("company_uscc", "uscc", required=False),
                        _field("capital", "number", min_value="1", max_value="1000000"),
                    ]},
                    {"id": "contact", "title": texts("联系人"), "fields": [
                        _field("contact_name", "text", prefill="name"),
                        _field("contact_id", "text", prefill="id_number"),
                        _field("contact_address", "address", prefill="address"),
                        _field("contact_phone", "phone"),
                    ]},
                ],
            ),
            _item(ITEM_B, category="family", accepted_ids=["resident_id"],
                  devices=["id_card_reader"]),
            _item(ITEM_HALL_ONLY, profiles=["hall"]),
            _item(ITEM_A4, category="family", devices=["a4_printer"]),
            _item(ITEM_STATUS, kind="status_query", form=[]),
        ],
        "policies": [
            {"id": "rent_subsidy", "name": texts("房租补贴"), "summary": texts("摘要"),
             "benefit": texts("补贴"), "department": texts("科技局"),
             "eligibility": {"industries": ["I"], "sizes": ["micro", "small"],
                             "districts": ["4403"]},
             "linked_item": ITEM_A},
            {"id": "printer_policy", "name": texts("打印"), "summary": texts("摘要"),
             "benefit": texts("补贴"), "department": texts("局"),
             "eligibility": {"industries": ["I"]}, "linked_item": ITEM_A4},
            {"id": "info_only", "name": texts("信息"), "summary": texts("摘要"),
             "benefit": texts("补贴"), "department": texts("局"), "eligibility": {}},
            {"id": "large_only", "name": texts("大企业"), "summary": texts("摘要"),
             "benefit": texts("补贴"), "department": texts("局"),
             "eligibility": {"sizes": ["large"]}, "linked_item": ITEM_A},
        ],
    }


def card(**over: Any) -> IdentityDocument:
    values: dict[str, Any] = {
        "kind": "resident_id", "number": RESIDENT_ID, "source": "id_card", "name": NAME,
        "sex": "female", "birth_date": dt.date(1949, 12, 31), "address": ADDRESS,
        "valid_from": dt.date(2020, 1, 1), "valid_to": dt.date(2040, 1, 1),
    }
    values.update(over)
    return IdentityDocument(**values)


PAGE_COMPANY = {"company_name": COMPANY, "company_uscc": "", "capital": "500000"}
PAGE_CONTACT = {"contact_name": NAME, "contact_id": RESIDENT_ID, "contact_address": ADDRESS,
                "contact_phone": PHONE}


@dataclasses.dataclass
class Ctx:
    journey: Journey
    clock: FakeClock
    outbox: FakeOutbox
    devices: FakeDevices
    verifier: FakeOwnerVerifier
    secrets: SessionSecrets
    config: Config
    events: list[Any]


@pytest.fixture
def catalog() -> Catalog:
    return parse_catalog(catalog_document())


@pytest.fixture
def config(tmp_config_file: Path) -> Config:
    return load_config(tmp_config_file)


def make_ctx(config: Config, catalog: Catalog) -> Ctx:
    clock = FakeClock()
    outbox = FakeOutbox()
    outbox.add_row(make_row(STATUS_TRACKING))
    ready = outbox.add_row(make_row(READY_TRACKING, status="result_ready",
                                    uuid="0190f0aa-0000-7000-8000-0000000000ff"))
    verifier = FakeOwnerVerifier({ready.uuid: ("resident_id", RESIDENT_ID)})
    devices = FakeDevices()
    secrets = SessionSecrets()
    journey = Journey(config=config, catalog=catalog, outbox=outbox, clock=clock,
                      devices=devices, secrets=secrets, owner_verifier=verifier)
    events: list[Any] = []
    journey.subscribe(events.append)
    return Ctx(journey, clock, outbox, devices, verifier, secrets, config, events)


@pytest.fixture
def ctx(config: Config, catalog: Catalog) -> Ctx:
    return make_ctx(config, catalog)


# ------------------------------------------------------------------ driving to a state

def to_home(c: Ctx) -> None:
    c.journey.start()
    c.journey.choose_language("zh-Hans")


def to_form(c: Ctx, code: str = ITEM_A) -> None:
    to_home(c)
    c.journey.choose_apply()
    assert c.journey.select_item(code) is None
    assert c.journey.begin_application() is None
    assert c.journey.identify(card()) is None


def to_capture(c: Ctx) -> None:
    to_form(c)
    assert c.journey.submit_page(PAGE_COMPANY) == {}
    assert c.journey.submit_page(PAGE_CONTACT) == {}


def to_review(c: Ctx) -> None:
    to_capture(c)
    assert c.journey.add_page("application_form", IMAGE) is None
    assert c.journey.finish_material() is None  # application_form
    assert c.journey.finish_material() is None  # id_copy: satisfied by the card read
    assert c.journey.finish_material() is None  # extra: optional


def to_consent(c: Ctx) -> None:
    to_review(c)
    c.journey.confirm_review()


def to_submitting(c: Ctx) -> None:
    to_consent(c)
    c.journey.accept_consent("consent-v1")
    c.journey.begin_submit()


def to_receipt(c: Ctx) -> None:
    to_consent(c)
    c.journey.accept_consent("consent-v1")
    assert c.journey.submit() is None


def to_policy_results(c: Ctx) -> None:
    to_home(c)
    c.journey.choose_policy_lookup()
    assert c.journey.lookup_policies(USCC, "I", "small", 2025) == {}


DRIVERS: dict[State, Any] = {
    State.ATTRACT: lambda c: None,
    State.LANGUAGE: lambda c: c.journey.start(),
    State.HOME: to_home,
    State.CATALOG: lambda c: (to_home(c), c.journey.choose_apply()),
    State.SERVICE_DETAIL: lambda c: (to_home(c), c.journey.choose_apply(),
                                     c.journey.select_item(ITEM_A)),
    State.IDENTIFY: lambda c: (to_home(c), c.journey.choose_apply(),
                               c.journey.select_item(ITEM_A), c.journey.begin_application()),
    State.FORM: to_form,
    State.CAPTURE: to_capture,
    State.REVIEW: to_review,
    State.CONSENT: to_consent,
    State.SUBMITTING: to_submitting,
    State.RECEIPT: to_receipt,
    State.RATING: lambda c: (to_receipt(c), c.journey.continue_to_rating()),
    State.END: lambda c: (to_receipt(c), c.journey.finish()),
    State.STATUS_CHECK: lambda c: (to_home(c), c.journey.choose_status_check()),
    State.STATUS_RESULT: lambda c: (to_home(c), c.journey.choose_status_check(),
                                    c.journey.lookup_status(STATUS_TRACKING)),
    State.RESULT_PICKUP: lambda c: (to_home(c), c.journey.choose_result_pickup()),
    State.PICKUP_RESULT: lambda c: (to_home(c), c.journey.choose_result_pickup(),
                                    c.journey.enter_pickup_tracking(READY_TRACKING),
                                    c.journey.identify_for_pickup(card())),
    State.POLICY_LOOKUP: lambda c: (to_home(c), c.journey.choose_policy_lookup()),
    State.POLICY_RESULTS: to_policy_results,
    State.IDLE_WARNING: lambda c: (to_home(c), c.clock.advance(90), c.journey.tick()),
    State.OUT_OF_SERVICE: lambda c: c.journey.out_of_service("store.corrupt"),
}


def drive(c: Ctx, state: State) -> None:
    DRIVERS[state](c)
    assert c.journey.state is state, f"driving to {state} ended in {c.journey.state}"
