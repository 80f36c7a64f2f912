"""An in-process back office (TestClient) and a signing helper for raw requests."""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.exceptions import StarletteDeprecationWarning

# Starlette 1.x deprecates its TestClient on httpx in favour of the "httpx2" package, which is
# not part of our pinned dev tools (pyproject lists httpx for exactly this client). Silence that
# one warning at import; every other warning still fails the run (filterwarnings = error).
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient` is deprecated",
                            category=StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

from kiosk.backoffice.app import create_app
from kiosk.backoffice.db import BackOfficeDB
from kiosk.backoffice.settings import BackOfficeSettings
from kiosk.sync import signing
from kiosk.sync.credentials import Credentials


class Terminal:
    """Signs requests to the in-process app as one enrolled terminal."""

    def __init__(self, client: TestClient, creds: Credentials) -> None:
        self.client = client
        self.creds = creds
        self.clock_offset = 0.0

    def headers(self, method: str, path: str, body: bytes = b"", *, content: str | None = None,
                nonce: str | None = None) -> dict[str, str]:
        return signing.signed_headers(
            self.creds.secret, self.creds.terminal_id, method, path,
            content or signing.body_sha256(body), int(time.time() + self.clock_offset), nonce)

    def call(self, method: str, path: str, body: Any = None, *, raw: bytes | None = None,
             extra: dict[str, str] | None = None, **kw: Any) -> httpx.Response:
        data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        full = f"/api/v1{path}"
        headers = {"Content-Type": "application/json", **self.headers(method, full, data, **kw),
                   **(extra or {})}
        return self.client.request(method, full, content=data, headers=headers)


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> BackOfficeSettings:
    """The back office on each database it supports: SQLite (a hall's own server, the default)
    and PostgreSQL (a district-wide server; a private one per session, tests/pgserver.py)."""
    if request.param == "postgresql":
        return BackOfficeSettings(db_url=request.getfixturevalue("pg_url"), clock_skew_s=60)
    return BackOfficeSettings(db_url=f"sqlite:///{tmp_path / 'bo.sqlite3'}", clock_skew_s=60)


@pytest.fixture
def bodb(settings: BackOfficeSettings) -> Iterator[BackOfficeDB]:
    db = BackOfficeDB(settings.db_url)
    yield db
    db.close()


@pytest.fixture
def api(settings: BackOfficeSettings, bodb: BackOfficeDB) -> Iterator[TestClient]:
    with TestClient(create_app(settings, bodb)) as client:
        yield client


def enrol_terminal(api: TestClient, bodb: BackOfficeDB, terminal_id: str | None = None) -> Terminal:
    code, _ = bodb.create_enrolment_code(terminal_id)
    answer = api.post("/api/v1/enrol", json={"code": code, "request_id": "ab" * 16})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    return Terminal(api, Credentials(body["terminal_id"], bytes.fromhex(body["secret"])))


@pytest.fixture
def term(api: TestClient, bodb: BackOfficeDB) -> Terminal:
    return enrol_terminal(api, bodb, "T-ONE")


@pytest.fixture
def other(api: TestClient, bodb: BackOfficeDB) -> Terminal:
    return enrol_terminal(api, bodb, "T-TWO")
