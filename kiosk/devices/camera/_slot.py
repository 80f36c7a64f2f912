"""Shared machinery for camera drivers: the latest-frame slot and frozen/stall detection."""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

import numpy as np

from kiosk.devices.camera.port import Frame

if TYPE_CHECKING:
    from kiosk.devices.camera.port import Image

Health = Literal["none", "starting", "ok", "frozen", "stalled"]


def frame_checksum(image: Image) -> int:
    """A cheap fingerprint: CRC-32 of a 1/8-downsampled copy. Live sensors never repeat it exactly;
    a frozen device (or a driver re-delivering its last buffer) does."""
    sample = np.ascontiguousarray(image[::8, ::8])
    return zlib.crc32(sample.data)


class FrameSlot:
    """Holds only the newest frame; wakes waiters when one arrives; tracks when content last changed."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._cond = threading.Condition()
        self._frame: Frame | None = None
        self._seq = 0
        self._checksum: int | None = None
        self._last_frame_at: float | None = None
        self._last_change_at: float | None = None
        self._rebase = 0
        self._started_at: float | None = None

    def rebase(self, frames: int = 2) -> None:
        """The next ``frames`` frames set a new reference without counting as a change: a reopened
        device's first frame often differs (OpenCV's MJPG decoder warms up) even while the device
        is still frozen; only a change after that proves it recovered."""
        with self._cond:
            self._rebase = frames

    def publish(self, image: Image, timestamp: float | None = None) -> Frame:
        now = self._clock() if timestamp is None else timestamp
        checksum = frame_checksum(image)
        image.flags.writeable = False
        with self._cond:
            self._seq += 1
            frame = Frame(image=image, timestamp=now, seq=self._seq)
            self._frame = frame
            self._last_frame_at = now
            if self._rebase and self._last_change_at is not None:
                self._rebase -= 1
                self._checksum = checksum
            elif checksum != self._checksum or self._last_change_at is None:
                self._last_change_at = now
                self._checksum = checksum
            self._cond.notify_all()
        return frame

    def clear(self) -> None:
        """Forget the current frame (device gone). Change history is kept, so a device that comes
        back still frozen is still reported frozen."""
        with self._cond:
            self._frame = None
            self._cond.notify_all()

    def reset(self) -> None:
        with self._cond:
            self._frame = None
            self._checksum = None
            self._last_frame_at = None
            self._last_change_at = None
            self._rebase = 0
            self._started_at = self._clock()  # (re)started: the first frame is due
            self._cond.notify_all()

    def latest(self) -> Frame | None:
        with self._cond:
            return self._frame

    def wait_newer(self, after_seq: int, timeout: float) -> Frame | None:
        with self._cond:
            self._cond.wait_for(
                lambda: self._frame is not None and self._frame.seq > after_seq, timeout=timeout
            )
            frame = self._frame
        return frame if frame is not None and frame.seq > after_seq else None

    def health(self, stall_timeout_s: float) -> Health:
        with self._cond:
            now = self._clock()
            if self._frame is None or self._last_frame_at is None or self._last_change_at is None:
                started = self._started_at
                if self._last_frame_at is None and started is not None \
                        and now - started <= stall_timeout_s:
                    return "starting"  # no frame yet, none overdue either
                return "none"
            if now - self._last_frame_at > stall_timeout_s:
                return "stalled"
            if now - self._last_change_at > stall_timeout_s:
                return "frozen"
            return "ok"
