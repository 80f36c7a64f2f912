"""The UI over the real device drivers (``open_devices``: the simulators behind the GA 467,
ESC/POS and camera-scanner drivers) and a real back office on loopback: the business-licence
journey end to end — card on the reader, receipt on the printer, one sync cycle, the
submission and its attachments at the back office — and the receipt-printer fallbacks."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from kiosk import __version__
from kiosk.app import build_keyring, build_sync_worker, open_devices
from kiosk.backoffice.local import LocalBackOffice
from kiosk.config import ASSETS_DIR
from kiosk.devices.exercise import qr_image
from kiosk.devices.printer.port import PaperOut
from kiosk.journey import State
from kiosk.messages import translate
from kiosk.sync.client import SyncClient
from kiosk.sync.credentials import enrol
from kiosk.ui.bridge import CardWanted
from kiosk.ui.devices import DeviceLink, ReceiptOutput
from tests.conftest import LogCollector
from tests.ui.harness import Ui, open_device_ui, write_config

pytestmark = pytest.mark.qt_log_ignore(r"^DelegateModel::cancel: index out range \d+ 0$")


def _business_steps() -> list[dict[str, Any]]:
    return json.loads(  # type: ignore[no-any-return]
        (ASSETS_DIR / "demo" / "ui-business-licence.json").read_text("utf-8"))


def _split_at(steps: list[dict[str, Any]], do: str) -> int:
    return next(n for n, s in enumerate(steps) if s["do"] == do)




def test_business_licence_through_real_drivers_arrives_at_the_back_office(
        qapp: object, tmp_path: Path, backoffice: LocalBackOffice, qtbot: Any) -> None:
    ui = open_device_ui(qapp, tmp_path, extra=f'[sync]\nurl = "{backoffice.url}"\n')
    try:
        steps = _business_steps()
        submit = _split_at(steps, "submit")
        # the card goes onto the GA 467 simulator: read by the UI's poll thread via the driver
        assert ui.driver.run(steps[:submit + 1]) == 0
        assert ui.journey.state is State.RECEIPT
        receipt_view = ui.session.property("receipt")
        tracking = receipt_view["trackingNo"]
        qr_payload = receipt_view["qr"].removeprefix("image://qr/")
        assert qr_payload.startswith("KSK1.")  # signed with the terminal's key
        assert receipt_view["printState"] == "printed"
        escpos, pdf = ui.devices.simulators["receipt_printer"].last_files
        assert tracking.encode() in escpos.read_bytes() and pdf.stat().st_size > 0
        assert ui.driver.run(steps[submit + 1:]) == 0
        assert ui.journey.state is State.ATTRACT

        # one sync cycle: the submission and its attachments reach the back office
        row = ui.core.outbox.find_by_tracking(tracking)
        assert row is not None
        keyring = build_keyring(ui.config)
        code, _ = backoffice.db.create_enrolment_code(ui.config.terminal.id, name="ui-e2e")
        enrol(SyncClient(backoffice.url), code, keyring, app_version=__version__)
        worker = build_sync_worker(ui.config, ui.core.outbox, keyring)
        try:
            report = worker.run_once()
        finally:
            if hasattr(worker, "close"):
                worker.close()
        assert row.uuid in report.accepted, report.errors
        detail = backoffice.db.get_submission(row.uuid)
        # one PDF per material, the pages captured live through the simulated camera
        assert len(detail.attachments) == len(row.attachments) == 4
        assert {a.mime for a in detail.attachments} == {"application/pdf"}
        assert sum(a.pages for a in detail.attachments) == 6
        assert sum(a.pages for a in row.attachments) == 6
        assert all(a.complete for a in detail.attachments)
        assert {a.material_id for a in detail.attachments} >= {"application_form", "articles"}

        # the printed receipt's QR, shown to the camera, finds the status (real decoder)
        ui.driver.run([{"do": "start"}, {"do": "choose_language", "language": "en"},
                       {"do": "choose_status_check"}])
        camera = ui.devices.simulators["camera"]
        camera.show_image(qr_image(qr_payload))
        try:
            qtbot.waitUntil(lambda: ui.session.screen == "status_result", timeout=15000)
        finally:
            camera.show_image(None)
        ui.driver.settle()
        assert ui.driver.item("statusTracking").property("text") == tracking
    finally:
        ui.close()


def test_the_camera_decodes_codes_only_on_the_screens_that_take_one(
        qapp: object, tmp_path: Path, qtbot: Any) -> None:
    """The camera is shared with the document capture: frames go to the code decoder on the
    card, status-check and pick-up screens only, and to diagnostics' scan test when it runs."""
    ui = open_device_ui(qapp, tmp_path)
    try:
        scanner = ui.devices.scanner

        def decoded_over(seconds: float) -> int:
            ui.driver.settle()
            time.sleep(0.25)  # a frame taken before the screen changed is finished
            start = scanner.frames_decoded
            qtbot.wait(int(seconds * 1000))
            return int(scanner.frames_decoded - start)

        assert ui.journey.state is State.ATTRACT and decoded_over(0.6) == 0
        assert ui.driver.run([{"do": "start"}, {"do": "choose_language", "language": "en"},
                              {"do": "choose_status_check"}]) == 0
        assert decoded_over(0.6) > 0
        assert ui.driver.run([{"do": "home"}]) == 0
        assert decoded_over(0.6) == 0
        from kiosk.devices.exercise import wait_for_scan
        camera = ui.devices.simulators["camera"]
        result = wait_for_scan(ui.devices, 10, lambda: camera.show_image(qr_image("DIAG-1")))
        camera.show_image(None)
        assert result is not None and result.text == "DIAG-1"  # held for the test: decoded
        assert decoded_over(0.6) == 0  # and gated again after it
    finally:
        ui.close()


class _PaperOutPrinter:
    def __init__(self) -> None:
        self.thread: str | None = None

    def print_receipt(self, model: object) -> None:
        self.thread = threading.current_thread().name
        raise PaperOut("simulated: no paper")


class _A4:
    def __init__(self) -> None:
        self.jobs: list[tuple[bytes, str]] = []

    def print_pdf(self, pdf: bytes, title: str) -> str:
        self.jobs.append((pdf, title))
        return "a4-1"


def test_out_of_paper_shows_the_qr_and_offers_an_a4_copy(
        ui: Ui, qtbot: Any, expect_logs: LogCollector) -> None:
    printer, a4 = _PaperOutPrinter(), _A4()
    ui.session.attach_output(ReceiptOutput(printer, a4, qr_keys=b"k" * 32, terminal_code="DM1"))
    steps = _business_steps()
    assert ui.driver.run(steps[:_split_at(steps, "submit") + 1]) == 0
    # the submission is committed whatever the printer does
    receipt = ui.journey.view().receipt
    assert receipt is not None and ui.core.outbox.find_by_tracking(receipt.tracking_no)
    assert printer.thread is not None and printer.thread != threading.main_thread().name
    view = ui.session.property("receipt")
    assert view["printState"] == "failed" and view["canPrintA4"]
    assert ui.driver.item("printStatus").property("text") == translate(
        "receipt.print_failed", "zh-Hans")
    assert ui.driver.item("receiptQr").property("width") > 0
    ui.driver.tap("printA4")
    qtbot.waitUntil(lambda: ui.session.property("receipt")["a4Text"] == translate(
        "receipt.a4_printed", "zh-Hans"))
    assert len(a4.jobs) == 1 and a4.jobs[0][0].startswith(b"%PDF")
    assert a4.jobs[0][1] == receipt.tracking_no
    ui.driver.settle()
    assert not ui.session.property("receipt")["canPrintA4"]
    assert any("device.printer.paper_out" in m for m in expect_logs.messages())


def test_a_required_device_down_takes_the_terminal_out_of_service_and_back(
        qapp: object, tmp_path: Path, qtbot: Any, expect_logs: LogCollector) -> None:
    ui = open_device_ui(qapp, tmp_path, extra=(
        "[devices.receipt_printer]\ndriver = \"simulated\"\npoll_interval_s = 0.1\n"))
    try:
        ui.driver.run([{"do": "start"}, {"do": "choose_language", "language": "en"}])
        printer = ui.devices.simulators["receipt_printer"]
        printer.paper_out()
        qtbot.waitUntil(lambda: ui.session.screen == "out_of_service", timeout=10000)
        ui.driver.settle()
        assert ui.driver.item("outOfServiceText").property("text") == translate(
            "journey.device_unavailable.receipt_printer", "zh-Hans")
        printer.recover()
        qtbot.waitUntil(lambda: ui.session.screen == "attract", timeout=10000)
    finally:
        ui.close()
    assert any("receipt_printer" in m for m in expect_logs.messages())


def test_a_card_that_cannot_be_read_is_explained_at_the_card_step(
        qapp: object, tmp_path: Path, qtbot: Any) -> None:
    ui = open_device_ui(qapp, tmp_path)
    try:
        steps = _business_steps()
        assert ui.driver.run(steps[:_split_at(steps, "insert_card")]) == 0
        assert ui.journey.state is State.IDENTIFY and not ui.session.property("error")
        reader = ui.devices.simulators["id_card_reader"]
        reader.remove_mid_read()  # the card leaves the reader halfway through the read
        reader.insert_card("resident")
        lang = ui.session.property("language")
        qtbot.waitUntil(lambda: ui.session.property("error")
                        == translate("device.idcard.removed", lang), timeout=15000)
        assert ui.journey.state is State.IDENTIFY  # place it again: the read then succeeds
        reader.insert_card("resident")
        # the view model gets the journey's snapshot through a queued signal: wait for that
        qtbot.waitUntil(lambda: ui.session.property("screen") == "form", timeout=15000)
        assert not ui.session.property("error")
    finally:
        ui.close()


# ---------------------------------------------------------------- card re-arm
FIND, READ = (0x20, 0x01), (0x30, 0x01)


class _CardRecorder:
    """The bridge's part that DeviceLink uses, recording what the card poll thread delivers."""

    def __init__(self) -> None:
        self.card_wanted = CardWanted()
        self.codes_wanted = threading.Event()
        self.cards: list[Any] = []
        self._changed = threading.Condition()

    def deliver_card(self, document: Any) -> None:
        with self._changed:
            self.cards.append(document)
            self._changed.notify_all()

    def deliver_card_error(self, key: str) -> None:
        raise AssertionError(f"unexpected card error {key}")

    def deliver_code(self, payload: str) -> None:
        return None

    def on_device_status(self, *change: object) -> None:
        return None

    def deliver_out_of_service(self, key: str) -> None:
        return None

    def deliver_back_in_service(self) -> None:
        return None

    def wait_cards(self, count: int, timeout: float = 15.0) -> list[Any]:
        with self._changed:
            self._changed.wait_for(lambda: len(self.cards) >= count, timeout)
            return list(self.cards)


def test_each_new_request_for_a_card_reads_the_card_on_the_reader_once(tmp_path: Path, qtbot: Any) -> None:
    """The poll thread over the real GA 467 driver on the simulator's pty: a card laid down for
    a new request is read at once even when the previous card's lift went unseen (no polls
    between requests), a card that stays is read once per request, a seen lift re-arms."""
    config = write_config(tmp_path, "demo")
    devices = open_devices(config, strict=False)
    link = DeviceLink(devices)
    bridge = _CardRecorder()
    link.start(bridge)  # type: ignore[arg-type]
    sim = devices.simulators["id_card_reader"]
    try:
        bridge.card_wanted.set()  # citizen 1's identify screen
        sim.insert_card("resident")
        assert [c.kind for c in bridge.wait_cards(1)] == ["resident_id"]
        # it stays on the reader while the screen still wants a card: read once, for ~3 s of
        # polls (longer than any "same card" time window would be)
        finds = sim.count(*FIND)
        qtbot.waitUntil(lambda: sim.count(*FIND) >= finds + 12, timeout=15000)
        assert sim.count(*READ) == 1 and len(bridge.cards) == 1

        # the screen moves on (no polls); citizen 1 takes the card and citizen 2 lays theirs at
        # once, and their identify screen wants a card right away
        bridge.card_wanted.clear()
        sim.remove_card()
        sim.insert_card("permit")
        bridge.card_wanted.set()
        assert [c.kind for c in bridge.wait_cards(2)][1] == "hk_macao_taiwan_permit"

        # citizen 2 at a later step (result pickup), the card never lifted: read again, once
        bridge.card_wanted.clear()
        bridge.card_wanted.set()
        assert [c.kind for c in bridge.wait_cards(3)][2] == "hk_macao_taiwan_permit"
        finds = sim.count(*FIND)
        qtbot.waitUntil(lambda: sim.count(*FIND) >= finds + 8, timeout=15000)
        assert sim.count(*READ) == 3 and len(bridge.cards) == 3

        # lifted while the screen wants a card (seen by a poll): the next card is read at once
        finds = sim.count(*FIND)
        sim.remove_card()
        qtbot.waitUntil(lambda: sim.count(*FIND) >= finds + 2, timeout=15000)
        sim.insert_card("foreigner")
        assert [c.kind for c in bridge.wait_cards(4)][3] == "foreigner_pr"

        # no screen wants a card: the reader is left alone
        bridge.card_wanted.clear()
        finds = sim.count(*FIND) + 1  # a poll may be under way
        sim.remove_card()
        sim.insert_card("resident")
        assert not sim.wait_for(*FIND, finds + 1, timeout=1.0) and len(bridge.cards) == 4
    finally:
        link.close()
        devices.close()


def test_the_card_on_the_reader_is_read_for_a_new_step_and_for_the_next_citizen(
        qapp: object, tmp_path: Path, qtbot: Any) -> None:
    """Through the real UI: the same citizen back at the identify step with the card still on
    the reader, and the next citizen whose card went down while nobody polled."""
    ui = open_device_ui(qapp, tmp_path)
    try:
        steps = _business_steps()
        to_identify = steps[:_split_at(steps, "insert_card")]
        assert ui.driver.run(to_identify) == 0
        reader = ui.devices.simulators["id_card_reader"]
        reader.insert_card("resident")  # and left there
        qtbot.waitUntil(lambda: ui.session.property("screen") == "form", timeout=15000)
        first = ui.journey.view().id_masked
        assert first and reader.count(*READ) == 1

        # back to the identify step at once: the card still there is read for it, once
        assert ui.driver.run([{"do": "back"}]) == 0
        qtbot.waitUntil(lambda: reader.count(*READ) == 2 and ui.session.property("screen") == "form",
                        timeout=15000)
        assert ui.journey.view().id_masked == first

        # the citizen gives up; their card is taken and the next citizen's laid down meanwhile
        reader.remove_card()
        reader.insert_card("permit")
        assert ui.driver.run([{"do": "home"}, {"do": "cancel"}, *to_identify]) == 0
        qtbot.waitUntil(lambda: ui.session.property("screen") == "form", timeout=15000)
        second = ui.journey.view().id_masked
        assert second and second != first and reader.count(*READ) == 3
    finally:
        ui.close()
