"""The only thread seam of the UI (DESIGN §1–3).

* Journey events become the queued :attr:`JourneyBridge.viewChanged` signal: the journey
  notifies synchronously on the caller's thread, the view models see the snapshot on the GUI
  thread's event loop.
* Device callbacks (the ID-card reader and code scanner threads) call :meth:`deliver_card` /
  :meth:`deliver_code` from any thread; the documents arrive on the GUI thread as queued
  signals. The journey is not thread-safe, so intents are only ever called from there.
* The outbox commit (fsync: slow) runs on a :class:`QThreadPool` worker between
  ``begin_submit()`` and ``submit_succeeded/failed``; its result comes back queued.
* Printing (the receipt, the A4 copy) runs on a second pool: a slow printer never holds up
  the next citizen's commit. :attr:`printDone` brings back ``(job, message key or "")``.
* :meth:`in_background` runs start-up work (opening devices, the admin services) on its own
  thread after the first frame and hands the result to a callback on the GUI thread.
* The capture worker (:class:`kiosk.capture.live.LiveCapture`, its own thread) hands every
  analysed camera frame to :meth:`deliver_capture_frame`; :attr:`captureFrame` brings it to
  the capture view model.
* :attr:`card_wanted` (:class:`CardWanted`) is set by the view model while a screen wants an
  ID card; the reader's poll thread waits on it, and re-arms the reader at each new request.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal

from kiosk.errors import KnownError
from kiosk.identity import IdentityDocument
from kiosk.journey import JourneyEvent, JourneyView, OutboxPort
from kiosk.store.models import NewSubmission, Receipt

__all__ = ["CardWanted", "JourneyBridge"]

log = logging.getLogger(__name__)


class CardWanted:
    """A :class:`threading.Event` that counts requests: set while a screen wants an ID card,
    and every clear → set is one more :attr:`requests` — the poll thread re-arms the reader
    then, so a card laid down for a new request is read even if the lift of the previous one
    went unseen (nobody polls between requests). Setting it again while set is no new request."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self.requests = 0

    def set(self) -> None:
        with self._lock:
            if not self._event.is_set():
                self.requests += 1
                self._event.set()

    def clear(self) -> None:
        with self._lock:
            self._event.clear()

    def is_set(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._event.wait(timeout)


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
            # the materials' PDFs (attachments_later) are built here, off the GUI thread
            receipt = self._outbox.enqueue(self._submission.with_attachments())
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


class _PrintTask(QRunnable):
    def __init__(self, job: str, work: Callable[[], object],
                 done: Callable[[str, str], None]) -> None:
        super().__init__()
        self._job = job
        self._work = work
        self._done = done

    def run(self) -> None:
        try:
            self._work()
        except KnownError as err:
            log.warning("print job %s failed: %s", self._job, err.key)
            self._done(self._job, err.key)
        except Exception:
            log.exception("print job %s crashed", self._job)
            self._done(self._job, "device.printer.failed")
        else:
            self._done(self._job, "")
        finally:
            del self._work


class JourneyBridge(QObject):
    """Queued signals from the journey, the devices and the commit worker."""

    viewChanged = Signal(object)  # JourneyView
    cardRead = Signal(object)  # IdentityDocument
    cardFailed = Signal(str)  # message key: a card was there but could not be read
    codeScanned = Signal(str)
    devicesChanged = Signal()
    outOfService = Signal(str)  # message key
    submitSucceeded = Signal(object)  # Receipt
    submitFailed = Signal(str)  # message key
    backInService = Signal()
    printDone = Signal(str, str)  # job ("receipt", "a4"), message key ("" = printed)
    captureFrame = Signal(object)  # kiosk.capture.live.LiveFrame (the capture worker's thread)
    _backgroundDone = Signal(object, object)  # (callback, result): see in_background

    def __init__(self, parent: QObject | None = None, *, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one writer
        self._print_pool = QThreadPool(self)
        self._print_pool.setMaxThreadCount(1)  # one printer at a time
        self.card_wanted = CardWanted()
        self.codes_wanted = threading.Event()  # set while a screen takes a scanned code
        connect_queued(self._backgroundDone, self._finish_background)

    # ------------------------------------------------------------------ start-up work

    def in_background(self, name: str, work: Callable[[], Any], done: Callable[[Any], object],
                      failed: Callable[[Exception], object] | None = None) -> threading.Thread:
        """``work()`` on a new thread ``name``; ``done(result)`` on the GUI thread. An error
        in ``work`` is logged and takes the terminal out of service (``unexpected``); then
        ``failed(error)`` runs on the GUI thread, if given."""
        def run() -> None:
            try:
                result = work()
            except Exception as err:
                log.exception("%s failed", name)
                self.deliver_out_of_service("unexpected")
                if failed is not None:
                    self._backgroundDone.emit(failed, err)
                return
            self._backgroundDone.emit(done, result)

        thread = threading.Thread(target=run, name=name, daemon=True)
        thread.start()
        return thread

    def _finish_background(self, done: Callable[[Any], object], result: Any) -> None:
        done(result)

    # ------------------------------------------------------------------ from any thread

    def on_journey_event(self, event: JourneyEvent) -> None:
        self.viewChanged.emit(event.view)

    def deliver_card(self, document: IdentityDocument) -> None:
        """The ID-card reader (or the gov-app QR decoder) produced a document."""
        self.cardRead.emit(document)

    def deliver_card_error(self, key: str) -> None:
        """The reader saw a card but could not read it (``device.idcard.*`` key only)."""
        self.cardFailed.emit(key)

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

    def deliver_capture_frame(self, frame: object) -> None:
        """The live capture worker analysed a frame (preview, outline, guidance, maybe a page)."""
        self.captureFrame.emit(frame)

    def deliver_back_in_service(self) -> None:
        """Every required device works again: a device-caused out-of-service screen ends."""
        self.backInService.emit()

    # ------------------------------------------------------------------ commit off the GUI thread

    def commit(self, outbox: OutboxPort, submission: NewSubmission) -> None:
        self._pool.start(_SubmitTask(outbox, submission, self.submitSucceeded.emit,
                                     self.submitFailed.emit))

    def run_print(self, job: str, work: Callable[[], object]) -> None:
        """``work()`` (a blocking print) on the print worker; :attr:`printDone` when done."""
        self._print_pool.start(_PrintTask(job, work, self.printDone.emit))

    def wait_idle(self, msecs: int = -1) -> bool:
        """Wait for the commit and print workers (shutdown, tests)."""
        committed = self._pool.waitForDone(msecs)
        return self._print_pool.waitForDone(msecs) and committed


def connect_queued(signal: object, slot: Callable[..., object]) -> None:
    """``signal.connect(slot, Qt.QueuedConnection)`` (typed helper)."""
    signal.connect(slot, Qt.ConnectionType.QueuedConnection)  # type: ignore[attr-defined]


__all__ += ["JourneyView", "connect_queued"]
