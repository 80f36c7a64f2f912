"""Read codes from the camera: latest frame → grayscale once → the configured decoder.

Latest-frame-wins: the worker always takes the newest frame, so decoding never falls behind the
camera. A payload seen again within ``dedup_window_s`` of its last sighting counts once (a code
held in front of the camera is one scan, not fifteen a second); it counts again after it has been
out of view for the window. The optimised ROI / multi-pass pipeline is ``kiosk.capture``'s job.

On demand: the kiosk's camera is shared with the document capture, and decoding every frame on a
screen that takes no code would take most of a core from it (and heat the terminal all night on
the attract screen). After :meth:`CameraScanner.gate` the worker decodes only while the gate is
set (the UI sets it on the screens that take a code) or while someone :meth:`~CameraScanner.hold`
s it (diagnostics' scan test). Without a gate it decodes every frame (the CLI, the exercises).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import cv2
import numpy as np

from kiosk.devices.camera.port import Camera
from kiosk.devices.scanner._util import deliver, reject
from kiosk.devices.scanner.port import (
    OFFLINE_KEY,
    ErrorCallback,
    FrameDecoder,
    ScanCallback,
    ScanError,
    ScanResult,
    decode_payload,
)
from kiosk.devices.status import DeviceError, DeviceState, DeviceStatus

log = logging.getLogger(__name__)


class CameraScanner:
    def __init__(
        self,
        camera: Camera,
        decoder: FrameDecoder,
        *,
        max_payload_bytes: int = 4096,
        dedup_window_s: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._camera = camera
        self._decoder = decoder
        self._max = max_payload_bytes
        self._window = dedup_window_s
        self._clock = clock
        self._seen: dict[tuple[str, bytes], float] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failure: str | None = None
        self.frames_decoded = 0  # diagnostics / tests
        self._gate: threading.Event | None = None
        self._holds = 0  # hold(True) calls not yet matched by hold(False)
        self._hold_lock = threading.Lock()

    def start(self, callback: ScanCallback, on_error: ErrorCallback | None = None) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._failure = None
        self._seen.clear()
        self._thread = threading.Thread(
            target=self._run,
            args=(callback, on_error),
            name=f"scanner-camera-{self._decoder.name}",
            daemon=True,
        )
        self._thread.start()

    def status(self) -> DeviceStatus:
        if self._thread is None:
            return DeviceStatus(DeviceState.OFFLINE, OFFLINE_KEY, "not started")
        if self._failure is not None:
            return DeviceStatus(DeviceState.FAULT, OFFLINE_KEY, self._failure)
        return self._camera.status()  # the scanner is as good as its camera

    def gate(self, wanted: threading.Event | None) -> None:
        """Decode only while ``wanted`` is set or the scanner is held (``None``: always)."""
        self._gate = wanted

    def hold(self, on: bool) -> None:
        """``True``: decode regardless of the gate until the matching ``hold(False)``."""
        with self._hold_lock:
            self._holds = max(0, self._holds + (1 if on else -1))

    def _wanted(self) -> bool:
        """Whether to decode now; waits a little for demand when there is none."""
        gate = self._gate
        if gate is None or gate.is_set() or self._holds:
            return True
        gate.wait(0.1)  # woken at once by the screen that wants a code; a hold within 0.1 s
        return False

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        self._stop.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    # ------------------------------------------------------------------ worker
    def _run(self, callback: ScanCallback, on_error: ErrorCallback | None) -> None:
        last_seq = 0
        while not self._stop.is_set():
            if not self._wanted():
                continue
            frame = self._camera.wait_frame(last_seq, timeout=0.2)
            if frame is None or self._stop.is_set():
                continue
            last_seq = frame.seq
            gray = cv2.cvtColor(frame.image, cv2.COLOR_BGR2GRAY).astype(np.uint8, copy=False)
            try:
                codes = self._decoder.decode(gray)
            except DeviceError as err:
                log.error("camera decoder %s failed: %s", self._decoder.name, err.detail)
                self._failure = f"decoder {self._decoder.name}: {err.key}"
                return
            self.frames_decoded += 1
            now = self._clock()
            self._seen = {k: t for k, t in self._seen.items() if now - t <= self._window}
            for code in codes:
                key = (code.symbology, code.raw)
                fresh = key not in self._seen
                self._seen[key] = now
                if not fresh:
                    continue
                try:
                    text = decode_payload(code.raw, self._max)
                except ScanError as err:
                    reject(on_error, err, "camera")
                    continue
                deliver(
                    callback,
                    ScanResult(text, code.raw, code.symbology, "camera", decoder=self._decoder.name),
                )
