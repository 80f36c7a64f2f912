"""Helpers shared by the scanner drivers."""

from __future__ import annotations

import logging
import threading
from typing import Any

from kiosk.devices.scanner.port import OFFLINE_KEY, ErrorCallback, ScanCallback, ScanError, ScanResult
from kiosk.devices.status import OK, DeviceState, DeviceStatus

log = logging.getLogger(__name__)


def deliver(callback: ScanCallback, result: ScanResult) -> None:
    """Call the consumer; a bug there must not kill the scanner thread."""
    try:
        callback(result)
    except Exception:
        log.exception("scan callback failed (%s scan, %s)", result.source, result.symbology)


def reject(on_error: ErrorCallback | None, error: ScanError, source: str) -> None:
    if on_error is None:
        log.warning("%s scan rejected: %s", source, error.key)
        return
    try:
        on_error(error)
    except Exception:
        log.exception("scan error callback failed (%s scan)", source)


class ReaderThreadScanner:
    """The lifecycle shared by scanners that read a device on their own thread (HID wedge,
    serial): ``start`` opens the device (raising DeviceOffline naming it) and runs ``_run`` on a
    daemon thread; ``stop`` sets the stop flag, wakes a blocked read, joins and closes.

    Subclasses provide ``_open`` (returns the device), ``_attach`` (keep it), ``_wake``,
    ``_close`` and ``_run``; ``_before_start`` / ``_after_stop`` are optional.
    """

    thread_name = "scanner"

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._state = DeviceStatus(DeviceState.OFFLINE, OFFLINE_KEY, "not started")

    def start(self, callback: ScanCallback, on_error: ErrorCallback | None = None) -> None:
        if self._thread is not None:
            return
        self._attach(self._open())
        self._stop.clear()
        self._before_start()
        self._state = OK
        self._thread = threading.Thread(
            target=self._run, args=(callback, on_error), name=self.thread_name, daemon=True
        )
        self._thread.start()

    def status(self) -> DeviceStatus:
        return self._state

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._stop.set()
        self._wake()
        thread.join()
        self._close()
        self._after_stop()
        self._state = DeviceStatus(DeviceState.OFFLINE, OFFLINE_KEY, "stopped")

    # hooks
    def _open(self) -> Any:
        raise NotImplementedError

    def _attach(self, device: Any) -> None:
        raise NotImplementedError

    def _wake(self) -> None:
        """Make a blocked read return now."""

    def _close(self) -> None:
        raise NotImplementedError

    def _run(self, callback: ScanCallback, on_error: ErrorCallback | None) -> None:
        raise NotImplementedError

    def _before_start(self) -> None:
        """Called once the device is open, before the thread starts."""

    def _after_stop(self) -> None:
        """Called after the thread ended and the device was closed."""
