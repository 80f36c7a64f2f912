"""What every device reports: a small state enum plus a translated reason key (DESIGN §4).

"No reply" is ``UNKNOWN``, never ``OK``. Library exceptions are wrapped at the driver boundary
into :class:`DeviceError` subclasses (``raise PrinterOffline(...) from err``).
"""

from __future__ import annotations

import dataclasses
import enum
from typing import Protocol

from kiosk.errors import KnownError


class DeviceState(enum.StrEnum):
    OK = "ok"
    PAPER_LOW = "paper_low"  # still usable
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"  # unplugged, port missing, not answering at all
    FAULT = "fault"  # answers, but reports an error (SAM self-test failed, cutter jam …)
    UNKNOWN = "unknown"  # no (valid) status reply: never treated as OK

    @property
    def usable(self) -> bool:
        return self in (DeviceState.OK, DeviceState.PAPER_LOW)


@dataclasses.dataclass(frozen=True, slots=True)
class DeviceStatus:
    state: DeviceState
    # message key shown to technicians/citizens, e.g. "device.printer.paper_out"
    reason: str = ""
    # technician detail (no personal data), e.g. "DLE EOT 4 -> 0x72"
    detail: str = ""

    @property
    def usable(self) -> bool:
        return self.state.usable

    @property
    def starting(self) -> bool:
        """Just started, first reading not in yet (a camera's first frame): not usable, but
        not a fault either — no warning, and no out-of-service screen for it."""
        return self.state is DeviceState.UNKNOWN and self.reason == STARTING_KEY


STARTING_KEY = "device.starting"
OK = DeviceStatus(DeviceState.OK)


class StatusSource(Protocol):
    """Anything the health monitor can poll."""

    def status(self) -> DeviceStatus: ...


class DeviceError(KnownError):
    """A device failed; ``key`` is a translated message key (``device.<kind>.<what>``)."""


class DeviceOffline(DeviceError):
    pass


class DeviceTimeout(DeviceError):
    pass


class DeviceProtocolError(DeviceError):
    """A malformed, short or corrupt frame / reply."""
