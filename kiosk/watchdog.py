"""systemd notify protocol and the watchdog policy (DESIGN §6, issue 7). No Qt.

The protocol (``sd_notify(3)``) is one datagram of ``KEY=value`` lines to the unix socket named
by ``$NOTIFY_SOCKET`` (a path, or an abstract name written ``@name``). It is a dozen lines of
the stdlib :mod:`socket` module, so no extra package is kept for it.

The policy: the kiosk must be restarted when its UI freezes, not merely when the process dies.
So the GUI thread calls :meth:`Watchdog.tick` from a timer on its event loop (a ``QTimer`` in
``kiosk/ui``). A tick records that the loop is alive and, at most every ``WatchdogSec/4``, sends
``WATCHDOG=1``. A ping is refused when the last tick is older than ``WatchdogSec/2`` — so a
pinger driven from any other thread (:meth:`Watchdog.ping_if_alive`) cannot keep a frozen UI
alive either. When the loop stops turning, pings stop and systemd kills and restarts the unit.

``WATCHDOG_USEC`` gives the interval; ``WATCHDOG_PID`` names the process systemd expects the
pings from. Under the cage session the unit's main process is the compositor and the kiosk is
its child (``NotifyAccess=all``), so the kiosk accepts a ``WATCHDOG_PID`` that is its own PID or
its parent's; any other value means the variables were inherited by accident and are ignored.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping
from typing import Final

log = logging.getLogger(__name__)

Clock = Callable[[], float]

READY: Final = "READY=1"
STOPPING: Final = "STOPPING=1"
WATCHDOG: Final = "WATCHDOG=1"


def _clean(text: str) -> str:
    # a STATUS= value is one line
    return " ".join(text.split())[:200]


class Notifier:
    """Sends notify datagrams to ``$NOTIFY_SOCKET``; a no-op when not run by systemd."""

    def __init__(self, address: str | None) -> None:
        self._address: str | None = None
        if address:
            if address.startswith("@"):
                self._address = "\0" + address[1:]
            elif address.startswith("/"):
                self._address = address
            else:
                log.warning("NOTIFY_SOCKET %r is neither a path nor an abstract name; ignored", address)
        self._lock = threading.Lock()
        self._failed = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Notifier:
        return cls((os.environ if env is None else env).get("NOTIFY_SOCKET"))

    @property
    def enabled(self) -> bool:
        return self._address is not None

    def send(self, *lines: str) -> bool:
        """Send one datagram; False when disabled or the send failed (logged once)."""
        if self._address is None:
            return False
        payload = "\n".join(lines).encode("utf-8")
        with self._lock:
            try:
                with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                    sock.connect(self._address)
                    sock.sendall(payload)
            except OSError as err:
                if not self._failed:
                    self._failed = True
                    log.warning("systemd notify failed: %s", err.strerror or type(err).__name__)
                return False
            if self._failed:
                self._failed = False
                log.info("systemd notify works again")
        return True

    def ready(self, status: str = "", *, main_pid: int | None = None) -> bool:
        """``READY=1`` (+ ``STATUS=``, + ``MAINPID=`` to make this process the unit's main one)."""
        lines = [READY]
        if main_pid is not None:
            lines.append(f"MAINPID={main_pid}")
        if status:
            lines.append(f"STATUS={_clean(status)}")
        return self.send(*lines)

    def status(self, text: str) -> bool:
        return self.send(f"STATUS={_clean(text)}")

    def stopping(self, status: str = "") -> bool:
        return self.send(STOPPING, *([f"STATUS={_clean(status)}"] if status else []))

    def watchdog(self) -> bool:
        return self.send(WATCHDOG)


def watchdog_interval(env: Mapping[str, str] | None = None, *, pid: int | None = None,
                      ppid: int | None = None) -> float | None:
    """``WatchdogSec`` in seconds when systemd expects pings from this process, else None."""
    env = os.environ if env is None else env
    raw = env.get("WATCHDOG_USEC")
    if not raw:
        return None
    try:
        usec = int(raw)
    except ValueError:
        log.warning("WATCHDOG_USEC %r is not a number; watchdog disabled", raw)
        return None
    if usec <= 0:
        return None
    owner = env.get("WATCHDOG_PID")
    if owner:
        mine = os.getpid() if pid is None else pid
        parent = os.getppid() if ppid is None else ppid
        try:
            owner_pid = int(owner)
        except ValueError:
            return None
        if owner_pid not in (mine, parent):
            log.info("WATCHDOG_PID %s is not this process (%s) or its parent; watchdog disabled",
                     owner_pid, mine)
            return None
    return usec / 1_000_000


class Heartbeat:
    """Proof that the GUI event loop turns: the GUI thread calls :meth:`tick` from a timer."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._last: float | None = None
        self._lock = threading.Lock()

    def tick(self) -> None:
        with self._lock:
            self._last = self._clock()

    def age(self) -> float | None:
        """Seconds since the last tick (None before the first)."""
        with self._lock:
            return None if self._last is None else self._clock() - self._last


class Watchdog:
    """Pings systemd only while the heartbeat is fresh.

    ``interval_s`` is ``WatchdogSec`` (None: no watchdog configured; ticks are still recorded).
    """

    def __init__(self, notifier: Notifier, interval_s: float | None, *, clock: Clock = time.monotonic,
                 heartbeat: Heartbeat | None = None) -> None:
        self.notifier = notifier
        self.interval_s = interval_s
        self._clock = clock
        self.heartbeat = heartbeat or Heartbeat(clock)
        self._last_ping: float | None = None
        self._refusing = False
        self._lock = threading.Lock()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, clock: Clock = time.monotonic) -> Watchdog:
        return cls(Notifier.from_env(env), watchdog_interval(env), clock=clock)

    @property
    def enabled(self) -> bool:
        return self.interval_s is not None and self.notifier.enabled

    @property
    def max_tick_age_s(self) -> float | None:
        return None if self.interval_s is None else self.interval_s / 2

    @property
    def ping_every_s(self) -> float | None:
        return None if self.interval_s is None else self.interval_s / 4

    @property
    def recommended_tick_ms(self) -> int:
        """How often the GUI timer should tick: well inside the freshness limit."""
        if self.interval_s is None:
            return 1000
        return max(100, min(1000, int(self.interval_s * 1000 / 8)))

    def tick(self) -> bool:
        """Called on the GUI thread by its timer: record liveness, ping when one is due."""
        self.heartbeat.tick()
        return self.ping_if_alive()

    def ping_if_alive(self) -> bool:
        """Send ``WATCHDOG=1`` if due and the heartbeat is fresh; True when a ping was sent."""
        interval = self.interval_s
        if interval is None or not self.notifier.enabled:
            return False
        now = self._clock()
        age = self.heartbeat.age()
        with self._lock:
            if age is None:
                return False  # the GUI loop has not ticked yet (start-up): nothing to vouch for
            if age > interval / 2:
                if not self._refusing:
                    self._refusing = True
                    log.error("GUI heartbeat is %.1f s old: no watchdog ping, systemd will restart us", age)
                return False
            if self._refusing:
                self._refusing = False
                log.info("GUI heartbeat fresh again; watchdog pings resume")
            if self._last_ping is not None and now - self._last_ping < interval / 4:
                return False
            if not self.notifier.watchdog():
                return False
            self._last_ping = now
            return True
