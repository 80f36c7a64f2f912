"""The HTTP client of the sync protocol (requests), with signing and error classification.

Every answer is classified into one of:

* success (2xx, and 304 for documents);
* :class:`TransientError`: 5xx, 408, 429, timeouts, refused/reset connections, truncated or
  garbled answers: retry later with backoff;
* :class:`ConflictError` (409): the server's state differs (upload offset, incomplete commit):
  retried after re-reading the state; ``submission.conflict`` is permanent (see the worker);
* :class:`AuthError` (401): the terminal's credential or clock is wrong: a terminal-wide
  problem, never a reason to park one submission;
* :class:`RejectedError`: any other 4xx: the request itself is refused; the worker parks the
  submission as ``rejected`` with the server's reason.

TLS certificates are verified for every https URL (``ca_file`` adds a private CA, never turns
verification off); redirects are not followed (they would change the signed path).
"""

from __future__ import annotations

import json
import logging
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import requests
from pydantic import BaseModel, ValidationError

from kiosk.errors import KnownError
from kiosk.sync import signing
from kiosk.sync.credentials import Credentials
from kiosk.sync.protocol import (
    API_PREFIX,
    BUNDLE_MEDIA_TYPE,
    H_INLINE_MAX,
    INLINE_MAX_BYTES,
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
    StatusFeed,
    SubmissionIn,
    SubmissionState,
    WhoAmI,
    encode_bundle,
)

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

DEFAULT_FRAME_BYTES = 16 * 1024
DEFAULT_UPLOAD_REQUEST_BYTES = 4 * 1024 * 1024
# answers to an inline push that mean "this back office does not take it (any more)"
INLINE_REFUSALS = frozenset({404, 405, 413, 415, 422})


class SyncError(KnownError):
    """A sync request failed. ``status`` is the HTTP status (0: no answer), ``code`` the
    server's error code; neither holds personal data."""

    def __init__(self, key: str, detail: str, *, status: int = 0, code: str = "",
                 extra: dict[str, Any] | None = None, retry_after: float | None = None) -> None:
        super().__init__(key, detail)
        self.status = status
        self.code = code
        self.extra = extra or {}
        self.retry_after = retry_after


class TransientError(SyncError):
    """Retry later: no answer, 5xx, 408, 429."""

    @property
    def network(self) -> bool:
        """True when no HTTP answer arrived at all (the link or the server is down)."""
        return self.status == 0


class ConflictError(TransientError):
    """409: the server's state differs from what the request assumed."""


class AuthError(SyncError):
    """401: bad credential, unknown terminal, stale clock, replay."""


class RejectedError(SyncError):
    """Any other 4xx: this request will never succeed as it is."""


def classify(response: requests.Response) -> SyncError | None:
    """The error an answer stands for, or None for success."""
    status = response.status_code
    if status < 400:
        return None
    code, message, extra = "", "", {}
    try:
        payload = response.json()
        detail = payload.get("detail") if isinstance(payload, dict) else None
        if isinstance(detail, dict):
            code = str(detail.get("code", ""))
            message = str(detail.get("message", ""))
            extra = {k: v for k, v in detail.items() if k not in ("code", "message")}
        elif detail is not None:
            message = json.dumps(detail, ensure_ascii=False)[:300]
    except (ValueError, requests.RequestException):
        message = ""
    text = f"HTTP {status} {code or ''} {message}".strip()
    retry_after = _retry_after(response)
    if status == 401:
        return AuthError("sync.auth_failed", text, status=status, code=code, extra=extra)
    if status == 409:
        return ConflictError("sync.server_error", text, status=status, code=code, extra=extra)
    if status in (408, 429) or status >= 500:
        return TransientError("sync.server_error", text, status=status, code=code, extra=extra,
                              retry_after=retry_after)
    return RejectedError("sync.rejected", text, status=status, code=code, extra=extra)


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


class _CloseWithThread:
    """Sits in a thread-local slot beside that thread's session and closes it (and its pooled
    sockets) when the slot is cleared: the thread's Python state ended."""

    __slots__ = ("_session",)

    def __init__(self, session: requests.Session) -> None:
        self._session = session

    def __del__(self) -> None:
        self._session.close()


class SyncClient:
    """One back office. Thread-safe: each thread gets its own ``requests.Session``."""

    def __init__(
        self,
        base_url: str,
        credentials: Credentials | None = None,
        *,
        connect_timeout_s: float = 5.0,
        read_timeout_s: float = 30.0,
        ca_file: str | None = None,
        max_clock_offset_s: float = 300.0,
        frame_bytes: int = DEFAULT_FRAME_BYTES,
        upload_request_bytes: int = DEFAULT_UPLOAD_REQUEST_BYTES,
        inline_max_bytes: int = INLINE_MAX_BYTES,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.timeout = (connect_timeout_s, read_timeout_s)
        self.verify: bool | str = ca_file or True
        self.max_clock_offset_s = max_clock_offset_s
        self.frame_bytes = frame_bytes
        self.upload_request_bytes = upload_request_bytes
        self.clock_offset = 0.0  # server time minus ours, learned from "stale" refusals
        # protocol revision 2: inline pushes up to min(ours, what the server's PUT answers say)
        self.inline_max_bytes = inline_max_bytes
        self.server_inline_max = 0
        self._clock = clock
        # pauses before asking for the offset after a failed append (bounded, ~1.5 s in all)
        self.resume_probe_s: tuple[float, ...] = (0.05, 0.1, 0.2, 0.4, 0.8)
        self._wait: Callable[[float], object] = threading.Event().wait
        # each thread's session is closed when that thread's Python state ends (the sync worker's
        # push threads end after every round): a strong list kept one session and its
        # keep-alive socket open per push round
        self._local = threading.local()
        self._sessions: weakref.WeakSet[requests.Session] = weakref.WeakSet()
        self._sessions_lock = threading.Lock()

    # ------------------------------------------------------------------ transport
    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False  # no proxy or netrc surprises: the URL is the config's
            session.verify = self.verify
            session.headers["User-Agent"] = "smarthall-kiosk-sync/1"
            self._local.session = session
            self._local.closer = _CloseWithThread(session)
            with self._sessions_lock:
                self._sessions.add(session)
        return session

    def close(self) -> None:
        with self._sessions_lock:
            sessions = list(self._sessions)
            self._sessions.clear()
        for session in sessions:
            session.close()
        self._local = threading.local()

    def _prepare(self, method: str, path: str, *, params: dict[str, Any] | None, body: bytes | None,
                 headers: dict[str, str] | None) -> requests.PreparedRequest:
        request = requests.Request(method, f"{self.base_url}{API_PREFIX}{path}", params=params,
                                   data=body, headers=headers or {})
        return self._session().prepare_request(request)

    def _sign(self, prepared: requests.PreparedRequest, content_sha256: str) -> str:
        if self.credentials is None:
            raise KnownError("sync.not_enrolled", "this terminal has no back-office credential")
        headers = signing.signed_headers(
            self.credentials.secret, self.credentials.terminal_id, prepared.method or "GET",
            prepared.path_url, content_sha256, int(self._clock() + self.clock_offset))
        prepared.headers.update(headers)
        return headers[signing.H_SIGNATURE]

    def _send(self, prepared: requests.PreparedRequest) -> requests.Response:
        try:
            response = self._session().send(prepared, timeout=self.timeout, allow_redirects=False)
            _ = response.content  # read the whole body now: a cut-off body is a transient error
        except requests.exceptions.SSLError as err:
            raise TransientError("sync.tls_failed", f"TLS: {type(err).__name__}") from err
        except requests.RequestException as err:
            raise TransientError("sync.offline", f"{type(err).__name__}") from err
        return response

    def request(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                json_body: Any = None, raw_body: bytes | None = None, signed: bool = True,
                headers: dict[str, str] | None = None) -> requests.Response:
        """Send one request (signed unless told otherwise); raise the classified error."""
        body = raw_body
        if json_body is not None:
            body = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
        all_headers = {"Content-Type": "application/json"} if json_body is not None else {}
        all_headers.update(headers or {})
        for attempt in range(2):
            prepared = self._prepare(method, path, params=params, body=body, headers=all_headers)
            if signed:
                self._sign(prepared, signing.body_sha256(body))
            response = self._send(prepared)
            error = classify(response)
            if error is None:
                return response
            if attempt == 0 and isinstance(error, AuthError) and self._learn_clock(error, response):
                continue
            raise error
        raise AssertionError("unreachable")  # pragma: no cover

    def _learn_clock(self, error: AuthError, response: requests.Response) -> bool:
        """After ``auth.stale``: adopt the server's clock offset if it is plausible."""
        if error.code != "auth.stale":
            return False
        try:
            server = float(response.headers[signing.H_SERVER_TIME])
        except (KeyError, ValueError):
            return False
        offset = server - self._clock()
        if abs(offset) > self.max_clock_offset_s:
            log.warning("terminal clock differs from the back office by %.0f s; not corrected", offset)
            return False
        log.info("terminal clock corrected by %.1f s for signing", offset)
        self.clock_offset = offset
        return True

    @staticmethod
    def _parse(response: requests.Response, model: type[M]) -> M:
        try:
            return model.model_validate_json(response.content)
        except ValidationError as err:
            # a 2xx with a body we cannot read (cut short by a proxy, a captive portal…)
            raise TransientError("sync.server_error", f"unreadable answer to {model.__name__}",
                                 status=response.status_code) from err

    # ------------------------------------------------------------------ endpoints
    def ping(self) -> bool:
        return self.request("GET", "/ping", signed=False).status_code == 200

    def enrol(self, code: str, request_id: str, app_version: str = "") -> EnrolResponse:
        body = EnrolRequest(code=code, request_id=request_id, app_version=app_version)
        response = self.request("POST", "/enrol", json_body=body.model_dump(), signed=False)
        return self._parse(response, EnrolResponse)

    def whoami(self) -> WhoAmI:
        return self._parse(self.request("GET", "/whoami"), WhoAmI)

    def resolve_gov_app(self, token: str) -> GovAppIdentity:
        """The identity behind a government-app login token (``POST /identity/gov-app``)."""
        body = GovAppResolveRequest(token=token).model_dump(mode="json")
        return self._parse(self.request("POST", "/identity/gov-app", json_body=body), GovAppIdentity)

    def call_staff(self, request_id: str, body: HelpRequestIn) -> HelpRequestState:
        """Ask the hall's remote staff for help (``PUT /help-requests/{id}``, idempotent)."""
        response = self.request("PUT", f"/help-requests/{request_id}", json_body=body.model_dump(mode="json"))
        return self._parse(response, HelpRequestState)

    def help_request(self, request_id: str) -> HelpRequestState:
        return self._parse(self.request("GET", f"/help-requests/{request_id}"), HelpRequestState)

    def put_submission(self, body: SubmissionIn) -> SubmissionState:
        response = self.request("PUT", f"/submissions/{body.uuid}", json_body=body.model_dump(mode="json"))
        self._learn_inline(response)
        return self._parse(response, SubmissionState)

    def put_inline(self, body: SubmissionIn, contents: Sequence[bytes]) -> SubmissionState:
        """Protocol revision 2: the submission, its attachments' bytes (in order) and the commit
        in one request. A refusal that means "not supported" (404/405/413/415/422) also turns
        inline pushes off until a ``PUT`` answer says otherwise."""
        try:
            response = self.request("PUT", f"/submissions/{body.uuid}/inline",
                                    raw_body=encode_bundle(body, contents),
                                    headers={"Content-Type": BUNDLE_MEDIA_TYPE})
        except RejectedError as err:
            if err.status in INLINE_REFUSALS:
                self.server_inline_max = 0
            raise
        self._learn_inline(response)
        return self._parse(response, SubmissionState)

    def _learn_inline(self, response: requests.Response) -> None:
        try:
            self.server_inline_max = max(0, int(response.headers.get(H_INLINE_MAX, "0")))
        except ValueError:
            self.server_inline_max = 0

    def inline_limit(self) -> int:
        """The largest inline push (attachment bytes) to try now; 0: use the resumable upload."""
        return min(self.inline_max_bytes, self.server_inline_max)

    def submission_state(self, uuid: str) -> SubmissionState:
        return self._parse(self.request("GET", f"/submissions/{uuid}"), SubmissionState)

    def attachment_state(self, uuid: str, seq: int) -> AttachmentState:
        return self._parse(self.request("GET", f"/submissions/{uuid}/attachments/{seq}"), AttachmentState)

    def append(self, uuid: str, seq: int, offset: int, data: bytes | memoryview) -> AttachmentState:
        """One framed upload request: ``data`` goes at ``offset``."""
        prepared = self._prepare("PATCH", f"/submissions/{uuid}/attachments/{seq}",
                                 params={"offset": offset}, body=b"",
                                 headers={"Content-Type": signing.FRAMES_MEDIA_TYPE})
        signature = self._sign(prepared, signing.STREAMING)
        body = b"".join(signing.encode_frames(self.credentials.secret if self.credentials else b"",
                                              signature, offset, data, self.frame_bytes))
        prepared.prepare_body(body, None)
        response = self._send(prepared)
        error = classify(response)
        if error is not None:
            raise error
        return self._parse(response, AttachmentState)

    def upload(self, uuid: str, seq: int, data: bytes, state: AttachmentState,
               on_progress: Callable[[AttachmentState], None] | None = None,
               max_stalls: int = 3) -> AttachmentState:
        """Send what the server lacks of one attachment, resuming after cuts.

        Each round trip either moves the server's offset forward or counts as a stall; after
        ``max_stalls`` stalls in a row the last error is raised (the worker backs off).
        """
        stalls = 0
        rounds = 0
        # progress comes in whole frames; stalls reset on progress: this bounds the loop
        max_rounds = (len(data) // self.frame_bytes + 2) * (max_stalls + 1)
        while not state.complete:
            rounds += 1
            if rounds > max_rounds:
                raise TransientError("sync.server_error", f"upload {uuid}/{seq} makes no progress")
            before = state.offset
            try:
                end = min(len(data), before + self.upload_request_bytes)
                state = self.append(uuid, seq, before, memoryview(data)[before:end])
            except ConflictError as err:
                known = err.extra.get("state")
                state = (AttachmentState.model_validate(known) if isinstance(known, dict)
                         else self.attachment_state(uuid, seq))
                if err.code == "upload.hash_mismatch":
                    stalls += 1
                    if stalls > max_stalls:
                        raise
            except TransientError as err:
                state = self._resume_point(uuid, seq, before, err)
                if state.offset <= before:
                    stalls += 1
                    if stalls > max_stalls:
                        raise err from None
            else:
                stalls = 0
            if state.offset > before:
                stalls = 0
            if on_progress is not None:
                on_progress(state)
        return state

    def _resume_point(self, uuid: str, seq: int, before: int, err: TransientError) -> AttachmentState:
        """Where to resume after a failed append. The server learns of a cut link a moment
        after we do (and keeps the frames it got), so ask a few times, briefly, until its
        offset moves: re-sending from a stale offset would send those bytes twice."""
        state: AttachmentState | None = None
        for delay in self.resume_probe_s:
            self._wait(delay)
            try:
                state = self.attachment_state(uuid, seq)
            except TransientError:
                continue
            if state.offset > before or state.complete:
                return state
        if state is None:
            raise err
        return state

    def commit(self, uuid: str) -> CommitResponse:
        return self._parse(self.request("POST", f"/submissions/{uuid}/commit"), CommitResponse)

    def status_updates(self, after: int, limit: int = 200) -> StatusFeed:
        response = self.request("GET", "/status-updates", params={"after": after, "limit": limit})
        return self._parse(response, StatusFeed)

    def get_document(self, kind: DocumentKind, known_etags: list[str]) -> tuple[Any, str] | None:
        """The document and its ETag, or None when one of ``known_etags`` is still current."""
        headers = {"If-None-Match": ", ".join(known_etags)} if known_etags else {}
        response = self.request("GET", f"/documents/{kind}", headers=headers)
        if response.status_code == 304:
            return None
        etag = response.headers.get("ETag", "")
        try:
            return response.json(), etag
        except ValueError as err:
            raise TransientError("sync.server_error", f"unreadable {kind} document") from err

    def heartbeat(self, beat: Heartbeat) -> HeartbeatAck:
        return self._parse(self.request("POST", "/heartbeat", json_body=beat.model_dump(mode="json")),
                           HeartbeatAck)
