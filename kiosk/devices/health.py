"""Device health: one monitor per device polls its status with a timeout, logs once when it
fails and once when it recovers, and notifies listeners only when the status changes (the
Home Assistant coordinator habit). :class:`DeviceHealth` aggregates the monitors and answers
the journey's "is this device available?" (``unknown`` counts as down).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import Final

from kiosk.catalog.model import Device
from kiosk.devices.status import DeviceState, DeviceStatus, StatusSource

log = logging.getLogger(__name__)

Listener = Callable[[str, DeviceStatus, DeviceStatus], None]  # (device, old, new)

STATUS_TIMEOUT: Final = DeviceStatus(DeviceState.UNKNOWN, "device.status_timeout",
                                     "status query did not return in time")
NOT_POLLED: Final = DeviceStatus(DeviceState.UNKNOWN, "device.not_polled", "not polled yet")


class HealthMonitor:
    """Polls one device. ``poll_once`` is synchronous (tests, CLI); ``start`` runs a thread."""

    def __init__(self, name: str, source: StatusSource, *, interval_s: float = 2.0,
                 timeout_s: float = 3.0, required: bool = True) -> None:
        self.name = name
        self.required = required
        self._source = source
        self._interval = interval_s
        self._timeout = timeout_s
        self._status = NOT_POLLED
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._inflight: threading.Thread | None = None
        self._failing = False

    @property
    def status(self) -> DeviceStatus:
        with self._lock:
            return self._status

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def poll_once(self) -> DeviceStatus:
        """Query the device (at most ``timeout_s``), record and announce the result."""
        if self._inflight is not None and self._inflight.is_alive():
            # the previous query is still stuck in the driver: do not pile up threads
            return self._record(STATUS_TIMEOUT)
        box: list[DeviceStatus] = []

        def query() -> None:
            try:
                box.append(self._source.status())
            except Exception as err:  # a driver must not take the monitor down
                log.debug("status query of %s raised %s", self.name, type(err).__name__)
                key = getattr(err, "key", "device.fault")
                box.append(DeviceStatus(DeviceState.FAULT, key, type(err).__name__))

        worker = threading.Thread(target=query, name=f"health-{self.name}", daemon=True)
        self._inflight = worker
        worker.start()
        worker.join(self._timeout)
        return self._record(box[0] if box else STATUS_TIMEOUT)

    def _record(self, new: DeviceStatus) -> DeviceStatus:
        with self._lock:
            old, self._status = self._status, new
        if new == old:
            return new
        if not new.usable and not self._failing:
            self._failing = True
            log.warning("device %s is %s (%s) %s", self.name, new.state, new.reason, new.detail)
        elif new.usable and self._failing:
            self._failing = False
            log.info("device %s recovered: %s", self.name, new.state)
        for listener in list(self._listeners):
            try:
                listener(self.name, old, new)
            except Exception:
                log.exception("health listener failed for %s", self.name)
        return new

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"monitor-{self.name}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.poll_once()
            self._stop.wait(self._interval)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(self._interval + self._timeout + 1)
            self._thread = None


class DeviceHealth:
    """All monitors of a terminal; implements the journey's DeviceAvailability."""

    def __init__(self, monitors: Mapping[str, HealthMonitor]) -> None:
        self.monitors = dict(monitors)

    def available(self, device: Device) -> bool:
        monitor = self.monitors.get(device)
        return monitor is not None and monitor.status.usable

    def subscribe(self, listener: Listener) -> None:
        for monitor in self.monitors.values():
            monitor.subscribe(listener)

    def poll_all(self) -> dict[str, DeviceStatus]:
        return {name: m.poll_once() for name, m in self.monitors.items()}

    def snapshot(self) -> dict[str, DeviceStatus]:
        return {name: m.status for name, m in self.monitors.items()}

    def required_down(self) -> list[str]:
        """Required devices that are not usable: the terminal is out of service."""
        return [n for n, m in self.monitors.items() if m.required and not m.status.usable]

    def start(self) -> None:
        for monitor in self.monitors.values():
            monitor.start()

    def stop(self) -> None:
        for monitor in self.monitors.values():
            monitor.stop()
