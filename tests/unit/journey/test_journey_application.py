"""Apply for a service: identify, form pages, capture, review, consent, two-phase submit,
receipt and rating."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.catalog import Catalog
from kiosk.config import Config
from kiosk.errors import BugError
from kiosk.journey import State, StepRefused
from kiosk.store.models import Receipt
from tests.unit.journey.conftest import (
    ADDRESS,
    HKID,
    IMAGE,
    ITEM_A,
    ITEM_B,
    NAME,
    PAGE_COMPANY,
    PAGE_CONTACT,
    RESIDENT_ID,
    Ctx,
    card,
    drive,
    make_ctx,
    to_consent,
    to_home,
)
from tests.unit.journey.fakes import WHEN


def _to_identify(c: Ctx, code: str = ITEM_A) -> None:
    to_home(c)
    c.journey.choose_apply()
    assert c.journey.select_item(code) is None
    assert c.journey.begin_application() is None


# ------------------------------------------------------------------ identify


def test_card_read_prefills_and_registers_secrets(ctx: Ctx) -> None:
    _to_identify(ctx)
    assert ctx.journey.identify(card()) is None
    assert ctx.journey.state is State.FORM
    ctx.journey.submit_page(PAGE_COMPANY)
    values = dict(ctx.journey.view().form_values)
    assert values == {"contact_name": NAME, "contact_id": RESIDENT_ID,
                      "contact_address": ADDRESS, "contact_phone": ""}
    assert {NAME, ADDRESS, RESIDENT_ID} <= set(ctx.secrets.snapshot())
    view = ctx.journey.view()
    assert view.id_kind == "resident_id"
    assert view.id_masked == "1101**********002X"


def test_document_kind_not_accepted_by_the_item(ctx: Ctx) -> None:
    _to_identify(ctx, ITEM_B)  # resident ID only
    assert ctx.journey.enter_id_manually("hkid", HKID) == "journey.identity_mismatch"
    assert ctx.journey.state is State.IDENTIFY
    assert ctx.journey.view().error == "journey.identity_mismatch"
    assert ctx.journey.personal_values() == []


def test_expired_document(ctx: Ctx) -> None:
    _to_identify(ctx)
    today = ctx.clock.now().date()
    assert ctx.journey.identify(card(valid_to=today - dt.timedelta(days=1))) == "id.expired"
    assert ctx.journey.state is State.IDENTIFY
    assert ctx.journey.personal_values() == []
    # valid through its expiry day; a long-term card has no expiry
    assert ctx.journey.identify(card(valid_to=today)) is None
    ctx.journey.back()
    assert ctx.journey.identify(card(valid_to=None, long_term=True)) is None


def test_manual_hkid_is_validated_and_normalised(ctx: Ctx) -> None:
    _to_identify(ctx)
    assert ctx.journey.enter_id_manually("hkid", "") == "id.empty"
    assert ctx.journey.enter_id_manually("hkid", "A123456(4)") == "id.check_digit"
    assert ctx.journey.enter_id_manually("home_return_permit", "X1234") == "id.format"
    assert ctx.journey.state is State.IDENTIFY
    assert ctx.journey.enter_id_manually("hkid", "a123456 (3)", name="陈大文") is None
    ctx.journey.submit_page(PAGE_COMPANY)
    values = dict(ctx.journey.view().form_values)
    assert values["contact_id"] == HKID
    assert values["contact_name"] == "陈大文"


def test_identification_method_not_configured(config: Config, catalog: Catalog) -> None:
    terminal = config.terminal.model_copy(update={"identification": ("id_card", "gov_app_qr")})
    hall = config.model_copy(update={"terminal": terminal})
    c = make_ctx(hall, catalog)
    _to_identify(c)
    assert c.journey.enter_id_manually("hkid", HKID) == "journey.id_method_unavailable"
    assert c.journey.identify(card(kind="passport", source="mrz")) == (
        "journey.id_method_unavailable")
    assert c.journey.identify(card(source="gov_app_qr")) is None


def test_another_person_identifying_clears_the_previous_application(ctx: Ctx) -> None:
    drive(ctx, State.CAPTURE)
    assert ctx.journey.add_page("application_form", IMAGE) is None
    ctx.journey.back()  # CAPTURE → FORM page 2
    ctx.journey.back()  # page 1
    ctx.journey.back()  # IDENTIFY
    other = card(number="11010519491231003X", name="测试李四", address="别处")
    assert ctx.journey.identify(other) is None
    values = ctx.journey.personal_values()
    assert NAME not in values and IMAGE not in values
    assert "测试李四" in values


def test_same_person_again_keeps_the_form(ctx: Ctx) -> None:
    drive(ctx, State.FORM)
    ctx.journey.submit_page(PAGE_COMPANY)
    ctx.journey.back()
    ctx.journey.back()
    assert ctx.journey.identify(card()) is None
    assert dict(ctx.journey.view().form_values)["company_name"] == PAGE_COMPANY["company_name"]


# ------------------------------------------------------------------ form


def test_form_errors_keep_the_page_and_the_typed_text(ctx: Ctx) -> None:
    drive(ctx, State.FORM)
    errors = ctx.journey.submit_page({"company_name": "", "capital": "abc"})
    assert errors == {"company_name": "form.required", "capital": "form.not_a_number"}
    view = ctx.journey.view()
    assert ctx.journey.state is State.FORM and view.form_page == 0
    assert dict(view.field_errors) == errors
    assert dict(view.form_values)["capital"] == "abc"
    # fixed: next page, errors gone
    assert ctx.journey.submit_page({**PAGE_COMPANY, "capital": "1,000"}) == {}
    assert ctx.journey.view().form_page == 1
    assert ctx.journey.view().field_errors == ()
    assert ctx.journey._session.values["capital"] == "1000"


def test_fields_of_another_page_are_a_ui_bug(ctx: Ctx) -> None:
    drive(ctx, State.FORM)
    with pytest.raises(BugError):
        ctx.journey.submit_page({"contact_phone": "1"})


def test_back_from_page_two_shows_page_one_as_typed(ctx: Ctx) -> None:
    drive(ctx, State.FORM)
    ctx.journey.submit_page(PAGE_COMPANY)
    ctx.journey.back()
    view = ctx.journey.view()
    assert view.form_page == 0 and view.form_pages == 2
    assert dict(view.form_values) == PAGE_COMPANY


# ------------------------------------------------------------------ capture


def test_page_limits(ctx: Ctx) -> None:
    drive(ctx, State.CAPTURE)
    j = ctx.journey
    assert j.finish_material() == "journey.materials_missing"
    assert j.add_page("application_form", b"p1") is None
    assert j.add_page("application_form", b"p2") is None
    assert j.add_page("application_form", b"p3") == "journey.too_many_pages"
    assert j.view().materials[0].pages == 2
    assert j.retake("application_form", 1, b"p2-new") is None
    j.remove_page("application_form", 0)
    assert j._session.captures.pages("application_form") == 1
    with pytest.raises(BugError):
        j.remove_page("application_form", 5)
    with pytest.raises(BugError):
        j.add_page("no_such_material", b"x")
    with pytest.raises(BugError):
        j.add_page("licence", b"x")  # e-certificate from shared data: nothing to capture
    with pytest.raises(BugError):
        j.add_page("application_form", b"")
    assert j.finish_material() is None  # → id_copy
    assert j.view().material_index == 1
    assert j.view().materials[1].satisfied_by_card
    assert j.finish_material() is None  # → extra (optional, min 2 pages once started)
    assert j.add_page("extra", b"e1") is None
    assert j.finish_material() == "journey.too_few_pages"
    j.remove_page("extra", 0)
    assert j.finish_material() is None
    assert j.state is State.REVIEW


def test_oversized_page(ctx: Ctx) -> None:
    drive(ctx, State.CAPTURE)
    limit = ctx.config.store.max_attachment_kb * 1024
    assert ctx.journey.add_page("application_form", bytes(limit + 1)) == (
        "store.attachment_too_large")
    assert ctx.journey.add_page("application_form", bytes(limit)) is None
    assert ctx.journey.retake("application_form", 0, bytes(limit + 1)) == (
        "store.attachment_too_large")


def test_id_card_material_needs_a_photo_without_a_card_read(ctx: Ctx) -> None:
    _to_identify(ctx)
    assert ctx.journey.enter_id_manually("hkid", HKID, name=NAME) is None
    ctx.journey.submit_page(PAGE_COMPANY)
    ctx.journey.submit_page({**PAGE_CONTACT, "contact_id": HKID})
    ctx.journey.add_page("application_form", IMAGE)
    ctx.journey.finish_material()
    assert not ctx.journey.view().materials[1].satisfied_by_card
    assert ctx.journey.finish_material() == "journey.materials_missing"
    assert ctx.journey.add_page("id_copy", b"hkid-photo") is None
    assert ctx.journey.finish_material() is None


def test_review_edits_and_back(ctx: Ctx) -> None:
    drive(ctx, State.REVIEW)
    j = ctx.journey
    view = j.view()
    assert [m.material_id for m in view.materials] == ["application_form", "id_copy", "extra"]
    assert all(m.complete for m in view.materials)
    assert dict(view.form_values)["company_name"] == PAGE_COMPANY["company_name"]
    assert len(view.form_values) == 7
    j.edit_form_page(1)
    assert j.state is State.FORM and j.view().form_page == 1
    with pytest.raises(BugError):
        j.edit_form_page(2)
    j.submit_page(PAGE_CONTACT)
    assert j.state is State.CAPTURE and j.view().material_index == 0
    j.finish_material()
    j.finish_material()
    j.finish_material()
    j.edit_material("extra")
    assert j.view().material_index == 2
    j.finish_material()
    j.back()  # REVIEW → last material
    assert j.state is State.CAPTURE and j.view().material_index == 2


# ------------------------------------------------------------------ consent and submit


def test_submit_needs_consent(ctx: Ctx) -> None:
    to_consent(ctx)
    with pytest.raises(StepRefused) as info:
        ctx.journey.begin_submit()
    assert info.value.key == "journey.consent_required"
    assert ctx.journey.state is State.CONSENT
    assert ctx.journey.view().error == "journey.consent_required"
    assert ctx.journey.submit() == "journey.consent_required"
    ctx.journey.accept_consent("consent-v1")
    ctx.journey.withdraw_consent()
    assert ctx.journey.submit() == "journey.consent_required"
    assert ctx.outbox.submissions == []


def test_consent_records_version_time_and_language(ctx: Ctx) -> None:
    to_consent(ctx)
    ctx.journey.set_language("zh-Hant")
    ctx.clock.advance(5)
    ctx.journey.accept_consent(" consent-v2 ")
    assert ctx.journey.view().consent_given
    submission = ctx.journey.begin_submit()
    assert submission.consent.text_version == "consent-v2"
    assert submission.consent.accepted_at == ctx.clock.now()
    assert submission.consent.language == "zh-Hant"
    assert submission.language == "zh-Hant"


def test_deferred_attachments_are_built_by_the_committer_and_equal_the_direct_ones(
        config: Config, catalog: Catalog) -> None:
    built: list[object] = []
    for defer in (False, True):
        c = make_ctx(config, catalog)
        to_consent(c)
        c.journey.accept_consent("consent-v1")
        submission = c.journey.begin_submit(defer_attachments=defer)
        assert c.journey.state is State.SUBMITTING
        if defer:  # the GUI thread built no PDF; whoever commits builds them
            assert submission.attachments == () and submission.attachments_later is not None
        resolved = submission.with_attachments()
        assert resolved.attachments_later is None and resolved.attachments
        built.append([(a.material_id, a.mime, a.pages, a.data) for a in resolved.attachments])
    assert built[0] == built[1]


def test_two_phase_submit(ctx: Ctx) -> None:
    to_consent(ctx)
    j = ctx.journey
    j.accept_consent("consent-v1")
    submission = j.begin_submit()
    assert j.state is State.SUBMITTING
    assert j.view().receipt is None  # nothing says "submitted" before the commit
    assert submission.item_code == ITEM_A
    assert submission.identity["number"] == RESIDENT_ID
    assert submission.form["capital"] == "500000"
    assert submission.form["contact_phone"]
    assert [(a.material_id, a.mime, a.filename, a.pages) for a in submission.attachments] == [
        ("application_form", "application/pdf", "application_form.pdf", 1)]
    assert submission.attachments[0].data.startswith(b"%PDF-")
    receipt = ctx.outbox.enqueue(submission)
    j.submit_succeeded(receipt)
    assert j.state is State.RECEIPT
    assert j.view().receipt == receipt


def test_failed_commit_can_be_retried(ctx: Ctx) -> None:
    to_consent(ctx)
    j = ctx.journey
    j.accept_consent("consent-v1")
    ctx.outbox.fail_with = "store.disk_full"
    assert j.submit() == "store.disk_full"
    assert j.state is State.CONSENT
    assert j.view().error == "store.disk_full"
    assert j.view().consent_given
    assert ctx.outbox.submissions == []
    assert j.personal_values()  # nothing lost: the citizen can retry
    # two-phase failure path as the UI thread sees it
    j.begin_submit()
    j.submit_failed("store.read_only")
    assert j.state is State.CONSENT and j.view().error == "store.read_only"
    ctx.outbox.fail_with = None
    assert j.submit() is None
    assert j.state is State.RECEIPT
    assert j.view().error is None
    assert len(ctx.outbox.submissions) == 1


def test_receipt_for_another_item_is_a_bug(ctx: Ctx) -> None:
    drive(ctx, State.SUBMITTING)
    with pytest.raises(BugError):
        ctx.journey.submit_succeeded(Receipt("u", "T", ITEM_B, WHEN))


def test_out_of_service_waits_for_the_commit(ctx: Ctx) -> None:
    drive(ctx, State.SUBMITTING)
    ctx.journey.out_of_service("store.corrupt")
    assert ctx.journey.state is State.SUBMITTING
    ctx.journey.submit_failed("store.read_only")
    assert ctx.journey.state is State.OUT_OF_SERVICE
    assert ctx.journey.view().out_of_service_key == "store.corrupt"
    assert ctx.journey.personal_values() == []


def test_out_of_service_after_a_successful_commit_lets_the_citizen_finish(ctx: Ctx) -> None:
    drive(ctx, State.SUBMITTING)
    ctx.journey.out_of_service("store.corrupt")
    ctx.journey.submit_succeeded(Receipt("u", "T", ITEM_A, WHEN))
    assert ctx.journey.state is State.RECEIPT
    ctx.journey.continue_to_rating()
    ctx.journey.rate(5)
    assert ctx.journey.state is State.END
    ctx.journey.done()
    assert ctx.journey.state is State.OUT_OF_SERVICE
    ctx.journey.resume_service()
    assert ctx.journey.state is State.ATTRACT


# ------------------------------------------------------------------ rating


def test_rating_goes_to_the_outbox(ctx: Ctx) -> None:
    drive(ctx, State.RATING)
    uuid = ctx.journey.view().receipt.uuid  # type: ignore[union-attr]
    with pytest.raises(BugError):
        ctx.journey.rate(6)
    with pytest.raises(BugError):
        ctx.journey.rate(3, [""])
    assert ctx.journey.rate(4, ["fast", "polite"]) is None
    assert ctx.outbox.ratings == [(uuid, 4, ("fast", "polite"))]
    assert ctx.journey.state is State.END
    assert ctx.journey.view().receipt is None


def test_rating_store_failure_still_ends(ctx: Ctx, expect_logs: object) -> None:
    drive(ctx, State.RATING)
    ctx.outbox.rating_fails_with = "store.read_only"
    assert ctx.journey.rate(1, ["slow"]) == "store.read_only"
    assert ctx.journey.state is State.END
    assert any("store.read_only" in m for m in expect_logs.messages())  # type: ignore[attr-defined]


def test_a_failed_card_read_is_shown_and_cleared_by_the_next_read(ctx: Ctx) -> None:
    _to_identify(ctx)
    ctx.journey.identification_failed("device.idcard.checksum")
    view = ctx.journey.view()
    assert view.state is State.IDENTIFY and view.error == "device.idcard.checksum"
    ctx.journey.identification_failed("store.disk_full")  # not a reader's key: a generic one
    assert ctx.journey.view().error == "device.idcard.read_failed"
    assert ctx.journey.identify(card()) is None
    assert ctx.journey.view().error is None and ctx.journey.state is State.FORM
