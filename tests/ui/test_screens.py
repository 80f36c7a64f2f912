"""Each screen renders and reacts to its intents (taps through the real QML)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtQuick import QQuickItem

from kiosk.config import ASSETS_DIR
from kiosk.errors import KnownError
from kiosk.journey import State
from kiosk.messages import translate
from kiosk.store.models import NewSubmission, Receipt
from kiosk.ui.driver import find_item, walk_items
from tests.conftest import LogCollector
from tests.ui.harness import Ui, open_ui

# Qt Virtual Keyboard's word-candidate ListView sometimes cancels a delegate it was still
# creating when Pinyin replaces its candidates (a race inside Qt, harmless): that one message
pytestmark = pytest.mark.qt_log_ignore(r"^DelegateModel::cancel: index out range \d+ 0$")


def _texts(ui: Ui) -> list[str]:
    return [str(i.property("text")) for i in walk_items(ui.window.root)
            if i.isVisible() and i.property("text")]


def _business_steps() -> list[dict[str, object]]:
    return json.loads(  # type: ignore[no-any-return]
        (ASSETS_DIR / "demo" / "ui-business-licence.json").read_text("utf-8"))


def _index(steps: list[dict[str, object]], do: str, **match: object) -> int:
    return next(n for n, s in enumerate(steps)
                if s["do"] == do and all(s.get(k) == v for k, v in match.items()))


def _to_catalog(ui: Ui, lang: str = "zh-Hans") -> None:
    for step, args in (("start", {}), ("choose_language", {"language": lang}),
                       ("choose_apply", {})):
        ui.driver.perform(step, args)


def test_attract_language_home_and_switches(ui: Ui) -> None:
    assert ui.session.screen == "attract" and find_item(ui.window.root, "highlight")
    ui.driver.perform("start", {})
    assert ui.session.screen == "language"
    ui.driver.perform("choose_language", {"language": "zh-Hant"})
    assert ui.session.screen == "home"
    assert "請選擇您要辦理的業務" in _texts(ui)
    ui.driver.tap("lang_en")
    assert "What would you like to do?" in _texts(ui)
    assert ui.session.secondsLeft == 90
    ui.driver.tap("careMode")
    assert ui.window.theme.careMode and ui.session.careMode
    assert ui.session.secondsLeft == 180  # care mode: slower timeouts
    ui.driver.tap("help")
    assert find_item(ui.window.root, "staffBanner") is not None


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_the_terminal_name_stays_in_the_header_in_care_mode(
        qapp: object, tmp_path: Path, orientation: str) -> None:
    ui = open_ui(qapp, tmp_path, orientation=orientation)
    try:
        _to_catalog(ui, "en")
        name = ui.session.terminalName
        assert name

        def shown() -> list[str]:
            return [str(item.property("text")) for item in walk_items(ui.window.root)
                    if item.objectName() in ("terminalName", "terminalNameLine")
                    and item.isVisible() and item.width() > 0]

        assert shown() == [name]
        ui.driver.tap("careMode")
        assert ui.window.theme.careMode
        assert shown() == [name]
    finally:
        ui.close()


def test_grabbed_frames_have_the_orientation_size(qapp: object, tmp_path: Path) -> None:
    ui = open_ui(qapp, tmp_path, orientation="landscape")
    try:
        _to_catalog(ui)
        image = ui.window.grab()
        assert (image.width(), image.height()) == (1920, 1080)
        assert ui.window.theme.tileColumns == 3
    finally:
        ui.close()


def test_catalogue_greys_out_items_with_their_reason(ui: Ui) -> None:
    ui.devices.down = {"camera"}
    _to_catalog(ui)
    tile = ui.driver.item("item_44030400SC-XK-0001")
    reason = next(i for i in walk_items(tile) if i.objectName() == "reason")
    assert reason.property("text") == translate("journey.device_unavailable.camera", "zh-Hans")
    ui.driver.tap("item_44030400SC-XK-0001")
    assert ui.journey.state is State.CATALOG
    ui.driver.tap("category_enterprise")
    assert ui.journey.view().category == "enterprise"


def test_detail_identify_and_form_errors_at_the_field(ui: Ui) -> None:
    _to_catalog(ui)
    ui.driver.perform("select_item", {"code": "44030400SC-XK-0001"})
    assert ui.session.detail["channel"] == translate("channel.at_most_one_visit", "zh-Hans") or \
        ui.session.detail["channel"]
    ui.driver.perform("begin_application", {})
    assert ui.driver.item("cardGuide").isVisible()
    ui.driver.perform("insert_card", {"card": "resident"})
    assert ui.session.screen == "form" and ui.session.idMasked.startswith("4403")
    assert ui.driver.item("field_company_name").property("text") == ""
    ui.driver.tap("submitPage")  # nothing filled in
    error = ui.driver.item("error_company_name")
    assert error.property("text") == translate("form.required", "zh-Hans")
    ui.driver.perform("back", {})
    assert ui.session.screen == "identify"


def test_remote_profile_takes_a_typed_hkid(qapp: object, tmp_path: Path) -> None:
    ui = open_ui(qapp, tmp_path, profile="remote")
    try:
        assert ui.session.language == "zh-Hant"
        _to_catalog(ui, "zh-Hant")
        ui.driver.perform("select_item", {"code": "44030400SC-XK-0001"})
        ui.driver.perform("begin_application", {})
        ui.driver.type("idNumber", "A1234567")
        ui.driver.tap("confirmId")
        assert ui.session.screen == "identify" and ui.session.error
        ui.driver.perform("enter_id_manually", {"kind": "hkid", "number": "A123456(3)",
                                                "name": "CHAN Tai Man"})
        assert ui.session.screen == "form" and ui.session.idMasked
    finally:
        ui.close()


def test_capture_retake_remove_and_review(ui: Ui) -> None:
    steps = _business_steps()
    assert ui.driver.run(steps[:_index(steps, "capture", material="application_form")]) == 0
    assert ui.session.screen == "capture"
    for _ in range(3):
        ui.driver.tap("capturePage")
    assert ui.session.material["pages"] == 3 and len(ui.session.material["thumbnails"]) == 3
    ui.driver.tap("retake_1")
    ui.driver.tap("remove_2")
    assert ui.session.material["pages"] == 2
    thumb = ui.driver.item("thumb_0")
    assert thumb.property("implicitWidth") > 0  # the preview image loaded
    ui.driver.tap("finishMaterial")
    assert ui.driver.run(steps[_index(steps, "capture", material="articles"):
                               _index(steps, "confirm_review")]) == 0
    assert ui.session.screen == "review"
    assert any(f["value"] == "有限责任公司" for f in ui.session.reviewFields)
    ui.driver.tap("editPage_1")
    assert ui.session.screen == "form" and ui.session.formPage == 1


class FullDisk:
    """The outbox of a terminal whose disk is full: enqueue refuses, nothing else changes."""

    def __init__(self, real: object) -> None:
        self._real = real

    def enqueue(self, submission: NewSubmission) -> Receipt:
        raise KnownError("store.disk_full", "no space left on device")

    def __getattr__(self, name: str) -> object:
        return getattr(self._real, name)


def test_a_failed_commit_never_says_submitted(qapp: object, tmp_path: Path,
                                              expect_logs: LogCollector) -> None:
    ui = open_ui(qapp, tmp_path, wrap_outbox=FullDisk)  # type: ignore[arg-type]
    try:
        steps = _business_steps()
        assert ui.driver.run(steps[:_index(steps, "submit")]) == 0
        ui.driver.perform("submit", {})
        assert ui.session.screen == "consent"
        assert ui.session.error == translate("store.disk_full", "zh-Hans")
        assert find_item(ui.window.root, "trackingNo") is None
        assert translate("journey.submitted", "zh-Hans") not in _texts(ui)
        assert any("store.disk_full" in m for m in expect_logs.messages())
    finally:
        ui.close()


def test_status_check_and_policy_lookup_errors_at_the_field(ui: Ui) -> None:
    d = ui.driver
    d.perform("start", {})
    d.perform("choose_language", {"language": "en"})
    d.perform("choose_status_check", {})
    d.perform("lookup_status", {"tracking_no": "XX1-000000-0000-X"})
    assert ui.session.screen == "status_check"
    assert ui.session.error == translate("store.not_found", "en")
    d.perform("back", {})
    d.perform("choose_policy_lookup", {})
    d.perform("lookup_policies", {"uscc": "91440304MA5F11111X", "industry": "I65", "size": "small",
                                  "established_year": 1800})
    assert ui.session.screen == "policy_lookup"
    assert set(ui.session.fieldErrors) == {"uscc", "established"}
    d.perform("lookup_policies", {"uscc": "91440304MA5F11111R", "industry": "H62",
                                  "size": "small", "established_year": 2026})
    assert ui.session.screen == "policy_results" and ui.session.policies
    linked = next(p for p in ui.session.policies if p["canApply"])
    d.perform("apply_policy", {"policy_id": linked["id"]})
    assert ui.session.screen == "service_detail"


def test_result_pickup_screen_refuses_an_unknown_number(ui: Ui) -> None:
    ui.driver.perform("start", {})
    ui.driver.perform("choose_language", {"language": "zh-Hans"})
    ui.driver.perform("choose_result_pickup", {})
    ui.driver.perform("enter_pickup_tracking", {"tracking_no": "XX1-000000-0000-X"})
    assert ui.session.screen == "result_pickup"
    assert ui.session.error == translate("store.not_found", "zh-Hans")


def test_out_of_service_screen(ui: Ui) -> None:
    ui.journey.out_of_service("store.corrupt")
    ui.driver.settle()
    text = ui.driver.item("outOfServiceText")
    assert text.property("text") == translate("store.corrupt", "zh-Hans")
    assert not ui.session.inSession


def test_a_stale_tap_is_ignored(ui: Ui) -> None:
    ui.session.chooseApply()  # the attract screen offers no such button; a late double tap
    ui.driver.settle()
    assert ui.journey.state is State.ATTRACT


def test_every_screen_item_is_a_touch_target(ui: Ui) -> None:
    _to_catalog(ui)
    buttons: list[QQuickItem] = [i for i in walk_items(ui.window.root)
                                 if i.isVisible() and i.inherits("QQuickAbstractButton")]
    assert buttons
    too_small = [b.objectName() for b in buttons
                 if min(b.width(), b.height()) < ui.window.theme.minTouch]
    assert too_small == []


def test_keyboard_layout_follows_the_session_language(ui: Ui) -> None:
    # InputEngine.InputMode: Latin 0, Pinyin 3, Cangjie 4 (Zhuyin 5 is the zh_TW default)
    _to_catalog(ui, "zh-Hant")
    ui.driver.tap("searchField")
    assert ui.driver.item("keyboard").isVisible()
    root = ui.window.root
    assert root.property("keyboardLocale") == "zh_TW" and root.property("keyboardMode") == 4
    ui.driver.tap("lang_zh-Hans")
    ui.driver.tap("searchField")
    assert root.property("keyboardLocale") == "zh_CN" and root.property("keyboardMode") == 3
    ui.driver.tap("lang_en")
    ui.driver.tap("searchField")
    assert root.property("keyboardLocale") == "en_US" and root.property("keyboardMode") == 0


def test_typing_pinyin_on_the_on_screen_keyboard(ui: Ui) -> None:
    _to_catalog(ui)
    ui.driver.perform("keys", {"name": "searchField", "keys": "gongsi "})
    assert ui.driver.item("searchField").property("text") == "公司"
    assert ui.journey.view().query == "公司"
    assert {i["code"] for i in ui.session.items} >= {"44030400SC-XK-0001", "44030400SC-XK-0002"}


class SlowDisk:
    """An outbox whose commit blocks until the test releases it, recording its thread."""

    def __init__(self, real: object) -> None:
        import threading

        self._real = real
        self.release = threading.Event()
        self.thread: str | None = None

    def enqueue(self, submission: NewSubmission) -> Receipt:
        import threading

        self.thread = threading.current_thread().name
        assert self.release.wait(30)
        return self._real.enqueue(submission)  # type: ignore[attr-defined, no-any-return]

    def __getattr__(self, name: str) -> object:
        return getattr(self._real, name)


def test_the_commit_runs_off_the_gui_thread_and_submitted_comes_after_it(
        qapp: object, tmp_path: Path, qtbot: object) -> None:
    import threading

    slow: list[SlowDisk] = []

    def wrap(real: object) -> SlowDisk:
        slow.append(SlowDisk(real))
        return slow[0]

    ui = open_ui(qapp, tmp_path, wrap_outbox=wrap)  # type: ignore[arg-type]
    try:
        steps = _business_steps()
        assert ui.driver.run(steps[:_index(steps, "submit")]) == 0
        ui.driver.tap("submitApplication")
        assert ui.journey.state is State.SUBMITTING
        qtbot.waitUntil(lambda: slow[0].thread is not None)  # type: ignore[attr-defined]
        assert slow[0].thread != threading.main_thread().name
        # the GUI thread is free meanwhile: the progress screen shows, nothing says "submitted"
        ui.driver.settle()
        assert ui.session.screen == "submitting" and ui.driver.item("progress").isVisible()
        assert find_item(ui.window.root, "trackingNo") is None
        assert ui.session.canGoHome is False and ui.session.canGoBack is False
        slow[0].release.set()
        qtbot.waitUntil(lambda: ui.session.screen == "receipt")  # type: ignore[attr-defined]
        receipt = ui.journey.view().receipt
        assert receipt is not None
        assert ui.core.outbox.find_by_tracking(receipt.tracking_no) is not None
        ui.driver.settle()
        assert ui.driver.item("trackingNo").property("text") == receipt.tracking_no
    finally:
        if slow:
            slow[0].release.set()
        ui.close()


def test_device_changes_from_another_thread_grey_out_items(ui: Ui, qtbot: object) -> None:
    import threading

    _to_catalog(ui)
    assert all(i["enabled"] for i in ui.session.items if i["code"] == "44030400SC-XK-0001")
    ui.devices.down = {"camera"}
    monitor = threading.Thread(target=ui.window.bridge.on_device_status,
                               args=("camera", None, None))
    monitor.start()
    monitor.join()
    qtbot.waitUntil(lambda: not next(  # type: ignore[attr-defined]
        i for i in ui.session.items if i["code"] == "44030400SC-XK-0001")["enabled"])
    ui.driver.settle()
    tile = ui.driver.item("item_44030400SC-XK-0001")
    assert any(i.objectName() == "reason" and i.isVisible() for i in walk_items(tile))
    ui.window.bridge.deliver_out_of_service("device.camera.offline")
    qtbot.waitUntil(lambda: ui.session.screen == "out_of_service")  # type: ignore[attr-defined]
    assert ui.journey.personal_values() == []


def test_care_mode_speaks_the_key_steps(qapp: object, tmp_path: Path) -> None:
    said: list[tuple[str, str]] = []
    ui = open_ui(qapp, tmp_path, speak=lambda text, lang: said.append((text, lang)))
    try:
        _to_catalog(ui)
        ui.driver.perform("select_item", {"code": "44030400SC-XK-0001"})
        ui.driver.perform("begin_application", {})
        assert said == []  # not in care mode
        ui.driver.tap("careMode")
        assert said == [("请将身份证放在读卡区", "zh-Hans")]
        ui.driver.perform("wait", {"seconds": 180})
        assert said[-1] == (translate("journey.idle_warning", "zh-Hans"), "zh-Hans")
        ui.driver.tap("stillHere")
        ui.driver.tap("lang_en")
        assert said[-1] == ("Place your ID card on the reader", "en")
    finally:
        ui.close()


def test_no_speech_engine_is_silent(qapp: object) -> None:
    from kiosk.ui.speech import TextToSpeech

    TextToSpeech()("请将身份证放在读卡区", "zh-Hans")  # no engine here: nothing, no error


def test_scanning_a_receipt_qr_on_the_status_screen(ui: Ui, qtbot: object) -> None:
    import datetime as dt
    import threading

    from kiosk.demo import simulated_card
    from kiosk.store.models import Consent

    receipt = ui.core.outbox.enqueue(NewSubmission(
        item_code="44030400SC-XK-0001", language="en",
        identity=simulated_card("resident").as_dict(), form={},
        consent=Consent("2026-11", dt.datetime.now(dt.UTC), "en")))
    ui.driver.perform("start", {})
    ui.driver.perform("choose_language", {"language": "en"})
    ui.driver.perform("choose_status_check", {})
    scanner = threading.Thread(target=ui.window.bridge.deliver_code,
                               args=(receipt.tracking_no.lower(),))
    scanner.start()
    scanner.join()
    qtbot.waitUntil(lambda: ui.session.screen == "status_result")  # type: ignore[attr-defined]
    ui.driver.settle()
    assert ui.driver.item("statusText").property("text") == translate("status.queued", "en")
    assert ui.driver.item("statusTracking").property("text") == receipt.tracking_no

    # the sync worker (its own thread and connection) hears the back office accepted it: the
    # open status screen shows it at its next tick, without a new lookup
    def synced() -> None:
        ui.core.outbox.transition(receipt.uuid, "accepted", case_no="CASE-9")
        ui.core.outbox.apply_status_update(receipt.uuid, "in_review")

    sync = threading.Thread(target=synced, name="sync-worker")
    sync.start()
    sync.join()
    ui.driver.perform("wait", {"seconds": 1})
    assert ui.session.screen == "status_result"  # type: ignore[attr-defined]
    assert ui.driver.item("statusText").property("text") == translate("status.in_review", "en")


def test_the_back_office_closes_and_reopens_the_terminal_and_shows_a_notice(ui: Ui) -> None:
    from kiosk.sync.live import store_live

    notice = {"zh-Hans": "今晚22:00至23:00系统维护", "en": "Maintenance tonight 22:00-23:00"}
    store_live(ui.core.outbox, False, notice)  # what kiosk sync's pull stores
    ui.session.readLiveSettings()  # what the 5 s timer does
    ui.driver.settle()
    assert ui.driver.item("notice").property("text") == notice["zh-Hans"]
    ui.driver.perform("start", {})
    ui.driver.perform("choose_language", {"language": "en"})
    assert ui.driver.item("homeNotice").property("text") == notice["en"]

    store_live(ui.core.outbox, True, notice)
    ui.session.readLiveSettings()
    ui.driver.settle()
    assert ui.session.screen == "out_of_service"
    assert translate("terminal.closed_remotely", "zh-Hans") in _texts(ui)
    store_live(ui.core.outbox, False, {})
    ui.session.readLiveSettings()
    ui.driver.settle()
    assert ui.session.screen == "attract"
    assert find_item(ui.window.root, "notice") is None  # no notice: nothing shown
