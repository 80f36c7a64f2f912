"""Device and system checks, and the redacted report (table, JSON, PDF) — DESIGN §2, issue 7."""

from __future__ import annotations

from kiosk.diagnostics.checks import (
    DeviceErrorHistory,
    LinkResult,
    LinkTest,
    Thresholds,
    link_test_from,
    run_checks,
    sync_status_from_meta,
)
from kiosk.diagnostics.command import diag_main
from kiosk.diagnostics.report import Check, DiagReport, Level, exit_code, render_table, to_json

__all__ = [
    "Check", "DeviceErrorHistory", "DiagReport", "Level", "LinkResult", "LinkTest", "Thresholds",
    "diag_main", "exit_code", "link_test_from", "render_pdf", "render_table", "run_checks",
    "sync_status_from_meta", "to_json", "write_pdf",
]


def __getattr__(name: str) -> object:
    # the PDF report needs reportlab (~0.4 s to import): loaded when a report is written, not
    # when the kiosk's admin model imports the checks
    if name in ("render_pdf", "write_pdf"):
        from kiosk.diagnostics import pdf

        return getattr(pdf, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
