"""The checks behind the diagnostics screen and ``kiosk diag`` (issue 7).

Every input is injected — the device health monitors, the outbox (anything with ``stats()``
and ``integrity_check()``), the last sync result as a plain dict, a link test callable, the
data directory for disk space — so the same :func:`run_checks` serves the running app (the
screen, on a worker thread) and the shell command, and is tested without hardware.

Everything that ends up in the report passes through :func:`kiosk.log.redact` (Home Assistant's
"redacted diagnostics" habit): device details, sync errors, log lines.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import kiosk
from kiosk.devices.health import DISK, DeviceHealth
from kiosk.devices.status import DeviceState, DeviceStatus
from kiosk.diagnostics.report import Check, DiagReport, Level, Scalar
from kiosk.errors import KioskError
from kiosk.log import SessionSecrets, redact

log = logging.getLogger(__name__)

Now = Callable[[], dt.datetime]
MB = 1024 * 1024


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class QueueSource(Protocol):
    """What diagnostics needs of :class:`kiosk.store.outbox.Outbox`."""

    def stats(self) -> dict[str, Any]: ...
    def integrity_check(self) -> str: ...


class AuditSource(Protocol):
    def verify(self) -> tuple[bool, int]: ...


@dataclasses.dataclass(frozen=True, slots=True)
class LinkResult:
    ok: bool
    latency_ms: float | None = None
    error: str = ""  # an error key (``sync.offline``) or a short technician detail


LinkTest = Callable[[], LinkResult]


def link_test_from(call: Callable[[], object], *, clock: Callable[[], float] = time.monotonic) -> LinkTest:
    """Turn a back-office call (``SyncClient.whoami`` — signed, so it also proves the
    credential and the clock — or ``ping``) into a :data:`LinkTest` timing it.
    A call returning False counts as a failure; an exception's ``key`` becomes the error."""

    def test() -> LinkResult:
        start = clock()
        try:
            answer = call()
        except KioskError as err:
            return LinkResult(False, None, err.key)
        except Exception as err:  # requests/OS errors not wrapped by the client
            return LinkResult(False, None, type(err).__name__)
        latency = (clock() - start) * 1000
        if answer is False:
            return LinkResult(False, latency, "unexpected answer")
        return LinkResult(True, latency)

    return test


@dataclasses.dataclass(frozen=True, slots=True)
class Thresholds:
    """``[diagnostics]`` config: when disk, memory and the queue turn warn/fail."""

    disk_fail_mb: int = 200  # below this the store cannot take a submission with attachments
    disk_warn_mb: int = 1024
    disk_warn_percent: float = 10.0
    memory_warn_percent: float = 10.0
    queue_stale_s: float = 3600.0  # oldest unsent older than this: warn


class DiskUsage(NamedTuple):
    total: int
    used: int
    free: int


class DeviceErrorHistory:
    """Remembers each device's last failure (time and status), fed by the health monitors,
    so the screen can show "last error" after the device recovered."""

    def __init__(self, now: Now = _utcnow) -> None:
        self._now = now
        self._last: dict[str, tuple[dt.datetime, DeviceStatus]] = {}
        self._lock = threading.Lock()

    def attach(self, health: DeviceHealth) -> DeviceErrorHistory:
        health.subscribe(self.on_change)
        for name, status in health.snapshot().items():
            self.on_change(name, status, status)
        return self

    def on_change(self, name: str, old: DeviceStatus, new: DeviceStatus) -> None:
        if not new.usable and new.reason != "device.not_polled":
            with self._lock:
                self._last[name] = (self._now(), new)

    def last(self, name: str) -> tuple[dt.datetime, DeviceStatus] | None:
        with self._lock:
            return self._last.get(name)


def read_meminfo(path: Path = Path("/proc/meminfo")) -> dict[str, int]:
    """``/proc/meminfo`` in bytes (MemTotal, MemAvailable …); empty when unreadable."""
    out: dict[str, int] = {}
    try:
        text = path.read_text(encoding="ascii")
    except OSError:
        return out
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            out[name.strip()] = int(parts[0]) * (1024 if parts[1:2] == ["kB"] else 1)
    return out


def process_rss(path: Path = Path("/proc/self/status")) -> int | None:
    try:
        for line in path.read_text(encoding="ascii").splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def tail_lines(path: Path | None, n: int) -> list[str]:
    """The last ``n`` lines of a log file (decoded leniently); empty when missing."""
    if path is None or n <= 0:
        return []
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 256 * n))
            data = fh.read()
    except OSError:
        return []
    lines = data.decode("utf-8", errors="replace").splitlines()
    if size > 256 * n and lines:
        lines = lines[1:]  # the first one is probably cut
    return lines[-n:]


def sync_status_from_meta(get_meta: Callable[[str], str | None]) -> dict[str, str | None]:
    """The last sync result as the sync worker records it in the outbox's ``meta`` table."""
    return {
        "last_ok_at": get_meta("sync.last_ok_at"),
        "last_error": get_meta("sync.last_error"),
        "last_heartbeat_at": get_meta("sync.last_heartbeat_at"),
    }


# ---------------------------------------------------------------- individual checks
def _r(text: object, secrets: SessionSecrets | None) -> str:
    return redact(str(text), secrets)


def check_devices(health: DeviceHealth, *, poll: bool, history: DeviceErrorHistory | None,
                  secrets: SessionSecrets | None) -> list[Check]:
    statuses = health.poll_all() if poll else health.snapshot()
    out = []
    for name, status in statuses.items():
        if name == DISK:
            continue  # the data disk's monitor: reported by check_disk, with its figures
        required = health.monitors[name].required
        if status.state is DeviceState.OK:
            level = Level.OK
        elif status.usable:
            level = Level.WARN  # paper low: still printing
        else:
            level = Level.FAIL if required else Level.WARN
        data: list[tuple[str, Scalar]] = [
            ("state", status.state.value), ("reason", status.reason),
            ("detail", _r(status.detail, secrets)),
        ]
        last = history.last(name) if history is not None else None
        if last is not None:
            at, err = last
            data += [("last_error_at", at.isoformat(timespec="seconds")),
                     ("last_error", f"{err.state.value} {err.reason}".strip()),
                     ("last_error_detail", _r(err.detail, secrets))]
        summary = status.state.value + (f" ({status.reason})" if status.reason else "")
        if status.detail and not status.usable:
            summary += f": {_r(status.detail, secrets)}"
        out.append(Check(f"device.{name}", "device", level, required, summary[:160],
                         status.reason, tuple(data)))
    return out


def check_queue(outbox: QueueSource, thresholds: Thresholds) -> Check:
    stats = outbox.stats()
    age = stats.get("oldest_unsent_age_s")
    unsent, parked = int(stats.get("unsent", 0)), int(stats.get("parked", 0))
    data: list[tuple[str, Scalar]] = [("unsent", unsent), ("parked", parked),
                                      ("oldest_unsent_age_s", None if age is None else round(age, 1))]
    data += [(f"status.{k}", int(v)) for k, v in sorted(dict(stats.get("by_status", {})).items())]
    summary = f"unsent {unsent}, parked {parked}, oldest unsent " + ("-" if age is None else f"{age:.0f} s")
    level, key = Level.OK, ""
    if parked:
        level, key = Level.WARN, "diag.queue_parked"
    if age is not None and age > thresholds.queue_stale_s:
        level, key = Level.WARN, "diag.queue_stale"
    return Check("queue", "store", level, False, summary, key, tuple(data))


def check_integrity(outbox: QueueSource) -> Check:
    try:
        result = outbox.integrity_check()
    except Exception as err:
        return Check("store.integrity", "store", Level.FAIL, True,
                     f"integrity check raised {type(err).__name__}", "diag.integrity_failed")
    if result == "ok":
        return Check("store.integrity", "store", Level.OK, True, "PRAGMA integrity_check: ok")
    return Check("store.integrity", "store", Level.FAIL, True, f"PRAGMA integrity_check: {result[:120]}",
                 "diag.integrity_failed", (("result", result[:500]),))


def _age_s(stamp: object, now: dt.datetime) -> float | None:
    if not stamp:
        return None
    try:
        then = dt.datetime.fromisoformat(str(stamp))
    except ValueError:
        return None
    if then.tzinfo is None:
        then = then.replace(tzinfo=dt.UTC)
    return max(0.0, (now - then).total_seconds())


def _ago(seconds: float | None) -> str:
    if seconds is None:
        return "never"
    s = int(seconds)
    if s < 120:
        return f"{s} s ago"
    if s < 7200:
        return f"{s // 60} min ago"
    return f"{s // 3600} h {s % 3600 // 60} min ago"


def check_sync(status: Mapping[str, Any] | None, secrets: SessionSecrets | None,
               now: dt.datetime | None = None) -> Check:
    """The last sync result. A network loss shows here (``sync.offline``, with how long ago the
    last success was) and stays visible as ``last_outage_s`` after the link is back."""
    if status is None:
        return Check("sync", "sync", Level.SKIPPED, False, "no sync status available")
    at = now or _utcnow()
    data: list[tuple[str, Scalar]] = [(str(k), None if v is None else _r(v, secrets)[:300])
                                      for k, v in status.items()]
    last_ok, last_error = status.get("last_ok_at"), status.get("last_error")
    if not last_ok and not last_error:
        return Check("sync", "sync", Level.WARN, False, "never synced", "diag.sync_error", tuple(data))
    # sync.last_error is "<timestamp> <keys>"; it is current when newer than the last success
    error_at = str(last_error).split(" ", 1)[0] if last_error else ""
    ok_age, error_age = _age_s(last_ok, at), _age_s(error_at, at)
    data += [("last_ok_age_s", None if ok_age is None else round(ok_age, 1)),
             ("last_error_age_s", None if error_age is None else round(error_age, 1))]
    # compared as times (stamps may differ in precision); a tie counts as still failing
    current = bool(last_error) and (not last_ok or ok_age is None or error_age is None
                                    or error_age <= ok_age)
    if current:
        return Check("sync", "sync", Level.WARN, False,
                     f"last sync failed: {_r(last_error, secrets)[:120]}; last success {_ago(ok_age)}",
                     "diag.sync_error", tuple(data))
    summary = f"last sync ok at {last_ok} ({_ago(ok_age)})"
    if error_age is not None:
        summary += f"; last failure {_ago(error_age)}: {_r(str(last_error).partition(' ')[2], secrets)[:60]}"
    return Check("sync", "sync", Level.OK, False, summary, "", tuple(data))


def check_link(link_test: LinkTest | None) -> Check:
    if link_test is None:
        return Check("link", "sync", Level.SKIPPED, False, "no link test configured")
    try:
        result = link_test()
    except Exception as err:  # a link test must not take diagnostics down
        result = LinkResult(False, None, getattr(err, "key", type(err).__name__))
    data: tuple[tuple[str, Scalar], ...] = (
        ("ok", result.ok), ("latency_ms", None if result.latency_ms is None else round(result.latency_ms, 1)),
        ("error", redact(result.error)))
    if result.ok:
        return Check("link", "sync", Level.OK, True, f"back office reachable ({result.latency_ms:.0f} ms)"
                     if result.latency_ms is not None else "back office reachable", "", data)
    return Check("link", "sync", Level.FAIL, True, f"back office unreachable: {redact(result.error)}",
                 "diag.link_failed", data)


def check_disk(path: Path | None, thresholds: Thresholds,
               usage: Callable[[Path], DiskUsage | Any] = shutil.disk_usage) -> Check:
    if path is None:
        return Check("disk", "system", Level.SKIPPED, False, "no data directory")
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        total, _used, free = usage(probe)
    except OSError as err:
        return Check("disk", "system", Level.FAIL, True, f"cannot stat {probe}: {err.strerror}",
                     "diag.disk_low")
    percent = 100.0 * free / total if total else 0.0
    data: tuple[tuple[str, Scalar], ...] = (
        ("path", str(probe)), ("free_mb", free // MB), ("total_mb", total // MB),
        ("free_percent", round(percent, 1)))
    summary = f"{free // MB} MB free of {total // MB} MB ({percent:.0f} %) at {probe}"
    if free < thresholds.disk_fail_mb * MB:
        # the app's disk monitor (same threshold) has taken the terminal out of service
        return Check("disk", "system", Level.FAIL, True,
                     f"{summary}: below {thresholds.disk_fail_mb} MB, new applications stopped",
                     "diag.disk_low", (*data, ("fail_below_mb", thresholds.disk_fail_mb)))
    if free < thresholds.disk_warn_mb * MB or percent < thresholds.disk_warn_percent:
        return Check("disk", "system", Level.WARN, True, summary, "diag.disk_low", data)
    return Check("disk", "system", Level.OK, True, summary, "", data)


def check_memory(meminfo: Mapping[str, int], rss: int | None, thresholds: Thresholds) -> Check:
    total, available = meminfo.get("MemTotal"), meminfo.get("MemAvailable")
    if not total or available is None:
        return Check("memory", "system", Level.SKIPPED, False, "/proc/meminfo unreadable")
    percent = 100.0 * available / total
    data: tuple[tuple[str, Scalar], ...] = (
        ("available_mb", available // MB), ("total_mb", total // MB),
        ("available_percent", round(percent, 1)), ("process_rss_mb", None if rss is None else rss // MB))
    summary = f"{available // MB} MB available of {total // MB} MB ({percent:.0f} %)"
    if rss is not None:
        summary += f", this process {rss // MB} MB"
    level = Level.WARN if percent < thresholds.memory_warn_percent else Level.OK
    return Check("memory", "system", level, False, summary, "diag.memory_low" if level is Level.WARN else "",
                 data)


def check_versions(app_version: str, catalog_version: str | None) -> Check:
    data: tuple[tuple[str, Scalar], ...] = (("app", app_version), ("catalog", catalog_version))
    if catalog_version is None:
        return Check("versions", "system", Level.WARN, False,
                     f"app {app_version}, catalogue not loaded", "catalog.invalid", data)
    return Check("versions", "system", Level.OK, False, f"app {app_version}, catalogue {catalog_version}",
                 "", data)


def check_audit(audit: AuditSource) -> Check:
    intact, count = audit.verify()
    if intact:
        return Check("admin.audit", "system", Level.OK, False, f"admin audit log intact ({count} entries)",
                     "", (("entries", count),))
    return Check("admin.audit", "system", Level.WARN, False,
                 f"admin audit log chain broken after entry {count}", "", (("intact_entries", count),))


# ---------------------------------------------------------------- all of them
def run_checks(
    *,
    terminal_id: str,
    health: DeviceHealth | None = None,
    outbox: QueueSource | None = None,
    outbox_error: KioskError | None = None,
    sync_status: Mapping[str, Any] | None = None,
    link_test: LinkTest | None = None,
    data_dir: Path | None = None,
    log_lines: Sequence[str] = (),
    catalog_version: str | None = None,
    app_version: str = kiosk.__version__,
    poll: bool = True,
    history: DeviceErrorHistory | None = None,
    audit: AuditSource | None = None,
    extra: Sequence[Check] = (),
    thresholds: Thresholds | None = None,
    secrets: SessionSecrets | None = None,
    now: Now = _utcnow,
    meminfo: Callable[[], Mapping[str, int]] = read_meminfo,
    rss: Callable[[], int | None] = process_rss,
    disk_usage: Callable[[Path], Any] = shutil.disk_usage,
    max_log_lines: int = 100,
) -> DiagReport:
    """Run every check and return the redacted report.

    ``health=None`` reports the devices as unavailable (``devices`` check failed);
    ``outbox=None`` with ``outbox_error`` reports the store as unavailable (required); without
    an error the store is simply not checked.
    ``poll=True`` queries each device now (the CLI); the screen passes False to show the
    monitors' last results without blocking.
    """
    limits = thresholds or Thresholds()
    checks: list[Check] = []
    if health is not None:
        checks += check_devices(health, poll=poll, history=history, secrets=secrets)
    else:
        checks.append(Check("devices", "device", Level.FAIL, True, "devices could not be opened",
                            "device.fault"))
    if outbox is not None:
        checks.append(check_queue(outbox, limits))
        checks.append(check_integrity(outbox))
    elif outbox_error is not None:
        detail = redact(outbox_error.detail, secrets)
        checks.append(Check("store", "store", Level.FAIL, True,
                            f"outbox unavailable: {outbox_error.key} {detail}"[:160], outbox_error.key))
    else:
        checks.append(Check("store", "store", Level.SKIPPED, False, "outbox not checked"))
    checks.append(check_sync(sync_status, secrets, now()))
    checks.append(check_link(link_test))
    checks.append(check_disk(data_dir, limits, disk_usage))
    checks.append(check_memory(meminfo(), rss(), limits))
    checks.append(check_versions(app_version, catalog_version))
    if audit is not None:
        checks.append(check_audit(audit))
    checks += extra
    lines = tuple(redact(line, secrets) for line in list(log_lines)[-max_log_lines:])
    report = DiagReport(
        generated_at=now().astimezone(dt.UTC).isoformat(timespec="seconds"),
        terminal_id=terminal_id,
        app_version=app_version,
        catalog_version=catalog_version,
        checks=tuple(checks),
        log_lines=lines,
    )
    if report.failures:
        log.info("diagnostics: failing required checks %s", ", ".join(c.id for c in report.failures))
    return report
