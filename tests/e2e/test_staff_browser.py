"""The staff pages in a real browser: the system Chromium driven by Playwright (sync API)
against a real uvicorn back office on loopback (in a thread), with a real kiosk outbox pushed
by the real SyncWorker. A staff member logs in, finds the submission, approves it with a note;
the kiosk's next pull shows "approved". Then a result PDF is uploaded through the form, the
next pull shows ``result_ready`` and the terminal fetches the PDF with a signed request.

Screenshots go to ``tmp_path/screenshots`` (and to ``$STAFF_SCREENSHOTS`` when set).
"""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.sync_harness import Kiosk, ThreadedBackOffice, enrolled_kiosk, make_submission
from kiosk.app import build_keyring, build_sync_worker
from kiosk.backoffice.settings import BackOfficeSettings
from kiosk.backoffice.staff import create_staff_user
from kiosk.sync.worker import SyncWorker

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-proxy-server"]
PASSWORD = "correct horse battery"
RESULT_PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")


@pytest.fixture
def backoffice(tmp_path: Path) -> Iterator[ThreadedBackOffice]:
    settings = BackOfficeSettings(db_url=f"sqlite:///{tmp_path / 'bo.sqlite3'}")
    with ThreadedBackOffice(settings) as server:
        create_staff_user(server.db, "alice", PASSWORD, display_name="王小明")
        yield server


@pytest.fixture
def kiosk(tmp_path: Path, backoffice: ThreadedBackOffice) -> Iterator[Kiosk]:
    k = enrolled_kiosk(tmp_path / "kiosk", backoffice.db, backoffice.url, backoff_base_s=0.05,
                       backoff_cap_s=0.5, connect_timeout_s=2, read_timeout_s=5, poll_s=0.5)
    yield k
    k.close()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"no system Chromium at {CHROMIUM} (Debian package 'chromium')")
    profile = tmp_path / "chromium-profile"
    with sync_api.sync_playwright() as p:
        try:
            context = p.chromium.launch_persistent_context(
                str(profile), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
                viewport={"width": 1360, "height": 900}, locale="zh-CN", accept_downloads=True)
        except sync_api.Error as err:
            pytest.skip(f"Chromium did not launch: {err.message.splitlines()[0]}")
        context.set_default_timeout(15_000)
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def shots(tmp_path: Path) -> Iterator[Path]:
    out = tmp_path / "screenshots"
    out.mkdir()
    yield out
    keep = os.environ.get("STAFF_SCREENSHOTS")
    if keep:
        shutil.copytree(out, keep, dirs_exist_ok=True)


def worker_for(kiosk: Kiosk) -> SyncWorker:
    return build_sync_worker(kiosk.config, kiosk.outbox, build_keyring(kiosk.config))


def test_staff_approve_in_the_browser_reaches_the_kiosk(backoffice: ThreadedBackOffice, kiosk: Kiosk,
                                                        browser: Any, shots: Path) -> None:
    # a citizen's submission, pushed by the kiosk's real sync worker (plus a heartbeat)
    rng = random.Random(7)
    uuid = kiosk.outbox.enqueue(make_submission(0, rng, (40_000, 1_000))).uuid
    worker = worker_for(kiosk)
    report = worker.run_once()
    assert report.accepted == [uuid] and report.heartbeat_sent
    case_no = kiosk.outbox.get(uuid).case_no
    assert case_no is not None
    # a second, older one from the same kiosk, so "finding" it is a real search
    other = kiosk.outbox.enqueue(make_submission(1, rng, (500,))).uuid
    assert worker.run_once().accepted == [other]

    page = browser.new_page()
    base = backoffice.url
    page.goto(f"{base}/staff/submissions")
    assert "/staff/login" in page.url  # no session: the login page
    page.screenshot(path=shots / "01-login.png", full_page=True)
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "wrong password")
    page.click("button[type=submit].primary")
    assert "用户名或密码错误" in page.inner_text("[role=alert]")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/staff/submissions")
    assert "王小明" in page.inner_text("header")

    # find it: filter on the terminal and the status, open it by its case number
    page.select_option("select[name=terminal]", kiosk.credentials.terminal_id)
    page.select_option("select[name=status]", "accepted")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/staff/submissions?**")
    page.screenshot(path=shots / "02-submissions.png", full_page=True)
    page.click(f"text={case_no}")
    page.wait_for_url(f"{base}/staff/submissions/{uuid}")
    body = page.inner_text("main")
    assert "测试0" in body and "深圳市第0测试有限公司" in body  # staff see the applicant's data
    assert "公司设立登记" in body and "m0.pdf" in body
    page.screenshot(path=shots / "03-detail.png", full_page=True)

    # approve it with a note
    page.select_option("select[name=status]", "approved")
    page.fill("form[action$='/status'] textarea[name=note]", "准予登记，请等待领取通知")
    page.click("form[action$='/status'] button[type=submit]")
    page.wait_for_url(f"{base}/staff/submissions/{uuid}?done=status")
    assert "已批准" in page.inner_text("#current-status")
    assert "状态已更新" in page.inner_text("[role=status]")
    audit = page.inner_text("main")
    assert "alice" in audit and "accepted -> approved" in audit
    page.screenshot(path=shots / "04-approved.png", full_page=True)

    # the kiosk's next sync pull brings the decision to its outbox
    pulled = worker.run_once(push=False, heartbeat=False)
    assert pulled.statuses_applied >= 1
    row = kiosk.outbox.get(uuid)
    assert row.status == "approved" and row.reason == "准予登记，请等待领取通知"
    assert kiosk.outbox.get(other).status == "accepted"

    # mark the result ready with a PDF; the terminal fetches it for pickup printing
    page.set_input_files("form[action$='/result'] input[type=file]", files=[
        {"name": "licence.pdf", "mimeType": "application/pdf", "buffer": RESULT_PDF}])
    page.click("form[action$='/result'] button[type=submit]")
    page.wait_for_url(f"{base}/staff/submissions/{uuid}?done=result")
    assert "结果可领取" in page.inner_text("#current-status")
    worker.run_once(push=False, heartbeat=False)
    assert kiosk.outbox.get(uuid).status == "result_ready"
    fetched = worker.client.request("GET", f"/submissions/{uuid}/result")
    assert fetched.content == RESULT_PDF and fetched.headers["content-type"] == "application/pdf"

    # the terminals page shows the kiosk's last heartbeat
    page.click("header nav >> text=终端")
    page.wait_for_url(f"{base}/staff/terminals")
    row_text = page.inner_text(f"tr:has-text('{kiosk.credentials.terminal_id}')")
    assert "正常" in row_text
    page.screenshot(path=shots / "05-terminals.png", full_page=True)

    # logging out ends the session: the pages ask for a login again
    page.click("header form.logout button")
    page.wait_for_url(f"{base}/staff/login")
    page.goto(f"{base}/staff/submissions/{uuid}")
    assert "/staff/login" in page.url
    assert len(list(shots.iterdir())) == 5
    assert all(png.stat().st_size > 5_000 for png in shots.iterdir())
