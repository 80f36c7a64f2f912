"""Error types (DESIGN §6).

Every error that can reach a citizen or a technician carries a *key* (``store.disk_full``).
The screen shows the translated message for the key (see :mod:`kiosk.messages`), never
``str(err)``. ``detail`` is for logs and technicians and must never hold personal data.
"""

from __future__ import annotations


class KioskError(Exception):
    """Base class: ``key`` names a translated message; ``detail`` is technician-facing."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(f"{key}: {detail}" if detail else key)
        self.key = key
        self.detail = detail


class KnownError(KioskError):
    """The environment failed in a way we expect: bad config, full disk, a device missing."""


class BugError(KioskError):
    """Our own invariant broke. The UI shows the out-of-service screen and the app exits."""


class ConfigError(KnownError):
    """The configuration is invalid; ``detail`` lists every offending key path."""

    def __init__(self, detail: str) -> None:
        super().__init__("config.invalid", detail)


class StoreError(KnownError):
    """The local store cannot write (disk full, read-only) or read (corrupt)."""
