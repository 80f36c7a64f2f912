"""The only thread seam of the UI (DESIGN §1–3).

* Journey events become the queued :attr:`JourneyBridge.viewChanged` signal: the journey
  notifies synchronously on the caller's thread, the view models see the snapshot on the GUI
  thread's event loop.
* Device callbacks (the ID-card reader and code scanner threads) call :meth:`deliver_card` /
  :meth:`deliver_code` from any thread; the documents arrive on the GUI thread as queued
  signals. The journey is not thread-safe, so intents are only ever called from there.
* The outbox commit (fsync: slow) runs on a :class:`QThreadPool` worker between
  ``begin_submit()`` and ``submit_succeeded/failed``; its result comes back queued.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal

from kiosk.errors import KnownError
from kiosk.identity import IdentityDocument
from kiosk.journey import JourneyEvent, JourneyView, OutboxPort
from kiosk.store.models import NewSubmission, Receipt

__all__ = ["JourneyBridge"]

log = logging.getLogger(__name__)


class _SubmitTask(QRunnable):
    def __init__(self, outbox: OutboxPort, submission: NewSubmission,
                 done: Callable[[Receipt], None], failed: Callable[[str], None]) -> None:
        super().__init__()
        self._outbox = outbox
        self._submission = submission
        self._done = done
        self._failed = failed

    def run(self) -> None:
        try:
            receipt = self._outbox.enqueue(self._submission)
        except KnownError as err:
            log.warning("submission not committed: %s", err.key)
            self._failed(err.key)
        except Exception:
            log.exception("submission commit crashed")
            self._failed("unexpected")
        else:
            self._done(receipt)
        finally:
            del self._submission  # the personal data leaves this thread with the task


class JourneyBridge(QObject):
    """Queued signals from the journey, the devices and the commit worker."""

    viewChanged = Signal(object)  # JourneyView
    cardRead = Signal(object)  # IdentityDocument
    codeScanned = Signal(str)
    devicesChanged = Signal()
    outOfService = Signal(str)  # message key
    submitSucceeded = Signal(object)  # Receipt
    submitFailed = Signal(str)  # message key

    def __init__(self, parent: QObject | None = None, *, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one writer

    # ------------------------------------------------------------------ from any thread

    def on_journey_event(self, event: JourneyEvent) -> None:
        self.viewChanged.emit(event.view)

    def deliver_card(self, document: IdentityDocument) -> None:
        """The ID-card reader (or the gov-app QR decoder) produced a document."""
        self.cardRead.emit(document)

    def deliver_code(self, payload: str) -> None:
        """The code scanner read a QR/bar code (tracking number, USCC)."""
        self.codeScanned.emit(payload)

    def on_device_status(self, *_change: object) -> None:
        """A :class:`~kiosk.devices.health.HealthMonitor` listener ``(device, old, new)``:
        the catalogue re-derives its greyed-out items on the GUI thread."""
        self.devicesChanged.emit()

    def deliver_out_of_service(self, key: str) -> None:
        """A required device failed (or the environment did): the out-of-service screen."""
        self.outOfService.emit(key)

    # ------------------------------------------------------------------ commit off the GUI thread

    def commit(self, outbox: OutboxPort, submission: NewSubmission) -> None:
        self._pool.start(_SubmitTask(outbox, submission, self.submitSucceeded.emit,
                                     self.submitFailed.emit))

    def wait_idle(self, msecs: int = -1) -> bool:
        """Wait for the commit worker (shutdown, tests)."""
        return self._pool.waitForDone(msecs)


def connect_queued(signal: object, slot: Callable[..., object]) -> None:
    """``signal.connect(slot, Qt.QueuedConnection)`` (typed helper)."""
    signal.connect(slot, Qt.ConnectionType.QueuedConnection)  # type: ignore[attr-defined]


__all__ += ["JourneyView", "connect_queued"]
