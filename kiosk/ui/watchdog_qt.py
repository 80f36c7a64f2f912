"""The systemd watchdog driven by the GUI event loop (DESIGN §6, issue 7).

A :class:`QTimer` on the GUI thread calls :meth:`kiosk.watchdog.Watchdog.tick` every
``recommended_tick_ms``: while the event loop turns, ticks keep the heartbeat fresh and the
watchdog pings systemd; when the loop freezes the timer stops firing, pings stop and systemd
restarts the unit. ``READY=1`` once the window is shown, ``STOPPING=1`` on quit.

Remote config (:mod:`kiosk.remote_config`): when ``kiosk run`` started on a config on trial,
``healthy_s`` after READY — the first screen shown, the event loop still turning — the trial is
settled: promoted to last-known-good, or rolled back when a required device that was healthy
before the switch is not healthy on it (a device not read yet is asked about again each second,
for a bounded grace). The ticks ask whether a newer staged config should be applied now, or the
rolled-back trial left (no session active), in which case the app quits with ``EXIT_RESTART``
and ``kiosk run`` re-executes itself.
"""

from __future__ import annotations

import logging
from typing import Literal

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Slot

from kiosk.remote_config import EXIT_RESTART, ConfigRuntime
from kiosk.watchdog import Watchdog

__all__ = ["QtWatchdog"]

log = logging.getLogger(__name__)


class QtWatchdog(QObject):
    """Owns the GUI-thread timer that ticks ``watchdog``; create and use it on the GUI thread."""

    def __init__(self, watchdog: Watchdog, parent: QObject | None = None, *,
                 config_runtime: ConfigRuntime | Literal["env"] | None = "env") -> None:
        super().__init__(parent)
        self.watchdog = watchdog
        self.timer = QTimer(self)
        self.timer.setInterval(watchdog.recommended_tick_ms)
        self.timer.timeout.connect(self._tick)
        self._ready_sent = False
        self.pings = 0
        # "env": the runtime `kiosk run` hands over in $KIOSK_REMOTE_CONFIG (None when not set)
        self.config_runtime = ConfigRuntime.from_env() if config_runtime == "env" else config_runtime
        self.restart_requested = False

    @Slot()
    def _tick(self) -> None:
        if self.watchdog.tick():
            self.pings += 1
        runtime = self.config_runtime
        if (runtime is not None and self._ready_sent and not self.restart_requested
                and runtime.restart_due()):
            self.restart_requested = True
            app = QCoreApplication.instance()
            if app is not None:
                app.exit(EXIT_RESTART)

    @Slot()
    def _confirm_config(self) -> None:
        """``healthy_s`` after READY: settle the config on trial if the loop is still live
        (promoted, or rolled back: the ticks then restart into the last-known-good one)."""
        runtime = self.config_runtime
        if runtime is None:
            return
        age = self.watchdog.heartbeat.age()
        if age is None or age > max(2.0, 3 * self.timer.interval() / 1000):
            # the loop was stalled until just now: look again once it has ticked (a real freeze
            # is the systemd watchdog's to end, and then this start counts as failed)
            QTimer.singleShot(1000, self, self._confirm_config)
            return
        if runtime.settle() == "wait":  # a device not read yet: its grace is the runtime's
            QTimer.singleShot(1000, self, self._confirm_config)

    def start(self) -> None:
        """Start ticking (the first tick right away, so the first ping need not wait)."""
        if self.watchdog.enabled:
            log.info("systemd watchdog every %.1f s; GUI ticks every %d ms",
                     self.watchdog.interval_s or 0.0, self.timer.interval())
        self._tick()
        self.timer.start()

    def ready(self, status: str = "") -> bool:
        """``READY=1`` (once): call when the window is shown."""
        if self._ready_sent:
            return False
        self._ready_sent = True
        sent = self.watchdog.notifier.ready(status)
        runtime = self.config_runtime
        if runtime is not None and runtime.awaiting_confirmation:
            QTimer.singleShot(int(runtime.healthy_s * 1000), self, self._confirm_config)
        return sent

    def stop(self, status: str = "") -> bool:
        """Stop ticking and tell systemd we are stopping (quit)."""
        self.timer.stop()
        return self.watchdog.notifier.stopping(status)
