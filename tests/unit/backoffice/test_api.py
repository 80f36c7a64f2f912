"""The sync API in-process: enrolment, signatures, idempotent push, resumable upload, commit,
status feed, documents with ETags, heartbeats, cross-terminal isolation."""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kiosk.backoffice.db import BackOfficeDB, BackOfficeError, SubmissionFilter
from kiosk.sync import signing
from kiosk.sync.credentials import Credentials
from tests.factories import StepClock
from tests.unit.backoffice.conftest import Terminal

UUID = "01a2146b-f432-7b50-a59e-63e2fb64cfd3"


def body(uuid: str = UUID, data: bytes = b"x" * 1000, name: str = "张三") -> dict[str, Any]:
    return {
        "uuid": uuid, "tracking_no": "DM1-261125-0001-X", "item_code": "44030400SC-XK-0001",
        "language": "zh-Hans", "created_at": "2026-11-25T09:30:00+00:00", "terminal_ref": "demo-01",
        "personal": {"identity": {"name": name}, "form": {"a": 1}},
        "attachments": [{"seq": 0, "material_id": "m0", "filename": "m0.pdf", "mime": "application/pdf",
                         "pages": 1, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}],
    }


def upload(term: Terminal, data: bytes, offset: int, uuid: str = UUID, frame: int = 256) -> Any:
    path = f"/api/v1/submissions/{uuid}/attachments/0?offset={offset}"
    headers = term.headers("PATCH", path, content=signing.STREAMING)
    framed = b"".join(signing.encode_frames(term.creds.secret, headers[signing.H_SIGNATURE], offset,
                                            data, frame))
    return term.client.patch(path, content=framed,
                             headers={**headers, "Content-Type": signing.FRAMES_MEDIA_TYPE})


def test_openapi_is_published(api: TestClient) -> None:
    spec = api.get("/api/v1/openapi.json").json()
    assert spec["info"]["title"].startswith("smarthall back office")
    assert "/api/v1/submissions/{uuid}" in spec["paths"]
    assert "KioskHmac" in spec["components"]["securitySchemes"]


def test_enrolment_code_is_one_time_but_a_lost_answer_can_be_retried(api: TestClient, bodb: BackOfficeDB
                                                                     ) -> None:
    code, tid = bodb.create_enrolment_code("T-NEW")
    first = api.post("/api/v1/enrol", json={"code": code, "request_id": "1" * 32})
    again = api.post("/api/v1/enrol", json={"code": code.lower(), "request_id": "1" * 32})
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() and first.json()["terminal_id"] == tid
    stolen = api.post("/api/v1/enrol", json={"code": code, "request_id": "2" * 32})
    assert stolen.status_code == 403 and stolen.json()["detail"]["code"] == "enrol.invalid_code"
    unknown = api.post("/api/v1/enrol", json={"code": "AAAA-BBBB-CCCC", "request_id": "3" * 32})
    assert unknown.status_code == 403


def test_expired_enrolment_code_is_refused(api: TestClient, settings: Any, tmp_path: Any) -> None:
    clock = StepClock()
    db = BackOfficeDB(settings.db_url, now=clock)
    code, _ = db.create_enrolment_code("T-OLD", ttl_h=1)
    clock.advance(hours=2)
    with pytest.raises(BackOfficeError) as info:
        db.enrol(code, "4" * 32)
    db.close()
    assert info.value.code == "enrol.invalid_code"


# ---------------------------------------------------------------- signatures
def test_signed_request_is_accepted(term: Terminal) -> None:
    answer = term.call("GET", "/whoami")
    assert answer.status_code == 200
    assert answer.json()["terminal_id"] == "T-ONE"
    assert signing.H_SERVER_TIME in answer.headers


@pytest.mark.parametrize("tamper", ["signature", "body", "path", "terminal", "secret"])
def test_forged_requests_are_refused(term: Terminal, other: Terminal, tamper: str) -> None:
    path = f"/api/v1/submissions/{UUID}"
    data = json.dumps(body()).encode()
    headers = term.headers("PUT", path, data)
    if tamper == "signature":
        headers[signing.H_SIGNATURE] = "0" * 64
    elif tamper == "body":
        data = json.dumps(body(name="李四")).encode()  # body no longer matches its signed hash
    elif tamper == "path":
        path = "/api/v1/submissions/01a2146b-f432-7b50-a59e-000000000000"
    elif tamper == "terminal":
        headers[signing.H_TERMINAL] = "T-TWO"  # claims another terminal with our signature
    elif tamper == "secret":
        forged = Terminal(term.client, Credentials("T-ONE", secrets.token_bytes(32)))
        headers = forged.headers("PUT", path, data)
    answer = term.client.put(path, content=data, headers={**headers, "Content-Type": "application/json"})
    assert answer.status_code == 401
    assert answer.json()["detail"]["code"] in ("auth.bad_signature", "auth.body_mismatch")
    assert term.call("GET", f"/submissions/{UUID}").status_code == 404  # nothing was stored


def test_missing_headers_and_unknown_terminal_are_refused(api: TestClient) -> None:
    assert api.get("/api/v1/whoami").json()["detail"]["code"] == "auth.missing"
    ghost = Terminal(api, Credentials("T-GHOST", secrets.token_bytes(32)))
    answer = ghost.call("GET", "/whoami")
    assert answer.status_code == 401 and answer.json()["detail"]["code"] == "auth.unknown_terminal"


@pytest.mark.parametrize("skew", [-3600, 3600])
def test_stale_timestamps_are_refused(term: Terminal, skew: float) -> None:
    term.clock_offset = skew
    answer = term.call("GET", "/whoami")
    assert answer.status_code == 401 and answer.json()["detail"]["code"] == "auth.stale"


def test_replayed_request_is_refused(term: Terminal) -> None:
    path = f"/api/v1/submissions/{UUID}"
    data = json.dumps(body()).encode()
    headers = {**term.headers("PUT", path, data), "Content-Type": "application/json"}
    assert term.client.put(path, content=data, headers=headers).status_code == 200
    replay = term.client.put(path, content=data, headers=headers)
    assert replay.status_code == 401 and replay.json()["detail"]["code"] == "auth.replay"


def test_disabled_terminal_is_refused(term: Terminal, bodb: BackOfficeDB) -> None:
    bodb.set_terminal_disabled("T-ONE", True, "admin")
    assert term.call("GET", "/whoami").json()["detail"]["code"] == "auth.unknown_terminal"


# ---------------------------------------------------------------- push
def test_put_is_idempotent_and_a_different_body_conflicts(term: Terminal) -> None:
    first = term.call("PUT", f"/submissions/{UUID}", body())
    again = term.call("PUT", f"/submissions/{UUID}", body())
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["attachments"] == [{"seq": 0, "size": 1000, "offset": 0, "complete": False}]
    changed = term.call("PUT", f"/submissions/{UUID}", body(name="李四"))
    assert changed.status_code == 409 and changed.json()["detail"]["code"] == "submission.conflict"
    mismatch = term.call("PUT", "/submissions/01a2146b-f432-7b50-a59e-000000000000", body())
    assert mismatch.status_code == 422


def test_resumable_upload_offsets_and_final_hash(term: Terminal, bodb: BackOfficeDB) -> None:
    data = secrets.token_bytes(1000)
    term.call("PUT", f"/submissions/{UUID}", body(data=data))
    assert term.call("POST", f"/submissions/{UUID}/commit").json()["detail"]["code"] == "commit.incomplete"
    part = upload(term, data[:600], 0)
    assert part.status_code == 200 and part.json()["offset"] == 600 and not part.json()["complete"]
    wrong = upload(term, data[500:], 500)
    assert wrong.status_code == 409 and wrong.json()["detail"]["state"]["offset"] == 600
    assert term.call("GET", f"/submissions/{UUID}/attachments/0").json()["offset"] == 600
    rest = upload(term, data[600:], 600)
    assert rest.json() == {"seq": 0, "size": 1000, "offset": 1000, "complete": True}
    assert bodb.read_attachment(UUID, 0) == data
    commit = term.call("POST", f"/submissions/{UUID}/commit").json()
    assert commit["status"] == "accepted" and commit["case_no"].startswith("SZ")
    assert term.call("POST", f"/submissions/{UUID}/commit").json() == commit  # idempotent
    state = term.call("PUT", f"/submissions/{UUID}", body(data=data)).json()
    assert state["committed"] and state["case_no"] == commit["case_no"]


def test_a_corrupted_upload_is_discarded_at_the_hash_check(term: Terminal, expect_logs: Any) -> None:
    data = secrets.token_bytes(1000)
    term.call("PUT", f"/submissions/{UUID}", body(data=data))
    bad = upload(term, bytes(1000), 0)
    assert bad.status_code == 409 and bad.json()["detail"]["code"] == "upload.hash_mismatch"
    assert term.call("GET", f"/submissions/{UUID}/attachments/0").json()["offset"] == 0
    assert any("SHA-256" in m for m in expect_logs.messages())


def test_frames_cannot_be_forged_or_moved(term: Terminal) -> None:
    data = secrets.token_bytes(1000)
    term.call("PUT", f"/submissions/{UUID}", body(data=data))
    path = f"/api/v1/submissions/{UUID}/attachments/0?offset=0"
    headers = term.headers("PATCH", path, content=signing.STREAMING)
    frames = b"".join(signing.encode_frames(term.creds.secret, headers[signing.H_SIGNATURE], 0, data, 256))
    tampered = bytearray(frames)
    tampered[300] ^= 1  # a bit of the second frame's data
    answer = term.client.patch(path, content=bytes(tampered), headers=headers)
    assert answer.status_code == 400 and answer.json()["detail"]["code"] == "upload.bad_frame"
    # the first frame verified and was kept; the rest was not
    assert term.call("GET", f"/submissions/{UUID}/attachments/0").json()["offset"] == 256
    not_framed = term.call("PATCH", f"/submissions/{UUID}/attachments/0?offset=256", raw=b"abc")
    assert not_framed.json()["detail"]["code"] == "upload.not_framed"


def test_one_terminal_cannot_touch_anothers_submission(term: Terminal, other: Terminal) -> None:
    data = secrets.token_bytes(1000)
    term.call("PUT", f"/submissions/{UUID}", body(data=data))
    assert other.call("GET", f"/submissions/{UUID}").status_code == 404
    assert other.call("GET", f"/submissions/{UUID}/attachments/0").status_code == 404
    assert other.call("PUT", f"/submissions/{UUID}", body(data=data)).status_code == 403
    assert upload(other, data, 0).status_code in (403, 404)
    assert other.call("POST", f"/submissions/{UUID}/commit").status_code == 403
    assert term.call("GET", f"/submissions/{UUID}/attachments/0").json()["offset"] == 0


# ---------------------------------------------------------------- pull, heartbeat, staff side
def _committed(term: Terminal, uuid: str = UUID) -> str:
    data = b"d" * 10
    term.call("PUT", f"/submissions/{uuid}", body(uuid, data))
    upload(term, data, 0, uuid)
    case_no: str = term.call("POST", f"/submissions/{uuid}/commit").json()["case_no"]
    return case_no


def test_status_feed_has_a_cursor_and_is_per_terminal(term: Terminal, other: Terminal, bodb: BackOfficeDB
                                                      ) -> None:
    case_no = _committed(term)
    bodb.set_status(UUID, "in_review", "", "alice")
    bodb.set_status(UUID, "approved", "盖章后可取", "alice")
    feed = term.call("GET", "/status-updates?after=0").json()
    assert [u["status"] for u in feed["updates"]] == ["accepted", "in_review", "approved"]
    assert feed["updates"][0]["case_no"] == case_no and feed["updates"][2]["reason"] == "盖章后可取"
    later = term.call("GET", f"/status-updates?after={feed['updates'][0]['id']}&limit=1").json()
    assert [u["status"] for u in later["updates"]] == ["in_review"] and later["more"]
    assert other.call("GET", "/status-updates?after=0").json()["updates"] == []
    with pytest.raises(BackOfficeError) as info:
        bodb.set_status(UUID, "in_review", "", "alice")  # approved -> in_review is not allowed
    assert info.value.code == "status.not_allowed"
    actions = [a["action"] for a in bodb.audit_log(UUID)]
    assert actions.count("set_status") == 2


def test_documents_use_etags_and_terminal_overrides(term: Terminal, other: Terminal, bodb: BackOfficeDB
                                                    ) -> None:
    assert term.call("GET", "/documents/config").status_code == 404
    etag = bodb.publish_document("config", {"heartbeat_s": 60}, "admin")
    first = term.call("GET", "/documents/config")
    assert first.status_code == 200 and first.headers["etag"] == etag and first.json() == {"heartbeat_s": 60}
    same = term.call("GET", "/documents/config", extra={"If-None-Match": f'"old", {etag}'})
    assert same.status_code == 304
    bodb.publish_document("config", {"heartbeat_s": 30}, "admin", terminal_id="T-TWO")
    assert other.call("GET", "/documents/config").json() == {"heartbeat_s": 30}
    assert term.call("GET", "/documents/config").json() == {"heartbeat_s": 60}
    assert term.call("GET", "/documents/nonsense").status_code == 422


def test_heartbeat_is_stored_per_terminal(term: Terminal, bodb: BackOfficeDB) -> None:
    beat = {"sent_at": "2026-11-25T09:30:00+00:00", "app_version": "0.1.0", "devices": {"printer": "ok"},
            "queue_depth": 3, "parked": 0, "oldest_unsent_age_s": 12.5, "disk_free_bytes": 10**9}
    assert term.call("POST", "/heartbeat", beat).status_code == 200
    [terminal] = [t for t in bodb.list_terminals() if t.id == "T-ONE"]
    assert terminal.last_heartbeat is not None and terminal.last_heartbeat.queue_depth == 3
    assert len(bodb.heartbeat_history("T-ONE")) == 1
    assert term.call("POST", "/heartbeat", {**beat, "name": "张三"}).status_code == 422  # no extra fields


def test_staff_list_shows_committed_submissions_only(term: Terminal, bodb: BackOfficeDB) -> None:
    _committed(term)
    term.call("PUT", "/submissions/01a2146b-f432-7b50-a59e-000000000001",
              body("01a2146b-f432-7b50-a59e-000000000001"))
    listed = bodb.list_submissions(SubmissionFilter(terminal_id="T-ONE"))
    assert [s.uuid for s in listed] == [UUID]
    assert bodb.list_submissions(SubmissionFilter(status="in_review")) == []
    detail = bodb.get_submission(UUID)
    assert detail.body["personal"]["identity"]["name"] == "张三"
    assert "张三" not in repr(detail)
