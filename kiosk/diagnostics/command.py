"""``kiosk diag``: the diagnostics screen's checks from a shell (issue 7).

The CLI wires it (``kiosk/cli.py`` owns argument parsing); every collaborator comes in through a
factory so the command is tested without hardware or a back office. A collaborator that fails
to open becomes a failing check, never a traceback: a technician runs this precisely when
something is broken.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from kiosk.diagnostics.checks import (
    LinkTest,
    Thresholds,
    run_checks,
    sync_status_from_meta,
    tail_lines,
)
from kiosk.diagnostics.report import Check, Level, exit_code, render_table, to_json
from kiosk.errors import KioskError
from kiosk.log import SessionSecrets

if TYPE_CHECKING:
    from kiosk.admin.audit import AuditLog
    from kiosk.config import Config

log = logging.getLogger(__name__)


def thresholds_from(config: Config) -> Thresholds:
    """``[diagnostics]``: the same disk limit as the app's disk monitor (out of service)."""
    d = config.diagnostics
    return Thresholds(disk_fail_mb=d.disk_fail_mb, disk_warn_mb=d.disk_warn_mb,
                      queue_stale_s=d.queue_stale_s)


def diag_main(
    config: Config,
    *,
    as_json: bool = False,
    report: Path | None = None,
    devices_factory: Callable[[Config], Any],
    outbox_factory: Callable[[Config], Any],
    catalog_factory: Callable[[Config], Any] | None = None,
    link_test_factory: Callable[[Config], LinkTest | None] | None = None,
    sync_status: Mapping[str, Any] | None = None,
    audit: AuditLog | None = None,
    thresholds: Thresholds | None = None,
    log_lines: int = 50,
    font_path: Path | None = None,
    out: IO[str] | None = None,
    extra_checks: Sequence[Check] = (),
) -> int:
    """Run the checks, print a table (or JSON), optionally write the PDF; return the exit code.

    ``devices_factory`` is e.g. ``lambda c: open_devices(c, strict=False)`` (closed afterwards),
    ``outbox_factory`` ``lambda c: open_outbox(c, sweep=False)``. Without ``sync_status`` the
    last sync result is read from the outbox's ``meta`` table.
    """
    stream = out if out is not None else sys.stdout
    secrets = SessionSecrets()
    extra: list[Check] = list(extra_checks)  # e.g. the remote config's (kiosk.remote_config)
    devices: Any = None
    outbox: Any = None
    outbox_error: KioskError | None = None
    try:
        try:
            devices = devices_factory(config)
        except KioskError as err:
            log.info("devices could not be opened for diagnostics: %s", err.key)
            extra.append(Check("devices.open", "device", Level.FAIL, True,
                               f"devices could not be opened: {err.key}", err.key))
        try:
            outbox = outbox_factory(config)
        except KioskError as err:
            outbox_error = err
        status = sync_status
        if status is None and outbox is not None:
            status = sync_status_from_meta(outbox.get_meta)
        catalog_version: str | None = None
        if catalog_factory is not None:
            try:
                catalog_version = str(catalog_factory(config).version)
            except KioskError as err:
                extra.append(Check("catalog", "system", Level.WARN, False,
                                   f"catalogue could not be loaded: {err.key}", err.key))
        link: LinkTest | None = None
        if link_test_factory is not None:
            try:
                link = link_test_factory(config)
            except KioskError as err:
                extra.append(Check("link.setup", "sync", Level.FAIL, True,
                                   f"no link test possible: {err.key}", err.key))
        result = run_checks(
            terminal_id=config.terminal.id,
            health=devices.health if devices is not None else None,
            outbox=outbox,
            outbox_error=outbox_error,
            sync_status=status,
            link_test=link,
            data_dir=config.paths.data_dir,
            log_lines=tail_lines(config.paths.log_file, log_lines),
            catalog_version=catalog_version,
            audit=audit,
            extra=extra,
            thresholds=thresholds or thresholds_from(config),
            secrets=secrets,
            poll=True,
        )
    finally:
        for thing in (devices, outbox):
            if thing is not None:
                try:
                    thing.close()
                except Exception:
                    log.exception("closing %s after diagnostics failed", type(thing).__name__)
    stream.write(to_json(result) + "\n" if as_json else render_table(result))
    if report is not None:
        from kiosk.diagnostics.pdf import write_pdf  # reportlab: only when a report is asked for

        write_pdf(result, report, font_path=font_path, secrets=secrets)
        if audit is not None:
            audit.append("admin.diagnostics_report", "ok", {"file": report.name})
        if not as_json:
            stream.write(f"\nreport written to {report}\n")
    return exit_code(result)
