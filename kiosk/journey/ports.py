"""What the journey needs from the rest of the kiosk, as typing protocols.

``app.py`` wires real implementations (the SQLite outbox in :mod:`kiosk.store`, the device
health monitor); tests inject typed fakes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from kiosk.catalog.model import Device, IdKind
from kiosk.journey.clock import Clock, FakeClock, SystemClock
from kiosk.store.models import NewSubmission, Receipt, SubmissionRow

__all__ = [
    "Clock",
    "DeviceAvailability",
    "FakeClock",
    "OutboxPort",
    "OwnerVerifier",
    "SystemClock",
]


@runtime_checkable
class OutboxPort(Protocol):
    def enqueue(self, submission: NewSubmission) -> Receipt:
        """Commit ``submission`` durably (one fsynced transaction) and return its receipt.

        May raise :class:`~kiosk.errors.KnownError` (``store.disk_full``, ``store.read_only``);
        nothing was stored then. Slow (fsync): the UI calls it off the GUI thread.
        """
        ...

    def find_by_tracking(self, tracking_no: str) -> SubmissionRow | None:
        """The redacted row for a tracking number (normalised upper case), or ``None``."""
        ...

    def set_rating(self, uuid: str, level: int, reasons: Sequence[str]) -> None:
        """Record the 好差评 rating (1..5 and reason codes) of a submission."""
        ...


@runtime_checkable
class OwnerVerifier(Protocol):
    """Does this identity document belong to the applicant of this submission?

    Result pickup hands out a licence, so a tracking number alone is not enough. The store
    holds the applicant's identity (encrypted) and answers without revealing it. ``False``
    also when the personal data has been purged (the citizen is sent to a window).
    """

    def owner_matches(self, uuid: str, id_kind: IdKind, id_number: str) -> bool: ...


@runtime_checkable
class DeviceAvailability(Protocol):
    def available(self, device: Device) -> bool:
        """Whether ``device`` works right now (health monitor: ``unknown`` counts as down)."""
        ...
