"""The help button over a real back office on loopback: the call goes out off the GUI thread,
staff answer it on the terminals page, the citizen sees the answer; without the back office
they are given the hotline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.app import build_keyring
from kiosk.backoffice.local import LocalBackOffice
from kiosk.messages import translate
from kiosk.sync.client import SyncClient
from kiosk.sync.credentials import enrol
from kiosk.ui.driver import find_item
from tests.conftest import LogCollector
from tests.ui.harness import open_device_ui


def test_help_calls_staff_and_shows_their_answer(
        qapp: object, tmp_path: Path, backoffice: LocalBackOffice, qtbot: Any) -> None:
    ui = open_device_ui(qapp, tmp_path, extra=f'[sync]\nurl = "{backoffice.url}"\n')
    try:
        code, _ = backoffice.db.create_enrolment_code(ui.config.terminal.id)
        enrol(SyncClient(backoffice.url), code, build_keyring(ui.config), app_version=__version__)
        ui.driver.run([{"do": "start"}, {"do": "choose_language", "language": "zh-Hant"},
                       {"do": "choose_apply"}])
        ui.driver.tap("help")
        qtbot.waitUntil(lambda: ui.session.property("staffCallState") == "open", timeout=10000)
        banner = find_item(ui.window.root, "staffBanner")
        assert banner is not None
        assert banner.property("text") == translate("help.called", "zh-Hant")
        calls = backoffice.db.open_help_requests()
        assert [(c["screen"], c["language"]) for c in calls] == [("catalog", "zh-Hant")]
        ui.driver.tap("help")  # pressed again: still one call
        backoffice.db.answer_help_request(calls[0]["id"], "acknowledged", "alice")
        ui.session.pollStaffCall()  # what the 5 s timer does
        qtbot.waitUntil(lambda: ui.session.property("staffCallState") == "acknowledged",
                        timeout=10000)
        assert banner.property("text") == translate("help.acknowledged", "zh-Hant")
        assert len(backoffice.db.open_help_requests()) == 1
        ui.driver.perform("cancel", {})  # the session ends: the banner goes with it
        assert ui.session.property("staffCallState") == ""
        assert not ui.session.property("staffCalled")
    finally:
        ui.close()


def test_without_the_back_office_the_hotline_is_shown(
        qapp: object, tmp_path: Path, qtbot: Any, expect_logs: LogCollector) -> None:
    ui = open_device_ui(qapp, tmp_path, extra='[sync]\nurl = "http://127.0.0.1:9"\n')
    try:
        from kiosk.sync.credentials import Credentials, save_credentials

        save_credentials(build_keyring(ui.config), Credentials("T-X", b"s" * 32))
        ui.driver.run([{"do": "start"}, {"do": "choose_language", "language": "en"}])
        ui.driver.tap("help")
        qtbot.waitUntil(lambda: ui.session.property("staffCallState") == "unreachable",
                        timeout=10000)
        assert ui.session.property("staffCallText") == translate("help.unreachable", "en")
        assert "12345" in ui.session.property("staffCallText")
    finally:
        ui.close()
