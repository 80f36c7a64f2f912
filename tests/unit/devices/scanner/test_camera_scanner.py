"""CameraScanner over a FileCamera showing rendered codes: de-duplication, status, factory."""

from __future__ import annotations

import queue
import threading
import time

from kiosk.devices.camera import FileCamera
from kiosk.devices.config import CameraScannerConfig, HidScannerConfig, SerialScannerConfig
from kiosk.devices.scanner import SimulatedScanner, build_scanner
from kiosk.devices.scanner.camera_decode import CameraScanner
from kiosk.devices.scanner.decoders import ZxingDecoder
from kiosk.devices.scanner.hid_wedge import HidWedgeScanner
from kiosk.devices.scanner.port import ScanResult
from kiosk.devices.scanner.serial_scanner import SerialScanner
from kiosk.devices.status import DeviceState
from tests.contract.camera.media import wait_until
from tests.contract.scanner.render import in_frame, qr_image


def test_a_code_held_in_view_counts_once_and_again_after_leaving() -> None:
    camera = FileCamera(fps=60, size=(640, 480))
    scanner = CameraScanner(camera, ZxingDecoder(), dedup_window_s=0.3)
    results: queue.Queue[ScanResult] = queue.Queue()
    camera.start()
    scanner.start(results.put)
    try:
        camera.show_image(in_frame(qr_image(b"HELD")))
        assert results.get(timeout=5).text == "HELD"
        start = scanner.frames_decoded
        wait_until(lambda: scanner.frames_decoded >= start + 10, what="10 more frames")
        assert results.empty()  # still in view: no repeat
        camera.show_image(None)  # out of view for longer than the window
        gone = scanner.frames_decoded
        wait_until(lambda: scanner.frames_decoded >= gone + 30, what="30 frames without it")
        camera.show_image(in_frame(qr_image(b"HELD")))
        assert results.get(timeout=5).text == "HELD"
        assert scanner.status().state is DeviceState.OK
        camera.stop_frames()
        assert scanner.status().state is DeviceState.OFFLINE  # as good as its camera
    finally:
        scanner.stop()
        camera.stop()


def test_a_gated_scanner_decodes_only_while_a_screen_wants_codes_or_diagnostics_holds_it() -> None:
    camera = FileCamera(fps=60, size=(640, 480))
    scanner = CameraScanner(camera, ZxingDecoder(), dedup_window_s=0.3)
    wanted = threading.Event()
    scanner.gate(wanted)
    results: queue.Queue[ScanResult] = queue.Queue()
    camera.start()
    scanner.start(results.put)
    try:
        camera.show_image(in_frame(qr_image(b"NOT-NOW")))
        wait_until(lambda: camera.latest() is not None and camera.latest().seq > 20, what="20 frames")
        time.sleep(0.2)
        assert scanner.frames_decoded == 0 and results.empty()  # no screen takes a code
        wanted.set()  # e.g. the status-check screen
        assert results.get(timeout=5).text == "NOT-NOW"
        wanted.clear()
        time.sleep(0.2)  # the frame in hand is finished
        stopped = scanner.frames_decoded
        time.sleep(0.3)
        assert scanner.frames_decoded == stopped
        scanner.hold(True)  # diagnostics' scan test, whatever screen is behind it
        wait_until(lambda: scanner.frames_decoded > stopped + 5, what="decoding while held")
        scanner.hold(False)
        time.sleep(0.2)
        released = scanner.frames_decoded
        time.sleep(0.3)
        assert scanner.frames_decoded == released
        scanner.gate(None)  # ungated: every frame
        wait_until(lambda: scanner.frames_decoded > released + 5, what="decoding ungated")
    finally:
        scanner.stop()
        camera.stop()


def test_build_scanner_chooses_by_driver() -> None:
    camera = FileCamera()
    scanner, sim = build_scanner(CameraScannerConfig(driver="simulated"), camera)
    assert isinstance(scanner, SimulatedScanner) and sim is scanner
    scanner, sim = build_scanner(CameraScannerConfig(driver="camera", decoder="pyzbar"), camera)
    assert isinstance(scanner, CameraScanner) and sim is None
    scanner, sim = build_scanner(HidScannerConfig(driver="hid", device="/dev/input/event9"), camera)
    assert isinstance(scanner, HidWedgeScanner) and sim is None
    scanner, sim = build_scanner(SerialScannerConfig(driver="serial"), camera)
    assert isinstance(scanner, SerialScanner) and sim is None


def test_simulator_states() -> None:
    sim = SimulatedScanner()
    assert sim.status().state is DeviceState.OFFLINE
    assert not sim.show_code("dropped")  # not started
    got: list[ScanResult] = []
    sim.start(got.append)
    assert sim.status().state is DeviceState.OK
    sim.unplug()
    assert sim.status().state is DeviceState.OFFLINE and not sim.show_code("x")
    sim.replug()
    assert sim.show_code("5901234123457", symbology="EAN13")
    assert got[0].symbology == "EAN13" and got[0].source == "simulated" and got[0].decoder is None
