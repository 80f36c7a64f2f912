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
                                                     another body → 409 ``submission.conflict``
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
seen it may send a submission whose attachments total at most N bytes in one request,
``PUT /submissions/{uuid}/inline`` with a *bundle* body (:data:`BUNDLE_MEDIA_TYPE`, signed like
any body: ``X-Kiosk-Content-SHA256`` is the hash of the whole bundle)::

    length of the JSON (4 bytes, big endian) ‖ SubmissionIn as JSON ‖ every attachment's bytes,
    in the order of ``attachments``, each exactly its declared ``size``

The server checks every attachment against its declared SHA-256 (422 ``upload.inline_mismatch``;
413 ``upload.inline_too_large`` above N), stores the submission as ``PUT`` would (same
idempotency: the fingerprint is the metadata's, so a submission may arrive inline or resumable,
in any order; another body under the uuid is 409), completes its attachments and commits, all in
one durable transaction: the answer is a :class:`SubmissionState` with ``committed`` and
``case_no``. Larger submissions, and every terminal talking to a revision-1 server (no header),
use the resumable upload unchanged; a terminal whose inline push is refused with 404/405/413/415/
422 (a server downgraded since) pushes the same submission the resumable way.

=======  ==========================================  ==============================================
PUT      /submissions/{uuid}/inline                  revision 2: metadata, bytes and commit in one
                                                     request (bundle body) → :class:`SubmissionState`
=======  ==========================================  ==============================================

Errors are ``{"detail": {"code": "...", "message": "..."}}`` with a stable ``code``.
A terminal never sees another terminal's submissions: reads answer 404, writes 403.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import struct
from collections.abc import Sequence
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

API_VERSION: Final = "v1"
API_REVISION: Final = 2  # 2: inline push (see the module docstring)
API_PREFIX: Final = "/api/v1"
H_INLINE_MAX: Final = "X-Kiosk-Inline-Max"  # on PUT answers of a revision-2 server
BUNDLE_MEDIA_TYPE: Final = "application/vnd.smarthall.bundle"

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


# ---------------------------------------------------------------- gov-app identification
class GovAppResolveRequest(_Model):
    """A government-app login token (``GOVAPP1.…``) the citizen showed the kiosk's camera."""

    token: Annotated[str, Field(min_length=16, max_length=4096)]


class GovAppIdentity(_Model):
    """The identity the government's identity platform vouches for behind the token's subject
    (``kiosk.identity.IdentityDocument.as_dict`` fields). Personal data: TLS only, never logged."""

    identity: dict[Annotated[str, Field(max_length=32)], Any]


# ---------------------------------------------------------------- staff call (the help button)
HelpStatus = Literal["open", "acknowledged", "closed"]


class HelpRequestIn(_Model):
    """A citizen pressed "Help" (``PUT /help-requests/{id}``, idempotent). Where they are and
    how to speak to them — never who they are."""

    screen: Annotated[str, Field(max_length=32, pattern=r"^[a-z_]+$")]
    language: Annotated[str, Field(max_length=8)]
    care_mode: bool = False
    requested_at: dt.datetime


class HelpRequestState(_Model):
    id: str
    status: HelpStatus
    acknowledged_at: dt.datetime | None = None


# ---------------------------------------------------------------- push
class AttachmentMeta(_Model):
    seq: Annotated[int, Field(ge=0, lt=MAX_ATTACHMENTS)]
    material_id: Annotated[str, Field(min_length=1, max_length=64)]
    filename: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")]
    mime: Annotated[str, Field(pattern=r"^[a-z]+/[a-z0-9.+-]{1,64}$")]
    pages: Annotated[int, Field(ge=0, le=10_000)]
    size: Annotated[int, Field(ge=0, le=MAX_ATTACHMENT_BYTES)]
    sha256: Annotated[str, Field(pattern=SHA256_PATTERN)]


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

    def fingerprint(self) -> str:
        """SHA-256 of the canonical JSON: equal bodies, equal fingerprints (idempotency)."""
        return canonical_sha256(self.model_dump(mode="json"))


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
    """The terminal config document the back office publishes (``/documents/config``).

    ``settings`` are config sections and keys exactly as in the terminal's TOML (``{"session":
    {"idle_timeout_s": 60}}``), limited to the allow-list of :mod:`kiosk.remote_config`; the
    terminal validates them over its local file with the same models, stages them and restarts
    into them (rolled back automatically when the app does not start healthy). ``version`` is
    assigned by the back office, increasing with every publication. The other fields apply live
    without a restart.
    """

    version: Annotated[int, Field(ge=0)] = 0
    settings: dict[str, Any] = {}
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
    # how old ``devices`` is when another process (the app) reported it; None: measured here
    devices_age_s: Annotated[float, Field(ge=0)] | None = None
    # the link as the terminal saw it: seconds since the last fully successful sync cycle and
    # the last failed one with its error keys (e.g. "sync.offline"), so an outage shows in the
    # first heartbeat after the link is back
    last_sync_ok_age_s: Annotated[float, Field(ge=0)] | None = None
    last_sync_error_age_s: Annotated[float, Field(ge=0)] | None = None
    last_sync_error: Annotated[str, Field(max_length=200)] = ""
    # the remote config the app runs ("v3 1a2b3c4d5e6f", "" = the local file alone) and its
    # state ("good", "pending v4", "trial v4", "rolled back v4: …", "config refused: <key path>")
    config_version: Annotated[str, Field(max_length=64)] = ""
    config_state: Annotated[str, Field(max_length=300)] = ""


class HeartbeatAck(_Model):
    server_time: dt.datetime


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def canonical_sha256(value: Any) -> str:
    return hashlib.sha256(canonical_json(value)).hexdigest()


def document_etag(content: Any) -> str:
    """A strong ETag of a document: the quoted SHA-256 of its canonical JSON."""
    return f'"{canonical_sha256(content)}"'


# ---------------------------------------------------------------- revision 2: inline push
_BUNDLE_HEAD = struct.Struct(">I")
MAX_BUNDLE_JSON: Final = 4 * 1024 * 1024


def encode_bundle(sub: SubmissionIn, contents: Sequence[bytes]) -> bytes:
    """The body of an inline push: ``contents`` are the attachments' bytes, in order."""
    if len(contents) != len(sub.attachments) or any(
            len(c) != a.size for c, a in zip(contents, sub.attachments, strict=True)):
        raise ValueError("bundle contents do not match the declared attachments")
    meta = sub.model_dump_json().encode("utf-8")
    return b"".join((_BUNDLE_HEAD.pack(len(meta)), meta, *contents))


def decode_bundle(raw: bytes) -> tuple[SubmissionIn, dict[int, bytes]]:
    """The submission and ``{seq: bytes}`` of a bundle; ValueError (a pydantic
    ``ValidationError`` is one) when it is not one. Hashes are the caller's to check."""
    if len(raw) < _BUNDLE_HEAD.size:
        raise ValueError("bundle too short")
    (length,) = _BUNDLE_HEAD.unpack_from(raw)
    if length > MAX_BUNDLE_JSON or _BUNDLE_HEAD.size + length > len(raw):
        raise ValueError("bundle header out of range")
    start = _BUNDLE_HEAD.size + length
    sub = SubmissionIn.model_validate_json(raw[_BUNDLE_HEAD.size:start])
    if start + sum(a.size for a in sub.attachments) != len(raw):
        raise ValueError("bundle length differs from the declared attachment sizes")
    contents: dict[int, bytes] = {}
    view = memoryview(raw)
    for a in sub.attachments:
        contents[a.seq] = bytes(view[start:start + a.size])
        start += a.size
    return sub, contents
