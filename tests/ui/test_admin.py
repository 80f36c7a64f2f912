"""Admin mode through the real UI: the hidden long press, the PIN pad (argon2 off the GUI
thread, the lockout), the diagnostics screen (device rows, queue depth, live tests showing no
personal value), the retry-parked action, every step audited, the citizen session wiped first."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from kiosk.admin import AdminPin, AdminPolicy, AuditLog, admin_paths
from kiosk.app import build_keyring
from kiosk.demo import simulated_card
from kiosk.devices.health import DeviceHealth, HealthMonitor
from kiosk.devices.idcard.port import CardRead
from kiosk.devices.scanner.port import ScanResult
from kiosk.devices.status import DeviceState, DeviceStatus
from kiosk.diagnostics import DeviceErrorHistory
from kiosk.journey import State
from kiosk.messages import translate
from kiosk.ui.driver import find_item, walk_items
from kiosk.ui.models.admin import AdminServices, DeviceTest
from tests.conftest import LogCollector
from tests.factories import make_submission
from tests.ui.harness import Ui, item_texts, open_ui

PIN = "246810"
# cheap argon2 parameters: the same code path, milliseconds instead of a second
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


class FakeDevice:
    def __init__(self, status: DeviceStatus) -> None:
        self.current = status

    def status(self) -> DeviceStatus:
        return self.current


@dataclasses.dataclass
class Admin:
    ui: Ui
    audit: AuditLog
    services: AdminServices
    devices: dict[str, FakeDevice]
    restarts: list[int]

    @property
    def model(self) -> Any:
        return self.ui.window.admin


@pytest.fixture
def admin(qapp: object, tmp_path: Path) -> Iterator[Admin]:
    ui = open_ui(qapp, tmp_path)
    data_dir = ui.config.paths.data_dir
    state_file, audit_file = admin_paths(data_dir)
    audit = AuditLog(audit_file)
    pin = AdminPin(build_keyring(ui.config), state_file, audit,
                   policy=AdminPolicy(max_attempts=5, lockout_s=900), hasher=FAST_HASHER)
    pin.set_pin(PIN, actor="test")
    devices = {
        "id_card_reader": FakeDevice(DeviceStatus(DeviceState.OK)),
        "code_scanner": FakeDevice(DeviceStatus(DeviceState.OK)),
        "receipt_printer": FakeDevice(DeviceStatus(DeviceState.OK)),
    }
    health = DeviceHealth({name: HealthMonitor(name, dev, interval_s=60, timeout_s=2,
                                               required=name != "receipt_printer")
                           for name, dev in devices.items()})
    history = DeviceErrorHistory()
    health.poll_all()
    history.attach(health)
    # the printer ran out of paper earlier and was refilled: diagnostics shows the last error
    history.on_change("receipt_printer", DeviceStatus(DeviceState.OK), DeviceStatus(
        DeviceState.PAPER_OUT, "device.printer.paper_out", "DLE EOT 4 -> 0x72"))
    card = simulated_card("resident")
    restarts: list[int] = []
    services = AdminServices(
        pin=pin, audit=audit, outbox=ui.core.outbox, terminal_id=ui.config.terminal.id,
        data_dir=data_dir, health=health, history=history, log_lines=ui.core.ring.lines,
        device_tests={
            "id_card_reader": DeviceTest("card", lambda: CardRead(card, b"\x01wlt-photo")),
            "code_scanner": DeviceTest("scan", lambda: ScanResult(
                text=card.number, raw=card.number.encode(), symbology="QRCode", source="camera")),
        },
        restart=restarts.append,
    )
    ui.window.admin.long_press_s = 0.3  # the kiosk's 3 s, shortened
    ui.window.admin.set_services(services)
    try:
        yield Admin(ui, audit, services, devices, restarts)
    finally:
        ui.close()


# ---------------------------------------------------------------- helpers


def _visible(ui: Ui, name: str) -> QQuickItem | None:
    return find_item(ui.window.root, name)


def _long_press(qtbot: QtBot, a: Admin) -> None:
    view = a.ui.window.view
    QTest.mousePress(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(8, 8))
    qtbot.waitUntil(lambda: _visible(a.ui, "pinPad") is not None, timeout=5000)
    QTest.mouseRelease(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(8, 8))


def _enter_pin(qtbot: QtBot, a: Admin, pin: str) -> None:
    for digit in pin:
        a.ui.driver.tap(f"pinKey_{digit}")
    assert a.model.pinLength == len(pin)
    a.ui.driver.tap("pinOk")
    qtbot.waitUntil(lambda: not a.model.pinBusy, timeout=10_000)


def _text(item: QQuickItem) -> str:
    value = item.property("text")
    return str(value) if value is not None else ""




def _screen_text(a: Admin) -> str:
    return "".join(t for item in walk_items(a.ui.window.root) for t in item_texts(item))


def _model_text(a: Admin) -> str:
    meta = a.model.metaObject()
    return json.dumps([meta.property(i).read(a.model) for i in range(meta.propertyCount())],
                      ensure_ascii=False, default=str)


def _enter_admin(qtbot: QtBot, a: Admin) -> None:
    _long_press(qtbot, a)
    _enter_pin(qtbot, a, PIN)
    qtbot.waitUntil(lambda: _visible(a.ui, "diagnostics") is not None, timeout=5000)
    qtbot.waitUntil(lambda: a.model.report() is not None and _visible(
        a.ui, "diagDevice_id_card_reader") is not None, timeout=10_000)


def _actions(a: Admin) -> list[tuple[str, str]]:
    return [(e["action"], e["outcome"]) for e in a.audit.entries()]


# ---------------------------------------------------------------- tests


def test_long_press_in_the_corner_opens_the_pin_pad(qtbot: QtBot, admin: Admin) -> None:
    assert _visible(admin.ui, "pinPad") is None
    _long_press(qtbot, admin)
    assert admin.model.mode == "pin"
    for digit in "12":
        admin.ui.driver.tap(f"pinKey_{digit}")
    assert admin.model.pinLength == 2
    assert PIN not in _screen_text(admin)  # dots only
    admin.ui.driver.tap("pinCancel")
    qtbot.waitUntil(lambda: _visible(admin.ui, "pinPad") is None, timeout=5000)
    assert admin.model.mode == "off"


def test_five_wrong_pins_lock_the_entry(qtbot: QtBot, admin: Admin, expect_logs: LogCollector
                                        ) -> None:
    _long_press(qtbot, admin)
    lang = admin.ui.journey.view().language
    for attempt in range(1, 5):
        _enter_pin(qtbot, admin, "135797")
        message = _text(admin.ui.driver.item("pinMessage"))
        assert message.startswith(translate("admin.wrong", lang)), message
        assert message.endswith(f"({5 - attempt})")
        assert admin.model.mode == "pin"
    _enter_pin(qtbot, admin, "135797")
    assert _text(admin.ui.driver.item("pinMessage")) == translate("admin.locked", lang)
    assert admin.model.locked
    # even the right PIN is refused while locked
    _enter_pin(qtbot, admin, PIN)
    assert admin.model.mode == "pin"
    assert _text(admin.ui.driver.item("pinMessage")) == translate("admin.locked", lang)
    entries = [x for x in _actions(admin) if x[0] == "admin.entry"]
    assert entries == [("admin.entry", "wrong")] * 4 + [("admin.entry", "locked")] * 2
    assert any("admin entry locked" in m for m in expect_logs.messages())
    raw = admin.audit.path.read_text(encoding="utf-8")
    assert PIN not in raw and "135797" not in raw


def _seed_session(a: Admin) -> None:
    d = a.ui.driver
    d.perform("start", {})
    d.perform("choose_language", {"language": "zh-Hans"})
    d.perform("choose_apply", {})
    d.perform("search", {"query": "gssldj"})
    d.perform("select_item", {"code": "44030400SC-XK-0001"})
    d.perform("begin_application", {})
    d.perform("insert_card", {"card": "resident"})
    assert a.ui.journey.state is State.FORM
    assert a.ui.journey.personal_values()


def test_right_pin_wipes_the_session_and_shows_diagnostics(qtbot: QtBot, admin: Admin) -> None:
    admin.ui.core.outbox.enqueue(make_submission(n_attachments=1, size=100))
    _seed_session(admin)
    seeds = simulated_card("resident").personal_values()
    _enter_admin(qtbot, admin)
    # the citizen session was wiped before anything of admin mode showed
    assert admin.ui.journey.state is State.ATTRACT
    assert admin.ui.journey.personal_values() == []
    assert admin.ui.session.view().state is State.ATTRACT
    assert ("admin.entry", "ok") in _actions(admin)
    # a row per device, with status and the last error
    for name in ("id_card_reader", "code_scanner", "receipt_printer"):
        assert _visible(admin.ui, f"diagDevice_{name}") is not None
    printer = _visible(admin.ui, "diagDevice_receipt_printer")
    assert printer is not None
    assert "paper_out" in "".join(_text(i) for i in walk_items(printer))
    queue = _text(admin.ui.driver.item("diagQueue"))
    assert admin.model.unsent == 1 and "1" in queue
    assert _visible(admin.ui, "diagCheck_link") is not None
    assert not admin.ui.driver.item("diagForceSync").isEnabled()  # no sync worker here
    assert _visible(admin.ui, "diagSyncDisabled") is not None

    # live tests: a card read and a scan show only non-personal fields
    admin.ui.driver.tap("diagTest_id_card_reader")
    qtbot.waitUntil(lambda: admin.model.test_results().get("id_card_reader", {}).get(
        "running") is False, timeout=5000)
    qtbot.waitUntil(lambda: "resident_id" in _text(admin.ui.driver.item(
        "diagResult_id_card_reader")), timeout=5000)
    admin.ui.driver.tap("diagTest_code_scanner")
    qtbot.waitUntil(lambda: "QRCode" in _text(admin.ui.driver.item("diagResult_code_scanner")),
                    timeout=5000)
    on_screen, in_model = _screen_text(admin), _model_text(admin)
    for value in seeds:
        assert value not in on_screen, value
        assert value not in in_model, value
    assert ("admin.device_test", "ok") in _actions(admin)

    admin.ui.driver.tap("diagLeave")
    qtbot.waitUntil(lambda: _visible(admin.ui, "diagnostics") is None, timeout=5000)
    assert _actions(admin)[-1] == ("admin.exit", "ok")


def test_retry_parked_requeues_a_refused_submission(qtbot: QtBot, admin: Admin) -> None:
    outbox = admin.ui.core.outbox
    receipt = outbox.enqueue(make_submission(n_attachments=1, size=100))
    row = outbox.find_by_tracking(receipt.tracking_no)
    assert row is not None
    outbox.transition(row.uuid, "rejected", reason="form schema v3 expected")
    _enter_admin(qtbot, admin)
    assert admin.model.parked == 1
    admin.ui.driver.tap("diagRetryParked")
    qtbot.waitUntil(lambda: ("admin.retry_parked", "ok") in _actions(admin), timeout=5000)
    after = outbox.find_by_tracking(receipt.tracking_no)
    assert after is not None and after.status == "queued"
    entry = next(e for e in admin.audit.entries() if e["action"] == "admin.retry_parked")
    assert entry["detail"]["count"] == 1
    qtbot.waitUntil(lambda: admin.model.parked == 0 and admin.model.unsent == 1, timeout=10_000)
    assert _text(admin.ui.driver.item("diagActionMessage")) == translate(
        "admin.retried", admin.ui.journey.view().language)
    ok, _count = admin.audit.verify()
    assert ok


def test_restart_exits_non_zero_and_is_audited(qtbot: QtBot, admin: Admin) -> None:
    _enter_admin(qtbot, admin)
    admin.ui.driver.tap("diagRestart")
    assert admin.restarts == [75]
    assert ("admin.restart_app", "ok") in _actions(admin)


def test_safe_test_results_keep_only_non_personal_fields() -> None:
    import datetime as dt

    from kiosk.ui.models.admin import safe_test_result

    card = simulated_card("resident")
    safe = safe_test_result("card", CardRead(card, b"photo"), today=dt.date(2026, 11, 25))
    assert set(safe) == {"ok", "kind", "validity"}
    assert safe["kind"] == "resident_id"
    assert safe["validity"] in ("valid", "expired", "long_term")
    scan = safe_test_result("scan", ScanResult(text=card.number, raw=card.number.encode(),
                                               symbology="QRCode", source="camera"))
    assert scan == {"ok": True, "symbology": "QRCode", "length": len(card.number)}
    text = json.dumps([safe, scan], ensure_ascii=False)
    assert not any(v in text for v in card.personal_values())
    assert safe_test_result("card", None)["ok"] is False


# ---------------------------------------------------------------- change PIN, write report


def _change_entry(qtbot: QtBot, a: Admin, digits: str, *, wait: bool = False) -> None:
    for digit in digits:
        a.ui.driver.tap(f"changeKey_{digit}")
    assert a.model.changeLength == len(digits)
    a.ui.driver.tap("changeOk")
    if wait:
        qtbot.waitUntil(lambda: not a.model.changeBusy, timeout=10_000)


def _change_message(a: Admin) -> str:
    return _text(a.ui.driver.item("changePinMessage"))


def test_change_pin_on_the_admin_screen(qtbot: QtBot, admin: Admin) -> None:
    lang = admin.ui.journey.view().language
    _enter_admin(qtbot, admin)
    admin.ui.driver.tap("diagChangePin")
    qtbot.waitUntil(lambda: _visible(admin.ui, "changePin") is not None, timeout=5000)
    assert admin.model.changeStage == "current"
    # a new PIN that breaks the policy: refused, asked again (the current PIN was not used up)
    _change_entry(qtbot, admin, PIN)
    _change_entry(qtbot, admin, "123456")
    _change_entry(qtbot, admin, "123456", wait=True)
    assert admin.model.changeStage == "new"
    assert _change_message(admin) == translate("admin.pin_weak", lang)
    # the repeat differs: only the new PIN again
    _change_entry(qtbot, admin, "135792")
    _change_entry(qtbot, admin, "135799")
    assert admin.model.changeStage == "new"
    assert _change_message(admin) == translate("admin.pin_mismatch", lang)
    assert PIN not in _screen_text(admin) and "135792" not in _screen_text(admin)  # dots only
    _change_entry(qtbot, admin, "135792")
    _change_entry(qtbot, admin, "135792", wait=True)
    qtbot.waitUntil(lambda: _visible(admin.ui, "changePin") is None, timeout=5000)
    assert _text(admin.ui.driver.item("diagActionMessage")) == translate("admin.pin_changed", lang)
    assert admin.services.pin.verify("135792").ok
    actions = _actions(admin)
    assert ("admin.pin_change", "refused") in actions and ("admin.pin_changed", "ok") in actions
    raw = admin.audit.path.read_text(encoding="utf-8")
    assert PIN not in raw and "135792" not in raw and "123456" not in raw
    assert admin.audit.verify()[0]


def test_a_wrong_current_pin_is_counted_and_asked_again(qtbot: QtBot, admin: Admin) -> None:
    lang = admin.ui.journey.view().language
    _enter_admin(qtbot, admin)
    admin.ui.driver.tap("diagChangePin")
    qtbot.waitUntil(lambda: _visible(admin.ui, "changePin") is not None, timeout=5000)
    _change_entry(qtbot, admin, "999999")
    _change_entry(qtbot, admin, "135792")
    _change_entry(qtbot, admin, "135792", wait=True)
    assert admin.model.changeStage == "current"
    assert _change_message(admin) == f"{translate('admin.wrong', lang)} (4)"
    assert admin.services.pin.lock_state().failures == 1
    admin.ui.driver.tap("changeCancel")
    qtbot.waitUntil(lambda: _visible(admin.ui, "changePin") is None, timeout=5000)
    assert admin.services.pin.verify(PIN).ok


class FakeA4:
    def __init__(self) -> None:
        self.jobs: list[tuple[bytes, str]] = []

    def print_pdf(self, pdf: bytes, title: str) -> str:
        self.jobs.append((pdf, title))
        return f"job-{len(self.jobs)}"


def _with_a4(admin: Admin, tmp_path: Path, *, mounted: bool, a4_status: DeviceStatus
             ) -> tuple[FakeA4, Path]:
    a4 = FakeA4()
    usb = tmp_path / "usb"
    usb.mkdir(exist_ok=True)
    health = admin.services.health
    health.add(HealthMonitor("a4_printer", FakeDevice(a4_status), interval_s=60, required=False))
    health.poll_all()
    admin.model.set_services(dataclasses.replace(admin.services, report_dir=usb, print_pdf=a4.print_pdf,
                                                 is_mounted=lambda _p: mounted))
    return a4, usb


def test_write_report_to_the_usb_stick_and_print_it(qtbot: QtBot, admin: Admin, tmp_path: Path) -> None:
    lang = admin.ui.journey.view().language
    a4, usb = _with_a4(admin, tmp_path, mounted=True, a4_status=DeviceStatus(DeviceState.OK))
    _seed_session(admin)  # personal data in the journey: wiped before the report
    seeds = simulated_card("resident").personal_values()
    _enter_admin(qtbot, admin)
    admin.ui.driver.tap("diagWriteReport")
    qtbot.waitUntil(lambda: any(x[0] == "admin.diagnostics_report" for x in _actions(admin)),
                    timeout=20_000)
    [pdf] = list(usb.glob("diag-*.pdf"))
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert a4.jobs == [(data, "kiosk diagnostics report")]
    entry = next(e for e in admin.audit.entries() if e["action"] == "admin.diagnostics_report")
    assert entry["outcome"] == "ok" and entry["detail"]["where"] == "usb" and entry["detail"]["printed"]
    qtbot.waitUntil(lambda: _visible(admin.ui, "diagReportPath") is not None, timeout=5000)
    assert _text(admin.ui.driver.item("diagActionMessage")) == translate("admin.report_printed", lang)
    assert str(pdf) in _text(admin.ui.driver.item("diagReportPath"))
    text = "".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
    assert admin.ui.config.terminal.id in text
    for value in seeds:
        assert str(value) not in text


def test_write_report_without_a_stick_goes_to_the_data_dir(qtbot: QtBot, admin: Admin,
                                                          tmp_path: Path, expect_logs: LogCollector
                                                          ) -> None:
    a4, usb = _with_a4(admin, tmp_path, mounted=False,
                       a4_status=DeviceStatus(DeviceState.OFFLINE, "device.a4.offline"))
    _enter_admin(qtbot, admin)
    admin.ui.driver.tap("diagWriteReport")
    qtbot.waitUntil(lambda: any(x[0] == "admin.diagnostics_report" for x in _actions(admin)),
                    timeout=20_000)
    assert list(usb.glob("*.pdf")) == []
    reports = list((admin.ui.config.paths.data_dir / "reports").glob("diag-*.pdf"))
    assert len(reports) == 1
    assert a4.jobs == []  # the A4 printer is down: not printed
    entry = next(e for e in admin.audit.entries() if e["action"] == "admin.diagnostics_report")
    assert entry["detail"]["where"] == "data" and entry["detail"]["printed"] is False


def test_the_nightly_catalogue_refresh_lands_on_the_gui_thread(qtbot: QtBot, admin: Admin) -> None:
    """The maintenance thread loads the catalogue; the journey gets it on the GUI thread."""
    import threading

    from kiosk.app import open_catalog

    journey = admin.ui.journey
    loaded = open_catalog(admin.ui.config)
    refresh = admin.model.catalog_refresher(lambda: loaded)
    versions: list[str] = []
    worker = threading.Thread(target=lambda: versions.append(refresh()), name="maintenance")
    worker.start()
    worker.join(10)
    assert versions == [str(loaded.version)]
    qtbot.waitUntil(lambda: journey.catalog is loaded, timeout=5000)


def test_the_running_ui_keeps_the_session_flag(qtbot: QtBot, admin: Admin) -> None:
    """Through the real screens: the flag the timer honours exists exactly while a citizen
    session is open (AppOperations attaches maintenance to the window's journey in run_kiosk)."""
    from kiosk.diagnostics.runtime import AppOperations
    from kiosk.maintenance import maintenance_paths

    ui = admin.ui
    flag = maintenance_paths(ui.config.paths.data_dir)[1]
    ops = AppOperations(ui.config, ui.core.outbox, ui.journey, health=None)
    try:
        assert not flag.exists()
        ui.driver.perform("start", {})
        ui.driver.perform("choose_language", {"language": "en"})
        assert ui.journey.state is State.HOME and flag.exists()
        ui.driver.perform("cancel", {})  # the session ends (wiped)
        qtbot.waitUntil(lambda: ui.journey.state is State.ATTRACT, timeout=5000)
        assert not flag.exists()
        # entering admin mode wipes a session: the flag goes with it
        _seed_session(admin)
        assert flag.exists()
        _enter_admin(qtbot, admin)
        assert not flag.exists()
    finally:
        ops.stop()
