"""Staff pages in-process: login, CSRF, lockout, authorisation boundaries (staff cookie vs
terminal signature), status changes audited and fed to the terminal, result PDF, publishing,
enrolment codes, terminal health, attachments."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from kiosk.backoffice.app import create_app
from kiosk.backoffice.db import BackOfficeDB, TerminalInfo
from kiosk.backoffice.settings import BackOfficeSettings
from kiosk.backoffice.staff import StaffOptions, create_staff_user
from kiosk.backoffice.staff.auth import run_staff_command
from kiosk.backoffice.staff.health import terminal_health
from kiosk.backoffice.staff.pages import router as staff_router
from kiosk.backoffice.staff.web import STAFF_PREFIX
from kiosk.catalog import DEFAULT_CATALOG_DIR, load_catalog
from kiosk.sync.protocol import Heartbeat, SubmissionIn
from tests.factories import StepClock
from tests.unit.backoffice.conftest import Terminal, enrol_terminal

UUID = "01a2146b-f432-7b50-a59e-63e2fb64cfd3"
PASSWORD = "correct horse battery"
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # test speed only
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def clock() -> StepClock:
    return StepClock()


@pytest.fixture
def db(settings: BackOfficeSettings, clock: StepClock) -> Iterator[BackOfficeDB]:
    database = BackOfficeDB(settings.db_url, now=clock)
    database.create_schema()
    create_staff_user(database, "alice", PASSWORD, display_name="王小明", hasher=FAST)
    yield database
    database.close()


@pytest.fixture
def client(settings: BackOfficeSettings, db: BackOfficeDB) -> Iterator[TestClient]:
    app = create_app(settings, db, staff=StaffOptions(hasher=FAST))
    with TestClient(app, follow_redirects=False) as c:
        yield c


@pytest.fixture
def term(client: TestClient, db: BackOfficeDB) -> Terminal:
    return enrol_terminal(client, db, "T-ONE")


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def login(client: TestClient, username: str = "alice", password: str = PASSWORD, next_url: str = ""
          ) -> Any:
    page = client.get(f"{STAFF_PREFIX}/login")
    return client.post(f"{STAFF_PREFIX}/login", data={
        "csrf": csrf_of(page.text), "username": username, "password": password, "next": next_url})


def page_csrf(client: TestClient, path: str) -> str:
    answer = client.get(path)
    assert answer.status_code == 200, answer.text
    return csrf_of(answer.text)


def committed(db: BackOfficeDB, terminal_id: str = "T-ONE", uuid: str = UUID, *, data: bytes = b"x" * 500,
              mime: str = "application/pdf", name: str = "张三") -> str:
    sub = SubmissionIn.model_validate({
        "uuid": uuid, "tracking_no": "DM1-261125-0001-X", "item_code": "44030400SC-XK-0001",
        "language": "zh-Hans", "created_at": "2026-11-25T09:30:00+00:00", "terminal_ref": "demo-01",
        "personal": {"identity": {"kind": "resident_id", "name": name, "number": "360426199101010071"},
                     "form": {"company_name": "深圳市测试科技有限公司"}},
        "attachments": [{"seq": 0, "material_id": "m0", "filename": "m0.bin", "mime": mime, "pages": 1,
                         "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}],
    })
    if db.terminal_secret(terminal_id) is None:
        code, _ = db.create_enrolment_code(terminal_id)
        db.enrol(code, "e" * 32)
    db.put_submission(terminal_id, sub)
    db.append_attachment(terminal_id, uuid, 0, 0, data)
    return db.commit(terminal_id, uuid).case_no


# ---------------------------------------------------------------- login, logout, sessions
def test_login_redirects_back_and_logout_ends_the_session_on_the_server(client: TestClient,
                                                                        db: BackOfficeDB) -> None:
    first = client.get(f"{STAFF_PREFIX}/terminals")
    assert first.status_code == 303
    assert first.headers["location"] == f"{STAFF_PREFIX}/login?next=%2Fstaff%2Fterminals"
    answer = login(client, next_url=f"{STAFF_PREFIX}/terminals")
    assert answer.status_code == 303 and answer.headers["location"] == f"{STAFF_PREFIX}/terminals"
    page = client.get(f"{STAFF_PREFIX}/terminals")
    assert page.status_code == 200 and "终端状态" in page.text and "王小明" in page.text
    assert [e["action"] for e in db.audit_log() if e["actor"] == "alice"] == ["login"]

    stolen = dict(client.cookies)  # a copy of the cookie, e.g. from another machine
    out = client.post(f"{STAFF_PREFIX}/logout", data={"csrf": csrf_of(page.text)})
    assert out.status_code == 303 and out.headers["location"] == f"{STAFF_PREFIX}/login"
    assert client.get(f"{STAFF_PREFIX}/terminals").status_code == 303
    client.cookies.clear()
    for name, value in stolen.items():
        client.cookies.set(name, value, path=STAFF_PREFIX)
    assert client.get(f"{STAFF_PREFIX}/terminals").status_code == 303  # revoked server-side


def test_wrong_password_unknown_user_and_disabled_account_get_the_same_answer(
        client: TestClient, db: BackOfficeDB) -> None:
    create_staff_user(db, "bob", PASSWORD, hasher=FAST)
    db.set_staff_disabled("bob", True, "admin")
    answers = [login(client, "alice", "wrong password!"), login(client, "nobody", PASSWORD),
               login(client, "bob", PASSWORD)]
    assert {a.status_code for a in answers} == {401}
    assert all("用户名或密码错误" in a.text for a in answers)
    assert client.get(f"{STAFF_PREFIX}/submissions").status_code == 303


def test_only_a_local_next_is_followed(client: TestClient) -> None:
    answer = login(client, next_url="https://evil.example/phish")
    assert answer.headers["location"] == f"{STAFF_PREFIX}/submissions"
    client.cookies.clear()
    answer = login(client, next_url="//evil.example/x")
    assert answer.headers["location"] == f"{STAFF_PREFIX}/submissions"


def test_session_ends_after_idle_timeout_and_when_the_account_is_disabled(
        client: TestClient, db: BackOfficeDB, clock: StepClock) -> None:
    login(client)
    clock.advance(minutes=29)
    assert client.get(f"{STAFF_PREFIX}/terminals").status_code == 200  # touches the session
    clock.advance(minutes=29)
    assert client.get(f"{STAFF_PREFIX}/terminals").status_code == 200
    clock.advance(minutes=31)
    assert client.get(f"{STAFF_PREFIX}/terminals").status_code == 303  # idle too long
    login(client)
    assert client.get(f"{STAFF_PREFIX}/terminals").status_code == 200
    db.set_staff_disabled("alice", True, "admin")
    assert client.get(f"{STAFF_PREFIX}/terminals").status_code == 303
    assert any(e["action"] == "session_expired" for e in db.audit_log())


def test_password_hash_is_argon2_and_the_cli_function_creates_accounts(db: BackOfficeDB,
                                                                        settings: BackOfficeSettings) -> None:
    alice = db.get_staff_user("alice")
    assert alice is not None and alice.password_hash.startswith("$argon2id$")
    assert PASSWORD not in repr(alice)
    ok, message = run_staff_command(settings.db_url, "create-staff", "Carol", display_name="李",
                                    stream=io.StringIO("another good password\n"))
    assert ok and "carol" in message
    carol = db.get_staff_user("carol")
    assert carol is not None and FAST.verify(carol.password_hash, "another good password")
    ok, message = run_staff_command(settings.db_url, "create-staff", "dave", stream=io.StringIO("short\n"))
    assert not ok and "staff.weak_password" in message
    ok, message = run_staff_command(settings.db_url, "create-staff", "carol", stream=io.StringIO("x" * 12))
    assert not ok and "staff.exists" in message
    ok, _ = run_staff_command(settings.db_url, "set-staff-password", "carol", stream=io.StringIO("y" * 12))
    carol = db.get_staff_user("carol")
    assert ok and carol is not None and FAST.verify(carol.password_hash, "y" * 12)


# ---------------------------------------------------------------- CSRF
def test_login_and_every_form_need_this_sessions_csrf_token(client: TestClient, db: BackOfficeDB) -> None:
    client.get(f"{STAFF_PREFIX}/login")
    bare = client.post(f"{STAFF_PREFIX}/login", data={"username": "alice", "password": PASSWORD})
    assert bare.status_code == 403 and "CSRF" in bare.text
    forged = client.post(f"{STAFF_PREFIX}/login", data={"csrf": "x" * 43, "username": "alice",
                                                         "password": PASSWORD})
    assert forged.status_code == 403
    assert login(client).status_code == 303
    committed(db)
    pre_login_token = "x" * 43
    for data in ({"status": "approved"}, {"status": "approved", "csrf": pre_login_token}):
        answer = client.post(f"{STAFF_PREFIX}/submissions/{UUID}/status", data=data)
        assert answer.status_code == 403
    token = page_csrf(client, f"{STAFF_PREFIX}/submissions/{UUID}")
    cross = client.post(f"{STAFF_PREFIX}/submissions/{UUID}/status",
                        data={"status": "approved", "csrf": token}, headers={"Origin": "https://evil.example"})
    assert cross.status_code == 403
    cross_site = client.post(f"{STAFF_PREFIX}/submissions/{UUID}/status",
                             data={"status": "approved", "csrf": token},
                             headers={"Sec-Fetch-Site": "cross-site"})
    assert cross_site.status_code == 403
    assert db.get_submission(UUID).summary.status == "accepted"  # nothing changed


def test_csrf_token_rotates_at_login(client: TestClient) -> None:
    before = page_csrf(client, f"{STAFF_PREFIX}/login")
    login(client)
    after = page_csrf(client, f"{STAFF_PREFIX}/terminals")
    assert before != after


# ---------------------------------------------------------------- lockout
def test_repeated_failures_lock_the_account_even_for_the_right_password(
        client: TestClient, db: BackOfficeDB, clock: StepClock, expect_logs: Any) -> None:
    answers = [login(client, "alice", f"wrong password {i}") for i in range(5)]
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 429]
    assert "尝试次数过多" in answers[-1].text
    locked = login(client)
    assert locked.status_code == 429 and client.get(f"{STAFF_PREFIX}/terminals").status_code == 303
    assert any("locked" in m for m in expect_logs.messages())
    assert any(e["action"] == "login_locked" for e in db.audit_log())
    clock.advance(minutes=16)
    assert login(client).status_code == 303


def test_many_failures_from_one_address_lock_that_address(client: TestClient, clock: StepClock,
                                                          expect_logs: Any) -> None:
    codes = [login(client, f"user{i % 7}", "wrong password").status_code for i in range(20)]
    assert codes[-1] == 429 and codes[:19].count(401) == 19
    assert login(client).status_code == 429  # alice herself, from the same address
    clock.advance(minutes=16)
    assert login(client).status_code == 303


# ---------------------------------------------------------------- authorisation boundaries
def staff_routes() -> list[tuple[str, str]]:
    out = []
    for route in staff_router.routes:
        if not isinstance(route, APIRoute):
            continue
        path = STAFF_PREFIX + route.path.replace("{uuid}", UUID).replace("{seq}", "0")
        out += [(m, path) for m in sorted(route.methods) if m != "HEAD"]
    return out


def test_every_staff_route_needs_a_login_and_a_terminal_signature_is_no_login(
        client: TestClient, db: BackOfficeDB, term: Terminal) -> None:
    committed(db)
    db.mark_result_ready(UUID, PDF, "r.pdf", "", "alice")
    routes = staff_routes()
    assert len(routes) >= 15
    for method, path in routes:
        if path == f"{STAFF_PREFIX}/login":
            continue
        for headers in ({}, term.headers(method, path)):
            answer = client.request(method, path, headers=headers, data={"status": "approved"})
            if method == "GET":
                assert answer.status_code == 303, (method, path)
                assert answer.headers["location"].startswith(f"{STAFF_PREFIX}/login?next="), path
            else:
                assert answer.status_code == 401, (method, path, answer.status_code)
            assert "张三" not in answer.text
    assert db.get_submission(UUID).summary.status == "result_ready"


def test_a_staff_session_cannot_call_the_terminal_api(client: TestClient, db: BackOfficeDB,
                                                      term: Terminal) -> None:
    committed(db)
    db.mark_result_ready(UUID, PDF, "r.pdf", "", "alice")
    login(client)
    assert client.get(f"{STAFF_PREFIX}/submissions").status_code == 200
    for method, path in (("GET", "/api/v1/whoami"), ("GET", f"/api/v1/submissions/{UUID}"),
                         ("GET", f"/api/v1/submissions/{UUID}/result"), ("GET", "/api/v1/status-updates"),
                         ("POST", f"/api/v1/submissions/{UUID}/commit")):
        answer = client.request(method, path)
        assert answer.status_code == 401 and answer.json()["detail"]["code"] == "auth.missing", path
    # and the staff cookie is scoped to the staff pages in the first place
    assert all(c.path == STAFF_PREFIX for c in client.cookies.jar)


def test_security_headers_on_staff_pages(client: TestClient) -> None:
    page = client.get(f"{STAFF_PREFIX}/login")
    assert "script-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store" and page.headers["x-frame-options"] == "DENY"
    cookie = page.headers["set-cookie"].lower()
    assert "httponly" in cookie and "path=/staff" in cookie and "samesite=lax" in cookie
    assert client.get("/").headers["location"] == f"{STAFF_PREFIX}/"
    assert client.post(f"{STAFF_PREFIX}/login", content=b"x" * 100, headers={
        "content-length": str(30 * 1024 * 1024)}).status_code == 413


# ---------------------------------------------------------------- submissions and decisions
def test_list_filters_and_detail_shows_personal_data_but_logs_do_not(
        client: TestClient, db: BackOfficeDB, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    case_no = committed(db)
    committed(db, uuid="01a2146b-f432-7b50-a59e-000000000002", name="李四")
    db.set_status("01a2146b-f432-7b50-a59e-000000000002", "in_review", "", "bob")
    login(client)
    listing = client.get(f"{STAFF_PREFIX}/submissions").text
    assert case_no in listing and "公司设立登记 Company establishment registration" in listing
    assert "张三" not in listing  # personal data only on the detail page
    only = client.get(f"{STAFF_PREFIX}/submissions", params={"status": "in_review"}).text
    assert case_no not in only and "01a2146b-f432-7b50-a59e-000000000002" in only
    assert case_no in client.get(f"{STAFF_PREFIX}/submissions", params={"terminal": "T-ONE"}).text
    assert case_no not in client.get(f"{STAFF_PREFIX}/submissions", params={"item": "NOPE"}).text
    detail = client.get(f"{STAFF_PREFIX}/submissions/{UUID}")
    assert detail.status_code == 200
    for value in ("张三", "360426199101010071", "深圳市测试科技有限公司"):
        assert value in detail.text
    assert any(e["action"] == "view" and e["actor"] == "alice" for e in db.audit_log(UUID))
    for record in caplog.records:
        text = record.getMessage()
        assert "张三" not in text and "360426199101010071" not in text


def test_pagination(client: TestClient, settings: BackOfficeSettings, db: BackOfficeDB) -> None:
    for i in range(5):
        committed(db, uuid=f"01a2146b-f432-7b50-a59e-00000000001{i}")
    app = create_app(settings, db, staff=StaffOptions(hasher=FAST, page_size=2))
    with TestClient(app, follow_redirects=False) as small:
        login(small)
        first = small.get(f"{STAFF_PREFIX}/submissions").text
        third = small.get(f"{STAFF_PREFIX}/submissions", params={"page": 3}).text
    assert "page=2" in first and "00000000014" in first and "00000000010" not in first
    assert "00000000010" in third and "下一页" not in third


def test_attachments_are_viewable_and_downloadable_and_unsafe_types_never_render(
        client: TestClient, db: BackOfficeDB) -> None:
    committed(db, data=b"%PDF-1.4 fake")
    committed(db, uuid="01a2146b-f432-7b50-a59e-000000000003", data=b"<script>alert(1)</script>",
              mime="text/html")
    login(client)
    view = client.get(f"{STAFF_PREFIX}/submissions/{UUID}/attachments/0")
    assert view.content == b"%PDF-1.4 fake" and view.headers["content-type"] == "application/pdf"
    assert view.headers["content-disposition"].startswith("inline")
    down = client.get(f"{STAFF_PREFIX}/submissions/{UUID}/attachments/0", params={"download": "true"})
    assert down.headers["content-disposition"].startswith("attachment")
    html = client.get(f"{STAFF_PREFIX}/submissions/01a2146b-f432-7b50-a59e-000000000003/attachments/0")
    assert html.headers["content-type"] == "application/octet-stream"
    assert html.headers["content-disposition"].startswith("attachment")
    assert html.headers["x-content-type-options"] == "nosniff"
    assert client.get(f"{STAFF_PREFIX}/submissions/{UUID}/attachments/7").status_code == 404
    assert any(e["action"] == "download" for e in db.audit_log(UUID))


def test_status_change_is_checked_audited_and_reaches_the_terminal_feed(
        client: TestClient, db: BackOfficeDB, term: Terminal) -> None:
    committed(db)
    login(client)
    token = page_csrf(client, f"{STAFF_PREFIX}/submissions/{UUID}")
    answer = client.post(f"{STAFF_PREFIX}/submissions/{UUID}/status",
                         data={"csrf": token, "status": "approved", "note": "准予登记"})
    assert answer.status_code == 303 and answer.headers["location"].endswith("?done=status")
    assert db.get_submission(UUID).summary.status == "approved"
    entry = next(e for e in db.audit_log(UUID) if e["action"] == "set_status")
    assert entry["actor"] == "alice" and entry["detail"] == "accepted -> approved"
    feed = term.call("GET", "/status-updates").json()["updates"]
    assert [(u["status"], u["reason"]) for u in feed] == [("accepted", None), ("approved", "准予登记")]
    # approved -> in_review is not in the transition table: refused, shown, nothing changes
    refused = client.post(f"{STAFF_PREFIX}/submissions/{UUID}/status",
                          data={"csrf": token, "status": "in_review"})
    assert refused.status_code == 409 and "status.not_allowed" in refused.text
    bogus = client.post(f"{STAFF_PREFIX}/submissions/{UUID}/status",
                        data={"csrf": token, "status": "accepted"})
    assert bogus.status_code == 422
    assert db.get_submission(UUID).summary.status == "approved"
    missing = client.post(f"{STAFF_PREFIX}/submissions/01a2146b-f432-7b50-a59e-00000000ffff/status",
                          data={"csrf": token, "status": "approved"})
    assert missing.status_code == 404


def test_result_pdf_is_stored_marks_result_ready_and_only_its_terminal_can_fetch_it(
        client: TestClient, db: BackOfficeDB, term: Terminal) -> None:
    other = enrol_terminal(client, db, "T-TWO")
    committed(db)
    login(client)
    token = page_csrf(client, f"{STAFF_PREFIX}/submissions/{UUID}")
    not_pdf = client.post(f"{STAFF_PREFIX}/submissions/{UUID}/result", data={"csrf": token},
                          files={"file": ("r.pdf", b"hello", "application/pdf")})
    assert not_pdf.status_code == 422 and "result.not_pdf" in not_pdf.text
    assert term.call("GET", f"/submissions/{UUID}/result").json()["detail"]["code"] == "result.not_found"
    client.post(f"{STAFF_PREFIX}/submissions/{UUID}/status", data={"csrf": token, "status": "approved"})
    answer = client.post(f"{STAFF_PREFIX}/submissions/{UUID}/result", data={"csrf": token, "note": "请打印"},
                         files={"file": ("营业执照 final.pdf", PDF, "application/pdf")})
    assert answer.status_code == 303
    assert db.get_submission(UUID).summary.status == "result_ready"
    actions = {e["action"]: e["actor"] for e in db.audit_log(UUID)}
    assert actions["result_uploaded"] == "alice" and actions["set_status"] == "alice"
    fetched = term.call("GET", f"/submissions/{UUID}/result")
    assert fetched.status_code == 200 and fetched.content == PDF
    assert fetched.headers["content-type"] == "application/pdf"
    etag = fetched.headers["etag"]
    assert etag == f'"{hashlib.sha256(PDF).hexdigest()}"'
    assert term.call("GET", f"/submissions/{UUID}/result", extra={"If-None-Match": etag}).status_code == 304
    assert other.call("GET", f"/submissions/{UUID}/result").status_code == 404
    staff_copy = client.get(f"{STAFF_PREFIX}/submissions/{UUID}/result")
    assert staff_copy.content == PDF and staff_copy.headers["content-type"] == "application/pdf"
    # a corrected PDF replaces the file (audited), no second status event
    newer = PDF.replace(b"1.4", b"1.7")
    assert client.post(f"{STAFF_PREFIX}/submissions/{UUID}/result", data={"csrf": token},
                       files={"file": ("r2.pdf", newer, "application/pdf")}).status_code == 303
    assert term.call("GET", f"/submissions/{UUID}/result").content == newer
    assert [u["status"] for u in term.call("GET", "/status-updates").json()["updates"]] == [
        "accepted", "approved", "result_ready"]
    assert any(e["action"] == "result_replaced" for e in db.audit_log(UUID))


def test_result_upload_is_refused_where_the_transition_table_forbids_it(client: TestClient,
                                                                         db: BackOfficeDB) -> None:
    committed(db)
    db.set_status(UUID, "declined", "", "bob")
    login(client)
    token = page_csrf(client, f"{STAFF_PREFIX}/submissions/{UUID}")
    answer = client.post(f"{STAFF_PREFIX}/submissions/{UUID}/result", data={"csrf": token},
                         files={"file": ("r.pdf", PDF, "application/pdf")})
    assert answer.status_code == 409 and db.result_info(UUID) is None


# ---------------------------------------------------------------- publishing
def shipped_catalog() -> dict[str, Any]:
    return load_catalog(DEFAULT_CATALOG_DIR).document.model_dump(mode="json", by_alias=True)


def publish(client: TestClient, content: bytes, kind: str = "catalog", scope: str = "") -> Any:
    token = page_csrf(client, f"{STAFF_PREFIX}/documents")
    return client.post(f"{STAFF_PREFIX}/documents", data={"csrf": token, "kind": kind, "scope": scope},
                       files={"file": ("doc.json", content, "application/json")})


def test_catalog_is_validated_before_it_is_published(client: TestClient, db: BackOfficeDB,
                                                     term: Terminal) -> None:
    login(client)
    bad = shipped_catalog()
    del bad["items"][1]["name"]
    bad["items"][2]["legal_days"] = -1
    refused = publish(client, json.dumps(bad, ensure_ascii=False).encode())
    assert refused.status_code == 422 and "未发布" in refused.text
    assert "items[1]" in refused.text or "items.1" in refused.text
    assert "legal_days" in refused.text
    syntax = publish(client, b'{"format_version": 1,\n "items": [}')
    assert syntax.status_code == 422 and "line 2 column" in syntax.text
    assert db.get_document("catalog", "T-ONE") is None
    assert term.call("GET", "/documents/catalog").status_code == 404

    good = publish(client, json.dumps(shipped_catalog(), ensure_ascii=False).encode())
    assert good.status_code == 200 and "已发布" in good.text
    pulled = term.call("GET", "/documents/catalog")
    assert pulled.status_code == 200 and pulled.json()["version"] == shipped_catalog()["version"]
    assert any(e["action"] == "publish" and e["actor"] == "alice" for e in db.audit_log())


def test_terminal_config_is_validated_and_can_target_one_terminal(client: TestClient, db: BackOfficeDB,
                                                                   term: Terminal) -> None:
    login(client)
    refused = publish(client, b'{"heartbeat_s": 1, "colour": "red"}', kind="config")
    assert refused.status_code == 422 and "heartbeat_s" in refused.text and "colour" in refused.text
    unknown = publish(client, b'{"heartbeat_s": 60}', kind="config", scope="T-NOPE")
    assert unknown.status_code == 422
    # remote settings: the terminals' allow-list (kiosk.remote_config) is checked before publishing
    secret = publish(client, b'{"settings": {"keyring": {"file": "/tmp/k"}}}', kind="config")
    assert secret.status_code == 422 and "settings.keyring: not remotely configurable" in secret.text
    assert publish(client, b'{"heartbeat_s": 30}', kind="config", scope="T-ONE").status_code == 200
    # the back office numbers every config publication
    assert term.call("GET", "/documents/config").json() == {"heartbeat_s": 30, "version": 1}


# ---------------------------------------------------------------- enrolment codes, terminals
def test_enrolment_code_is_shown_once_and_listed_as_used_after_enrolment(client: TestClient,
                                                                         db: BackOfficeDB) -> None:
    login(client)
    token = page_csrf(client, f"{STAFF_PREFIX}/enrolment")
    bad = client.post(f"{STAFF_PREFIX}/enrolment", data={"csrf": token, "terminal_id": "bad id!"})
    assert bad.status_code == 422
    made = client.post(f"{STAFF_PREFIX}/enrolment", data={"csrf": token, "terminal_id": "T-HALL-3",
                                                           "name": "三楼大厅", "ttl_h": "24"})
    assert made.status_code == 200
    code = re.search(r'id="new-code">([A-Z0-9-]+)<', made.text)
    assert code is not None
    listing = client.get(f"{STAFF_PREFIX}/enrolment").text
    assert code.group(1) not in listing and "未使用" in listing
    enrolled = client.post("/api/v1/enrol", json={"code": code.group(1), "request_id": "c" * 32})
    assert enrolled.json()["terminal_id"] == "T-HALL-3"
    assert "已使用" in client.get(f"{STAFF_PREFIX}/enrolment").text
    assert any(e["action"] == "enrolment_code" and e["actor"] == "alice" for e in db.audit_log())


def test_terminals_page_shows_heartbeat_health(client: TestClient, db: BackOfficeDB, term: Terminal) -> None:
    db.create_enrolment_code("T-SILENT")
    beat = {"sent_at": "2026-11-25T09:30:00+00:00", "app_version": "0.1.0", "queue_depth": 4,
            "oldest_unsent_age_s": 30.0, "disk_free_bytes": 50 * 2**30, "devices": {"printer": "ok"},
            "config_version": "v3 0123456789ab", "config_state": "good; pending v4"}
    assert term.call("POST", "/heartbeat", beat).status_code == 200
    login(client)
    page = client.get(f"{STAFF_PREFIX}/terminals").text
    one = page[page.index("T-ONE"):]
    assert "health-green" in page and "health-red" in page and "0.1.0" in one and "50.0 GiB" in one
    assert "v3 0123456789ab · good; pending v4" in one
    assert page.index("T-SILENT") < page.index("T-ONE")  # alerts first


def _row(page: str, terminal_id: str) -> str:
    """The terminals table's row of one terminal."""
    [row] = [r for r in re.findall(r'<tr class="health-\w+">.*?</tr>', page, re.S)
             if f"<strong>{terminal_id}</strong>" in r]
    return str(row)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_terminals_page_shows_the_sync_and_device_health_ages_with_a_stale_warning(
        client: TestClient, db: BackOfficeDB, term: Terminal, clock: StepClock) -> None:
    base = {"sent_at": "2026-11-25T09:30:00+00:00", "app_version": "0.1.0", "queue_depth": 0,
            "disk_free_bytes": 50 * 2**30}
    # the app publishes its device health for `kiosk sync`, which reports how old it was
    assert term.call("POST", "/heartbeat", {
        **base, "devices": {"receipt_printer": "ok", "camera": "ok"}, "devices_age_s": 2.0,
        "last_sync_ok_age_s": 170.0, "last_sync_error_age_s": 4000.0,
        "last_sync_error": "sync.offline"}).status_code == 200
    # an app that stopped publishing 7 minutes ago, and a failing link (the failure is the latest)
    stale = enrol_terminal(client, db, "T-STALE")
    assert stale.call("POST", "/heartbeat", {
        **base, "devices": {"camera": "ok"}, "devices_age_s": 410.0, "last_sync_ok_age_s": 890.0,
        "last_sync_error_age_s": 30.0, "last_sync_error": "sync.offline <b>x</b>"}).status_code == 200
    # `kiosk sync` without the app: no device health at all
    no_app = enrol_terminal(client, db, "T-NOAPP")
    assert no_app.call("POST", "/heartbeat", {**base, "last_sync_ok_age_s": 5.0}).status_code == 200
    clock.advance(seconds=10)  # the ages are shown as of now: reported + the heartbeat's age
    login(client)
    page = client.get(f"{STAFF_PREFIX}/terminals").text

    one = _row(page, "T-ONE")
    assert 'class="health-green"' in one
    assert "最近同步 last sync 3 min ago" in _text(one)  # 170 + 10 s
    assert "设备状态 device health 12 s old" in _text(one)  # 2 + 10 s
    assert "last failure" not in one and "过时" not in one  # the old failure was recovered from

    late = _row(page, "T-STALE")
    assert 'class="health-yellow"' in late
    assert "最近同步 last sync 15 min ago" in _text(late)  # 890 + 10 s
    assert "同步失败 last failure 40 s ago sync.offline &lt;b&gt;x&lt;/b&gt;" in _text(late)
    assert "设备状态 device health 7 min old 过时 stale" in _text(late)
    assert "设备状态过时 device health 7 min old" in late  # and the reason for the yellow row

    # shown as missing; not a warning by itself (an app stopped cleanly removes its health)
    none = _row(page, "T-NOAPP")
    assert 'class="health-green"' in none and "设备状态 device health 无 none" in _text(none)
    assert "设备状态超过 150 秒" in page and "device health older than 150 s" in page  # the legend
    assert page.index("T-STALE") < page.index("T-NOAPP")  # warnings first


def test_health_thresholds() -> None:
    now = dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)

    def info(age_s: float | None, **beat: Any) -> TerminalInfo:
        hb = Heartbeat.model_validate({"sent_at": now, "app_version": "1", "queue_depth": 0,
                                       "disk_free_bytes": 10 * 2**30, **beat})
        at = None if age_s is None else now - dt.timedelta(seconds=age_s)
        return TerminalInfo("T", "", now, False, at, hb if at else None)

    assert terminal_health(info(30), now).level == "green"
    assert terminal_health(info(None), now).level == "red"
    assert terminal_health(info(200), now).level == "yellow"
    assert terminal_health(info(1000), now).level == "red"
    assert terminal_health(info(30, oldest_unsent_age_s=20 * 60), now).level == "yellow"
    assert terminal_health(info(30, oldest_unsent_age_s=2 * 3600), now).level == "red"
    assert terminal_health(info(30, parked=1), now).level == "yellow"
    assert terminal_health(info(30, devices={"printer": "paper_low"}), now).level == "yellow"
    assert terminal_health(info(30, disk_free_bytes=100 * 2**20), now).level == "red"
    assert terminal_health(info(30, config_state="good; pending v4"), now).level == "green"
    rolled = terminal_health(info(30, config_state="good; rolled back v4: no healthy start"), now)
    assert rolled.level == "yellow" and "rolled back v4" in rolled.reasons[0]
    assert terminal_health(info(30, config_state="local; config refused: settings.sync (v2)"),
                           now).level == "yellow"
    # the device health: measured by the sender, published by the app a while ago, or missing
    ok = {"printer": "ok"}
    assert terminal_health(info(30, devices=ok, devices_age_s=100), now).level == "green"  # 130 s
    old_health = terminal_health(info(30, devices=ok, devices_age_s=121), now)  # 151 s
    assert old_health.level == "yellow" and old_health.reasons == ("设备状态过时 device health 3 min old",)
    assert old_health.ages is not None and old_health.ages.devices_stale
    no_health = terminal_health(info(30, devices={}), now)
    assert no_health.level == "green" and no_health.ages is not None and no_health.ages.devices_s is None
    ages = terminal_health(info(30, devices=ok, last_sync_ok_age_s=60, last_sync_error_age_s=20,
                                last_sync_error="sync.offline"), now).ages
    assert ages is not None and (ages.sync_ok_s, ages.sync_error_s, ages.sync_error) == (
        90, 50, "sync.offline")
    assert ages.devices_s == 30 and not ages.devices_stale  # no age: as old as the heartbeat
    assert terminal_health(info(None), now).ages is None
    disabled = dataclasses_replace(info(30), disabled=True)
    assert terminal_health(disabled, now).level == "red"


def dataclasses_replace(t: TerminalInfo, **kw: Any) -> TerminalInfo:
    import dataclasses

    return dataclasses.replace(t, **kw)


def test_a_citizens_receipt_code_is_verified_with_its_terminals_key(
        client: TestClient, db: BackOfficeDB) -> None:
    from kiosk.capture.payloads import make_receipt_code
    from kiosk.sync.credentials import receipt_code_key

    committed(db)
    secret = db.terminal_secret("T-ONE")
    assert secret is not None

    def code(key: bytes, sid: str = UUID) -> str:
        return make_receipt_code(key, kind="receipt", tracking_no="DM1-261125-0001-X",
                                 submission_id=sid, terminal="DM1", issued_at=1_790_000_000)

    login(client)
    ok = client.get(f"{STAFF_PREFIX}/receipt", params={"code": code(receipt_code_key(secret))})
    assert ok.status_code == 303 and ok.headers["location"] == f"{STAFF_PREFIX}/submissions/{UUID}"
    forged = client.get(f"{STAFF_PREFIX}/receipt", params={"code": code(b"k" * 32)})
    assert forged.status_code == 400 and "receipt.bad_signature" in forged.text
    raw_secret = client.get(f"{STAFF_PREFIX}/receipt", params={"code": code(secret)})
    assert raw_secret.status_code == 400  # the sync secret itself is not the receipt key
    unknown = client.get(f"{STAFF_PREFIX}/receipt", params={
        "code": code(receipt_code_key(secret), "01a2146b-f432-7b50-a59e-0000000000ff")})
    assert unknown.status_code == 404
    assert client.get(f"{STAFF_PREFIX}/receipt", params={"code": "KSK1.###"}).status_code == 400
    actions = [e["action"] for e in db.audit_log(UUID)]
    assert "receipt_verified" in actions


def test_a_call_for_help_shows_on_the_terminals_page_and_staff_answer_it(
        client: TestClient, db: BackOfficeDB, term: Terminal) -> None:
    import uuid as uuidlib

    from kiosk.sync.protocol import HelpRequestIn

    rid = str(uuidlib.uuid4())
    db.put_help_request("T-ONE", rid, HelpRequestIn(
        screen="capture", language="en", care_mode=True,
        requested_at=dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC)))
    login(client)
    page = client.get(f"{STAFF_PREFIX}/terminals").text
    assert "Citizens asking for help" in page and "capture" in page and "care mode" in page
    answer = client.post(f"{STAFF_PREFIX}/help/{rid}", data={
        "csrf": csrf_of(page), "status": "acknowledged"})
    assert answer.status_code == 303
    assert db.help_request("T-ONE", rid).status == "acknowledged"
    assert "Answered by alice" in client.get(f"{STAFF_PREFIX}/terminals").text
    refused = client.post(f"{STAFF_PREFIX}/help/{rid}", data={"csrf": "wrong", "status": "closed"})
    assert refused.status_code in (400, 403) and db.help_request("T-ONE", rid).status == "acknowledged"
    assert any(e["action"] == "help_acknowledged" and e["actor"] == "alice" for e in db.audit_log(None))
