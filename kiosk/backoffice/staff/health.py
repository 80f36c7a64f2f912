"""Terminal health for the staff terminals page: green / yellow / red from the last heartbeat.

Thresholds (defaults; a terminal sends a heartbeat every 60 s unless its config says otherwise):

=======  ==============================================================================
red      disabled; never enrolled; no heartbeat yet; last heartbeat older than 15 min;
         oldest unsent submission older than 60 min; less than 200 MiB disk free
yellow   last heartbeat older than 3 min; oldest unsent submission older than 15 min;
         any parked (rejected) submission; any device not ``ok``; less than 1 GiB disk free;
         the terminal refused or rolled back a config document (``config_state``)
green    everything else
=======  ==============================================================================
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Literal

from kiosk.backoffice.db import TerminalInfo

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


@dataclasses.dataclass(frozen=True)
class Health:
    level: Level
    reasons: tuple[str, ...]  # bilingual, for staff (no personal data is ever in a heartbeat)
    heartbeat_age_s: float | None


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
    if beat is not None:
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
        if beat.disk_free_bytes < limits.disk_crit_bytes:
            red.append(f"磁盘 disk free {beat.disk_free_bytes // MIB} MiB")
        elif beat.disk_free_bytes < limits.disk_warn_bytes:
            yellow.append(f"磁盘 disk free {beat.disk_free_bytes // MIB} MiB")
    level: Level = "red" if red else "yellow" if yellow else "green"
    return Health(level, tuple(red + yellow), age)
