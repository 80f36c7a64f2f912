"""The help button's call to remote staff, against a real back office on loopback: sent once
per id, answered by staff on the terminals page, unreachable without a link."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.backoffice.local import LocalBackOffice
from kiosk.backoffice.settings import BackOfficeSettings
from kiosk.sync.client import SyncClient
from kiosk.sync.credentials import Credentials
from kiosk.sync.staff_call import StaffCall
from tests.conftest import LogCollector


@pytest.fixture
def backoffice(tmp_path: Path) -> Iterator[LocalBackOffice]:
    with LocalBackOffice(BackOfficeSettings(db_url=f"sqlite:///{tmp_path / 'bo.sqlite3'}"),
                         port=0) as server:
        yield server


def _client(backoffice: LocalBackOffice) -> SyncClient:
    code, _ = backoffice.db.create_enrolment_code("T-HELP")
    answer = backoffice.db.enrol(code, "b" * 32)
    return SyncClient(backoffice.url, Credentials(answer.terminal_id, bytes.fromhex(answer.secret)))


def test_a_call_reaches_staff_once_and_their_answer_comes_back(backoffice: LocalBackOffice) -> None:
    client = _client(backoffice)
    caller = StaffCall(lambda: client)
    first = caller.call("form", "zh-Hant", care_mode=True)
    assert first.status == "open"
    again = caller.call("form", "zh-Hant", care_mode=True, request_id=first.request_id)
    assert again == first  # a retry of the same call is the same call
    calls = backoffice.db.open_help_requests()
    assert [(c["terminal_id"], c["screen"], c["language"], c["care_mode"]) for c in calls] == [
        ("T-HELP", "form", "zh-Hant", True)]
    assert caller.poll(first.request_id).status == "open"
    backoffice.db.answer_help_request(first.request_id, "acknowledged", "alice")
    assert caller.poll(first.request_id).status == "acknowledged"
    backoffice.db.answer_help_request(first.request_id, "closed", "alice")
    assert caller.poll(first.request_id).status == "closed"
    assert backoffice.db.open_help_requests() == []


def test_without_a_link_or_an_enrolment_the_call_is_unreachable(
        expect_logs: LogCollector) -> None:
    nowhere = SyncClient("http://127.0.0.1:9", Credentials("T-X", b"s" * 32),
                         connect_timeout_s=1, read_timeout_s=1)
    fixed = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
    assert StaffCall(lambda: nowhere, now=lambda: fixed).call("home", "en", False).status == "unreachable"
    assert StaffCall(lambda: None).call("home", "en", False).status == "unreachable"
    assert StaffCall(lambda: None).poll("x").status == "unreachable"
    assert any("staff not reachable (sync.offline)" in m for m in expect_logs.messages())
