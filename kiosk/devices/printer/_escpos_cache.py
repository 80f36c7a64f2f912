"""Where python-escpos keeps its parsed printer-capabilities database.

On import, ``escpos.capabilities`` parses a 1 MB YAML/JSON file (over a second on the kiosk's
CPU) unless it finds a pickle of it in ``$ESCPOS_CAPABILITIES_PICKLE_DIR``; without that
variable it pickles into a fresh ``mkdtemp()`` directory on every start — so it never hits its
own cache, and leaves one temporary directory behind per start. This module, imported before
escpos (first import of :mod:`kiosk.devices.printer`), points it at a persistent cache
directory: systemd's ``$CACHE_DIRECTORY``, else ``$XDG_CACHE_HOME`` or ``~/.cache``. An
explicit setting wins; a directory that cannot be made leaves the library's default.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

__all__ = ["configure"]

log = logging.getLogger(__name__)

_VAR = "ESCPOS_CAPABILITIES_PICKLE_DIR"


def configure(environ: dict[str, str] | os._Environ[str] = os.environ) -> Path | None:
    """Set ``ESCPOS_CAPABILITIES_PICKLE_DIR`` unless set; the directory, or ``None``."""
    if environ.get(_VAR):
        return Path(environ[_VAR])
    base = environ.get("CACHE_DIRECTORY", "").split(":")[0] or environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base else Path.home() / ".cache"
    cache = root / "smarthall-kiosk" / "escpos"
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        log.info("no escpos capabilities cache in %s (%s)", cache, err.strerror)
        return None
    environ[_VAR] = str(cache)
    return cache


configure()
