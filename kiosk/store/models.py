"""A submission as the outbox stores it, and the statuses it goes through (DESIGN §1)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any, Final, Literal

Status = Literal[
    "queued", "sending", "accepted", "rejected",
    "in_review", "needs_more", "approved", "declined", "result_ready", "collected",
]
STATUSES: Final[tuple[Status, ...]] = (
    "queued", "sending", "accepted", "rejected",
    "in_review", "needs_more", "approved", "declined", "result_ready", "collected",
)
# statuses after the back office holds the submission (personal data may be purged later)
ACCEPTED_OR_LATER: Final[frozenset[Status]] = frozenset(STATUSES[2:]) - {"rejected"}


@dataclasses.dataclass(frozen=True, slots=True)
class Attachment:
    """One captured material file (a multi-page PDF, a photo) as bytes in memory."""

    material_id: str
    filename: str
    mime: str
    data: bytes = dataclasses.field(repr=False)
    pages: int = 1


@dataclasses.dataclass(frozen=True, slots=True)
class Consent:
    text_version: str  # which consent text the citizen accepted
    accepted_at: dt.datetime
    language: str


@dataclasses.dataclass(frozen=True, slots=True)
class NewSubmission:
    """What the journey hands the outbox; everything but the codes is personal data."""

    item_code: str
    language: str
    identity: dict[str, Any] = dataclasses.field(repr=False)
    form: dict[str, Any] = dataclasses.field(repr=False)
    consent: Consent
    attachments: tuple[Attachment, ...] = dataclasses.field(default=(), repr=False)
    # the attachments when they are costly to build (a material's pages → one PDF): built by
    # whoever commits the submission, on its worker thread, not by the GUI thread that made it
    attachments_later: Callable[[], tuple[Attachment, ...]] | None = dataclasses.field(
        default=None, repr=False, compare=False)

    def with_attachments(self) -> NewSubmission:
        """This submission with ``attachments_later`` built into ``attachments``."""
        if self.attachments_later is None:
            return self
        return dataclasses.replace(self, attachments=self.attachments + self.attachments_later(),
                                   attachments_later=None)


@dataclasses.dataclass(frozen=True, slots=True)
class Receipt:
    """What the citizen gets once the submission is durably queued."""

    uuid: str
    tracking_no: str
    item_code: str
    created_at: dt.datetime


@dataclasses.dataclass(frozen=True, slots=True)
class AttachmentInfo:
    material_id: str
    filename: str
    mime: str
    pages: int
    size: int
    sha256: str  # of the plaintext, for upload verification
    blob: str  # file name in the blob directory (SHA-256 of the ciphertext)


@dataclasses.dataclass(frozen=True, slots=True)
class SubmissionRow:
    """A redacted view: safe to print, log and send in heartbeats."""

    uuid: str
    tracking_no: str
    item_code: str
    terminal_id: str
    status: Status
    created_at: dt.datetime
    updated_at: dt.datetime
    attempts: int
    case_no: str | None
    reason: str | None  # back office's reason (rejection, needs_more); no personal data
    accepted_at: dt.datetime | None
    purged_at: dt.datetime | None
    rating: int | None
    attachments: tuple[AttachmentInfo, ...]
