"""A scriptable code scanner for the demo, UI tests and diagnostics.

:meth:`SimulatedScanner.show_code` sends a payload through :func:`decode_payload`, the same
size limit and UTF-8 → GB18030 rule as the real scanners, so a simulated scan behaves exactly
like a real one (including rejections). To exercise the real camera path instead, render a code
into a :class:`~kiosk.devices.camera.FileCamera` with ``show_image`` and use a
:class:`~kiosk.devices.scanner.camera_decode.CameraScanner`.
"""

from __future__ import annotations

import logging
import threading

from kiosk.devices.scanner._util import deliver, reject
from kiosk.devices.scanner.port import (
    OFFLINE_KEY,
    ErrorCallback,
    ScanCallback,
    ScanError,
    ScanResult,
    decode_payload,
)
from kiosk.devices.status import OK, DeviceState, DeviceStatus

log = logging.getLogger(__name__)


class SimulatedScanner:
    def __init__(self, *, max_payload_bytes: int = 4096) -> None:
        self._max = max_payload_bytes
        self._lock = threading.Lock()
        self._callback: ScanCallback | None = None
        self._on_error: ErrorCallback | None = None
        self._unplugged = False

    def start(self, callback: ScanCallback, on_error: ErrorCallback | None = None) -> None:
        with self._lock:
            self._callback, self._on_error = callback, on_error

    def status(self) -> DeviceStatus:
        with self._lock:
            if self._unplugged:
                return DeviceStatus(DeviceState.OFFLINE, OFFLINE_KEY, "simulated unplug")
            if self._callback is None:
                return DeviceStatus(DeviceState.OFFLINE, OFFLINE_KEY, "not started")
        return OK

    def stop(self) -> None:
        with self._lock:
            self._callback = self._on_error = None

    # ------------------------------------------------------------------ scripting hooks
    def show_code(self, payload: str | bytes, symbology: str = "QRCode") -> bool:
        """Scan ``payload`` (text is sent as UTF-8). Delivered on the calling thread; returns
        whether a scan reached the callback (False when stopped, unplugged or rejected)."""
        raw = payload.encode("utf-8") if isinstance(payload, str) else bytes(payload)
        with self._lock:
            callback, on_error, unplugged = self._callback, self._on_error, self._unplugged
        if callback is None or unplugged:
            log.debug("simulated scan dropped: scanner not running")
            return False
        try:
            text = decode_payload(raw, self._max)
        except ScanError as err:
            reject(on_error, err, "simulated")
            return False
        deliver(callback, ScanResult(text, raw, symbology, "simulated"))
        return True

    def unplug(self) -> None:
        with self._lock:
            self._unplugged = True

    def replug(self) -> None:
        with self._lock:
            self._unplugged = False
