"""The diagnostics report: frozen, JSON-ready, already redacted (DESIGN §4, §8).

One :class:`Check` per line a technician reads — a device, the queue, the store's integrity,
the last sync, the link to the back office, disk, memory, versions. The Qt diagnostics screen,
``kiosk diag`` (table or ``--json``) and the PDF report all render the same
:class:`DiagReport`, so they cannot disagree.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Mapping
from typing import Any

from kiosk.texttable import text_table

Scalar = str | int | float | bool | None


class Level(enum.StrEnum):
    OK = "ok"
    WARN = "warn"  # degraded, still serving (paper low, an optional device down, a stale queue)
    FAIL = "fail"  # broken; when the check is required the terminal is out of service
    SKIPPED = "skipped"  # not measured (no link test given, /proc unreadable …)


@dataclasses.dataclass(frozen=True, slots=True)
class Check:
    id: str  # "device.camera", "queue", "store.integrity", "sync", "link", "disk", "memory", …
    group: str  # "device" | "store" | "sync" | "system"
    level: Level
    required: bool
    summary: str  # one technician-facing English line
    key: str = ""  # message key the screen translates (kiosk.messages / device reason keys)
    data: tuple[tuple[str, Scalar], ...] = ()

    @property
    def failed_required(self) -> bool:
        return self.required and self.level is Level.FAIL

    def value(self, name: str) -> Scalar:
        return dict(self.data).get(name)


@dataclasses.dataclass(frozen=True, slots=True)
class DiagReport:
    generated_at: str  # ISO 8601, UTC
    terminal_id: str
    app_version: str
    catalog_version: str | None
    checks: tuple[Check, ...]
    log_lines: tuple[str, ...] = ()

    def check(self, check_id: str) -> Check | None:
        return next((c for c in self.checks if c.id == check_id), None)

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.failed_required)

    @property
    def ok(self) -> bool:
        return not self.failures


def as_dict(report: DiagReport) -> dict[str, Any]:
    return {
        "generated_at": report.generated_at,
        "terminal_id": report.terminal_id,
        "app_version": report.app_version,
        "catalog_version": report.catalog_version,
        "ok": report.ok,
        "checks": [
            {"id": c.id, "group": c.group, "level": c.level.value, "required": c.required,
             "summary": c.summary, "key": c.key, "data": dict(c.data)}
            for c in report.checks
        ],
        "log_lines": list(report.log_lines),
    }


def from_dict(raw: Mapping[str, Any]) -> DiagReport:
    """The inverse of :func:`as_dict` (a report sent by a terminal, read back)."""
    return DiagReport(
        generated_at=str(raw["generated_at"]),
        terminal_id=str(raw["terminal_id"]),
        app_version=str(raw["app_version"]),
        catalog_version=raw.get("catalog_version"),
        checks=tuple(
            Check(id=c["id"], group=c["group"], level=Level(c["level"]), required=bool(c["required"]),
                  summary=c["summary"], key=c.get("key", ""), data=tuple(dict(c.get("data", {})).items()))
            for c in raw["checks"]
        ),
        log_lines=tuple(raw.get("log_lines", ())),
    )


def to_json(report: DiagReport) -> str:
    return json.dumps(as_dict(report), ensure_ascii=False, indent=2)


def exit_code(report: DiagReport) -> int:
    """0 when every required check passed; 1 when a required device, the link, the store's
    integrity or the disk failed (what ``kiosk diag`` exits with)."""
    return 1 if report.failures else 0


_MARK = {Level.OK: "ok", Level.WARN: "WARN", Level.FAIL: "FAIL", Level.SKIPPED: "-"}


def render_table(report: DiagReport, *, log_tail: int = 20) -> str:
    """The human-readable report ``kiosk diag`` prints."""
    lines = [
        f"terminal   {report.terminal_id}",
        f"generated  {report.generated_at}",
        f"versions   app {report.app_version}, catalogue {report.catalog_version or '-'}",
        "",
    ]
    lines += text_table(
        ["check", "result", "required", "summary"],
        [[c.id, _MARK[c.level], "yes" if c.required else "no", c.summary] for c in report.checks],
    )
    lines.append("")
    if report.failures:
        lines.append("OUT OF SERVICE: " + ", ".join(c.id for c in report.failures))
    else:
        lines.append("all required checks passed")
    if report.log_lines and log_tail:
        lines += ["", f"recent log lines (redacted, last {min(log_tail, len(report.log_lines))}):"]
        lines += [f"  {line}" for line in report.log_lines[-log_tail:]]
    return "\n".join(lines) + "\n"
