from __future__ import annotations

import logging
import threading
from pathlib import Path

from kiosk.devices.health import (
    STATUS_TIMEOUT,
    DeviceHealth,
    HealthMonitor,
    HealthPublisher,
    read_health_file,
)
from kiosk.devices.status import OK, DeviceError, DeviceState, DeviceStatus
from tests.conftest import LogCollector

PAPER_OUT = DeviceStatus(DeviceState.PAPER_OUT, "device.printer.paper_out")
PAPER_LOW = DeviceStatus(DeviceState.PAPER_LOW, "device.printer.paper_low")


class ScriptedSource:
    """A typed fake device: answers with whatever the test sets, or blocks, or raises."""

    def __init__(self, status: DeviceStatus = OK) -> None:
        self.next = status
        self.block = threading.Event()
        self.blocking = False
        self.error: Exception | None = None
        self.calls = 0

    def status(self) -> DeviceStatus:
        self.calls += 1
        if self.blocking:
            self.block.wait(5)
        if self.error is not None:
            raise self.error
        return self.next


def test_notifies_on_change_only_and_logs_once(expect_logs: LogCollector) -> None:
    source = ScriptedSource()
    monitor = HealthMonitor("receipt_printer", source, timeout_s=1)
    changes: list[tuple[str, str]] = []
    monitor.subscribe(lambda name, old, new: changes.append((old.state, new.state)))
    logging.getLogger("kiosk.devices.health").setLevel(logging.INFO)
    monitor.poll_once()
    monitor.poll_once()
    source.next = PAPER_OUT
    monitor.poll_once()
    monitor.poll_once()
    source.next = DeviceStatus(DeviceState.OFFLINE, "device.printer.offline")
    monitor.poll_once()  # still failing: a change, but no second failure log
    source.next = OK
    monitor.poll_once()
    assert changes == [("unknown", "ok"), ("ok", "paper_out"), ("paper_out", "offline"), ("offline", "ok")]
    warnings = [m for m in expect_logs.messages() if "receipt_printer" in m]
    assert len(warnings) == 1 and "paper_out" in warnings[0]


def test_paper_low_is_usable_unknown_is_not(expect_logs: LogCollector) -> None:
    source = ScriptedSource(PAPER_LOW)
    health = DeviceHealth({"receipt_printer": HealthMonitor("receipt_printer", source)})
    health.poll_all()
    assert health.available("receipt_printer")
    assert not health.available("camera")  # no monitor: not available
    source.next = DeviceStatus(DeviceState.UNKNOWN, "device.printer.unknown")
    health.poll_all()
    assert not health.available("receipt_printer")


def test_a_hanging_driver_times_out_as_unknown(expect_logs: LogCollector) -> None:
    source = ScriptedSource()
    source.blocking = True
    monitor = HealthMonitor("id_card_reader", source, timeout_s=0.05)
    try:
        assert monitor.poll_once() == STATUS_TIMEOUT
        # the stuck call is not piled up: no new driver call while it hangs
        assert monitor.poll_once() == STATUS_TIMEOUT
        assert source.calls == 1
    finally:
        source.block.set()


def test_a_raising_driver_is_a_fault_with_its_key(expect_logs: LogCollector) -> None:
    source = ScriptedSource()
    source.error = DeviceError("device.idcard.offline", "/dev/ttyUSB0 missing")
    monitor = HealthMonitor("id_card_reader", source)
    status = monitor.poll_once()
    assert status.state is DeviceState.FAULT and status.reason == "device.idcard.offline"


def test_required_down_and_thread_polling(expect_logs: LogCollector) -> None:
    printer = ScriptedSource(PAPER_OUT)
    camera = ScriptedSource()
    seen = threading.Event()
    health = DeviceHealth({
        "receipt_printer": HealthMonitor("receipt_printer", printer, interval_s=0.01),
        "camera": HealthMonitor("camera", camera, interval_s=0.01, required=False),
    })
    health.subscribe(lambda name, old, new: seen.set() if name == "receipt_printer" else None)
    health.start()
    try:
        assert seen.wait(2)
    finally:
        health.stop()
    assert health.required_down() == ["receipt_printer"]
    camera.next = DeviceStatus(DeviceState.OFFLINE)
    health.poll_all()
    assert health.required_down() == ["receipt_printer"]  # the camera is optional here


def test_a_stopped_publisher_writes_no_more_health(tmp_path: Path, expect_logs: LogCollector) -> None:
    """The app stops the publisher before the device monitors: a change announced in between
    must not bring the health file back (kiosk sync would report a stopped app as running)."""
    source = ScriptedSource()
    health = DeviceHealth({"receipt_printer": HealthMonitor("receipt_printer", source)})
    publisher = HealthPublisher(health, tmp_path, refresh_s=60).start()
    health.poll_all()
    assert read_health_file(tmp_path) is not None
    publisher.stop()
    assert read_health_file(tmp_path) is None
    source.next = PAPER_OUT
    health.poll_all()  # a change after stop()
    assert read_health_file(tmp_path) is None
    publisher.start()  # started again (a restart in-process): publishes again
    publisher.write()  # (its thread's first write may come later than this line)
    assert read_health_file(tmp_path) is not None
    publisher.stop()
