"""Terminal health for the staff terminals page: green / yellow / red from the last heartbeat.

Thresholds (defaults; a terminal sends a heartbeat every 60 s unless its config says otherwise):

=======  ==============================================================================
red      disabled; never enrolled; no heartbeat yet; last heartbeat older than 15 min;
         oldest unsent submission older than 60 min; less than 200 MiB disk free
yellow   last heartbeat older than 3 min; oldest unsent submission older than 15 min;
         any parked (rejected) submission; any device not ``ok``; less than 1 GiB disk free;
         the terminal refused or rolled back a config document (``config_state``);
         device health older than 150 s (the kiosk app publishes it every 30 s for the sync
         process: an old one means the app stopped without removing it — killed, hung)
green    everything else
=======  ==============================================================================

Ages from the heartbeat (the last successful sync, the last failed one, the device health) are
shown as of now: the age the terminal reported plus the age of the heartbeat itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Literal

from kiosk.backoffice.db import TerminalInfo
from kiosk.backoffice.staff.labels import human_age
from kiosk.sync.protocol import Heartbeat

Level = Literal["green", "yellow", "red"]
MIB = 1024 * 1024


@dataclasses.dataclass(frozen=True)
class HealthThresholds:
    heartbeat_late_s: float = 180  # yellow: three missed 60 s heartbeats
    heartbeat_lost_s: float = 900  # red
    unsent_warn_s: float = 15 * 60  # yellow: the oldest unsent submission waited this long
    unsent_crit_s: float = 60 * 60  # red
    disk_warn_bytes: int = 1024 * MIB  # yellow below
    disk_crit_bytes: int = 200 * MIB  # red below
    # yellow: the device health is older (the app refreshes it every 30 s, a heartbeat goes
    # every 60 s: up to ~90 s is normal)
    device_health_stale_s: float = 150


@dataclasses.dataclass(frozen=True)
class HeartbeatAges:
    """The heartbeat's ages as of now (see the module docstring); None: not reported."""

    sync_ok_s: float | None  # the last fully successful sync cycle
    sync_error_s: float | None  # the last failed one, when it came after that success
    sync_error: str  # its error keys ("sync.offline"), with sync_error_s
    devices_s: float | None  # the device health; None: none reported
    devices_stale: bool

    @classmethod
    def of(cls, beat: Heartbeat, heartbeat_age_s: float, limits: HealthThresholds) -> HeartbeatAges:
        def now(reported: float | None) -> float | None:
            return None if reported is None else reported + heartbeat_age_s

        ok, error = now(beat.last_sync_ok_age_s), now(beat.last_sync_error_age_s)
        if error is not None and ok is not None and error >= ok:
            error = None  # an older failure: the link recovered since
        # no devices: `kiosk sync` found no health published by the app; no age: measured by
        # the process that sent the heartbeat
        devices = now(beat.devices_age_s or 0.0) if beat.devices else None
        return cls(ok, error, beat.last_sync_error if error is not None else "", devices,
                   devices is not None and devices > limits.device_health_stale_s)


@dataclasses.dataclass(frozen=True)
class Health:
    level: Level
    reasons: tuple[str, ...]  # bilingual, for staff (no personal data is ever in a heartbeat)
    heartbeat_age_s: float | None
    ages: HeartbeatAges | None = None  # None: no heartbeat yet


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.0f} min"


def terminal_health(t: TerminalInfo, now: dt.datetime, limits: HealthThresholds = HealthThresholds()
                    ) -> Health:
    red: list[str] = []
    yellow: list[str] = []
    age = (now - t.last_heartbeat_at).total_seconds() if t.last_heartbeat_at else None
    if t.disabled:
        red.append("已停用 disabled")
    if t.enrolled_at is None:
        red.append("未注册 not enrolled")
    if age is None:
        red.append("无心跳 no heartbeat yet")
    elif age > limits.heartbeat_lost_s:
        red.append(f"心跳中断 last heartbeat {_minutes(age)} ago")
    elif age > limits.heartbeat_late_s:
        yellow.append(f"心跳延迟 last heartbeat {_minutes(age)} ago")
    beat = t.last_heartbeat
    ages = None
    if beat is not None:
        ages = HeartbeatAges.of(beat, age or 0.0, limits)
        oldest = beat.oldest_unsent_age_s
        if oldest is not None and oldest > limits.unsent_crit_s:
            red.append(f"积压 oldest unsent {_minutes(oldest)}")
        elif oldest is not None and oldest > limits.unsent_warn_s:
            yellow.append(f"积压 oldest unsent {_minutes(oldest)}")
        if beat.parked:
            yellow.append(f"退回 {beat.parked} parked")
        bad = sorted(f"{name}: {state}" for name, state in beat.devices.items() if state != "ok")
        if bad:
            yellow.append("设备 devices " + ", ".join(bad))
        # the remote config (kiosk.remote_config): a refusal or a rollback needs a newer document
        problems = [part for part in beat.config_state.split("; ")
                    if part.startswith(("config refused", "rolled back"))]
        if problems:
            yellow.append("配置 config " + "; ".join(problems))
        # none reported (the page says so) is `kiosk sync` without the app: an app stopped
        # cleanly removes its health; a killed or hung one leaves it to go stale
        if ages.devices_stale and ages.devices_s is not None:
            yellow.append(f"设备状态过时 device health {human_age(ages.devices_s)} old")
        if beat.disk_free_bytes < limits.disk_crit_bytes:
            red.append(f"磁盘 disk free {beat.disk_free_bytes // MIB} MiB")
        elif beat.disk_free_bytes < limits.disk_warn_bytes:
            yellow.append(f"磁盘 disk free {beat.disk_free_bytes // MIB} MiB")
    level: Level = "red" if red else "yellow" if yellow else "green"
    return Health(level, tuple(red + yellow), age, ages)
