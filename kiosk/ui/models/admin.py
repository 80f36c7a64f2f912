"""Admin mode's view model (issue 7): the hidden entry, the PIN pad and the diagnostics screen.

QML sees it as ``admin``. Nothing slow runs on the GUI thread: the PIN check (argon2),
:func:`~kiosk.diagnostics.run_checks`, the live device tests and the actions run on this
model's own :class:`QThreadPool`; their results come back as a queued signal.

Privacy: entering admin mode first ends the citizen session (the journey wipes it, the session
view model clears the screen), so a technician never sees personal data. A live card test shows
the card's *kind* and *validity* only; a scan its symbology and length; nothing else of a read
leaves the worker. The PIN digits live here, never in QML item text (the pad shows dots), and
are never logged. Every admin action is written to the :class:`~kiosk.admin.AuditLog`.

The composition root hands the collaborators in as :class:`AdminServices` (``set_services``);
without them the hidden entry does nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final, Protocol

from PySide6.QtCore import (
    Property,
    QCoreApplication,
    QObject,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
    Slot,
)

from kiosk.admin import (
    ACTION_DEVICE_TEST,
    ACTION_DIAG_REPORT,
    ACTION_EXIT,
    ACTION_FORCE_SYNC,
    ACTION_RELOAD_CATALOG,
    ACTION_RESTART_APP,
    ACTION_RETRY_PARKED,
    AdminPin,
    AuditLog,
    EntryResult,
    Outcome,
)
from kiosk.diagnostics import (
    DeviceErrorHistory,
    DiagReport,
    LinkTest,
    Thresholds,
    run_checks,
)
from kiosk.diagnostics.checks import sync_status_from_meta
from kiosk.errors import KioskError
from kiosk.journey import Intent, Journey, State
from kiosk.journey.states import allowed_intents
from kiosk.log import redact
from kiosk.messages import translate

__all__ = [
    "RESTART_EXIT_CODE",
    "AdminModel",
    "AdminServices",
    "DeviceTest",
    "ReportResult",
    "device_tests_from",
    "safe_test_result",
    "services_for",
]

log = logging.getLogger(__name__)

RESTART_EXIT_CODE: Final = 75  # EX_TEMPFAIL: systemd's Restart=on-failure starts us again
PIN_MAX: Final = 12

DEVICE_LABELS: Final = ("id_card_reader", "camera", "code_scanner", "receipt_printer",
                        "a4_printer")


class AdminOutbox(Protocol):
    """What admin mode needs of :class:`kiosk.store.outbox.Outbox`."""

    def stats(self) -> dict[str, Any]: ...
    def integrity_check(self) -> str: ...
    def get_meta(self, key: str) -> str | None: ...
    def list_rows(self, status: Any = None, limit: int = 100) -> list[Any]: ...
    def transition(self, uuid: str, to_status: Any, **kwargs: Any) -> Any: ...


@dataclasses.dataclass(frozen=True, slots=True)
class DeviceTest:
    """A live test of one device: ``kind`` says how its result is reduced to safe fields
    (``card``: kind + validity; ``scan``: symbology + length; ``print``: done; ``camera``:
    frame rate + focus score). ``run`` blocks (on a worker thread) and returns the raw result,
    which never leaves :func:`safe_test_result`."""

    kind: str  # "card" | "scan" | "print" | "camera"
    run: Callable[[], object]


@dataclasses.dataclass
class AdminServices:
    """Admin mode's collaborators, from the composition root. Optional ones may be None:
    the matching check is skipped / the action is disabled with a reason."""

    pin: AdminPin
    audit: AuditLog
    outbox: AdminOutbox
    terminal_id: str
    data_dir: Path | None = None
    health: Any = None  # kiosk.devices.health.DeviceHealth
    history: DeviceErrorHistory | None = None
    link_test: LinkTest | None = None
    log_lines: Callable[[], Sequence[str]] = list
    thresholds: Thresholds | None = None
    device_tests: Mapping[str, DeviceTest] = dataclasses.field(default_factory=dict)
    sync_now: Callable[[], object] | None = None  # a SyncWorker.run_once when sync is wired
    load_catalog: Callable[[], Any] | None = None  # returns a Catalog (replace_catalog after)
    restart: Callable[[int], None] | None = None  # default: QCoreApplication.exit(code)
    idle_timeout_s: float = 180.0  # admin mode leaves itself after this long untouched
    # "Write report": ``[diagnostics] report_dir`` (a USB stick's mount point) when something
    # is mounted there, else <data_dir>/reports; printed on the A4 printer when it is up
    report_dir: Path | None = None
    is_mounted: Callable[[Path], bool] = os.path.ismount
    print_pdf: Callable[[bytes, str], object] | None = None  # the A4 printer's print_pdf


# ---------------------------------------------------------------- safe results


def safe_test_result(kind: str, raw: object, *, today: dt.date | None = None) -> dict[str, Any]:
    """The non-personal fields of a live test's raw result (the only thing shown)."""
    if kind == "card":
        doc = getattr(raw, "document", raw)  # a CardRead or an IdentityDocument
        if doc is None:
            return {"ok": False, "error": "device.idcard.no_card"}
        day = today or dt.datetime.now().astimezone().date()
        valid_to = getattr(doc, "valid_to", None)
        if getattr(doc, "long_term", False):
            validity = "long_term"
        elif valid_to is None:
            validity = "unknown"
        else:
            validity = "valid" if valid_to >= day else "expired"
        return {"ok": True, "kind": str(getattr(doc, "kind", "")), "validity": validity}
    if kind == "scan":
        if raw is None:
            return {"ok": False, "error": "device.scanner.offline"}
        payload = getattr(raw, "raw", b"")
        return {"ok": True, "symbology": str(getattr(raw, "symbology", "")),
                "length": len(payload) if isinstance(payload, bytes | str) else 0}
    if kind == "camera":
        stats = dict(raw) if isinstance(raw, Mapping) else {}
        fps, focus = stats.get("fps"), stats.get("focus")
        return {"ok": fps is not None, "fps": None if fps is None else round(float(fps), 1),
                "focus": None if focus is None else round(float(focus), 1)}
    return {"ok": True}  # print: it printed (a failure raised)


def focus_score(image: Any) -> float:
    """Variance of a 4-neighbour Laplacian of the grey image, subsampled: sharp → large."""
    import numpy as np

    img = np.asarray(image)
    grey = img.mean(axis=2) if img.ndim == 3 else img.astype(float)
    grey = grey[::2, ::2]
    lap = (-4 * grey[1:-1, 1:-1] + grey[:-2, 1:-1] + grey[2:, 1:-1] + grey[1:-1, :-2]
           + grey[1:-1, 2:])
    return float(lap.var())


def camera_stats(camera: Any, seconds: float = 1.0) -> dict[str, float | None]:
    """Frame rate over ``seconds`` of frames and the focus score of the last one."""
    first = camera.latest()
    seq = first.seq if first is not None else -1
    frames = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        frame = camera.wait_frame(seq, max(0.05, deadline - time.monotonic()))
        if frame is None:
            break
        frames.append(frame)
        seq = frame.seq
    if len(frames) < 2:
        return {"fps": None, "focus": focus_score(frames[-1].image) if frames else None}
    span = frames[-1].timestamp - frames[0].timestamp
    fps = (len(frames) - 1) / span if span > 0 else None
    return {"fps": fps, "focus": focus_score(frames[-1].image)}


def device_tests_from(devices: Any, config: Any, *, wait_s: float = 20.0) -> dict[str, DeviceTest]:
    """Live tests over :class:`kiosk.app.Devices` (duck-typed): each waits up to ``wait_s``
    for a technician's card or code."""

    def read_card() -> object:
        deadline = time.monotonic() + wait_s
        devices.idcard.rearm()  # a new request: a card already on the reader is read too
        while time.monotonic() < deadline:
            card = devices.idcard.poll()
            if card is not None:
                return card
            time.sleep(0.2)  # the reader's own poll cadence
        return None

    def scan() -> object:
        from kiosk.devices.exercise import wait_for_scan

        return wait_for_scan(devices, wait_s)

    def print_receipt() -> object:
        from kiosk.devices.exercise import DIAG_CODE
        from kiosk.receipts import ReceiptLabels, ReceiptModel

        lang = config.default_language
        devices.receipt_printer.print_receipt(ReceiptModel(
            language=lang, title=config.terminal.name.get(lang), terminal=config.terminal.id,
            item_name="打印测试 / Test print", tracking_no="DIAG-TEST",
            time=dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M"),
            qr_payload=DIAG_CODE, labels=ReceiptLabels.for_language(lang)))
        return True

    def print_a4() -> object:
        from kiosk.receipts import ReceiptLabels, SummaryDocument
        from kiosk.receipts.pdf import render_summary_pdf

        lang = config.default_language
        doc = SummaryDocument(
            language=lang, title="测试页 / Test page", item_name=config.terminal.id,
            tracking_no="DIAG-TEST", time=dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M"),
            labels=ReceiptLabels.for_language(lang))
        return devices.a4_printer.print_pdf(render_summary_pdf(doc), "kiosk test page")

    return {
        "id_card_reader": DeviceTest("card", read_card),
        "code_scanner": DeviceTest("scan", scan),
        "receipt_printer": DeviceTest("print", print_receipt),
        "a4_printer": DeviceTest("print", print_a4),
        "camera": DeviceTest("camera", lambda: camera_stats(devices.camera)),
    }


# ---------------------------------------------------------------- the report


@dataclasses.dataclass(frozen=True, slots=True)
class ReportResult:
    path: Path
    where: str  # "usb" (the configured report_dir, mounted) | "data" (<data_dir>/reports)
    printed: bool
    print_error: str = ""  # an error key when the A4 printer was up but the job failed


def report_target(services: AdminServices) -> tuple[Path, str]:
    """Where "Write report" writes: the configured directory while something is mounted there
    (a USB stick), else ``<data_dir>/reports``."""
    configured = services.report_dir
    if configured is not None and configured.is_dir() and services.is_mounted(configured):
        return configured, "usb"
    if services.data_dir is None:
        raise KioskError("admin.report_failed", "no data directory and no report_dir mounted")
    return services.data_dir / "reports", "data"


def _a4_up(services: AdminServices) -> bool:
    health = services.health
    monitor = getattr(health, "monitors", {}).get("a4_printer") if health is not None else None
    return services.print_pdf is not None and monitor is not None and monitor.status.usable


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _write_report(services: AdminServices, catalog_version: str,
                  now: Callable[[], dt.datetime] = _utcnow) -> ReportResult:
    """On a worker thread: run the checks, write the redacted PDF, print it if the A4 printer
    is up. A print failure is reported, not raised (the file is written)."""
    report = run_checks(
        terminal_id=services.terminal_id, health=services.health, history=services.history,
        outbox=services.outbox, sync_status=sync_status_from_meta(services.outbox.get_meta),
        link_test=services.link_test, data_dir=services.data_dir, log_lines=services.log_lines(),
        catalog_version=catalog_version, audit=services.audit, thresholds=services.thresholds,
        poll=False)
    directory, where = report_target(services)
    safe_id = "".join(c if c.isalnum() or c in "-_" else "_" for c in services.terminal_id)
    path = directory / f"diag-{safe_id}-{now().strftime('%Y%m%dT%H%M%SZ')}.pdf"
    from kiosk.diagnostics.pdf import write_pdf  # reportlab: when a report is written, not at start

    write_pdf(report, path)
    printed, print_error = False, ""
    if _a4_up(services):
        assert services.print_pdf is not None  # noqa: S101 - _a4_up checked it
        try:
            services.print_pdf(path.read_bytes(), "kiosk diagnostics report")
            printed = True
        except KioskError as err:
            print_error = err.key
            log.info("diagnostics report not printed: %s", err.key)
    log.info("diagnostics report written (%s, printed: %s)", where, printed)
    return ReportResult(path, where, printed, print_error)


# ---------------------------------------------------------------- the worker


class _Job(QRunnable):
    def __init__(self, name: str, fn: Callable[[], object], done: Callable[[str, object], None]
                 ) -> None:
        super().__init__()
        self._name = name
        self._fn = fn
        self._done = done

    def run(self) -> None:
        try:
            result: object = self._fn()
        except KioskError as err:
            log.info("admin job %s failed: %s", self._name, err.key)
            result = err
        except Exception as err:
            log.exception("admin job %s crashed", self._name)
            result = err
        self._done(self._name, result)


def _error_key(err: BaseException) -> str:
    return err.key if isinstance(err, KioskError) else "unexpected"


# ---------------------------------------------------------------- the model


class AdminModel(QObject):
    """One per kiosk window; QML sees it as ``admin``."""

    changed = Signal()
    pinChanged = Signal()
    reportChanged = Signal()
    _finished = Signal(str, object)  # (job name, result or exception), from the workers
    _catalog_ready = Signal(object)  # a catalogue loaded off the GUI thread (maintenance)
    left = Signal()  # admin mode ended (tests, the window)
    changePinChanged = Signal()

    def __init__(self, journey: Journey, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._journey = journey
        self._services: AdminServices | None = None
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)  # a waiting device test must not hold up the checks
        self._mode = "off"  # "off" | "pin" | "diagnostics"
        self._pin: list[str] = []
        self._pin_busy = False
        self._pin_message = ""
        self._locked = False
        self._report: DiagReport | None = None
        self._checking = False
        self._action_message = ""
        self._running: set[str] = set()
        self._tests: dict[str, dict[str, Any]] = {}
        self.long_press_s = 3.0
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(self._idle_timeout)
        self._finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self._catalog_ready.connect(self._install_catalog, Qt.ConnectionType.QueuedConnection)
        # change PIN: "" (closed) | "current" | "new" | "repeat"; digits stay here
        self._change_stage = ""
        self._change: dict[str, list[str]] = {"current": [], "new": [], "repeat": []}
        self._change_busy = False
        self._change_message = ""
        self._report_path = ""

    def set_services(self, services: AdminServices) -> None:
        self._services = services
        self._idle.setInterval(int(services.idle_timeout_s * 1000))
        self.changed.emit()

    @property
    def services(self) -> AdminServices | None:
        return self._services

    def close(self) -> None:
        self._idle.stop()
        self._pool.waitForDone()

    def wait_idle(self, msecs: int = -1) -> bool:
        return self._pool.waitForDone(msecs)

    # ------------------------------------------------------------------ helpers

    def _lang(self) -> Any:
        return self._journey.view().language

    def _t(self, key: str) -> str:
        return translate(key, self._lang()) if key else ""

    def _audit(self, action: str, outcome: str = "ok", detail: Mapping[str, Any] | None = None
               ) -> None:
        if self._services is None:
            return
        try:
            self._services.audit.append(action, outcome, detail or {})
        except OSError as err:
            log.error("admin audit write failed: %s", err.strerror or type(err).__name__)

    def _start(self, name: str, fn: Callable[[], object]) -> bool:
        if name in self._running:
            log.info("admin job %s already running", name)
            return False
        self._running.add(name)
        self._pool.start(_Job(name, fn, self._finished.emit))
        self.changed.emit()
        return True

    def _touch(self) -> None:
        if self._mode != "off" and self._idle.interval() > 0:
            self._idle.start()

    def _set_mode(self, mode: str) -> None:
        if mode != self._mode:
            self._mode = mode
            self.changed.emit()
        if mode == "off":
            self._idle.stop()
        else:
            self._touch()

    # ------------------------------------------------------------------ entry

    @Slot()
    def requestEntry(self) -> None:
        """The long press in the corner: the PIN pad (nothing when admin is not configured)."""
        if self._services is None:
            log.info("admin entry requested but admin mode is not configured")
            return
        if self._mode != "off":
            return
        if self._journey.state is State.SUBMITTING:
            log.info("admin entry refused while a submission commits")
            return
        self._pin.clear()
        self._pin_message = ""
        self._locked = False
        self.pinChanged.emit()
        self._set_mode("pin")

    @Slot(str)
    def pinDigit(self, digit: str) -> None:
        self._touch()
        if self._mode != "pin" or self._pin_busy or len(digit) != 1 or not digit.isdigit():
            return
        if len(self._pin) < PIN_MAX:
            self._pin.append(digit)
            self._pin_message = "" if not self._locked else self._pin_message
            self.pinChanged.emit()

    @Slot()
    def pinBackspace(self) -> None:
        self._touch()
        if self._pin and not self._pin_busy:
            self._pin.pop()
            self.pinChanged.emit()

    @Slot()
    def pinClear(self) -> None:
        self._touch()
        if not self._pin_busy:
            self._pin.clear()
            self.pinChanged.emit()

    @Slot()
    def cancelEntry(self) -> None:
        if self._mode == "pin" and not self._pin_busy:
            self._pin.clear()
            self._pin_message = ""
            self.pinChanged.emit()
            self._set_mode("off")
            self.left.emit()

    @Slot()
    def pinSubmit(self) -> None:
        """Check the PIN off the GUI thread; the digits leave this model with the job."""
        self._touch()
        services = self._services
        if services is None or self._mode != "pin" or self._pin_busy or not self._pin:
            return
        pin = "".join(self._pin)
        self._pin.clear()
        self._pin_busy = True
        self.pinChanged.emit()
        checker = services.pin
        self._start("pin", lambda: checker.verify(pin))

    def _on_pin(self, result: object) -> None:
        self._pin_busy = False
        if isinstance(result, EntryResult) and result.ok:
            self._pin_message = ""
            self._locked = False
            self.pinChanged.emit()
            self._enter()
            return
        if isinstance(result, EntryResult):
            self._locked = result.outcome is Outcome.LOCKED
            message = self._t(result.key)
            if result.outcome is Outcome.WRONG:
                message = f"{message} ({result.attempts_left})"
            self._pin_message = message
        else:
            self._pin_message = self._t(_error_key(result))  # type: ignore[arg-type]
        self.pinChanged.emit()

    def _enter(self) -> None:
        """The PIN matched: end the citizen session first, then the diagnostics screen."""
        state = self._journey.state
        if state is not State.ATTRACT and Intent.CANCEL in allowed_intents(state):
            self._journey.cancel()  # wipes the session; the session model clears the screen
        elif state is State.SUBMITTING:  # cannot happen from the pad (it is modal); be safe
            log.info("admin entry: a submission is committing; not entering")
            self._set_mode("off")
            return
        self._tests.clear()
        self._action_message = ""
        self._set_mode("diagnostics")
        self.refresh()

    @Slot()
    def leave(self) -> None:
        if self._mode == "diagnostics":
            self._audit(ACTION_EXIT, "ok", {"how": "button"})
        self._leave()

    def _leave(self) -> None:
        self._report = None
        self._tests.clear()
        self._pin.clear()
        self._close_change("")
        self._report_path = ""
        self.reportChanged.emit()
        self._set_mode("off")
        self.left.emit()

    @Slot()
    def _idle_timeout(self) -> None:
        if self._mode == "diagnostics":
            self._audit(ACTION_EXIT, "ok", {"how": "idle_timeout"})
            log.info("admin mode left after %.0f s untouched", self._idle.interval() / 1000)
        self._pin_busy = False
        self._leave()

    @Slot()
    def touch(self) -> None:
        """Any tap on the admin screens: restart the idle countdown."""
        self._touch()

    # ------------------------------------------------------------------ diagnostics

    @Slot()
    def refresh(self) -> None:
        services = self._services
        if services is None or self._mode != "diagnostics":
            return
        self._touch()
        catalog_version = str(self._journey.catalog.version)

        def checks() -> DiagReport:
            return run_checks(
                terminal_id=services.terminal_id, health=services.health, history=services.history,
                outbox=services.outbox, sync_status=sync_status_from_meta(services.outbox.get_meta),
                link_test=services.link_test, data_dir=services.data_dir,
                log_lines=services.log_lines(), catalog_version=catalog_version,
                audit=services.audit, thresholds=services.thresholds, poll=False)

        if self._start("checks", checks):
            self._checking = True
            self.reportChanged.emit()

    @Slot(str)
    def runTest(self, device: str) -> None:
        services = self._services
        if services is None or self._mode != "diagnostics":
            return
        self._touch()
        test = services.device_tests.get(device)
        if test is None:
            return
        if self._start(f"test:{device}", test.run):
            self._tests[device] = {"running": True}
            self.reportChanged.emit()

    def _on_test(self, device: str, result: object) -> None:
        services = self._services
        test = services.device_tests.get(device) if services else None
        if test is None or self._mode != "diagnostics":
            return
        if isinstance(result, BaseException):
            safe: dict[str, Any] = {"ok": False, "error": _error_key(result)}
        else:
            safe = safe_test_result(test.kind, result)
        del result  # the raw read (a card: personal data) goes no further
        safe["kind_of_test"] = test.kind
        safe["message"] = self._t(safe.get("error", ""))
        safe["running"] = False
        self._tests[device] = safe
        self._audit(ACTION_DEVICE_TEST, "ok" if safe.get("ok") else "failed",
                    {"device": device, "error": str(safe.get("error", ""))})
        self.reportChanged.emit()

    # ------------------------------------------------------------------ actions

    @Slot()
    def retryParked(self) -> None:
        services = self._services
        if services is None or self._mode != "diagnostics":
            return
        self._touch()
        outbox = services.outbox

        def retry() -> int:
            count = 0
            for row in outbox.list_rows("rejected", limit=1000):
                outbox.transition(row.uuid, "queued", reason="requeued by technician")
                count += 1
            return count

        self._start("retry_parked", retry)

    @Slot()
    def forceSync(self) -> None:
        services = self._services
        if services is None or self._mode != "diagnostics" or services.sync_now is None:
            return
        self._touch()
        self._start("force_sync", services.sync_now)

    @Slot()
    def reloadCatalog(self) -> None:
        services = self._services
        if services is None or self._mode != "diagnostics" or services.load_catalog is None:
            return
        self._touch()
        self._start("reload_catalog", services.load_catalog)

    @Slot()
    def restartApp(self) -> None:
        services = self._services
        if services is None or self._mode != "diagnostics":
            return
        self._audit(ACTION_RESTART_APP, "ok", {"exit_code": RESTART_EXIT_CODE})
        log.info("admin: restarting the app (exit %d)", RESTART_EXIT_CODE)
        restart = services.restart or QCoreApplication.exit
        restart(RESTART_EXIT_CODE)

    @Slot()
    def writeReport(self) -> None:
        """The redacted PDF report (the same checks as the screen) to the report directory,
        then to the A4 printer when it is up — all on a worker thread."""
        services = self._services
        if services is None or self._mode != "diagnostics":
            return
        self._touch()
        catalog_version = str(self._journey.catalog.version)
        self._start("report", lambda: _write_report(services, catalog_version))

    # ------------------------------------------------------------------ change PIN

    @Slot()
    def startChangePin(self) -> None:
        if self._services is None or self._mode != "diagnostics" or self._change_busy:
            return
        self._touch()
        self._close_change("current")

    @Slot()
    def cancelChangePin(self) -> None:
        if not self._change_busy:
            self._close_change("")

    def _close_change(self, stage: str, message: str = "") -> None:
        for name, digits in self._change.items():
            if not (name == "current" and stage == "new"):  # asked for the new PIN again only
                digits.clear()
        self._change_stage = stage
        self._change_message = message
        self.changePinChanged.emit()

    @Slot(str)
    def changeDigit(self, digit: str) -> None:
        self._touch()
        stage = self._change_stage
        if not stage or self._change_busy or len(digit) != 1 or not digit.isdigit():
            return
        if len(self._change[stage]) < PIN_MAX:
            self._change[stage].append(digit)
            self._change_message = ""
            self.changePinChanged.emit()

    @Slot()
    def changeBackspace(self) -> None:
        self._touch()
        stage = self._change_stage
        if stage and not self._change_busy and self._change[stage]:
            self._change[stage].pop()
            self.changePinChanged.emit()

    @Slot()
    def changeNext(self) -> None:
        """OK on the change-PIN pad: the next entry, or (after the repeat) the change itself,
        checked off the GUI thread. The old PIN counts as an admin entry attempt."""
        self._touch()
        services, stage = self._services, self._change_stage
        if services is None or not stage or self._change_busy or not self._change[stage]:
            return
        if stage == "current":
            self._change_stage = "new"
        elif stage == "new":
            self._change_stage = "repeat"
        else:
            current, new = "".join(self._change["current"]), "".join(self._change["new"])
            repeat = "".join(self._change["repeat"])
            self._change["new"].clear()
            self._change["repeat"].clear()
            if new != repeat:
                self._audit("admin.pin_change", "refused", {"reason": "admin.pin_mismatch"})
                self._change_stage = "new"  # the current PIN is kept: only the new one again
                self._change_message = self._t("admin.pin_mismatch")
            else:
                self._change_busy = True
                pin = services.pin
                self._start("change_pin", lambda: pin.change(current, new))
        self.changePinChanged.emit()

    def _on_change_pin(self, result: object) -> None:
        self._change_busy = False
        if isinstance(result, EntryResult) and result.ok:
            self._close_change("", self._t("admin.pin_changed"))
            self._action_message = self._t("admin.pin_changed")
            return
        if isinstance(result, EntryResult):
            message = self._t(result.key)
            if result.outcome is Outcome.WRONG:
                message = f"{message} ({result.attempts_left})"
                self._close_change("current", message)
            else:  # locked: nothing more to try now
                self._close_change("", message)
                self._action_message = message
            return
        key = _error_key(result) if isinstance(result, BaseException) else "unexpected"
        if key in ("admin.pin_invalid", "admin.pin_weak"):
            # the current PIN was not checked (or was right): only the new one again
            self._close_change("new", self._t(key))
        else:
            self._close_change("", self._t(key))

    # ------------------------------------------------------------------ maintenance

    def catalog_refresher(self, load: Callable[[], Any]) -> Callable[[], str]:
        """For the nightly catalogue step (on the maintenance thread): load with ``load`` there,
        hand the catalogue to the journey on the GUI thread; returns its version."""

        def refresh() -> str:
            catalog = load()
            self._catalog_ready.emit(catalog)
            return str(getattr(catalog, "version", ""))

        return refresh

    @Slot(object)
    def _install_catalog(self, catalog: object) -> None:
        self._journey.replace_catalog(catalog)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ results

    @Slot(str, object)
    def _on_finished(self, name: str, result: object) -> None:
        self._running.discard(name)
        if name == "pin":
            self._on_pin(result)
        elif name == "change_pin":
            self._on_change_pin(result)
        elif name == "checks":
            self._checking = False
            if isinstance(result, DiagReport) and self._mode == "diagnostics":
                self._report = result
            elif isinstance(result, BaseException):
                self._action_message = self._t(_error_key(result))
            self.reportChanged.emit()
        elif name.startswith("test:"):
            self._on_test(name.removeprefix("test:"), result)
        else:
            self._on_action(name, result)
        self.changed.emit()

    def _on_action(self, name: str, result: object) -> None:
        failed = isinstance(result, BaseException)
        key = _error_key(result) if isinstance(result, BaseException) else ""
        if name == "retry_parked":
            count = 0 if failed else int(result)  # type: ignore[call-overload]
            self._audit(ACTION_RETRY_PARKED, "failed" if failed else "ok",
                        {"count": count, "error": key})
            self._action_message = self._t(key) if failed else self._t("admin.retried")
        elif name == "force_sync":
            errors = list(getattr(result, "errors", []) or [])
            ok = not failed and not errors
            self._audit(ACTION_FORCE_SYNC, "ok" if ok else "failed",
                        {"error": key or redact(" ".join(errors))[:120]})
            self._action_message = self._t("admin.sync_done" if ok else "diag.sync_error")
        elif name == "report":
            if isinstance(result, ReportResult):
                self._report_path = str(result.path)
                self._audit(ACTION_DIAG_REPORT, "ok", {
                    "file": result.path.name, "where": result.where, "printed": result.printed,
                    "print_error": result.print_error})
                self._action_message = self._t(
                    "admin.report_printed" if result.printed else "admin.report_written")
            else:
                self._report_path = ""
                self._audit(ACTION_DIAG_REPORT, "failed", {"error": key})
                self._action_message = self._t("admin.report_failed")
        elif name == "reload_catalog":
            if not failed:
                self._journey.replace_catalog(result)  # type: ignore[arg-type]
            self._audit(ACTION_RELOAD_CATALOG, "failed" if failed else "ok",
                        {"version": "" if failed else str(getattr(result, "version", "")),
                         "error": key})
            self._action_message = self._t(key) if failed else self._t("admin.catalog_reloaded")
        self.refresh()

    # ------------------------------------------------------------------ properties

    @Property(str, notify=changed)
    def mode(self) -> str:
        return self._mode

    @Property(bool, notify=changed)
    def available(self) -> bool:
        return self._services is not None

    @Property(float, notify=changed)
    def longPressSeconds(self) -> float:
        return self.long_press_s

    @Property(int, notify=pinChanged)
    def pinLength(self) -> int:
        return len(self._pin)

    @Property(bool, notify=pinChanged)
    def pinBusy(self) -> bool:
        return self._pin_busy

    @Property(str, notify=pinChanged)
    def pinMessage(self) -> str:
        return self._pin_message

    @Property(bool, notify=pinChanged)
    def locked(self) -> bool:
        return self._locked

    @Property(bool, notify=reportChanged)
    def checking(self) -> bool:
        return self._checking

    @Property(bool, notify=changed)
    def working(self) -> bool:
        return bool(self._running - {"checks"} - {n for n in self._running if n.startswith("test:")})

    @Property(str, notify=changed)
    def actionMessage(self) -> str:
        return self._action_message

    @Property(str, notify=reportChanged)
    def generatedAt(self) -> str:
        return self._report.generated_at if self._report else ""

    @Property(str, notify=reportChanged)
    def terminalId(self) -> str:
        return self._report.terminal_id if self._report else ""

    @Property(str, notify=reportChanged)
    def appVersion(self) -> str:
        return self._report.app_version if self._report else ""

    @Property(str, notify=reportChanged)
    def catalogVersion(self) -> str:
        return (self._report.catalog_version or "") if self._report else ""

    @Property(bool, notify=reportChanged)
    def healthy(self) -> bool:
        return bool(self._report and self._report.ok)

    @Property(list, notify=reportChanged)
    def devices(self) -> list[dict[str, Any]]:
        report, services = self._report, self._services
        if report is None or services is None:
            return []
        out = []
        for check in report.checks:
            if check.group != "device":
                continue
            name = check.id.removeprefix("device.")
            test = services.device_tests.get(name)
            reason = str(check.value("reason") or "")
            last = str(check.value("last_error") or "")
            out.append({
                "name": name, "level": check.level.value, "required": check.required,
                "state": str(check.value("state") or check.level.value),
                "reason": self._t(reason) if reason and reason != "device.not_polled" else "",
                "summary": check.summary,
                "lastError": last, "lastErrorAt": str(check.value("last_error_at") or ""),
                "test": test.kind if test else "",
                "result": dict(self._tests.get(name, {})),
            })
        return out

    @Property(list, notify=reportChanged)
    def checks(self) -> list[dict[str, Any]]:
        """The non-device checks: queue, store, sync, link, disk, memory, versions, audit."""
        if self._report is None:
            return []
        return [{"id": c.id, "level": c.level.value, "required": c.required,
                 "summary": c.summary, "message": self._t(c.key) if c.key else ""}
                for c in self._report.checks if c.group != "device"]

    def _queue_value(self, name: str) -> Any:
        check = self._report.check("queue") if self._report else None
        return check.value(name) if check else None

    @Property(int, notify=reportChanged)
    def unsent(self) -> int:
        return int(self._queue_value("unsent") or 0)

    @Property(int, notify=reportChanged)
    def parked(self) -> int:
        return int(self._queue_value("parked") or 0)

    @Property(str, notify=reportChanged)
    def oldestUnsent(self) -> str:
        age = self._queue_value("oldest_unsent_age_s")
        if age is None:
            return ""
        seconds = int(float(age))
        return f"{seconds // 3600:d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"

    @Property(list, notify=reportChanged)
    def logLines(self) -> list[str]:
        return list(self._report.log_lines[-30:]) if self._report else []

    @Property(str, notify=changed)
    def reportPath(self) -> str:
        return self._report_path

    @Property(str, notify=changePinChanged)
    def changeStage(self) -> str:
        return self._change_stage

    @Property(int, notify=changePinChanged)
    def changeLength(self) -> int:
        return len(self._change[self._change_stage]) if self._change_stage else 0

    @Property(bool, notify=changePinChanged)
    def changeBusy(self) -> bool:
        return self._change_busy

    @Property(str, notify=changePinChanged)
    def changeMessage(self) -> str:
        return self._change_message

    @Property(bool, notify=changed)
    def canForceSync(self) -> bool:
        return self._services is not None and self._services.sync_now is not None

    @Property(bool, notify=changed)
    def canReloadCatalog(self) -> bool:
        return self._services is not None and self._services.load_catalog is not None

    # ------------------------------------------------------------------ for tests

    def report(self) -> DiagReport | None:
        return self._report

    def test_results(self) -> dict[str, dict[str, Any]]:
        return {k: dict(v) for k, v in self._tests.items()}


# ---------------------------------------------------------------- composition


def services_for(config: Any, core: Any, *, devices: Any = None,
                 sync_now: Callable[[], object] | None = None) -> AdminServices:
    """Admin mode's collaborators for the running kiosk (``run_kiosk``): the PIN and audit log
    under the data directory, the outbox, the devices' health and live tests when ``devices``
    (:class:`kiosk.app.Devices`) is given, a link test (a signed whoami; a ping when not
    enrolled), the redacted log ring, and ``sync_now`` when a sync worker runs in this process."""
    from kiosk.admin import AdminPolicy, admin_paths
    from kiosk.app import build_keyring, open_catalog

    data_dir = config.paths.data_dir
    ring = build_keyring(config)
    state_file, audit_file = admin_paths(data_dir)
    audit = AuditLog(audit_file)
    a, d = config.admin, config.diagnostics
    pin = AdminPin(ring, state_file, audit, policy=AdminPolicy(
        max_attempts=a.max_attempts, lockout_s=a.lockout_s, min_length=a.pin_min_length))
    health = getattr(devices, "health", None)
    return AdminServices(
        pin=pin, audit=audit, outbox=core.outbox, terminal_id=config.terminal.id,
        data_dir=data_dir, health=health,
        history=DeviceErrorHistory().attach(health) if health is not None else None,
        link_test=_link_test(config, ring),
        log_lines=core.ring.lines,
        thresholds=Thresholds(disk_fail_mb=d.disk_fail_mb, disk_warn_mb=d.disk_warn_mb,
                              queue_stale_s=d.queue_stale_s),
        device_tests=device_tests_from(devices, config) if devices is not None else {},
        sync_now=sync_now,
        load_catalog=lambda: open_catalog(config),
        report_dir=getattr(d, "report_dir", None),
        print_pdf=getattr(getattr(devices, "a4_printer", None), "print_pdf", None),
    )


def _link_test(config: Any, ring: Any) -> LinkTest | None:
    from kiosk.app import build_sync_client
    from kiosk.diagnostics import link_test_from
    from kiosk.sync.credentials import load_credentials

    try:
        creds = load_credentials(ring)
        client = build_sync_client(config, creds)
    except KioskError as err:
        log.info("no link test for diagnostics: %s", err.key)
        return None
    return link_test_from(client.whoami if creds else client.ping)
