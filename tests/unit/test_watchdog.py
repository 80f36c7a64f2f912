"""sd_notify over a real unix datagram socket (the fake systemd), watchdog policy with a fake clock."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.watchdog import Heartbeat, Notifier, Watchdog, watchdog_interval
from tests.conftest import LogCollector


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t

    def advance(self, s: float) -> None:
        self.t += s


class FakeSystemd:
    """The receiving end of $NOTIFY_SOCKET."""

    def __init__(self, address: str) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(address)
        self.sock.setblocking(False)

    def messages(self) -> list[str]:
        out = []
        while True:
            try:
                out.append(self.sock.recv(4096).decode())
            except BlockingIOError:
                return out

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def systemd(tmp_path: Path) -> Iterator[tuple[FakeSystemd, str]]:
    path = str(tmp_path / "notify")
    fake = FakeSystemd(path)
    yield fake, path
    fake.close()


def test_protocol_messages(systemd: tuple[FakeSystemd, str]) -> None:
    fake, path = systemd
    n = Notifier(path)
    assert n.ready("serving  terminal\nHL1", main_pid=4321)
    assert n.status("queue 3")
    assert n.watchdog()
    assert n.stopping("bye")
    assert fake.messages() == [
        "READY=1\nMAINPID=4321\nSTATUS=serving terminal HL1",
        "STATUS=queue 3",
        "WATCHDOG=1",
        "STOPPING=1\nSTATUS=bye",
    ]


def test_abstract_socket_name() -> None:
    name = f"kiosk-test-{uuid.uuid4().hex}"
    fake = FakeSystemd("\0" + name)
    try:
        assert Notifier.from_env({"NOTIFY_SOCKET": "@" + name}).ready()
        assert fake.messages() == ["READY=1"]
    finally:
        fake.close()


def test_without_systemd_everything_is_a_noop() -> None:
    n = Notifier.from_env({})
    assert not n.enabled and not n.ready() and not n.watchdog()
    assert not Watchdog.from_env({}).tick()


def test_a_vanished_socket_is_logged_once(tmp_path: Path, expect_logs: LogCollector) -> None:
    n = Notifier(str(tmp_path / "gone"))
    assert not n.watchdog() and not n.watchdog()
    assert len(expect_logs.records) == 1


def test_watchdog_interval_and_pid_rules(expect_logs: LogCollector) -> None:
    assert watchdog_interval({}) is None
    assert watchdog_interval({"WATCHDOG_USEC": "30000000"}) == 30.0
    assert watchdog_interval({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "77"}, pid=77, ppid=1) == 30.0
    # under cage the compositor (our parent) is the unit's main process
    assert watchdog_interval({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "5"}, pid=77, ppid=5) == 30.0
    assert watchdog_interval({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "9"}, pid=77, ppid=5) is None
    assert watchdog_interval({"WATCHDOG_USEC": "0"}) is None
    assert watchdog_interval({"WATCHDOG_USEC": "soon"}) is None
    assert watchdog_interval({"WATCHDOG_USEC": "1", "WATCHDOG_PID": str(os.getpid())}) == 1e-6


def test_pings_only_while_the_gui_ticks(systemd: tuple[FakeSystemd, str], expect_logs: LogCollector) -> None:
    fake, path = systemd
    clock = FakeClock()
    dog = Watchdog(Notifier(path), 20.0, clock=clock)
    assert dog.enabled and dog.max_tick_age_s == 10.0 and dog.ping_every_s == 5.0
    assert dog.recommended_tick_ms == 1000
    # a background pinger before the first GUI tick vouches for nothing
    assert not dog.ping_if_alive()
    # the GUI ticks every second: one ping per WatchdogSec/4
    sent = 0
    for _ in range(20):
        sent += dog.tick()
        clock.advance(1)
    assert sent == 4 and fake.messages() == ["WATCHDOG=1"] * 4
    # the event loop freezes: a pinger on another thread keeps trying, but refuses after 10 s
    pinged_while_frozen = []
    for _ in range(30):
        clock.advance(1)
        pinged_while_frozen.append(dog.ping_if_alive())
    # age 1..10 s is still fresh (pings at most every 5 s), beyond that nothing
    assert not any(pinged_while_frozen[10:])
    assert fake.messages() == ["WATCHDOG=1"] * sum(pinged_while_frozen)
    assert any("heartbeat" in m for m in expect_logs.messages())
    # the loop recovers before systemd acted: pings resume
    assert dog.tick()
    assert fake.messages() == ["WATCHDOG=1"]


def test_heartbeat_age() -> None:
    clock = FakeClock()
    beat = Heartbeat(clock)
    assert beat.age() is None
    beat.tick()
    clock.advance(2.5)
    assert beat.age() == 2.5


def test_from_env_reads_socket_and_interval(systemd: tuple[FakeSystemd, str]) -> None:
    fake, path = systemd
    clock = FakeClock()
    dog = Watchdog.from_env({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "8000000",
                             "WATCHDOG_PID": str(os.getpid())}, clock=clock)
    assert dog.enabled and dog.recommended_tick_ms == 1000
    assert dog.tick()
    assert fake.messages() == ["WATCHDOG=1"]
