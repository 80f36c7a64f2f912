"""The sync protocol, version 1 (revision 2): models shared by the kiosk and the back office.

All paths are under :data:`API_PREFIX` (``/api/v1``); every request but ``POST /enrol`` and
``GET /ping`` is signed (:mod:`kiosk.sync.signing`). JSON bodies are UTF-8.

=======  ==========================================  ==============================================
Method   Path                                        Meaning
=======  ==========================================  ==============================================
GET      /ping                                       liveness (unsigned)
POST     /enrol                                      one-time code → terminal id + secret (unsigned)
GET      /whoami                                     the authenticated terminal, server time
PUT      /submissions/{uuid}                         create; same body again → same answer,
                                                     another body → 409 ``submission.conflict``;
                                                     ``?commit=true`` with inline content: see
                                                     revision 2 below
GET      /submissions/{uuid}                         state: committed?, case number, offsets
GET      /submissions/{uuid}/attachments/{seq}       the server's offset for one attachment
PATCH    /submissions/{uuid}/attachments/{seq}       append bytes at ``?offset=N`` (framed body);
                                                     wrong offset → 409 with the server's state
POST     /submissions/{uuid}/commit                  all attachments complete and verified →
                                                     case number; idempotent
GET      /status-updates?after=N&limit=M             this terminal's status changes after cursor N
GET      /documents/{kind}                           ``catalog`` or ``config``; ETag/If-None-Match
POST     /heartbeat                                  device health and queue figures, no PII
=======  ==========================================  ==============================================

**Revision 2 (additive): inline push.** A back office that supports it sends
``X-Kiosk-Inline-Max: N`` (bytes) on its ``PUT /submissions/{uuid}`` answers. A terminal that has
seen it may then send a submission whose attachments total at most N bytes in one request:
every attachment's bytes as ``content_b64`` (standard base64) in its :class:`AttachmentMeta`, and
``?commit=true``. The server checks each content against the declared size and SHA-256 (422
``upload.inline_mismatch`` otherwise; 413 ``upload.inline_too_large`` above N), stores it, and,
all attachments complete, commits in the same durable transaction: the answer is a
:class:`SubmissionState` with ``committed`` and ``case_no``. Inline content never changes the
submission's fingerprint (the same submission may arrive inline or resumable, in any order), and
content for an attachment already complete is ignored. Larger submissions, and every terminal
talking to a revision-1 server (no header), use the resumable upload unchanged; a terminal whose
inline push is refused with 413/422 (a server downgraded since) pushes again without it.

Errors are ``{"detail": {"code": "...", "message": "..."}}`` with a stable ``code``.
A terminal never sees another terminal's submissions: reads answer 404, writes 403.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

API_VERSION: Final = "v1"
API_REVISION: Final = 2  # 2: inline push (see the module docstring)
API_PREFIX: Final = "/api/v1"
H_INLINE_MAX: Final = "X-Kiosk-Inline-Max"  # on PUT answers of a revision-2 server

UUID_PATTERN: Final = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
SHA256_PATTERN: Final = r"^[0-9a-f]{64}$"
TERMINAL_ID_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$"

# statuses the back office reports (the kiosk's own queued/sending/rejected never come back)
BackOfficeStatus = Literal[
    "accepted", "in_review", "needs_more", "approved", "declined", "result_ready", "collected"
]
BACKOFFICE_STATUSES: Final[tuple[BackOfficeStatus, ...]] = (
    "accepted", "in_review", "needs_more", "approved", "declined", "result_ready", "collected"
)
DocumentKind = Literal["catalog", "config"]

MAX_ATTACHMENTS: Final = 32
MAX_ATTACHMENT_BYTES: Final = 200 * 1024 * 1024
# the largest inline push (attachment bytes, decoded) a back office accepts by default: a cut
# link costs at most this much again, while each request saved is a round trip and a commit
INLINE_MAX_BYTES: Final = 1024 * 1024


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ErrorDetail(_Model):
    code: str
    message: str = ""


class Problem(_Model):
    """The body of every error answer."""

    detail: ErrorDetail


# ---------------------------------------------------------------- enrolment
class EnrolRequest(_Model):
    code: Annotated[str, Field(min_length=6, max_length=64)]
    # chosen by the kiosk per enrolment attempt: a retry after a lost answer gets the same
    # credential instead of "code already used"
    request_id: Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]
    app_version: Annotated[str, Field(max_length=32)] = ""


class EnrolResponse(_Model):
    terminal_id: Annotated[str, Field(pattern=TERMINAL_ID_PATTERN)]
    secret: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]  # 32 bytes, hex


class WhoAmI(_Model):
    terminal_id: str
    server_time: dt.datetime


# ---------------------------------------------------------------- push
class AttachmentMeta(_Model):
    seq: Annotated[int, Field(ge=0, lt=MAX_ATTACHMENTS)]
    material_id: Annotated[str, Field(min_length=1, max_length=64)]
    filename: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")]
    mime: Annotated[str, Field(pattern=r"^[a-z]+/[a-z0-9.+-]{1,64}$")]
    pages: Annotated[int, Field(ge=0, le=10_000)]
    size: Annotated[int, Field(ge=0, le=MAX_ATTACHMENT_BYTES)]
    sha256: Annotated[str, Field(pattern=SHA256_PATTERN)]
    # revision 2: the bytes themselves (standard base64), for an inline push only
    content_b64: Annotated[str, Field(max_length=4 * INLINE_MAX_BYTES)] | None = None

    def content(self) -> bytes | None:
        """The decoded inline bytes (None when not inline); ValueError when not base64."""
        if self.content_b64 is None:
            return None
        try:
            return base64.b64decode(self.content_b64, validate=True)
        except binascii.Error as err:
            raise ValueError("content_b64 is not base64") from err


class SubmissionIn(_Model):
    """What the kiosk pushes. ``personal`` is identity, form and consent as queued."""

    uuid: Annotated[str, Field(pattern=UUID_PATTERN)]
    tracking_no: Annotated[str, Field(min_length=1, max_length=32)]
    item_code: Annotated[str, Field(min_length=1, max_length=64)]
    language: Annotated[str, Field(max_length=16)]
    created_at: dt.datetime
    terminal_ref: Annotated[str, Field(max_length=64)] = ""  # the kiosk's configured id
    personal: dict[str, Any]
    attachments: Annotated[tuple[AttachmentMeta, ...], Field(max_length=MAX_ATTACHMENTS)] = ()

    def metadata(self) -> dict[str, Any]:
        """The submission as JSON without inline content (what the back office stores)."""
        return self.model_dump(mode="json", exclude={"attachments": {"__all__": {"content_b64"}}})

    def wire(self) -> dict[str, Any]:
        """The request body: the metadata, plus ``content_b64`` where there is inline content
        (never a null one: a revision-1 server refuses unknown fields)."""
        data = self.metadata()
        for att, meta in zip(self.attachments, data["attachments"], strict=True):
            if att.content_b64 is not None:
                meta["content_b64"] = att.content_b64
        return data

    @property
    def inline(self) -> bool:
        return any(a.content_b64 is not None for a in self.attachments)

    def fingerprint(self) -> str:
        """SHA-256 of the canonical JSON of the metadata: equal bodies, equal fingerprints
        (idempotency). Inline content is left out: the declared size and SHA-256 stand for it."""
        return canonical_sha256(self.metadata())


class AttachmentState(_Model):
    seq: int
    size: int
    offset: int  # bytes the server holds
    complete: bool  # offset == size and the SHA-256 matched


class SubmissionState(_Model):
    uuid: str
    committed: bool
    case_no: str | None
    status: str  # "received" before commit, then a BackOfficeStatus
    attachments: tuple[AttachmentState, ...]


class CommitResponse(_Model):
    uuid: str
    case_no: str
    status: str


# ---------------------------------------------------------------- pull
class StatusUpdate(_Model):
    id: int  # the cursor value of this update
    uuid: str
    status: BackOfficeStatus
    case_no: str | None = None
    reason: str | None = None  # staff note for the applicant's status (no other PII by policy)
    at: dt.datetime


class StatusFeed(_Model):
    updates: tuple[StatusUpdate, ...]
    cursor: int  # pass as ``after`` next time
    more: bool


class TerminalConfigDoc(_Model):
    """The terminal config document the back office publishes (``/documents/config``)."""

    heartbeat_s: Annotated[float, Field(ge=10, le=3600)] | None = None
    services: tuple[str, ...] | None = None  # item codes offered; None = keep the local list
    out_of_service: bool = False
    notice: dict[str, str] = {}  # a banner per language ("zh-Hans", "zh-Hant", "en")


# ---------------------------------------------------------------- heartbeat
class Heartbeat(_Model):
    """Device health and queue figures. Never personal data."""

    sent_at: dt.datetime
    app_version: Annotated[str, Field(max_length=32)]
    devices: dict[Annotated[str, Field(max_length=32)], Annotated[str, Field(max_length=64)]] = {}
    queue_depth: Annotated[int, Field(ge=0)]
    parked: Annotated[int, Field(ge=0)] = 0
    oldest_unsent_age_s: Annotated[float, Field(ge=0)] | None = None
    disk_free_bytes: Annotated[int, Field(ge=0)]
    catalog_version: Annotated[str, Field(max_length=32)] = ""


class HeartbeatAck(_Model):
    server_time: dt.datetime


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def canonical_sha256(value: Any) -> str:
    return hashlib.sha256(canonical_json(value)).hexdigest()


def document_etag(content: Any) -> str:
    """A strong ETag of a document: the quoted SHA-256 of its canonical JSON."""
    return f'"{canonical_sha256(content)}"'
