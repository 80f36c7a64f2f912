"""Protocol revision 2: the inline push (a small submission's bytes with its PUT, committed in
the same request), and how it mixes with the resumable upload of revision 1."""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any

from fastapi.testclient import TestClient

from kiosk.backoffice.db import BackOfficeDB, status_events
from kiosk.sync import signing
from kiosk.sync.protocol import H_INLINE_MAX, INLINE_MAX_BYTES, SubmissionIn
from tests.unit.backoffice.conftest import Terminal
from tests.unit.backoffice.test_api import UUID, body, upload


def inline(data: bytes, uuid: str = UUID, content: bytes | None = None) -> dict[str, Any]:
    out = body(uuid, data)
    out["attachments"][0]["content_b64"] = base64.b64encode(data if content is None else content).decode()
    return out


def accepted_events(bodb: BackOfficeDB, uuid: str = UUID) -> int:
    with bodb.engine.connect() as conn:
        return len(conn.execute(status_events.select().where(
            status_events.c.submission_uuid == uuid, status_events.c.status == "accepted")).all())


def test_inline_put_with_commit_answers_the_case_number(term: Terminal, bodb: BackOfficeDB) -> None:
    data = secrets.token_bytes(5000)
    first = term.call("PUT", f"/submissions/{UUID}?commit=true", inline(data))
    assert first.status_code == 200 and first.headers[H_INLINE_MAX] == str(INLINE_MAX_BYTES)
    state = first.json()
    assert state["committed"] and state["case_no"].startswith("SZ") and state["status"] == "accepted"
    assert state["attachments"] == [{"seq": 0, "size": 5000, "offset": 5000, "complete": True}]
    assert bodb.read_attachment(UUID, 0) == data
    # a lost answer: the same request again answers the same, and commits nothing twice
    again = term.call("PUT", f"/submissions/{UUID}?commit=true", inline(data))
    assert again.json() == state and accepted_events(bodb) == 1
    # the stored body holds the metadata only, and the fingerprint ignores the inline bytes
    detail = bodb.get_submission(UUID)
    assert "content_b64" not in detail.body["attachments"][0]
    plain = term.call("PUT", f"/submissions/{UUID}", body(UUID, data))
    assert plain.status_code == 200 and plain.json() == state
    assert term.call("POST", f"/submissions/{UUID}/commit").json()["case_no"] == state["case_no"]


def test_inline_content_must_match_and_fit(api: TestClient, term: Terminal, bodb: BackOfficeDB) -> None:
    data = secrets.token_bytes(1000)
    wrong = term.call("PUT", f"/submissions/{UUID}?commit=true", inline(data, content=bytes(1000)))
    assert wrong.status_code == 422 and wrong.json()["detail"]["code"] == "upload.inline_mismatch"
    garbled = inline(data)
    garbled["attachments"][0]["content_b64"] = "not base64!"
    answer = term.call("PUT", f"/submissions/{UUID}", garbled)
    assert answer.status_code == 422 and answer.json()["detail"]["code"] == "upload.inline_mismatch"
    api.app.state.backoffice.inline_max_bytes = 999  # type: ignore[attr-defined]
    big = term.call("PUT", f"/submissions/{UUID}?commit=true", inline(data))
    assert big.status_code == 413 and big.json()["detail"]["code"] == "upload.inline_too_large"
    assert bodb.submission_uuids() == []  # nothing was stored by a refused push


def test_a_server_without_inline_push_does_not_advertise_it(api: TestClient, term: Terminal) -> None:
    api.app.state.backoffice.inline_max_bytes = 0  # type: ignore[attr-defined]
    answer = term.call("PUT", f"/submissions/{UUID}", body())
    assert answer.status_code == 200 and H_INLINE_MAX not in answer.headers
    refused = term.call("PUT", f"/submissions/{UUID}?commit=true", inline(b"x" * 1000))
    assert refused.status_code == 413


def test_inline_completes_a_partial_resumable_upload(term: Terminal, bodb: BackOfficeDB) -> None:
    data = secrets.token_bytes(3000)
    term.call("PUT", f"/submissions/{UUID}", body(UUID, data))
    assert upload(term, data[:1000], 0).json()["offset"] == 1000
    state = term.call("PUT", f"/submissions/{UUID}?commit=true", inline(data)).json()
    assert state["committed"] and state["attachments"][0]["offset"] == 3000
    assert bodb.read_attachment(UUID, 0) == data and accepted_events(bodb) == 1


def test_commit_waits_for_attachments_sent_the_resumable_way(term: Terminal) -> None:
    small, large = secrets.token_bytes(100), secrets.token_bytes(2000)
    two = body(UUID, small)
    two["attachments"].append({**two["attachments"][0], "seq": 1, "size": len(large),
                               "sha256": hashlib.sha256(large).hexdigest()})
    two["attachments"][0]["content_b64"] = base64.b64encode(small).decode()
    state = term.call("PUT", f"/submissions/{UUID}?commit=true", two).json()
    assert not state["committed"] and state["case_no"] is None
    assert [a["complete"] for a in state["attachments"]] == [True, False]
    path = f"/api/v1/submissions/{UUID}/attachments/1?offset=0"
    headers = term.headers("PATCH", path, content=signing.STREAMING)
    framed = b"".join(signing.encode_frames(term.creds.secret, headers[signing.H_SIGNATURE], 0, large, 512))
    assert term.client.patch(path, content=framed, headers=headers).json()["complete"]
    assert term.call("POST", f"/submissions/{UUID}/commit").json()["status"] == "accepted"


def test_fingerprint_and_wire_format_of_revision_1_are_unchanged() -> None:
    plain = SubmissionIn.model_validate(body())
    with_content = SubmissionIn.model_validate(inline(b"x" * 1000))
    assert plain.fingerprint() == with_content.fingerprint()
    assert "content_b64" not in plain.wire()["attachments"][0]  # never a null field
    assert with_content.wire()["attachments"][0]["content_b64"] == base64.b64encode(b"x" * 1000).decode()
    assert not plain.inline and with_content.inline
