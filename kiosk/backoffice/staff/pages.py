"""The staff pages (server-rendered, no JavaScript): login, terminals, submissions, documents,
enrolment codes, audit log. Every route but the login form depends on :func:`current_staff`;
every POST on :func:`require_csrf`. Personal data is shown on the submission page only and is
never logged (log lines carry uuids and staff names)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kiosk.backoffice.db import BackOfficeError, StaffUser, SubmissionFilter
from kiosk.backoffice.staff.auth import LoginRefused, new_token
from kiosk.backoffice.staff.health import terminal_health
from kiosk.backoffice.staff.labels import STAFF_STATUSES, STATUS_LABELS, CatalogNames, flatten
from kiosk.backoffice.staff.web import (
    SESSION_COOKIE,
    STAFF_PREFIX,
    StaffContext,
    current_staff,
    render,
    require_csrf,
    staff_ctx,
)
from kiosk.store.outbox import TRANSITIONS
from kiosk.sync.protocol import BACKOFFICE_STATUSES, TERMINAL_ID_PATTERN, UUID_PATTERN

log = logging.getLogger(__name__)

router = APIRouter()

Staff = Annotated[StaffUser, Depends(current_staff)]
Csrf = Annotated[None, Depends(require_csrf)]
Uuid = Annotated[str, Path(pattern=UUID_PATTERN)]
INLINE_TYPES: Final = frozenset({"application/pdf", "image/jpeg", "image/png"})
_SAFE_FILENAME = re.compile(r"[^A-Za-z0-9_.-]")


def _now(ctx: StaffContext) -> dt.datetime:
    return ctx.db._now()  # the repository's clock: the one its timestamps were written with


def _names(ctx: StaffContext) -> CatalogNames:
    """Names from the published global catalogue, else from the shipped one."""
    found = ctx.db.get_document("catalog", "*")
    if found is not None:
        return CatalogNames(found[0])
    if ctx.shipped_catalog is None:
        from kiosk.catalog import DEFAULT_CATALOG_DIR, CatalogError, load_catalog

        try:
            ctx.shipped_catalog = load_catalog(DEFAULT_CATALOG_DIR).document.model_dump(
                mode="json", by_alias=True)
        except CatalogError:
            log.info("no catalogue for item names; codes are shown")
            ctx.shipped_catalog = {}
    return CatalogNames(ctx.shipped_catalog)


def _safe_next(target: str) -> str:
    """Only a path inside the staff pages (no scheme, no ``//host``) is followed after login."""
    if target.startswith(f"{STAFF_PREFIX}/") and not target.startswith("//") and "\\" not in target:
        return target
    return f"{STAFF_PREFIX}/submissions"


# ---------------------------------------------------------------- login / logout
@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next_url: Annotated[str, Query(alias="next", max_length=500)] = ""
               ) -> Response:
    if staff_ctx(request).auth.resolve(request.session.get("sid")) is not None:
        return RedirectResponse(_safe_next(next_url), status_code=303)
    return render(request, "login.html", {"next": next_url, "error": "", "username": ""})


@router.post("/login", response_class=HTMLResponse)
def login_submit(
    request: Request, _csrf: Csrf,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next_url: Annotated[str, Form(alias="next", max_length=500)] = "",
) -> Response:
    ctx = staff_ctx(request)
    address = request.client.host if request.client else "unknown"
    try:
        _user, token = ctx.auth.login(username, password, address)
    except LoginRefused as refused:
        if refused.locked_until is not None:
            until = refused.locked_until.astimezone().strftime("%H:%M")
            error = (f"尝试次数过多，请于 {until} 后再试。"
                     f" Too many failed attempts: try again after {until}.")
            status = 429
        else:
            error = "用户名或密码错误。 Wrong user name or password."
            status = 401
        return render(request, "login.html", {"next": next_url, "error": error, "username": username[:64]},
                      status_code=status)
    # a fresh session: new token, new CSRF token (no fixation of a pre-login cookie)
    request.session.clear()
    request.session["sid"] = token
    request.session["csrf"] = new_token()
    return RedirectResponse(_safe_next(next_url), status_code=303)


@router.post("/logout")
def logout(request: Request, _staff: Staff, _csrf: Csrf) -> Response:
    staff_ctx(request).auth.logout(request.session.get("sid"))
    request.session.clear()
    response = RedirectResponse(f"{STAFF_PREFIX}/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path=STAFF_PREFIX)
    return response


@router.get("/")
def home(_staff: Staff) -> Response:
    return RedirectResponse(f"{STAFF_PREFIX}/submissions", status_code=303)


# ---------------------------------------------------------------- terminals
@router.get("/terminals", response_class=HTMLResponse)
def terminals_page(request: Request, _staff: Staff) -> Response:
    ctx = staff_ctx(request)
    now = _now(ctx)
    rows = [(t, terminal_health(t, now, ctx.options.health)) for t in ctx.db.list_terminals()]
    order = {"red": 0, "yellow": 1, "green": 2}
    rows.sort(key=lambda r: (order[r[1].level], r[0].id))
    return render(request, "terminals.html", {"nav": "terminals", "rows": rows,
                                              "limits": ctx.options.health,
                                              "help": ctx.db.open_help_requests()})


@router.post("/help/{request_id}")
def answer_help(request: Request, request_id: Uuid, staff: Staff, _csrf: Csrf,
                status: Annotated[Literal["acknowledged", "closed"], Form()]) -> Response:
    """A citizen's call for help: "on my way" (the kiosk tells them), then "done"."""
    staff_ctx(request).db.answer_help_request(request_id, status, staff.username)
    return RedirectResponse(f"{STAFF_PREFIX}/terminals", status_code=303)


# ---------------------------------------------------------------- submissions
@router.get("/submissions", response_class=HTMLResponse)
def submissions_page(
    request: Request, _staff: Staff,
    status: Annotated[str, Query(max_length=16)] = "",
    item: Annotated[str, Query(max_length=64)] = "",
    terminal: Annotated[str, Query(max_length=64)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    ctx = staff_ctx(request)
    size = ctx.options.page_size
    flt = SubmissionFilter(status=status or None, item_code=item.strip() or None,
                           terminal_id=terminal or None, limit=size + 1, offset=(page - 1) * size)
    found = ctx.db.list_submissions(flt)
    names = _names(ctx)
    query = {k: v for k, v in (("status", status), ("item", item), ("terminal", terminal)) if v}
    return render(request, "submissions.html", {
        "nav": "submissions", "rows": found[:size], "names": names, "page": page,
        "has_next": len(found) > size, "status": status, "item": item, "terminal": terminal,
        "query": query, "statuses": BACKOFFICE_STATUSES,
        "terminals": [t.id for t in ctx.db.list_terminals()],
        "item_codes": sorted(names.items),
    })


def _detail_context(ctx: StaffContext, uuid: str) -> dict[str, Any]:
    detail = ctx.db.get_submission(uuid)
    s = detail.summary
    names = _names(ctx)
    personal = detail.body.get("personal", {})
    sections: list[tuple[str, list[tuple[str, str]]]] = []
    titles = {"identity": "身份信息 Identity", "form": "表单 Form", "consent": "同意 Consent"}
    if isinstance(personal, dict):
        for key, value in personal.items():
            rows = flatten(value)
            if key == "form":
                rows = [(f"{names.field(s.item_code, k.split('.')[0])} ({k})"
                         if names.field(s.item_code, k.split(".")[0]) else k, v) for k, v in rows]
            sections.append((titles.get(key) or str(key), rows))
    transitions: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in TRANSITIONS.items()}
    allowed = [st for st in STAFF_STATUSES if st in transitions.get(s.status, frozenset())]
    return {
        "nav": "submissions", "s": s, "detail": detail, "sections": sections, "names": names,
        "item_name": names.item(s.item_code), "allowed": allowed,
        "can_result": s.committed_at is not None
        and ("result_ready" in allowed or s.status == "result_ready"),
        "result": ctx.db.result_info(uuid), "audit": ctx.db.audit_log(uuid),
        "inline_types": INLINE_TYPES, "error": "", "message": "",
    }


@router.get("/submissions/{uuid}", response_class=HTMLResponse)
def submission_page(request: Request, uuid: Uuid, staff: Staff,
                    done: Annotated[Literal["", "status", "result"], Query()] = "") -> Response:
    ctx = staff_ctx(request)
    context = _detail_context(ctx, uuid)
    ctx.db.record_staff_action(staff.username, "view", uuid)
    if done == "status":
        context["message"] = "状态已更新。 Status updated."
    elif done == "result":
        context["message"] = "结果文件已保存。 Result file stored."
    return render(request, "submission.html", context)


@router.get("/receipt")
def find_by_receipt(request: Request, staff: Staff,
                    code: Annotated[str, Query(max_length=4096)] = "") -> Response:
    """A citizen's receipt QR (scanned into the search box): its signature is checked with the
    issuing terminal's key, then the submission opens."""
    ctx = staff_ctx(request)
    try:
        uuid = ctx.db.verify_receipt_code(code)
    except BackOfficeError as err:
        ctx.db.record_staff_action(staff.username, "receipt_refused", None, err.code)
        return render(request, "error.html", {
            "nav": "submissions", "title": "回执码无效 Receipt code not accepted",
            "problems": [f"{err.code}: {err.message}"], "login_link": False},
            status_code=err.status)
    ctx.db.record_staff_action(staff.username, "receipt_verified", uuid)
    return RedirectResponse(f"{STAFF_PREFIX}/submissions/{uuid}", status_code=303)


def _detail_error(request: Request, uuid: str, err: BackOfficeError) -> Response:
    context = _detail_context(staff_ctx(request), uuid)
    context["error"] = f"{err.code}: {err.message}"
    return render(request, "submission.html", context, status_code=err.status)


@router.post("/submissions/{uuid}/status")
def set_status(
    request: Request, uuid: Uuid, staff: Staff, _csrf: Csrf,
    status: Annotated[str, Form(max_length=16)],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    ctx = staff_ctx(request)
    if status not in STAFF_STATUSES:
        return _detail_error(request, uuid, BackOfficeError(422, "status.invalid",
                                                            f"cannot set status {status!r}"))
    try:
        ctx.db.set_status(uuid, status, note.strip(), staff.username)
    except BackOfficeError as err:
        if err.status == 404:
            raise
        return _detail_error(request, uuid, err)
    return RedirectResponse(f"{STAFF_PREFIX}/submissions/{uuid}?done=status", status_code=303)


@router.post("/submissions/{uuid}/result")
def upload_result(
    request: Request, uuid: Uuid, staff: Staff, _csrf: Csrf,
    file: Annotated[UploadFile, File()],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    ctx = staff_ctx(request)
    limit = ctx.options.max_result_bytes
    data = file.file.read(limit + 1)
    if len(data) > limit:
        return _detail_error(request, uuid, BackOfficeError(
            413, "result.too_large", f"the result PDF is larger than {limit // (1024 * 1024)} MiB"))
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        return _detail_error(request, uuid, BackOfficeError(422, "result.not_pdf", "the file is not a PDF"))
    stem = _SAFE_FILENAME.sub("_", (file.filename or "result").rsplit("/", 1)[-1])[:100] or "result"
    filename = stem if stem.lower().endswith(".pdf") else f"{stem}.pdf"
    try:
        ctx.db.mark_result_ready(uuid, data, filename, note.strip(), staff.username)
    except BackOfficeError as err:
        if err.status == 404:
            raise
        return _detail_error(request, uuid, err)
    return RedirectResponse(f"{STAFF_PREFIX}/submissions/{uuid}?done=result", status_code=303)


def _file_response(data: bytes, mime: str, filename: str, download: bool) -> Response:
    inline = mime in INLINE_TYPES and not download
    return Response(data, media_type=mime if inline else "application/octet-stream", headers={
        "Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{filename}"'})


@router.get("/submissions/{uuid}/attachments/{seq}")
def attachment(request: Request, uuid: Uuid, seq: Annotated[int, Path(ge=0, lt=1000)], staff: Staff,
               download: Annotated[bool, Query()] = False) -> Response:
    ctx = staff_ctx(request)
    detail = ctx.db.get_submission(uuid)
    meta = next((a for a in detail.attachments if a.seq == seq), None)
    if meta is None:
        raise BackOfficeError(404, "attachment.not_found", "no such attachment")
    data = ctx.db.read_attachment(uuid, seq)
    ctx.db.record_staff_action(staff.username, "download" if download else "view_attachment", uuid,
                               f"attachment {seq}")
    return _file_response(data, meta.mime, _SAFE_FILENAME.sub("_", meta.filename), download)


@router.get("/submissions/{uuid}/result")
def result_file(request: Request, uuid: Uuid, staff: Staff,
                download: Annotated[bool, Query()] = False) -> Response:
    ctx = staff_ctx(request)
    info, data = ctx.db.read_result(uuid)
    ctx.db.record_staff_action(staff.username, "view_result", uuid, "")
    return _file_response(data, info.mime, info.filename, download)


# ---------------------------------------------------------------- catalogue / config publishing
def _documents_context(ctx: StaffContext) -> dict[str, Any]:
    return {"nav": "documents", "documents": ctx.db.list_documents(),
            "terminals": [t.id for t in ctx.db.list_terminals()], "problems": [], "published": None,
            "kind": "catalog", "scope": ""}


@router.get("/documents", response_class=HTMLResponse)
def documents_page(request: Request, _staff: Staff) -> Response:
    return render(request, "documents.html", _documents_context(staff_ctx(request)))


def validate_document(kind: str, raw: bytes) -> tuple[dict[str, Any] | None, list[str]]:
    """Parse and validate an uploaded document: (content to publish, []) or (None, problems),
    every problem naming its location."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return None, ["(file): not UTF-8 text"]
    except json.JSONDecodeError as err:
        return None, [f"(file) line {err.lineno} column {err.colno}: {err.msg}"]
    if kind == "catalog":
        from kiosk.catalog import CatalogError, parse_catalog

        try:
            catalog = parse_catalog(data, source="upload")
        except CatalogError as err:
            return None, list(err.problems)
        return catalog.document.model_dump(mode="json", by_alias=True), []
    from kiosk.backoffice.config_docs import validate_config_document

    # the terminals' own allow-list and field checks (kiosk.remote_config)
    return validate_config_document(data)


@router.post("/documents", response_class=HTMLResponse)
def publish_document(
    request: Request, staff: Staff, _csrf: Csrf,
    file: Annotated[UploadFile, File()],
    kind: Annotated[Literal["catalog", "config"], Form()] = "catalog",
    scope: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    ctx = staff_ctx(request)
    context = _documents_context(ctx)
    context.update(kind=kind, scope=scope)
    if scope and scope not in context["terminals"]:
        context["problems"] = [f"scope: unknown terminal {scope!r}"]
        return render(request, "documents.html", context, status_code=422)
    limit = ctx.options.max_document_bytes
    raw = file.file.read(limit + 1)
    if len(raw) > limit:
        context["problems"] = [f"(file): larger than {limit // (1024 * 1024)} MiB"]
        return render(request, "documents.html", context, status_code=413)
    content, problems = validate_document(kind, raw)
    if content is None:
        log.info("staff %s: %s document refused (%d problems)", staff.username, kind, len(problems))
        context["problems"] = problems
        return render(request, "documents.html", context, status_code=422)
    if kind == "config":
        from kiosk.backoffice.config_docs import publish_config

        etag, version = publish_config(ctx.db, content, staff.username, scope or None)
        content["version"] = version
    else:
        etag = ctx.db.publish_document(kind, content, staff.username, scope or None)
    context.update(documents=ctx.db.list_documents(),
                   published={"kind": kind, "scope": scope or "*", "etag": etag,
                              "version": content.get("version", "")})
    return render(request, "documents.html", context)


# ---------------------------------------------------------------- enrolment codes
def _enrolment_context(ctx: StaffContext) -> dict[str, Any]:
    return {"nav": "enrolment", "codes": ctx.db.list_enrolment_codes(), "now": _now(ctx), "created": None,
            "error": "", "ttl_default": ctx.settings.enrolment_code_ttl_h}


@router.get("/enrolment", response_class=HTMLResponse)
def enrolment_page(request: Request, _staff: Staff) -> Response:
    return render(request, "enrolment.html", _enrolment_context(staff_ctx(request)))


@router.post("/enrolment", response_class=HTMLResponse)
def create_code(
    request: Request, staff: Staff, _csrf: Csrf,
    terminal_id: Annotated[str, Form(max_length=64)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    ttl_h: Annotated[int, Form(ge=1, le=24 * 30)] = 72,
) -> Response:
    ctx = staff_ctx(request)
    context = _enrolment_context(ctx)
    tid = terminal_id.strip()
    if tid and not re.match(TERMINAL_ID_PATTERN, tid):
        context["error"] = "终端编号格式无效 Terminal id: letters, digits, '.', '_', '-' (2–64)"
        return render(request, "enrolment.html", context, status_code=422)
    code, tid = ctx.db.create_enrolment_code(tid or None, name=name.strip(), ttl_h=ttl_h,
                                             created_by=staff.username)
    # the code is shown once, in this answer only (the database keeps its hash)
    context.update(codes=ctx.db.list_enrolment_codes(), created={"code": code, "terminal_id": tid,
                                                                 "ttl_h": ttl_h})
    return render(request, "enrolment.html", context)


# ---------------------------------------------------------------- audit
@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, _staff: Staff) -> Response:
    entries = staff_ctx(request).db.audit_log(limit=500)
    return render(request, "audit.html", {"nav": "audit", "entries": entries})


__all__ = ["STATUS_LABELS", "router", "validate_document"]
