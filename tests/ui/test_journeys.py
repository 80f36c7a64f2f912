"""End to end through the real UI: taps, typing and a simulated card, the real encrypted
outbox in tmp; the scripts shipped in assets/demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.config import ASSETS_DIR
from kiosk.journey import State
from kiosk.messages import translate
from tests.ui.harness import open_ui

# Qt Virtual Keyboard's word-candidate ListView sometimes cancels a delegate it was still
# creating when Pinyin replaces its candidates (a race inside Qt, harmless): that one message
pytestmark = pytest.mark.qt_log_ignore(r"^DelegateModel::cancel: index out range \d+ 0$")

SCRIPTS = ASSETS_DIR / "demo"


def _steps(name: str) -> list[dict[str, object]]:
    return json.loads((SCRIPTS / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_business_licence_application_lands_in_the_outbox(qapp: object, tmp_path: Path,
                                                          orientation: str) -> None:
    ui = open_ui(qapp, tmp_path, screenshots=tmp_path / "shots", orientation=orientation)
    try:
        failures = ui.driver.run(_steps("ui-business-licence.json"))
        assert failures == 0
        tracking = ui.driver.last_receipt
        assert tracking
        row = ui.core.outbox.find_by_tracking(tracking)
        assert row is not None and row.status == "queued"
        assert row.item_code == "44030400SC-XK-0001"
        # one PDF per material (application form 2 pages, articles 2, premises, officer)
        assert [(a.material_id, a.pages) for a in row.attachments] == [
            ("application_form", 2), ("articles", 2), ("premises_proof", 1),
            ("officer_appointment", 1)]
        assert row.rating == 5
        assert ui.journey.state is State.ATTRACT and ui.journey.personal_values() == []
        shots = sorted((tmp_path / "shots").glob("*.png"))
        assert len(shots) == len(_steps("ui-business-licence.json")) + 1
        assert any("receipt" in p.name for p in shots)
    finally:
        ui.close()


@pytest.mark.parametrize("script", ["ui-idle-wipe.json", "ui-status-policy.json"])
def test_shipped_scripts_run_clean(qapp: object, tmp_path: Path, script: str) -> None:
    ui = open_ui(qapp, tmp_path)
    try:
        assert ui.driver.run(_steps(script)) == 0
    finally:
        ui.close()


def test_hong_kong_terminal_application_with_a_typed_hkid(qapp: object, tmp_path: Path) -> None:
    ui = open_ui(qapp, tmp_path, profile="remote")
    try:
        assert ui.driver.run(_steps("ui-hk-hkid.json")) == 0
        tracking = ui.driver.last_receipt
        assert tracking and tracking.startswith("HK1-")
        row = ui.core.outbox.find_by_tracking(tracking)
        assert row is not None and row.item_code == "44030400SC-XK-0001"
        assert {a.material_id for a in row.attachments} >= {"shareholder_ids", "articles"}
        assert ui.journey.state is State.ATTRACT and ui.session.language == "zh-Hant"
    finally:
        ui.close()


def test_result_pickup_for_a_ready_result(qapp: object, tmp_path: Path) -> None:
    import datetime as dt

    from kiosk.demo import simulated_card
    from kiosk.store.models import Consent, NewSubmission

    ui = open_ui(qapp, tmp_path)
    try:
        card = simulated_card("resident")
        receipt = ui.core.outbox.enqueue(NewSubmission(
            item_code="44030400WJ-QR-0001", language="zh-Hans", identity=card.as_dict(),
            form={}, consent=Consent("2026-11", dt.datetime.now(dt.UTC), "zh-Hans")))
        for status in ("accepted", "approved", "result_ready"):
            ui.core.outbox.transition(receipt.uuid, status, case_no="FT-2026-0001")  # type: ignore[arg-type]
        d = ui.driver
        d.perform("start", {})
        d.perform("choose_language", {"language": "zh-Hans"})
        d.perform("choose_result_pickup", {})
        d.perform("enter_pickup_tracking", {"tracking_no": receipt.tracking_no})
        assert ui.session.screen == "result_pickup" and not ui.session.error
        d.perform("insert_card", {"card": "permit"})  # someone else's card
        assert ui.session.error == translate("journey.pickup_owner_mismatch", "zh-Hans")
        d.perform("insert_card", {"card": "resident"})
        assert ui.session.screen == "pickup_result"
        assert ui.session.pickup["trackingNo"] == receipt.tracking_no
        d.perform("pickup_done", {})
        assert ui.session.screen == "end"
    finally:
        ui.close()
