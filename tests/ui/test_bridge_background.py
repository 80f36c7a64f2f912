"""JourneyBridge.in_background: start-up work off the GUI thread, its result back on it."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from kiosk.ui.bridge import JourneyBridge
from tests.conftest import LogCollector


def test_work_runs_off_the_gui_thread_and_done_on_it(qtbot: QtBot) -> None:
    bridge = JourneyBridge()
    gui = threading.current_thread()
    seen: dict[str, object] = {}

    def work() -> int:
        seen["work_thread"] = threading.current_thread()
        return 42

    def done(result: int) -> None:
        seen["done_thread"] = threading.current_thread()
        seen["result"] = result

    thread = bridge.in_background("kiosk-start-test", work, done)
    qtbot.waitUntil(lambda: "result" in seen)
    thread.join(5)
    assert seen["result"] == 42
    assert seen["work_thread"] is not gui
    assert seen["work_thread"].name == "kiosk-start-test"  # type: ignore[attr-defined]
    assert seen["done_thread"] is gui


def test_a_failing_start_up_takes_the_terminal_out_of_service(
        qtbot: QtBot, expect_logs: LogCollector) -> None:
    bridge = JourneyBridge()
    called: list[object] = []

    def work() -> None:
        raise OSError("port vanished")

    with qtbot.waitSignal(bridge.outOfService, timeout=5000) as blocker:
        bridge.in_background("kiosk-start-test", work, called.append)
    assert blocker.args == ["unexpected"]
    assert called == []
    assert any("kiosk-start-test failed" in m for m in expect_logs.messages())
