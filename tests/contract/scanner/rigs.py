"""One rig per scanner implementation. Each owns a real channel where the machine has one:
camera frames decoded by pyzbar / zxing-cpp (codes rendered into a FileCamera), a pseudo-terminal
pair for the serial scanner, an input-event pipe (recorded evdev events) or a uinput device for
the HID wedge, and the simulator. ``send(raw)`` puts a payload on the channel; results and
rejections arrive on queues."""

from __future__ import annotations

import collections
import contextlib
import os
import queue
import threading
import time
import tty
from typing import Any

import evdev
from evdev import ecodes

from kiosk.devices.camera import FileCamera
from kiosk.devices.scanner.camera_decode import CameraScanner
from kiosk.devices.scanner.decoders import PyzbarDecoder, ZxingDecoder
from kiosk.devices.scanner.hid_wedge import HidWedgeScanner, KeyEvent, events_for_text
from kiosk.devices.scanner.port import CodeScanner, ScanError, ScanResult
from kiosk.devices.scanner.serial_scanner import SerialScanner
from kiosk.devices.scanner.simulated import SimulatedScanner
from tests.contract.scanner.render import in_frame, qr_image

MAX_BYTES = 128
UINPUT = os.path.exists("/dev/uinput") and os.access("/dev/uinput", os.W_OK)  # noqa: PTH110


class Rig:
    name = "base"
    carries_non_ascii = True
    source = "simulated"

    def __init__(self) -> None:
        self.results: queue.Queue[ScanResult] = queue.Queue()
        self.errors: queue.Queue[ScanError] = queue.Queue()
        self.scanner: CodeScanner

    def start(self) -> None:
        self.scanner.start(self.results.put, self.errors.put)

    def send(self, raw: bytes) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self.scanner.stop()

    def result(self, timeout: float = 5.0) -> ScanResult:
        return self.results.get(timeout=timeout)

    def error(self, timeout: float = 5.0) -> ScanError:
        return self.errors.get(timeout=timeout)


class CameraRig(Rig):
    source = "camera"

    def __init__(self, decoder: str) -> None:
        super().__init__()
        self.name = f"camera+{decoder}"
        self.camera = FileCamera(fps=30, size=(640, 480), stall_timeout_ms=1000)
        dec = PyzbarDecoder() if decoder == "pyzbar" else ZxingDecoder()
        self.scanner = self.camera_scanner = CameraScanner(self.camera, dec, max_payload_bytes=MAX_BYTES)
        self.camera.start()

    def send(self, raw: bytes) -> None:
        self.camera.show_image(in_frame(qr_image(raw)))

    def close(self) -> None:
        super().close()
        self.camera.stop()


class SerialPtyRig(Rig):
    """A real pseudo-terminal pair, both ends raw; the scanner opens the slave path with pyserial."""

    name = "serial-pty"
    source = "serial"

    def __init__(self) -> None:
        super().__init__()
        self.master, self.slave = os.openpty()
        tty.setraw(self.master)
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self.scanner = SerialScanner(self.path, max_payload_bytes=MAX_BYTES)

    def send(self, raw: bytes) -> None:
        self.write(raw + b"\r\n")

    def write(self, data: bytes) -> None:
        os.write(self.master, data)

    def close(self) -> None:
        super().close()
        os.close(self.master)
        os.close(self.slave)


class PipeInputDevice:
    """Stands in for ``evdev.InputDevice``: a pipe makes it selectable, ``read()`` returns real
    ``evdev.InputEvent`` objects from recorded (type, code, value) tuples."""

    def __init__(self) -> None:
        self._r, self._w = os.pipe()
        os.set_blocking(self._r, False)
        self._events: collections.deque[evdev.InputEvent] = collections.deque()
        self._lock = threading.Lock()
        self.grabbed = False
        self.closed = False
        self.gone = False

    def inject(self, events: list[KeyEvent]) -> None:
        now = time.time()
        sec, usec = int(now), int((now % 1) * 1e6)
        with self._lock:
            self._events.extend(evdev.InputEvent(sec, usec, t, c, v) for t, c, v in events)
        os.write(self._w, b"\0")

    def unplug(self) -> None:
        self.gone = True
        os.write(self._w, b"\0")

    def fileno(self) -> int:
        return self._r

    def read(self) -> list[Any]:
        with contextlib.suppress(BlockingIOError):
            os.read(self._r, 4096)
        if self.gone:
            raise OSError(19, "No such device")
        with self._lock:
            events = list(self._events)
            self._events.clear()
        if not events:
            raise BlockingIOError
        return events

    def grab(self) -> None:
        self.grabbed = True

    def ungrab(self) -> None:
        self.grabbed = False

    def close(self) -> None:
        self.closed = True
        os.close(self._r)
        os.close(self._w)


class HidRecordedRig(Rig):
    name = "hid-recorded"
    source = "hid"
    carries_non_ascii = False

    def __init__(self) -> None:
        super().__init__()
        self.devices: list[PipeInputDevice] = []
        self.scanner = self.hid = HidWedgeScanner(
            "/dev/input/by-id/test-scanner-event-kbd",
            end_timeout_ms=100,
            max_payload_bytes=MAX_BYTES,
            open_device=self._open,
        )

    def _open(self, path: str) -> PipeInputDevice:
        device = PipeInputDevice()
        self.devices.append(device)
        return device

    @property
    def device(self) -> PipeInputDevice:
        return self.devices[-1]

    def send(self, raw: bytes) -> None:
        self.device.inject(events_for_text(raw.decode("utf-8")))

    def inject(self, events: list[KeyEvent]) -> None:
        self.device.inject(events)


class HidUinputRig(Rig):
    """A real virtual keyboard through /dev/uinput: the kernel delivers the events to the
    grabbed /dev/input/eventN node the scanner reads."""

    name = "hid-uinput"
    source = "hid"
    carries_non_ascii = False

    def __init__(self) -> None:
        super().__init__()
        keys = [c for c in ecodes.keys if isinstance(c, int) and c < ecodes.KEY_MAX][:250]
        self.ui = evdev.UInput({ecodes.EV_KEY: keys}, name="kiosk-test-wedge")
        self.scanner = HidWedgeScanner(self.ui.device.path, end_timeout_ms=100, max_payload_bytes=MAX_BYTES)

    def send(self, raw: bytes) -> None:
        self.inject(events_for_text(raw.decode("utf-8")))

    def inject(self, events: list[KeyEvent]) -> None:
        for etype, code, value in events:
            self.ui.write(etype, code, value)

    def close(self) -> None:
        super().close()
        self.ui.close()


class SimulatedRig(Rig):
    name = "simulated"

    def __init__(self) -> None:
        super().__init__()
        self.scanner = self.sim = SimulatedScanner(max_payload_bytes=MAX_BYTES)

    def send(self, raw: bytes) -> None:
        self.sim.show_code(raw)
