"""The systemd watchdog driven by the GUI event loop (DESIGN §6, issue 7).

A :class:`QTimer` on the GUI thread calls :meth:`kiosk.watchdog.Watchdog.tick` every
``recommended_tick_ms``: while the event loop turns, ticks keep the heartbeat fresh and the
watchdog pings systemd; when the loop freezes the timer stops firing, pings stop and systemd
restarts the unit. ``READY=1`` once the window is shown, ``STOPPING=1`` on quit.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Slot

from kiosk.watchdog import Watchdog

__all__ = ["QtWatchdog"]

log = logging.getLogger(__name__)


class QtWatchdog(QObject):
    """Owns the GUI-thread timer that ticks ``watchdog``; create and use it on the GUI thread."""

    def __init__(self, watchdog: Watchdog, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.watchdog = watchdog
        self.timer = QTimer(self)
        self.timer.setInterval(watchdog.recommended_tick_ms)
        self.timer.timeout.connect(self._tick)
        self._ready_sent = False
        self.pings = 0

    @Slot()
    def _tick(self) -> None:
        if self.watchdog.tick():
            self.pings += 1

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
        return self.watchdog.notifier.ready(status)

    def stop(self, status: str = "") -> bool:
        """Stop ticking and tell systemd we are stopping (quit)."""
        self.timer.stop()
        return self.watchdog.notifier.stopping(status)
