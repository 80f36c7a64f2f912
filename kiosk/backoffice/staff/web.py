"""The staff sub-application: templates, session cookie, security headers, error pages.

Mounted at :data:`STAFF_PREFIX` on the back office (:func:`mount_staff`). It is a separate ASGI
app on purpose: the session middleware and the cookie (``path=/staff``) never touch the
terminals' signed API, and the API's HMAC check never runs here, so neither credential can
stand in for the other.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from pathlib import Path
from typing import Annotated, Any, Final
from urllib.parse import quote

import jinja2
from fastapi import FastAPI, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kiosk.backoffice.db import BackOfficeDB, BackOfficeError, StaffUser
from kiosk.backoffice.settings import BackOfficeSettings
from kiosk.backoffice.staff.auth import (
    SESSION_SECRET_NAME,
    Authenticator,
    StaffOptions,
    new_token,
    tokens_equal,
)
from kiosk.backoffice.staff.labels import STATUS_LABELS, human_age, human_bytes

log = logging.getLogger(__name__)

STAFF_PREFIX: Final = "/staff"
PACKAGE_DIR: Final = Path(__file__).resolve().parent.parent
TEMPLATES_DIR: Final = PACKAGE_DIR / "templates"
STATIC_DIR: Final = PACKAGE_DIR / "static"
SESSION_COOKIE: Final = "smarthall_staff"

_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; "
        "object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


@dataclasses.dataclass
class StaffContext:
    settings: BackOfficeSettings
    db: BackOfficeDB
    options: StaffOptions
    auth: Authenticator
    templates: Jinja2Templates
    shipped_catalog: dict[str, Any] | None = None  # lazily loaded fallback for item names


class LoginRequired(Exception):
    """No live staff session."""


class CsrfRefused(Exception):
    """A POST without this session's CSRF token, or from another origin."""


def staff_ctx(request: Request) -> StaffContext:
    ctx: StaffContext = request.app.state.staff
    return ctx


def current_staff(request: Request) -> StaffUser:
    """Dependency of every page but the login page: the logged-in staff member."""
    user = staff_ctx(request).auth.resolve(request.session.get("sid"))
    if user is None:
        request.session.pop("sid", None)
        raise LoginRequired()
    request.state.staff = user
    return user


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token:
        token = new_token()
        request.session["csrf"] = token
    return token


def require_csrf(request: Request, csrf: Annotated[str, Form(max_length=128)] = "") -> None:
    """Dependency of every POST: the form's token must be this session's, and a browser's
    ``Origin`` / ``Sec-Fetch-Site`` (when sent) must be this site."""
    origin = request.headers.get("origin")
    fetch_site = request.headers.get("sec-fetch-site")
    if (fetch_site in ("cross-site", "same-site")
            or (origin not in (None, "null")
                and origin.rstrip("/") != f"{request.url.scheme}://{request.url.netloc}")):
        log.info("staff POST refused: cross-origin (%s, %s)", (origin or "")[:100], fetch_site)
        raise CsrfRefused()
    if not tokens_equal(request.session.get("csrf"), csrf):
        log.info("staff POST refused: missing or wrong CSRF token")
        raise CsrfRefused()


def render(request: Request, template: str, context: dict[str, Any] | None = None,
           status_code: int = 200) -> HTMLResponse:
    ctx = staff_ctx(request)
    full = {
        "base": STAFF_PREFIX,
        "staff": getattr(request.state, "staff", None),
        "csrf": csrf_token(request),
        "nav": "",
        **(context or {}),
    }
    response: HTMLResponse = ctx.templates.TemplateResponse(request, template, full, status_code=status_code)
    return response


def _fmt_time(value: dt.datetime | None) -> str:
    if value is None:
        return "—"
    if value.tzinfo is None:  # SQLite hands back naive datetimes; everything is stored in UTC
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S %z")


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["ts"] = _fmt_time
    env.filters["age"] = human_age
    env.filters["size"] = human_bytes
    env.globals["STATUS_LABELS"] = STATUS_LABELS
    return Jinja2Templates(env=env)


class StaffGuard:
    """Security headers on every staff answer (no caching of personal data, no framing, a strict
    CSP on pages) and a size limit on POST bodies before any parsing."""

    def __init__(self, app: ASGIApp, max_post_bytes: int) -> None:
        self.app = app
        self.max_post_bytes = max_post_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "POST":
            length = dict(scope["headers"]).get(b"content-length")
            if length is None or not length.isdigit() or int(length) > self.max_post_bytes:
                status = 411 if length is None else 413
                await Response("request body missing a length or too large", status_code=status,
                               media_type="text/plain")(scope, receive, send)
                return
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                kinds = [v for k, v in headers if k.lower() == b"content-type"]
                headers += [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
                            (b"referrer-policy", b"same-origin")]
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                if kinds and kinds[0].startswith(b"text/html"):
                    headers.append((b"content-security-policy", _CSP.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_staff_app(settings: BackOfficeSettings, db: BackOfficeDB, options: StaffOptions) -> FastAPI:
    from kiosk.backoffice.staff.pages import router

    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None, title="smarthall staff pages")
    app.state.staff = StaffContext(settings=settings, db=db, options=options,
                                   auth=Authenticator(db, options), templates=_templates())

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _err: LoginRequired) -> Response:
        if request.method in ("GET", "HEAD"):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"{STAFF_PREFIX}/login?next={quote(target, safe='')}", status_code=303)
        return render(request, "error.html", {"title": "请先登录 Login required", "problems": [],
                                              "login_link": True}, status_code=401)

    @app.exception_handler(CsrfRefused)
    async def _csrf(request: Request, _err: CsrfRefused) -> Response:
        return render(request, "error.html", {
            "title": "表单已过期 Form expired or forged (CSRF)",
            "problems": ["请返回页面刷新后重试。Go back, reload the page and try again."],
            "login_link": False}, status_code=403)

    @app.exception_handler(BackOfficeError)
    async def _refused(request: Request, err: BackOfficeError) -> Response:
        return render(request, "error.html", {"title": f"{err.code}", "problems": [err.message],
                                              "login_link": False}, status_code=err.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, err: RequestValidationError) -> Response:
        problems = [f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in err.errors()]
        return render(request, "error.html", {"title": "请求无效 Invalid request", "problems": problems,
                                              "login_link": False}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, err: StarletteHTTPException) -> Response:
        return render(request, "error.html", {"title": f"{err.status_code} {err.detail}", "problems": [],
                                              "login_link": False}, status_code=err.status_code)

    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(
        SessionMiddleware, secret_key=db.staff_secret(SESSION_SECRET_NAME), session_cookie=SESSION_COOKIE,
        max_age=int(options.session_ttl.total_seconds()), path=STAFF_PREFIX, same_site="lax",
        https_only=options.secure_cookie)
    app.add_middleware(StaffGuard, max_post_bytes=options.max_post_bytes)
    return app


def mount_staff(app: FastAPI, settings: BackOfficeSettings, db: BackOfficeDB,
                options: StaffOptions | None = None) -> None:
    """Mount the staff pages on the back office at ``/staff`` (``/`` redirects there)."""
    staff_app = create_staff_app(settings, db, options or StaffOptions())

    async def _home() -> RedirectResponse:
        return RedirectResponse(f"{STAFF_PREFIX}/", status_code=303)

    app.add_api_route("/", _home, methods=["GET"], include_in_schema=False)
    app.mount(STAFF_PREFIX, staff_app)
