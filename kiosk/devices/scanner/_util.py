"""Helpers shared by the scanner drivers."""

from __future__ import annotations

import logging

from kiosk.devices.scanner.port import ErrorCallback, ScanCallback, ScanError, ScanResult

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
