"""Protocol revision 2: the inline push (a small submission, its bytes and the commit in one
request), and how it mixes with the resumable upload of revision 1."""

from __future__ import annotations

import hashlib
import json
import secrets
import struct

import httpx
import pytest
from fastapi.testclient import TestClient

from kiosk.backoffice.db import BackOfficeDB, status_events
from kiosk.sync.protocol import (
    BUNDLE_MEDIA_TYPE,
    H_INLINE_MAX,
    INLINE_MAX_BYTES,
    SubmissionIn,
    decode_bundle,
    encode_bundle,
)
from tests.unit.backoffice.conftest import Terminal
from tests.unit.backoffice.test_api import UUID, body, upload


def bundle(data: bytes, uuid: str = UUID, content: bytes | None = None) -> bytes:
    meta = json.dumps(body(uuid, data), ensure_ascii=False).encode()
    return struct.pack(">I", len(meta)) + meta + (data if content is None else content)


def push_inline(term: Terminal, raw: bytes, uuid: str = UUID) -> httpx.Response:
    return term.call("PUT", f"/submissions/{uuid}/inline", raw=raw, extra={"Content-Type": BUNDLE_MEDIA_TYPE})


def accepted_events(bodb: BackOfficeDB, uuid: str = UUID) -> int:
    with bodb.engine.connect() as conn:
        return len(conn.execute(status_events.select().where(
            status_events.c.submission_uuid == uuid, status_events.c.status == "accepted")).all())


def test_inline_push_answers_the_case_number(term: Terminal, bodb: BackOfficeDB) -> None:
    data = secrets.token_bytes(5000)
    first = push_inline(term, bundle(data))
    assert first.status_code == 200 and first.headers[H_INLINE_MAX] == str(INLINE_MAX_BYTES)
    state = first.json()
    assert state["committed"] and state["case_no"].startswith("SZ") and state["status"] == "accepted"
    assert state["attachments"] == [{"seq": 0, "size": 5000, "offset": 5000, "complete": True}]
    assert bodb.read_attachment(UUID, 0) == data
    # a lost answer: the same push again answers the same, and commits nothing twice
    assert push_inline(term, bundle(data)).json() == state and accepted_events(bodb) == 1
    # the same submission the revision-1 way: same fingerprint, same answer
    plain = term.call("PUT", f"/submissions/{UUID}", body(UUID, data))
    assert plain.status_code == 200 and plain.json() == state
    assert plain.headers[H_INLINE_MAX] == str(INLINE_MAX_BYTES)
    assert term.call("POST", f"/submissions/{UUID}/commit").json()["case_no"] == state["case_no"]
    assert bodb.get_submission(UUID).body["personal"] == body(UUID, data)["personal"]
    changed = json.loads(json.dumps(body(UUID, data)))
    changed["personal"]["identity"]["name"] = "李四"
    meta = json.dumps(changed).encode()
    conflict = push_inline(term, struct.pack(">I", len(meta)) + meta + data)
    assert conflict.status_code == 409 and conflict.json()["detail"]["code"] == "submission.conflict"


@pytest.mark.parametrize("raw, code", [
    (b"", "upload.bad_bundle"),
    (b"\xff\xff\xff\xff{}", "upload.bad_bundle"),
    (struct.pack(">I", 2) + b"{}", "upload.bad_bundle"),
])
def test_garbage_is_refused_as_a_bad_bundle(term: Terminal, raw: bytes, code: str) -> None:
    answer = push_inline(term, raw)
    assert answer.status_code == 422 and answer.json()["detail"]["code"] == code


def test_inline_content_must_match_and_fit(api: TestClient, term: Terminal, bodb: BackOfficeDB) -> None:
    data = secrets.token_bytes(1000)
    wrong = push_inline(term, bundle(data, content=bytes(1000)))
    assert wrong.status_code == 422 and wrong.json()["detail"]["code"] == "upload.inline_mismatch"
    short = push_inline(term, bundle(data, content=data[:-1]))
    assert short.status_code == 422 and short.json()["detail"]["code"] == "upload.bad_bundle"
    framed = term.call("PUT", f"/submissions/{UUID}/inline", raw=bundle(data))  # not the bundle type
    assert framed.status_code == 415
    api.app.state.backoffice.inline_max_bytes = 999  # type: ignore[attr-defined]
    big = push_inline(term, bundle(data))
    assert big.status_code == 413 and big.json()["detail"]["code"] == "upload.inline_too_large"
    assert bodb.submission_uuids() == []  # nothing was stored by a refused push


def test_a_server_without_inline_push_does_not_advertise_it(api: TestClient, term: Terminal) -> None:
    api.app.state.backoffice.inline_max_bytes = 0  # type: ignore[attr-defined]
    answer = term.call("PUT", f"/submissions/{UUID}", body())
    assert answer.status_code == 200 and H_INLINE_MAX not in answer.headers
    assert push_inline(term, bundle(b"x" * 1000)).status_code == 404


def test_inline_completes_a_partial_resumable_upload(term: Terminal, bodb: BackOfficeDB) -> None:
    data = secrets.token_bytes(3000)
    term.call("PUT", f"/submissions/{UUID}", body(UUID, data))
    assert upload(term, data[:1000], 0).json()["offset"] == 1000
    state = push_inline(term, bundle(data)).json()
    assert state["committed"] and state["attachments"][0]["offset"] == 3000
    assert bodb.read_attachment(UUID, 0) == data and accepted_events(bodb) == 1


def test_another_terminal_cannot_push_inline_under_my_uuid(term: Terminal, other: Terminal) -> None:
    data = secrets.token_bytes(100)
    assert push_inline(term, bundle(data)).status_code == 200
    assert push_inline(other, bundle(data)).status_code == 403


def test_bundle_round_trip_and_zero_attachments() -> None:
    data = [secrets.token_bytes(10), b"", secrets.token_bytes(7)]
    raw_body = body()
    raw_body["attachments"] = [{**raw_body["attachments"][0], "seq": i, "size": len(d),
                                "sha256": hashlib.sha256(d).hexdigest()} for i, d in enumerate(data)]
    sub = SubmissionIn.model_validate(raw_body)
    decoded, contents = decode_bundle(encode_bundle(sub, data))
    assert decoded == sub and contents == dict(enumerate(data))
    with pytest.raises(ValueError, match="do not match"):
        encode_bundle(sub, data[:2])
    empty = SubmissionIn.model_validate({**raw_body, "attachments": []})
    assert decode_bundle(encode_bundle(empty, [])) == (empty, {})


def test_zero_attachment_submission_is_committed_inline(term: Terminal) -> None:
    meta = json.dumps({**body(), "attachments": []}).encode()
    state = push_inline(term, struct.pack(">I", len(meta)) + meta).json()
    assert state["committed"] and state["attachments"] == []
