"""``GET /api/v1/submissions/{uuid}/result``: a terminal fetches the result PDF staff attached
(for printing at pickup). Signed like every terminal route; a terminal only gets the results of
its own submissions (another terminal's answers 404, as every terminal read does)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from kiosk.backoffice.api import ERRORS, SignedRoute, Terminal, Uuid, _ctx

router = APIRouter(route_class=SignedRoute, responses=ERRORS)


@router.get(
    "/submissions/{uuid}/result",
    response_class=Response,
    responses={
        200: {"description": "the result PDF; ``ETag`` is the quoted SHA-256 of the bytes",
              "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
        304: {"description": "not modified"},
    },
)
def get_result(uuid: Uuid, terminal: Terminal, request: Request) -> Response:
    info, data = _ctx(request).db.read_result(uuid, terminal)
    etag = f'"{info.sha256}"'
    wanted = [t.strip() for t in request.headers.get("if-none-match", "").split(",") if t.strip()]
    if etag in wanted:
        return Response(status_code=304, headers={"ETag": etag})
    return Response(data, media_type="application/pdf", headers={
        "ETag": etag, "Content-Disposition": f'attachment; filename="{info.filename}"'})
