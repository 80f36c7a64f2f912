"""HidWedgeScanner's reader thread over an input-event pipe: grab/ungrab, end by timeout, unplug
and reconnect, a missing node. (The contract suite covers payloads; uinput runs there when
/dev/uinput exists.)"""

from __future__ import annotations

import queue

import pytest

from kiosk.devices.scanner.hid_wedge import HidWedgeScanner, events_for_text
from kiosk.devices.scanner.port import ScanResult
from kiosk.devices.status import DeviceOffline, DeviceState
from tests.conftest import LogCollector
from tests.contract.camera.media import wait_until
from tests.contract.scanner.rigs import HidRecordedRig


def test_grabbed_while_running_and_released_on_stop() -> None:
    rig = HidRecordedRig()
    rig.start()
    device = rig.device
    assert device.grabbed
    rig.close()
    assert not device.grabbed and device.closed


def test_end_of_scan_by_silence() -> None:
    rig = HidRecordedRig()
    rig.start()
    try:
        rig.inject(events_for_text("NO-ENTER-42", enter=False))
        assert rig.result(timeout=2).text == "NO-ENTER-42"
    finally:
        rig.close()


def test_a_scan_split_across_reads() -> None:
    rig = HidRecordedRig()
    rig.start()
    try:
        events = events_for_text("SPLIT-SCAN")
        rig.inject(events[:9])
        rig.inject(events[9:])
        assert rig.result().text == "SPLIT-SCAN"
    finally:
        rig.close()


def test_unplug_goes_offline_and_replug_reconnects(expect_logs: LogCollector) -> None:
    rig = HidRecordedRig()
    rig.start()
    try:
        first = rig.device
        first.unplug()
        wait_until(lambda: len(rig.devices) >= 2, timeout=3, what="reopen")
        wait_until(lambda: rig.scanner.status().state is DeviceState.OK, timeout=3, what="OK again")
        assert first.closed and rig.device.grabbed
        rig.send(b"AFTER-REPLUG")
        assert rig.result().text == "AFTER-REPLUG"
    finally:
        rig.close()
    assert any("unplugged" in m for m in expect_logs.messages())


def test_missing_node_fails_at_start_naming_it(tmp_path: object) -> None:
    scanner = HidWedgeScanner("/dev/input/by-id/no-such-scanner-event-kbd")
    results: queue.Queue[ScanResult] = queue.Queue()
    with pytest.raises(DeviceOffline) as err:
        scanner.start(results.put)
    assert err.value.key == "device.scanner.offline"
    assert "no-such-scanner" in err.value.detail
    assert scanner.status().state is DeviceState.OFFLINE
