"""The sync API (``/api/v1``), as documented in :mod:`kiosk.sync.protocol`.

Signed routes use :class:`SignedRoute`: the signature, timestamp and nonce are checked before
FastAPI parses anything, so an unauthenticated caller learns nothing about the body rules.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response, Security
from fastapi.routing import APIRoute
from fastapi.security import APIKeyHeader
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from kiosk.backoffice.db import BackOfficeDB, BackOfficeError
from kiosk.backoffice.settings import BackOfficeSettings
from kiosk.sync import signing
from kiosk.sync.protocol import (
    BUNDLE_MEDIA_TYPE,
    H_INLINE_MAX,
    INLINE_MAX_BYTES,
    UUID_PATTERN,
    AttachmentState,
    CommitResponse,
    DocumentKind,
    EnrolRequest,
    EnrolResponse,
    GovAppIdentity,
    GovAppResolveRequest,
    Heartbeat,
    HeartbeatAck,
    HelpRequestIn,
    HelpRequestState,
    Problem,
    StatusFeed,
    SubmissionIn,
    SubmissionState,
    WhoAmI,
    decode_bundle,
)

log = logging.getLogger(__name__)


@dataclasses.dataclass
class Context:
    """What the routes need, kept on ``app.state.backoffice``."""

    settings: BackOfficeSettings
    db: BackOfficeDB
    # protocol revision 2: the largest inline push accepted (0: none, revision-1 behaviour)
    inline_max_bytes: int = INLINE_MAX_BYTES


def _ctx(request: Request) -> Context:
    ctx: Context = request.app.state.backoffice
    return ctx


def _unauthorised(code: str, message: str) -> BackOfficeError:
    return BackOfficeError(401, code, message)


def _signed_path(request: Request) -> str:
    raw: bytes = request.scope.get("raw_path") or request.url.path.encode()
    query: bytes = request.scope.get("query_string", b"")
    return (raw + (b"?" + query if query else b"")).decode("latin-1")


async def authenticate(request: Request) -> None:
    """Check the five signature headers; sets ``request.state.terminal_id`` (and, for a
    framed upload, ``request.state.signature``). Raises 401 with a specific code."""
    ctx = _ctx(request)
    headers = {name: request.headers.get(name, "") for name in signing.SIGNED_HEADERS}
    if not all(headers.values()):
        raise _unauthorised("auth.missing", "signature headers missing")
    terminal_id = headers[signing.H_TERMINAL]
    try:
        ts = int(headers[signing.H_TIMESTAMP])
    except ValueError:
        raise _unauthorised("auth.malformed", "bad timestamp") from None
    if abs(time.time() - ts) > ctx.settings.clock_skew_s:
        raise _unauthorised("auth.stale", "timestamp outside the allowed clock skew")
    nonce = headers[signing.H_NONCE]
    if len(nonce) != 32 or any(c not in "0123456789abcdef" for c in nonce):
        raise _unauthorised("auth.malformed", "bad nonce")
    content = headers[signing.H_CONTENT]
    streaming = content == signing.STREAMING
    declared = request.headers.get("content-length", "")
    if not streaming and declared.isdigit() and int(declared) > ctx.settings.max_upload_request_bytes:
        raise BackOfficeError(413, "request.too_large", "request body too large")
    body_hash = None if streaming else hashlib.sha256(await request.body()).hexdigest()
    # one hop to a worker thread for the database (each hop costs the event loop a wake-up)
    secret = await run_in_threadpool(_check_terminal, ctx, headers, body_hash, request.method,
                                     _signed_path(request))
    request.state.terminal_id = terminal_id
    request.state.secret = secret
    request.state.streaming = streaming
    request.state.signature = headers[signing.H_SIGNATURE].lower()


def _check_terminal(ctx: Context, headers: dict[str, str], body_hash: str | None, method: str,
                    path: str) -> bytes:
    """The terminal's secret once it is enrolled, the body matches its hash, the signature
    verifies and the nonce is new (in this order); 401 otherwise."""
    terminal_id = headers[signing.H_TERMINAL]
    secret = ctx.db.terminal_secret(terminal_id)
    if secret is None:
        raise _unauthorised("auth.unknown_terminal", "terminal not enrolled or disabled")
    if body_hash is not None and body_hash != headers[signing.H_CONTENT].lower():
        raise _unauthorised("auth.body_mismatch", "body does not match its hash")
    if not signing.signature_matches(secret, headers, method, path):
        raise _unauthorised("auth.bad_signature", "signature does not verify")
    if not ctx.db.remember_nonce(terminal_id, headers[signing.H_NONCE], 2 * ctx.settings.clock_skew_s):
        raise _unauthorised("auth.replay", "nonce already used")
    return secret


class SignedRoute(APIRoute):
    """A route whose requests are authenticated before FastAPI reads parameters or body."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            await authenticate(request)
            return await original(request)

        return handler


# documents the scheme in OpenAPI; the real check is SignedRoute
_signature_doc = APIKeyHeader(
    name=signing.H_SIGNATURE, auto_error=False, scheme_name="KioskHmac",
    description="HMAC-SHA256 request signature; see kiosk.sync.signing for the other four headers "
                "(X-Kiosk-Terminal, X-Kiosk-Timestamp, X-Kiosk-Nonce, X-Kiosk-Content-SHA256) "
                "and the string to sign.",
)


def _terminal(request: Request, _sig: Annotated[str | None, Security(_signature_doc)] = None) -> str:
    terminal_id: str = request.state.terminal_id
    return terminal_id


Terminal = Annotated[str, Depends(_terminal)]
Uuid = Annotated[str, Path(pattern=UUID_PATTERN)]
Seq = Annotated[int, Path(ge=0, lt=1000)]
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem} for code in (400, 401, 403, 404, 409, 413, 422)
}

public = APIRouter()
router = APIRouter(route_class=SignedRoute, responses=ERRORS)


@public.get("/ping")
def ping() -> dict[str, str]:
    return {"status": "ok", "api": "v1"}


@public.post("/enrol", responses={403: {"model": Problem}})
def enrol(body: EnrolRequest, request: Request) -> EnrolResponse:
    return _ctx(request).db.enrol(body.code, body.request_id)


@router.get("/whoami")
def whoami(terminal: Terminal) -> WhoAmI:
    return WhoAmI(terminal_id=terminal, server_time=dt.datetime.now(dt.UTC))


@router.put("/submissions/{uuid}")
def put_submission(uuid: Uuid, body: SubmissionIn, terminal: Terminal, request: Request, response: Response
                   ) -> SubmissionState:
    ctx = _ctx(request)
    if body.uuid != uuid:
        raise BackOfficeError(422, "submission.invalid", "uuid in the path and the body differ")
    if ctx.inline_max_bytes:
        response.headers[H_INLINE_MAX] = str(ctx.inline_max_bytes)  # protocol revision 2
    return ctx.db.put_submission(terminal, body)


@router.put(
    "/submissions/{uuid}/inline",
    responses={413: {"model": Problem}, 415: {"model": Problem}},
    openapi_extra={"requestBody": {"required": True, "content": {
        BUNDLE_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}}},
)
async def put_inline(uuid: Uuid, terminal: Terminal, request: Request, response: Response) -> SubmissionState:
    """Protocol revision 2: the submission, every attachment's bytes and the commit in one
    request (a bundle body, see :mod:`kiosk.sync.protocol`); answers the committed state."""
    ctx = _ctx(request)
    if not ctx.inline_max_bytes:
        raise BackOfficeError(404, "inline.unsupported", "this back office takes resumable uploads only")
    if request.state.streaming or request.headers.get("content-type", "") != BUNDLE_MEDIA_TYPE:
        raise BackOfficeError(415, "upload.not_bundle", f"send {BUNDLE_MEDIA_TYPE}, signed with its hash")
    try:
        body, contents = decode_bundle(await request.body())  # read (and hashed) by authenticate
    except ValueError as err:
        raise BackOfficeError(422, "upload.bad_bundle", str(err).splitlines()[0][:200]) from None
    if body.uuid != uuid:
        raise BackOfficeError(422, "submission.invalid", "uuid in the path and the body differ")
    response.headers[H_INLINE_MAX] = str(ctx.inline_max_bytes)
    state: SubmissionState = await run_in_threadpool(
        ctx.db.put_submission, terminal, body, inline=contents, inline_max=ctx.inline_max_bytes)
    return state


@router.get("/submissions/{uuid}")
def get_submission(uuid: Uuid, terminal: Terminal, request: Request) -> SubmissionState:
    return _ctx(request).db.submission_state(terminal, uuid)


@router.get("/submissions/{uuid}/attachments/{seq}")
def get_attachment(uuid: Uuid, seq: Seq, terminal: Terminal, request: Request) -> AttachmentState:
    return _ctx(request).db.attachment_state(terminal, uuid, seq)


@router.patch(
    "/submissions/{uuid}/attachments/{seq}",
    openapi_extra={"requestBody": {"required": True, "content": {
        signing.FRAMES_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}}},
)
async def upload_attachment(
    uuid: Uuid, seq: Seq, terminal: Terminal, request: Request,
    offset: Annotated[int, Query(ge=0, description="the server's offset, from GET or a 409")],
) -> AttachmentState:
    """Append framed bytes at ``offset``. Every complete frame received is kept, even when the
    connection drops mid-request; the client asks for the offset and sends the rest."""
    ctx = _ctx(request)
    if not request.state.streaming:
        raise BackOfficeError(400, "upload.not_framed", f"send {signing.FRAMES_MEDIA_TYPE} with "
                              f"{signing.H_CONTENT}: {signing.STREAMING}")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > ctx.settings.max_upload_request_bytes:
        raise BackOfficeError(413, "upload.too_large", "request body too large")
    state = await run_in_threadpool(ctx.db.attachment_state, terminal, uuid, seq)
    if offset != state.offset:
        raise BackOfficeError(409, "upload.offset_mismatch", "resume at the server's offset",
                              {"state": state.model_dump()})
    reader = signing.FrameReader(request.state.secret, request.state.signature, offset)
    pending: list[bytes] = []
    pending_bytes = 0
    position = offset  # bytes persisted so far

    async def flush() -> None:
        nonlocal pending, pending_bytes, position, state
        if not pending:
            return
        data = b"".join(pending)
        pending, pending_bytes = [], 0
        state = await run_in_threadpool(ctx.db.append_attachment, terminal, uuid, seq, position, data)
        position = state.offset

    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > ctx.settings.max_upload_request_bytes:
                raise BackOfficeError(413, "upload.too_large", "request body too large")
            for piece in reader.feed(chunk):
                pending.append(piece)
                pending_bytes += len(piece)
            if reader.error is not None:
                await flush()  # the frames before the bad one verified: keep them
                raise BackOfficeError(400, "upload.bad_frame", reader.error)
            if pending_bytes >= ctx.settings.upload_flush_bytes:
                await flush()
            if reader.finished:
                break
    except ClientDisconnect:
        # the link went down mid-request: keep every verified frame, the client resumes
        await flush()
        log.info("upload %s/%d cut off at %d bytes; kept", uuid, seq, position)
        raise BackOfficeError(400, "upload.incomplete", "connection closed mid-body") from None
    await flush()
    if not reader.finished:
        raise BackOfficeError(400, "upload.incomplete", "body ended without the end frame")
    return state


@router.post("/submissions/{uuid}/commit")
def commit(uuid: Uuid, terminal: Terminal, request: Request) -> CommitResponse:
    return _ctx(request).db.commit(terminal, uuid)


@router.get("/status-updates")
def status_updates(
    terminal: Terminal, request: Request,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
) -> StatusFeed:
    ctx = _ctx(request)
    return ctx.db.status_feed(terminal, after, min(limit, ctx.settings.status_page_max))


@router.get("/documents/{kind}", responses={304: {"description": "not modified"}})
def get_document(kind: DocumentKind, terminal: Terminal, request: Request, response: Response) -> Any:
    found = _ctx(request).db.get_document(kind, terminal)
    if found is None:
        raise BackOfficeError(404, "document.not_found", f"no {kind} published")
    content, etag = found
    wanted = [t.strip() for t in request.headers.get("if-none-match", "").split(",") if t.strip()]
    if etag in wanted or "*" in wanted:
        return Response(status_code=304, headers={"ETag": etag})
    response.headers["ETag"] = etag
    return content


@router.post("/identity/gov-app")
def gov_app_identity(body: GovAppResolveRequest, terminal: Terminal, request: Request) -> GovAppIdentity:
    """A government-app login token a citizen showed a kiosk → the identity behind it."""
    ctx = _ctx(request)
    key = ctx.settings.gov_app_public_key
    identity = ctx.db.resolve_gov_app(terminal, body.token,
                                      base64.b64decode(key) if key is not None else None)
    return GovAppIdentity(identity=identity)


@router.put("/help-requests/{request_id}")
def put_help_request(request_id: Uuid, body: HelpRequestIn, terminal: Terminal,
                     request: Request) -> HelpRequestState:
    """The help button on a kiosk: the hall's remote staff see it on the terminals page."""
    return _ctx(request).db.put_help_request(terminal, request_id, body)


@router.get("/help-requests/{request_id}")
def get_help_request(request_id: Uuid, terminal: Terminal, request: Request) -> HelpRequestState:
    return _ctx(request).db.help_request(terminal, request_id)


@router.post("/heartbeat")
def heartbeat(body: Heartbeat, terminal: Terminal, request: Request) -> HeartbeatAck:
    _ctx(request).db.record_heartbeat(terminal, body)
    return HeartbeatAck(server_time=dt.datetime.now(dt.UTC))
