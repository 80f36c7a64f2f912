"""Device health: one monitor per device polls its status with a timeout, logs once when it
fails and once when it recovers, and notifies listeners only when the status changes (the
Home Assistant coordinator habit). :class:`DeviceHealth` aggregates the monitors and answers
the journey's "is this device available?" (``unknown`` counts as down).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import shutil
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

from kiosk.catalog.model import Device
from kiosk.devices.status import STARTING_KEY, DeviceState, DeviceStatus, StatusSource

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
        if not new.usable and not self._failing and not new.starting:
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
        self._listeners: list[Listener] = []
        self._started = False

    def available(self, device: Device) -> bool:
        monitor = self.monitors.get(device)
        return monitor is not None and monitor.status.usable

    def subscribe(self, listener: Listener) -> None:
        """``listener`` hears every monitor's changes, also those of monitors added later."""
        self._listeners.append(listener)
        for monitor in self.monitors.values():
            monitor.subscribe(listener)

    def add(self, monitor: HealthMonitor) -> None:
        """Watch one more source (the data disk beside the devices): it gets every listener
        subscribed so far and starts polling if the others already do."""
        if monitor.name in self.monitors:
            raise ValueError(f"a monitor named {monitor.name} exists")
        for listener in self._listeners:
            monitor.subscribe(listener)
        # a new dict, not an insert: monitor threads may be iterating the current one
        self.monitors = {**self.monitors, monitor.name: monitor}
        if self._started:
            monitor.start()

    def poll_all(self) -> dict[str, DeviceStatus]:
        return {name: m.poll_once() for name, m in self.monitors.items()}

    def snapshot(self) -> dict[str, DeviceStatus]:
        return {name: m.status for name, m in self.monitors.items()}

    def required_down(self) -> list[str]:
        """Required devices that are not usable: the terminal is out of service."""
        return [n for n, m in self.monitors.items() if m.required and not m.status.usable]

    def start(self) -> None:
        self._started = True
        for monitor in list(self.monitors.values()):
            monitor.start()

    def stop(self) -> None:
        self._started = False
        for monitor in list(self.monitors.values()):
            monitor.stop()

    def summary(self) -> dict[str, str]:
        """``{name: "state reason"}`` for the heartbeat (no details: they may name paths)."""
        return {name: summarize(status) for name, status in self.snapshot().items()}

    def required_names(self) -> list[str]:
        return sorted(n for n, m in self.monitors.items() if m.required)


def summarize(status: DeviceStatus) -> str:
    return f"{status.state.value} {status.reason}".strip()[:64]


# ---------------------------------------------------------------- the data disk
DISK: Final = "disk"
DISK_LOW_KEY: Final = "device.disk.low"
MB: Final = 1024 * 1024


class DiskSpace:
    """Free space where the outbox lives, as a status source for a ``disk`` monitor (required):
    below ``fail_mb`` it is a FAULT, so the terminal goes out of service (a translated reason)
    *before* an enqueue meets a full disk, and comes back by itself once space is freed.
    The detail names the threshold, not the changing free figure (listeners hear changes only)."""

    def __init__(self, path: Path, *, fail_mb: int,
                 usage: Callable[[Path], Any] = shutil.disk_usage) -> None:
        self.path = path
        self.fail_mb = fail_mb
        self._usage = usage

    def free_bytes(self) -> int:
        probe = self.path
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        return int(self._usage(probe)[2])

    def status(self) -> DeviceStatus:
        try:
            free = self.free_bytes()
        except OSError as err:
            return DeviceStatus(DeviceState.UNKNOWN, DISK_LOW_KEY, f"cannot stat: {err.strerror}")
        if free < self.fail_mb * MB:
            return DeviceStatus(DeviceState.FAULT, DISK_LOW_KEY, f"below {self.fail_mb} MB free")
        return DeviceStatus(DeviceState.OK)


def disk_monitor(data_dir: Path, *, fail_mb: int, interval_s: float = 10.0,
                 usage: Callable[[Path], Any] = shutil.disk_usage) -> HealthMonitor:
    """The ``disk`` monitor for :meth:`DeviceHealth.add` (``[diagnostics] disk_fail_mb``)."""
    return HealthMonitor(DISK, DiskSpace(data_dir, fail_mb=fail_mb, usage=usage),
                         interval_s=interval_s, timeout_s=5.0, required=True)


# ---------------------------------------------------------------- for the sync process
HEALTH_FILE: Final = "health.json"


class HealthPublisher:
    """Writes the app's device health to ``<data_dir>/health.json`` on every change and every
    ``refresh_s`` (so a reader can tell a dead app from a quiet one): ``kiosk sync`` runs in
    another process and puts it in the heartbeat, and a remote config on trial is judged by it
    (:mod:`kiosk.remote_config`). Names, states, reason keys and which devices are required
    only."""

    def __init__(self, health: DeviceHealth, data_dir: Path, *, refresh_s: float = 30.0,
                 wall: Callable[[], float] = time.time) -> None:
        self.health = health
        self.path = data_dir / HEALTH_FILE
        self.refresh_s = refresh_s
        self._wall = wall
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failed = False
        self._closed = False  # stopped: a late change must not write the file again
        health.subscribe(self._on_change)

    def _on_change(self, _name: str, _old: DeviceStatus, _new: DeviceStatus) -> None:
        self.write()

    def write(self) -> None:
        body = {"at": self._wall(), "devices": self.health.summary(),
                "required": self.health.required_names()}
        data = json.dumps(body, sort_keys=True).encode("utf-8")
        with self._lock:
            if self._closed:
                return
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                tmp = self.path.with_name(self.path.name + ".tmp")
                tmp.write_bytes(data)
                tmp.replace(self.path)
            except OSError as err:  # a full disk: the disk monitor reports it; log once
                if not self._failed:
                    log.warning("device health not published: %s", err.strerror or type(err).__name__)
                self._failed = True
                return
            self._failed = False

    def start(self) -> HealthPublisher:
        if self._thread is None:
            self._stop.clear()
            with self._lock:
                self._closed = False
            self._thread = threading.Thread(target=self._run, name="health-publisher", daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        while True:
            self.write()
            if self._stop.wait(self.refresh_s):
                return

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
        with self._lock:  # the monitors may still announce changes (they stop after us)
            self._closed = True
            self.path.unlink(missing_ok=True)  # no app: no health to report


@dataclasses.dataclass(frozen=True)
class PublishedHealth:
    """What :class:`HealthPublisher` wrote: when (wall clock), each device's ``"state reason"``
    and the names of the required ones."""

    at: float
    devices: dict[str, str]
    required: frozenset[str]

    def state(self, name: str) -> tuple[DeviceState, str] | None:
        """``(state, reason key)`` of one device; None when it is not in the file."""
        summary = self.devices.get(name)
        if summary is None:
            return None
        state, _, reason = summary.partition(" ")
        try:
            return DeviceState(state), reason
        except ValueError:
            return DeviceState.UNKNOWN, reason

    def usable(self, name: str) -> bool:
        found = self.state(name)
        return found is not None and found[0].usable

    def undecided(self, name: str) -> bool:
        """Not read yet: not polled since the start, or a camera waiting for its first frame."""
        found = self.state(name)
        return found is None or (found[0] is DeviceState.UNKNOWN
                                 and found[1] in (NOT_POLLED.reason, STARTING_KEY))

    def healthy(self) -> frozenset[str]:
        return frozenset(n for n in self.devices if self.usable(n))


def read_health_file(data_dir: Path) -> PublishedHealth | None:
    """:class:`HealthPublisher`'s file as written; None without one (or a damaged one)."""
    path = data_dir / HEALTH_FILE
    try:
        body = json.loads(path.read_bytes())
        devices = {str(k)[:32]: str(v)[:64] for k, v in dict(body["devices"]).items()}
        required = frozenset(str(n)[:32] for n in body.get("required", ()))
        return PublishedHealth(float(body["at"]), devices, required)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        log.info("published device health unreadable: %s", type(err).__name__)
        return None


def read_published(data_dir: Path, *, wall: Callable[[], float] = time.time
                   ) -> tuple[dict[str, str], float] | None:
    """``(devices, age in seconds)`` from :class:`HealthPublisher`'s file; None without one."""
    published = read_health_file(data_dir)
    if published is None:
        return None
    return published.devices, max(0.0, wall() - published.at)
