"""Back-office settings (frozen, validated)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class BackOfficeSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # SQLAlchemy URL: ``sqlite:///path.sqlite3`` (default) or ``postgresql+psycopg://…``
    db_url: str = "sqlite:///backoffice.sqlite3"
    # a signed request's timestamp may differ from the server clock by this much
    clock_skew_s: Annotated[int, Field(ge=5, le=3600)] = 300
    enrolment_code_ttl_h: Annotated[int, Field(ge=1, le=24 * 30)] = 72
    # framed uploads are written to the database every this many bytes (and when cut off)
    upload_flush_bytes: Annotated[int, Field(ge=4096, le=64 * 1024 * 1024)] = 1024 * 1024
    # largest body of one upload request (data plus frame headers)
    max_upload_request_bytes: Annotated[int, Field(ge=65536)] = 64 * 1024 * 1024
    # case numbers: prefix + year + 7-digit sequence (``SZ20260000042``)
    case_prefix: Annotated[str, Field(pattern=r"^[A-Z]{1,6}$")] = "SZ"
    status_page_max: Annotated[int, Field(ge=1, le=10_000)] = 500
    # the government app's token issuer (Ed25519 public key, 32 bytes base64): verifies the
    # login QR tokens kiosks forward for identification; None: gov-app identification is off
    gov_app_public_key: str | None = None
