"""Admin mode (DESIGN §6, issue 7): the hashed admin PIN with a durable lockout, and the
append-only audit log every admin action writes to. No Qt: the hidden entry and PIN pad in
``kiosk/ui`` call :class:`AdminPin` and :class:`AuditLog`."""

from __future__ import annotations

from pathlib import Path

from kiosk.admin.audit import AuditLog
from kiosk.admin.pin import AdminPin, AdminPolicy, EntryResult, LockState, Outcome

# audit action names the admin screen uses (one place, so the log stays greppable)
ACTION_RETRY_PARKED = "admin.retry_parked"
ACTION_FORCE_SYNC = "admin.force_sync"
ACTION_RELOAD_CATALOG = "admin.reload_catalog"
ACTION_RESTART_APP = "admin.restart_app"
ACTION_DIAG_REPORT = "admin.diagnostics_report"
ACTION_DEVICE_TEST = "admin.device_test"
ACTION_EXIT = "admin.exit"

__all__ = [
    "ACTION_DEVICE_TEST", "ACTION_DIAG_REPORT", "ACTION_EXIT", "ACTION_FORCE_SYNC",
    "ACTION_RELOAD_CATALOG", "ACTION_RESTART_APP", "ACTION_RETRY_PARKED",
    "AdminPin", "AdminPolicy", "AuditLog", "EntryResult", "LockState", "Outcome",
    "admin_paths",
]


def admin_paths(data_dir: Path) -> tuple[Path, Path]:
    """``(lockout state file, audit log)`` under the data directory."""
    return data_dir / "admin" / "lockout.json", data_dir / "admin" / "audit.jsonl"
