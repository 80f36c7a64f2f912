"""``create_app(settings)``: the back office as an ASGI app (in-process for tests, or uvicorn)."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kiosk import __version__
from kiosk.backoffice.api import Context, public, router
from kiosk.backoffice.db import BackOfficeDB, BackOfficeError
from kiosk.backoffice.settings import BackOfficeSettings
from kiosk.backoffice.staff import StaffOptions, mount_staff
from kiosk.backoffice.staff.terminal_api import router as result_router
from kiosk.sync.protocol import API_PREFIX
from kiosk.sync.signing import H_SERVER_TIME

log = logging.getLogger(__name__)


class ServerTimeMiddleware:
    """Adds ``X-Kiosk-Server-Time`` to every answer, so a terminal can correct its clock
    offset when it is refused as stale. Pure ASGI: streaming bodies pass untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_time(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((H_SERVER_TIME.lower().encode(), str(int(time.time())).encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_time)


def _problem(status: int, code: str, message: str, extra: dict[str, Any] | None = None) -> JSONResponse:
    return JSONResponse({"detail": {"code": code, "message": message, **(extra or {})}}, status_code=status)


def create_app(settings: BackOfficeSettings, db: BackOfficeDB | None = None, *,
               staff: StaffOptions | None = None) -> FastAPI:
    """The back office API. ``db`` may be shared with the caller (tests, the staff pages);
    otherwise one is opened on ``settings.db_url`` and closed at shutdown. The staff pages
    (``/staff``, :mod:`kiosk.backoffice.staff`) are mounted with ``staff`` options."""
    owned = db is None
    database = db if db is not None else BackOfficeDB(settings.db_url, case_prefix=settings.case_prefix)
    database.create_schema()

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            database.close()

    app = FastAPI(
        title="smarthall back office (reference)",
        version=__version__,
        summary="Sync API between self-service terminals and the back office, version 1.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.backoffice = Context(settings=settings, db=database)

    @app.exception_handler(BackOfficeError)
    async def _refused(_request: Request, err: BackOfficeError) -> JSONResponse:
        if err.status == 401:
            log.info("request refused: %s", err.code)
        return _problem(err.status, err.code, err.message, err.extra)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, err: RequestValidationError) -> JSONResponse:
        problems = [f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in err.errors()]
        return _problem(422, "request.invalid", "; ".join(problems)[:2000])

    app.include_router(public, prefix=API_PREFIX)
    app.include_router(router, prefix=API_PREFIX)
    app.include_router(result_router, prefix=API_PREFIX)
    mount_staff(app, settings, database, staff)
    app.add_middleware(ServerTimeMiddleware)
    return app
