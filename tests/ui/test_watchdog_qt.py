"""The GUI-thread watchdog: a fake systemd (a real unix datagram socket in tmp_path) receives
READY, WATCHDOG pings while the Qt event loop runs, none while it is blocked, STOPPING on quit."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.ui.watchdog_qt import QtWatchdog
from kiosk.watchdog import Watchdog
from tests.conftest import LogCollector


class FakeSystemd:
    def __init__(self, address: Path) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(address))
        self.sock.setblocking(False)
        self.received: list[str] = []

    def drain(self) -> list[str]:
        while True:
            try:
                self.received.append(self.sock.recv(4096).decode())
            except BlockingIOError:
                return self.received

    def count(self, line: str) -> int:
        return sum(1 for m in self.drain() if line in m.splitlines())

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def systemd(tmp_path: Path) -> Iterator[tuple[FakeSystemd, Path]]:
    address = tmp_path / "notify.sock"
    fake = FakeSystemd(address)
    try:
        yield fake, address
    finally:
        fake.close()


def _watchdog(address: Path, interval_s: float) -> Watchdog:
    env = {"NOTIFY_SOCKET": str(address), "WATCHDOG_USEC": str(int(interval_s * 1_000_000))}
    return Watchdog.from_env(env)


def test_pings_arrive_while_the_event_loop_runs(qtbot: QtBot, systemd: tuple[FakeSystemd, Path]
                                                ) -> None:
    fake, address = systemd
    qt = QtWatchdog(_watchdog(address, 0.8))  # ping at most every 0.2 s, tick every 100 ms
    assert qt.timer.interval() == 100
    qt.start()
    assert qt.ready("serving")
    assert not qt.ready("twice")  # READY once
    qtbot.waitUntil(lambda: fake.count("WATCHDOG=1") >= 3, timeout=5000)
    assert any("READY=1" in m and "STATUS=serving" in m for m in fake.received)
    assert qt.stop("bye")
    qtbot.waitUntil(lambda: fake.count("STOPPING=1") == 1, timeout=2000)
    assert not qt.timer.isActive()


def test_a_blocked_event_loop_stops_the_pings(qtbot: QtBot, systemd: tuple[FakeSystemd, Path],
                                              expect_logs: LogCollector) -> None:
    fake, address = systemd
    watchdog = _watchdog(address, 0.4)  # the heartbeat may be at most 0.2 s old
    qt = QtWatchdog(watchdog)
    qt.start()
    qtbot.waitUntil(lambda: fake.count("WATCHDOG=1") >= 1, timeout=5000)
    fake.received.clear()
    # the GUI thread is stuck (no events processed); a pinger from another thread tries anyway
    start = time.monotonic()
    pinged: list[tuple[float, bool]] = []
    while time.monotonic() < start + 0.7:
        t = threading.Thread(
            target=lambda: pinged.append((time.monotonic() - start, watchdog.ping_if_alive())))
        t.start()
        t.join()
        time.sleep(0.05)  # this *is* the frozen loop, not a wait for a result
    # once the heartbeat is older than WatchdogSec/2 nothing vouches for the UI any more
    late = [sent for at, sent in pinged if at > 0.25]
    assert late and not any(late)
    assert any("GUI heartbeat" in m for m in expect_logs.messages())
    fake.drain()
    fake.received.clear()
    # the loop turns again: pings resume
    qtbot.waitUntil(lambda: fake.count("WATCHDOG=1") >= 1, timeout=5000)
    qt.stop()


def test_without_systemd_it_is_a_quiet_no_op(qtbot: QtBot) -> None:
    qt = QtWatchdog(Watchdog.from_env({}))
    assert qt.timer.interval() == 1000
    qt.start()
    assert not qt.ready()
    assert not qt.stop()
