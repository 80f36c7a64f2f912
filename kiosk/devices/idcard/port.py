"""The ID-card reader port: what the journey and the health monitor see (DESIGN §4).

Every failure is a :class:`~kiosk.devices.status.DeviceError` subclass whose ``key`` is a
translated message (``device.idcard.*``) and whose ``detail`` is technician text: SW codes,
lengths, states, the port name — never a name, a number, an address or card bytes.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar, Protocol

from kiosk.devices.status import (
    DeviceError,
    DeviceOffline,
    DeviceProtocolError,
    DeviceStatus,
    DeviceTimeout,
)
from kiosk.identity.models import IdentityDocument

__all__ = [
    "CardRead",
    "CardReadFailed",
    "CardRemoved",
    "ChecksumMismatch",
    "IdCardError",
    "IdCardOffline",
    "IdCardProtocolError",
    "IdCardReader",
    "IdCardTimeout",
    "InvalidCardNumber",
    "NoPhotoDecoder",
    "PhotoDecoder",
    "ReaderFault",
    "ShortFrame",
    "UnsupportedCard",
]


@dataclasses.dataclass(frozen=True, slots=True)
class CardRead:
    """One card read: the decoded text and the raw (vendor-encoded WLT) photo bytes."""

    document: IdentityDocument
    photo: bytes = b""

    def __repr__(self) -> str:  # personal data stays out of reprs, tracebacks and logs
        return f"CardRead(kind={self.document.kind!r}, photo={len(self.photo)} bytes)"


class IdCardReader(Protocol):
    """A second-generation ID-card reader, used as a poll loop.

    ``poll()`` runs find → select → read and returns the card, or ``None`` when there is no
    card *or the card on the reader was already reported* (a card is reported once, until it
    is lifted or ``rearm()`` is called). It raises an :class:`IdCardError` subclass for
    anything else. ``rearm()``: a new request for a card — the next poll reads the card on
    the reader even if it was reported (a lift is not seen while nobody polls).
    ``status()`` never raises.
    """

    def status(self) -> DeviceStatus: ...

    def poll(self) -> CardRead | None: ...

    def rearm(self) -> None: ...

    def close(self) -> None: ...


class PhotoDecoder(Protocol):
    """Turns the 1024-byte WLT photo into an image (PNG/BMP bytes), or ``None``.

    WLT needs the ministry/vendor-supplied library; no decoder ships, and the UI shows no
    photo rather than a broken one.
    """

    def decode(self, wlt: bytes) -> bytes | None: ...


class NoPhotoDecoder:
    def decode(self, wlt: bytes) -> bytes | None:
        return None


# ---------------------------------------------------------------- errors


class IdCardError(DeviceError):
    """Marker for every ID-card reader error; subclasses fix the message key."""

    KEY: ClassVar[str] = "device.idcard.read_failed"

    def __init__(self, detail: str = "") -> None:
        super().__init__(self.KEY, detail)


class IdCardOffline(IdCardError, DeviceOffline):
    """The serial port is missing, unplugged or not ours (detail names the port)."""

    KEY = "device.idcard.offline"


class IdCardTimeout(IdCardError, DeviceTimeout):
    """No (complete) reply within the configured time: the reader state is unknown."""

    KEY = "device.idcard.timeout"


class ShortFrame(IdCardTimeout):
    """A reply started but stopped before its announced length (stall, card pulled)."""


class IdCardProtocolError(IdCardError, DeviceProtocolError):
    """A malformed or unexpected reply (bad length, short frame, the reader rejected ours)."""

    KEY = "device.idcard.protocol"


class ChecksumMismatch(IdCardProtocolError):
    KEY = "device.idcard.checksum"


class CardRemoved(IdCardError):
    """The card left the reader between find and the end of the read."""

    KEY = "device.idcard.removed"


class CardReadFailed(IdCardError):
    """The reader found a card but could not read it (RF/authentication failure)."""

    KEY = "device.idcard.read_failed"


class ReaderFault(IdCardError):
    """The SAM module answers but reports a fault (self-test failed, not authorised)."""

    KEY = "device.idcard.fault"


class InvalidCardNumber(IdCardError):
    """The card was read, but its number fails validation: reported, never accepted."""

    KEY = "device.idcard.invalid_number"


class UnsupportedCard(IdCardError):
    """A card type (or text layout) this kiosk does not decode."""

    KEY = "device.idcard.unsupported_card"
