"""Camera driver over OpenCV ``VideoCapture`` (V4L2 on the kiosk).

One grab thread reads frames and keeps only the newest (:class:`FrameSlot`). The device is
*dead* when ``read()`` fails or no frame arrives for ``stall_timeout_ms`` (status OFFLINE), and
*frozen* when frames keep arriving with identical content for that long (status FAULT,
``device.camera.frozen``). Either way the thread releases the capture and reopens it with
exponential backoff capped at ``reconnect_max_backoff_s``, so a camera that is unplugged and
plugged back in recovers on its own.

The capture factory is injectable: tests pass a callable that opens ``cv2.VideoCapture`` on a
generated video file and make it fail to simulate an unplug.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np

from kiosk.devices.camera._slot import FrameSlot, Health
from kiosk.devices.camera.port import FROZEN_KEY, OFFLINE_KEY, Frame
from kiosk.devices.config import OpenCvCameraConfig
from kiosk.devices.status import OK, STARTING_KEY, DeviceOffline, DeviceState, DeviceStatus

log = logging.getLogger(__name__)


class VideoCaptureLike(Protocol):
    """The part of ``cv2.VideoCapture`` the driver uses."""

    def isOpened(self) -> bool: ...  # OpenCV's name

    def read(self) -> tuple[bool, Any]: ...

    def set(self, prop_id: int, value: float) -> bool: ...

    def release(self) -> None: ...


CaptureFactory = Callable[[], VideoCaptureLike]


def default_capture_factory(config: OpenCvCameraConfig) -> CaptureFactory:
    """Open a V4L2 device node (``/dev/video0``, ``/dev/v4l/by-id/…``) or index (``"0"``), asking
    for MJPG so USB cameras reach full resolution and frame rate."""
    device = config.device

    def open_capture() -> VideoCaptureLike:
        source: int | str = int(device) if device.isdigit() else device
        cap = cv2.VideoCapture(source, cv2.CAP_V4L2)
        if cap.isOpened():
            cap.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter.fourcc(*"MJPG"))
        return cap

    return open_capture


class OpenCvCamera:
    def __init__(
        self,
        config: OpenCvCameraConfig,
        *,
        capture_factory: CaptureFactory | None = None,
        min_backoff_s: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._config = config
        self._factory = capture_factory or default_capture_factory(config)
        self._min_backoff = min(min_backoff_s, config.reconnect_max_backoff_s)
        self._stall_s = config.stall_timeout_ms / 1000
        self._period = 1.0 / config.fps
        self._clock = clock
        self._slot = FrameSlot(clock)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._connected = False  # a capture is open and has delivered since opening
        self._detail = "not started"
        self._reported: DeviceState | None = None  # last state logged, to log on transitions only
        self.reconnects = 0  # successful reopenings after the first (diagnostics, tests)
        self._frozen_backoff = self._min_backoff
        self._next_frozen_reopen = 0.0

    # ------------------------------------------------------------------ port
    def start(self, *, wait_for_node: bool = False) -> None:
        """Start grabbing. A missing device node raises :class:`DeviceOffline` naming it,
        unless ``wait_for_node``: then the grab thread keeps trying to open it (with backoff)
        and the camera reports OFFLINE until it is plugged in."""
        with self._lock:
            if self._thread is not None:
                return
            device = self._config.device
            if not device.isdigit() and not Path(device).exists() and not wait_for_node:
                raise DeviceOffline(OFFLINE_KEY, f"no camera device node {device}")
            self._stop.clear()
            self._slot.reset()
            self._detail = "connecting"
            self._thread = threading.Thread(target=self._run, name="camera-opencv", daemon=True)
            self._thread.start()

    def latest(self) -> Frame | None:
        return self._slot.latest()

    def wait_frame(self, after_seq: int, timeout: float) -> Frame | None:
        return self._slot.wait_newer(after_seq, timeout)

    def status(self) -> DeviceStatus:
        if self._thread is None:
            return DeviceStatus(DeviceState.OFFLINE, OFFLINE_KEY, self._detail)
        health = self._slot.health(self._stall_s)
        if health == "starting":
            return DeviceStatus(DeviceState.UNKNOWN, STARTING_KEY, self._detail)
        if health == "frozen":
            return DeviceStatus(
                DeviceState.FAULT, FROZEN_KEY, f"identical frames for > {self._config.stall_timeout_ms} ms"
            )
        if health == "ok" and self._connected:
            return OK
        if health == "stalled":
            return DeviceStatus(
                DeviceState.OFFLINE, OFFLINE_KEY, f"no frame for > {self._config.stall_timeout_ms} ms"
            )
        return DeviceStatus(DeviceState.OFFLINE, OFFLINE_KEY, self._detail)

    def stop(self) -> None:
        with self._lock:
            thread, self._thread = self._thread, None
            if thread is None:
                return
            self._stop.set()
        # read() on a live device returns within a frame period; on a hung one, give up after
        # the stall timeout rather than block shutdown (the thread is a daemon)
        thread.join(timeout=self._stall_s + 2.0)
        if thread.is_alive():
            log.warning("camera grab thread did not stop within %.1f s", self._stall_s + 2.0)
        self._slot.clear()
        self._connected = False
        self._detail = "stopped"

    # ------------------------------------------------------------------ grab thread
    def _run(self) -> None:
        backoff = self._min_backoff
        first = True
        while not self._stop.is_set():
            cap = self._open()
            if cap is None:
                self._transition()
                self._stop.wait(backoff)
                backoff = min(backoff * 2, self._config.reconnect_max_backoff_s)
                continue
            if not first:
                self.reconnects += 1
            first = False
            try:
                outcome = self._grab_loop(cap)
            finally:
                cap.release()
                self._connected = False
            if outcome == "frozen":
                self._slot.rebase()
                continue  # reopen at once; _grab_loop spaces these out with its own backoff
            if outcome == "flowed":
                backoff = self._min_backoff
            self._transition()
            if not self._stop.is_set():
                self._stop.wait(backoff)
                backoff = min(backoff * 2, self._config.reconnect_max_backoff_s)

    def _open(self) -> VideoCaptureLike | None:
        try:
            cap = self._factory()
        except Exception as err:  # any driver/library failure means "device absent"
            self._detail = f"open failed: {type(err).__name__}"
            return None
        if not cap.isOpened():
            cap.release()
            self._detail = f"cannot open {self._config.device}"
            return None
        cap.set(cv2.CAP_PROP_FRAME_WIDTH, self._config.width)
        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self._config.height)
        cap.set(cv2.CAP_PROP_FPS, self._config.fps)
        self._detail = "opened, waiting for frames"
        return cap

    def _grab_loop(self, cap: VideoCaptureLike) -> str:
        """Read until the device fails ("failed" or "flowed" if frames came first), needs a
        reopen because it froze ("frozen"), or we are stopped ("stopped")."""
        delivered = False
        next_due = self._clock()
        while not self._stop.is_set():
            try:
                ok, image = cap.read()
            except cv2.error as err:
                ok, image = False, None
                self._detail = f"read error: {err.code}"
            if not ok or image is None:
                if self._detail.startswith("opened") or delivered:
                    self._detail = "read failed (device gone?)"
                self._slot.clear()
                return "flowed" if delivered else "failed"
            self._slot.publish(_as_bgr(image))
            delivered = self._connected = True
            health = self._slot.health(self._stall_s)
            self._transition(health)
            now = self._clock()
            if health == "ok":
                self._frozen_backoff = self._min_backoff
            elif health == "frozen" and now >= self._next_frozen_reopen:
                # a frozen UVC device usually needs reopening; the status stays FAULT (frames
                # keep coming) until their content changes again
                self._next_frozen_reopen = now + self._frozen_backoff
                self._frozen_backoff = min(self._frozen_backoff * 2, self._config.reconnect_max_backoff_s)
                self._detail = "frozen, reopening"
                return "frozen"
            # a real device blocks in read() until the next frame; a file or a broken driver that
            # returns at once must not spin the CPU
            next_due = max(next_due + self._period, now)
            self._stop.wait(max(0.0, next_due - self._clock()))
        return "stopped"

    def _transition(self, health: Health | None = None) -> None:
        """Log once per state change (the health monitor does the user-facing part)."""
        state = self.status().state if health is None else _state_of(health)
        if state == self._reported or self._stop.is_set():
            return
        previous, self._reported = self._reported, state
        if state is DeviceState.OK:
            if previous is not None:
                log.info("camera %s recovered", self._config.device)
        else:
            log.warning("camera %s %s: %s", self._config.device, state.value, self.status().detail)


def _state_of(health: Health) -> DeviceState:
    return {"ok": DeviceState.OK, "frozen": DeviceState.FAULT}.get(health, DeviceState.OFFLINE)


def _as_bgr(image: Any) -> np.ndarray[Any, np.dtype[np.uint8]]:
    array = np.asarray(image)
    if array.ndim == 2:
        return cv2.cvtColor(array, cv2.COLOR_GRAY2BGR).astype(np.uint8, copy=False)
    if array.ndim == 3 and array.shape[2] == 4:
        return cv2.cvtColor(array, cv2.COLOR_BGRA2BGR).astype(np.uint8, copy=False)
    return array.astype(np.uint8, copy=False)
