"""The session view model: the journey's :class:`JourneyView` as QML properties, and slots
that turn taps into journey intents.

Everything a screen shows is derived here from the latest snapshot plus the catalogue (texts
in the session language) and :mod:`kiosk.messages` (message keys). No decision is made in
QML: a button is offered because a property says so, and its slot calls the journey.

Threads: every slot runs on the GUI thread (QML calls them there) and is the only caller of
the journey. Snapshots arrive through :class:`~kiosk.ui.bridge.JourneyBridge` as queued
signals, so the view may lag the journey by one event: a tap whose intent the journey no
longer allows (a double tap) is ignored and logged, not treated as a bug.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar

from PySide6.QtCore import Property, QObject, Qt, QTimer, Signal, Slot

from kiosk.catalog.model import ServiceItem
from kiosk.config import Config, Lang
from kiosk.errors import BugError, KnownError
from kiosk.identity import IdentityDocument
from kiosk.identity.govapp import is_gov_app_token
from kiosk.journey import Intent, Journey, JourneyView, OutboxPort, State, StepRefused
from kiosk.journey.states import allowed_intents
from kiosk.messages import LANGS, translate
from kiosk.receipts import ReceiptLabels, SummaryDocument, receipt_for
from kiosk.store.models import Receipt
from kiosk.sync.live import LiveSettings, read_live
from kiosk.ui.bridge import JourneyBridge
from kiosk.ui.models.previews import PreviewStore

__all__ = ["CONSENT_VERSION", "LANGUAGE_NAMES", "SessionModel"]


STAFF_POLL_MS = 5000  # an unanswered call for help: its state is asked this often
LIVE_POLL_MS = 5000  # the back office's live settings (notice, closed) are read this often
CLOSED_REMOTELY = "terminal.closed_remotely"
log = logging.getLogger(__name__)

CONSENT_VERSION: Final = "2026-11"
LANGUAGE_NAMES: Final[dict[str, str]] = {"zh-Hans": "简体中文", "zh-Hant": "繁體中文",
                                         "en": "English"}
KEYBOARD_LOCALES: Final[dict[str, str]] = {"zh-Hans": "zh_CN", "zh-Hant": "zh_TW", "en": "en_US"}
RATING_REASONS: Final = ("fast", "clear_guidance", "easy_to_use", "too_slow", "confusing",
                         "device_problem")
# the steps of an application, for the step indicator
APPLICATION_STEPS: Final = ("catalog", "service_detail", "identify", "form", "capture", "review",
                            "consent", "receipt")
# entering these states means the journey wiped the task's personal data
_WIPED_STATES: Final = frozenset({State.ATTRACT, State.HOME, State.OUT_OF_SERVICE, State.END})
# screens that want an ID card on the reader (the poll thread polls only then)
_CARD_STATES: Final = frozenset({State.IDENTIFY, State.RESULT_PICKUP})
# the screens that take a scanned code (_on_code): the camera decodes frames only on these
_CODE_STATES: Final = frozenset({State.IDENTIFY, State.STATUS_CHECK, State.RESULT_PICKUP})
# after the commit the citizen keeps these screens (the receipt QR) even if a required device
# fails meanwhile; the out-of-service screen follows when they leave
_AFTER_COMMIT: Final = frozenset({State.RECEIPT, State.RATING, State.END})

PageSource = Callable[[str, int], bytes]
T = TypeVar("T")


def _field_type(t: str) -> str:
    return {"number": "number", "phone": "phone", "date": "date", "choice": "choice"}.get(t, "text")


class SessionModel(QObject):
    """One per kiosk; QML sees it as ``session``."""

    changed = Signal()
    tickChanged = Signal()
    languageSwitched = Signal(str)  # the window reloads translations
    wiped = Signal()  # QML clears text fields and the keyboard's memory
    staffCalledChanged = Signal()
    fatal = Signal(str)

    def __init__(self, journey: Journey, bridge: JourneyBridge, config: Config, *,
                 outbox: OutboxPort, page_source: PageSource, parent: QObject | None = None
                 ) -> None:
        super().__init__(parent)
        self._journey = journey
        self._outbox = outbox
        self._bridge = bridge
        self._config = config
        self._catalog = journey.catalog
        self._page_source = page_source
        self.previews = PreviewStore()
        self._capture: Any = None  # kiosk.ui.models.capture.CaptureModel (attach_capture)
        self._view: JourneyView = journey.view()
        self._draft: dict[str, str] = {}
        self._draft_key: tuple[object, ...] | None = None
        self._seconds_left: float = -1.0
        self._staff_called = False
        self._last_receipt: Receipt | None = None
        self._output: Any = None  # kiosk.ui.devices.ReceiptOutput (printers, QR key)
        self._gov_app: Any = None  # kiosk.identity.govapp.GovAppIdentifier (attach_gov_app)
        self._gov_app_serial = 0  # numbers each resolve; only the pending one is answered
        self._gov_app_pending: int | None = None
        self._staff_caller: Any = None  # kiosk.sync.staff_call.StaffCall (attach_staff_call)
        self._staff_call_id: str | None = None
        self._staff_state = ""  # "", calling, open, acknowledged, closed, unreachable
        self._staff_poll = QTimer(self)
        self._staff_poll.setInterval(STAFF_POLL_MS)
        self._staff_poll.timeout.connect(self.pollStaffCall)
        self._live = LiveSettings()  # the back office's notice / closed flag (kiosk sync's pull)
        self._oos_remote = False
        self._live_poll = QTimer(self)
        self._live_poll.setInterval(LIVE_POLL_MS)
        self._live_poll.timeout.connect(self.readLiveSettings)
        self._live_poll.start()
        self._qr_payload = ""
        self._print_key: str | None = None  # None: not printing; "": printed; else the error
        self._a4_key: str | None = None  # None: not asked; "printing"; "": printed; else error
        self._oos_pending: str | None = None
        self._oos_by_device = False
        bridge.viewChanged.connect(self._on_view, Qt.ConnectionType.QueuedConnection)
        bridge.cardRead.connect(self._on_card, Qt.ConnectionType.QueuedConnection)
        bridge.cardFailed.connect(self._on_card_failed, Qt.ConnectionType.QueuedConnection)
        bridge.codeScanned.connect(self._on_code, Qt.ConnectionType.QueuedConnection)
        bridge.devicesChanged.connect(self._on_devices, Qt.ConnectionType.QueuedConnection)
        bridge.outOfService.connect(self._on_out_of_service, Qt.ConnectionType.QueuedConnection)
        bridge.submitSucceeded.connect(self._on_committed, Qt.ConnectionType.QueuedConnection)
        bridge.submitFailed.connect(self._on_commit_failed, Qt.ConnectionType.QueuedConnection)
        bridge.backInService.connect(self._on_back_in_service, Qt.ConnectionType.QueuedConnection)
        bridge.printDone.connect(self._on_printed, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe = journey.subscribe(bridge.on_journey_event)

    def close(self) -> None:
        self._bridge.card_wanted.clear()
        self._bridge.codes_wanted.clear()
        self._live_poll.stop()  # the outbox closes after the window
        self._staff_poll.stop()
        self._unsubscribe()

    def attach_output(self, output: Any) -> None:
        """Printers and the receipt QR key (:class:`kiosk.ui.devices.ReceiptOutput`): the
        receipt is printed after the commit, its QR code is signed."""
        self._output = output

    def attach_staff_call(self, caller: Any) -> None:
        """The help button's call to remote staff (:class:`kiosk.sync.staff_call.StaffCall`)."""
        self._staff_caller = caller

    def attach_gov_app(self, identifier: Any) -> None:
        """Identification with the government app's login QR
        (:class:`kiosk.identity.govapp.GovAppIdentifier`): checked here, resolved through the
        back office off the GUI thread."""
        self._gov_app = identifier
        self.changed.emit()

    # ------------------------------------------------------------------ snapshots in

    @Slot(object)
    def _on_view(self, view: JourneyView) -> None:
        previous = self._view
        self._view = view
        if view.language != previous.language:
            self.languageSwitched.emit(view.language)
        key = (view.state, view.item_code, view.form_page)
        if view.state is State.FORM and key != self._draft_key:
            self._draft = dict(view.form_values)
            self._draft_key = key
        if view.state in _WIPED_STATES and previous.state is not view.state:
            self._wipe_ui()
        if view.state in _CARD_STATES:
            self._bridge.card_wanted.set()
        else:
            self._bridge.card_wanted.clear()
        if view.state in _CODE_STATES:
            self._bridge.codes_wanted.set()
        else:
            self._bridge.codes_wanted.clear()
        if self._oos_pending is not None and view.state not in _AFTER_COMMIT:
            pending, self._oos_pending = self._oos_pending, None
            self._on_out_of_service(pending)
        if view.state is State.RECEIPT:
            self.previews.wipe()  # the pages are committed; nothing to preview any more
        self._refresh_countdown()
        self.changed.emit()

    def _wipe_ui(self) -> None:
        self._gov_app_pending = None  # a resolve still in flight is dropped when it returns
        self._draft.clear()
        self._draft_key = None
        self.previews.wipe()
        self._staff_called = False
        self._staff_poll.stop()  # a call in flight is dropped when it returns
        self._staff_call_id = None
        self._staff_state = ""
        self._qr_payload = ""
        self._print_key = self._a4_key = None
        self.staffCalledChanged.emit()
        self.wiped.emit()

    @Slot(object)
    def _on_card(self, document: IdentityDocument) -> None:
        state = self._journey.state
        if state is State.IDENTIFY:
            self._call(Intent.IDENTIFY, self._journey.identify, document)
        elif state is State.RESULT_PICKUP and self._view.pickup is None:
            self._call(Intent.IDENTIFY_FOR_PICKUP, self._journey.identify_for_pickup, document)
        else:
            log.info("card read in %s: ignored", state.value)

    @Slot(str)
    def _on_card_failed(self, key: str) -> None:
        """A card on the reader that could not be read: say why at the card step."""
        state = self._journey.state
        if state is State.IDENTIFY or (state is State.RESULT_PICKUP and self._view.pickup is None):
            self._call(Intent.IDENTIFICATION_FAILED, self._journey.identification_failed, key)

    @Slot()
    def _on_devices(self) -> None:
        self._journey.devices_changed()

    @Slot()
    def readLiveSettings(self) -> None:
        """Every few seconds: the notice banner and the back office closing or reopening this
        terminal (stored by the sync worker, :mod:`kiosk.sync.live`)."""
        live = read_live(self._outbox)
        if live == self._live:
            return
        self._live = live
        self.changed.emit()
        if live.out_of_service and not self._oos_remote:
            log.info("the back office closed this terminal")
            self._oos_remote = True
            self._on_out_of_service(CLOSED_REMOTELY)
        elif not live.out_of_service and self._oos_remote:
            log.info("the back office reopened this terminal")
            self._oos_remote = False
            if self._oos_pending == CLOSED_REMOTELY:
                self._oos_pending = None
            if self._journey.state is State.OUT_OF_SERVICE \
                    and self._journey.view().out_of_service_key == CLOSED_REMOTELY:
                self._call(Intent.RESUME_SERVICE, self._journey.resume_service)

    @Slot(str)
    def _on_out_of_service(self, key: str) -> None:
        self._oos_by_device = key.startswith("journey.device_unavailable.")
        if self._journey.state in _AFTER_COMMIT:
            log.info("out of service (%s) after the receipt screens", key)
            self._oos_pending = key
            return
        self._journey.out_of_service(key)

    @Slot()
    def _on_back_in_service(self) -> None:
        self._oos_pending = None
        if self._oos_by_device and self._journey.state is State.OUT_OF_SERVICE:
            self._oos_by_device = False
            self._call(Intent.RESUME_SERVICE, self._journey.resume_service)

    @Slot(str)
    def _on_code(self, payload: str) -> None:
        if self._output is not None:
            payload = self._output.tracking_from_code(payload)
        state = self._journey.state
        if state is State.IDENTIFY and is_gov_app_token(payload):
            self._identify_by_gov_app(payload)
        elif state is State.STATUS_CHECK:
            self._call(Intent.LOOKUP_STATUS, self._journey.lookup_status, payload)
        elif state is State.RESULT_PICKUP:
            self._call(Intent.ENTER_PICKUP_TRACKING, self._journey.enter_pickup_tracking, payload)
        else:
            log.info("code scanned in %s: ignored", state.value)

    def _identify_by_gov_app(self, payload: str) -> None:
        """A government-app login QR at the card step: refused at once when forged, expired or
        for another terminal; else resolved by the back office on a worker thread."""
        identifier = self._gov_app
        refused = "identity.gov_app_off" if identifier is None else identifier.check(payload)
        if refused is not None:
            self._call(Intent.IDENTIFICATION_FAILED, self._journey.identification_failed, refused)
            return
        self._gov_app_serial += 1
        generation = self._gov_app_pending = self._gov_app_serial
        self.changed.emit()

        def resolve() -> Any:
            try:
                return identifier.resolve(payload)
            except KnownError as err:
                return err.key

        self._bridge.in_background("gov-app-resolve", resolve,
                                   lambda result: self._on_gov_app(generation, result))

    def _on_gov_app(self, generation: int, result: Any) -> None:
        if generation != self._gov_app_pending:
            return  # the session that asked was wiped meanwhile (or a newer code was shown)
        self._gov_app_pending = None
        self.changed.emit()
        if self._journey.state is not State.IDENTIFY:
            log.info("gov-app identity arrived in %s: dropped", self._journey.state.value)
            return
        if isinstance(result, str):
            self._call(Intent.IDENTIFICATION_FAILED, self._journey.identification_failed, result)
        else:
            self._call(Intent.IDENTIFY, self._journey.identify, result)

    # ------------------------------------------------------------------ calling the journey

    def _call(self, intent: Intent, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Call intent ``fn`` if the journey allows ``intent`` now (else: a stale tap)."""
        state = self._journey.state
        if intent not in allowed_intents(state):
            log.info("tap for %s ignored in %s (the screen was changing)", intent.value, state.value)
            return None
        try:
            return fn(*args, **kwargs)
        except BugError:
            log.exception("journey refused %s in %s", intent.value, state.value)
            self.fatal.emit("unexpected")
            if Intent.OUT_OF_SERVICE in allowed_intents(self._journey.state):
                self._journey.out_of_service("unexpected")
            return None

    def _refresh_countdown(self) -> None:
        left = self._journey.seconds_left()
        value = -1.0 if left is None else left
        if int(value) != int(self._seconds_left):
            self._seconds_left = value
            self.tickChanged.emit()
        self._seconds_left = value

    @Slot()
    def tick(self) -> None:
        """About once a second (the window's timer): idle timeout and countdown."""
        self._journey.tick()
        self._refresh_countdown()

    # ------------------------------------------------------------------ global intents

    @Slot(bool)
    def setCareMode(self, on: bool) -> None:
        self._call(Intent.SET_CARE_MODE, self._journey.set_care_mode, on)

    @Slot(str)
    def setLanguage(self, language: str) -> None:
        self._call(Intent.SET_LANGUAGE, self._journey.set_language, self._lang(language))

    @Slot()
    def home(self) -> None:
        self._call(Intent.HOME, self._journey.home)

    @Slot()
    def back(self) -> None:
        self._call(Intent.BACK, self._journey.back)

    @Slot()
    def cancel(self) -> None:
        self._call(Intent.CANCEL, self._journey.cancel)

    @Slot()
    def stillHere(self) -> None:
        self._call(Intent.STILL_HERE, self._journey.still_here)

    @Slot()
    def callStaff(self) -> None:
        """The help button: a call to the hall's remote staff through the back office (off the
        GUI thread); the banner says whether it went out and when someone answered. Pressing
        again while a call is open does not call twice."""
        log.info("help requested in %s", self._journey.state.value)
        self._staff_called = True
        if self._staff_state in ("calling", "open", "acknowledged"):
            self.staffCalledChanged.emit()
            return
        if self._staff_caller is None:
            self._set_staff_state("unreachable")
            return
        self._staff_call_id = self._staff_call_id or str(uuid.uuid4())
        self._set_staff_state("calling")
        self._send_staff_call()

    def _send_staff_call(self) -> None:
        """(Re)send this session's call, same id, on a worker thread."""
        caller, rid = self._staff_caller, self._staff_call_id
        args = (self._screen(), self._view.language, self._view.care_mode, rid)
        self._bridge.in_background("staff-call", lambda: caller.call(*args), self._on_staff_call)

    @Slot()
    def pollStaffCall(self) -> None:
        """Every few seconds while a call is unanswered: its state (an unreachable call is
        sent again, same id)."""
        rid, caller = self._staff_call_id, self._staff_caller
        if rid is None or caller is None or self._staff_state not in ("open", "unreachable"):
            self._staff_poll.stop()
            return
        if self._staff_state == "unreachable":
            self._send_staff_call()
        else:
            self._bridge.in_background("staff-call-poll", lambda: caller.poll(rid), self._on_staff_call)

    def _on_staff_call(self, state: Any) -> None:
        if state.request_id != self._staff_call_id:
            return  # the session that called was wiped meanwhile
        self._set_staff_state(state.status)

    def _set_staff_state(self, status: str) -> None:
        self._staff_state = status
        if status in ("open", "unreachable") and self._staff_call_id is not None:
            self._staff_poll.start()
        else:
            self._staff_poll.stop()
        self.staffCalledChanged.emit()

    # ------------------------------------------------------------------ attract, language, home

    @Slot()
    def start(self) -> None:
        self._call(Intent.START, self._journey.start)

    @Slot(str)
    def chooseLanguage(self, language: str) -> None:
        self._call(Intent.CHOOSE_LANGUAGE, self._journey.choose_language, self._lang(language))

    @Slot()
    def chooseApply(self) -> None:
        self._call(Intent.CHOOSE_APPLY, self._journey.choose_apply)

    @Slot()
    def chooseStatusCheck(self) -> None:
        self._call(Intent.CHOOSE_STATUS_CHECK, self._journey.choose_status_check)

    @Slot()
    def chooseResultPickup(self) -> None:
        self._call(Intent.CHOOSE_RESULT_PICKUP, self._journey.choose_result_pickup)

    @Slot()
    def choosePolicyLookup(self) -> None:
        self._call(Intent.CHOOSE_POLICY_LOOKUP, self._journey.choose_policy_lookup)

    # ------------------------------------------------------------------ application

    @Slot(str)
    def browseCategory(self, category: str) -> None:
        self._call(Intent.BROWSE_CATEGORY, self._journey.browse_category, category or None)

    @Slot(str)
    def search(self, query: str) -> None:
        self._call(Intent.SEARCH, self._journey.search, query)

    @Slot(str)
    def selectItem(self, code: str) -> None:
        self._call(Intent.SELECT_ITEM, self._journey.select_item, code)

    @Slot()
    def beginApplication(self) -> None:
        self._call(Intent.BEGIN_APPLICATION, self._journey.begin_application)

    @Slot(str, str, str)
    def enterIdManually(self, kind: str, number: str, name: str) -> None:
        if kind not in self._manual_kinds():
            log.info("manual id kind %s not offered here", kind)
            return
        self._call(Intent.ENTER_ID_MANUALLY, self._journey.enter_id_manually, kind, number,
                   name=name)

    @Slot(str, str)
    def setFieldValue(self, field_id: str, value: str) -> None:
        """Typing: kept as a draft (no property change, so the field keeps its focus)."""
        self._draft[field_id] = value

    @Slot()
    def submitPage(self) -> None:
        self._call(Intent.SUBMIT_PAGE, self._journey.submit_page, dict(self._draft))

    def attach_capture(self, capture: Any) -> None:
        """The live camera (:class:`kiosk.ui.models.capture.CaptureModel`): "Capture page" and
        "Retake" go through it once it has a camera; without one the page source stands in."""
        self._capture = capture

    def _camera_live(self) -> bool:
        return self._capture is not None and bool(self._capture.live)

    @Slot()
    def capturePage(self) -> None:
        material = self._current_material_id()
        if material is None:
            return
        if self._camera_live():
            self._capture.shutter()  # the next frame with a page is kept
            return
        pages = len(self.previews.urls(material))
        image = self._page_source(material, pages + 1)
        self.add_captured_page(material, image, image)

    @Slot(int)
    def retakePage(self, index: int) -> None:
        material = self._current_material_id()
        if material is None:
            return
        if self._camera_live():
            self._capture.retake(index)  # the next capture replaces page ``index``
            return
        image = self._page_source(material, index + 1)
        self.replace_captured_page(material, index, image, image)

    @Slot(int)
    def removePage(self, index: int) -> None:
        material = self._current_material_id()
        if material is None:
            return
        self._call(Intent.REMOVE_PAGE, self._journey.remove_page, material, index)
        self.previews.remove(material, index)
        if self._capture is not None:
            self._capture.page_removed(index)

    def add_captured_page(self, material: str, image: bytes, thumbnail: bytes) -> bool:
        """A captured page (JPEG) for ``material`` and its thumbnail: to the journey, and to
        the previews when the journey kept it. A page for a material no longer shown is
        dropped (the capture raced the citizen's "Next")."""
        if self._current_material_id() != material:
            log.info("captured page arrived after its material was left: dropped")
            return False
        if self._call(Intent.ADD_PAGE, self._journey.add_page, material, image) is None \
                and self._journey.view().error is None:
            self.previews.add(material, thumbnail)
            return True
        return False

    def replace_captured_page(self, material: str, index: int, image: bytes,
                              thumbnail: bytes) -> bool:
        if self._current_material_id() != material:
            log.info("retaken page arrived after its material was left: dropped")
            return False
        if self._call(Intent.RETAKE_PAGE, self._journey.retake, material, index, image) is None \
                and self._journey.view().error is None:
            self.previews.replace(material, index, thumbnail)
            return True
        return False

    @Slot()
    def finishMaterial(self) -> None:
        self._call(Intent.FINISH_MATERIAL, self._journey.finish_material)

    @Slot()
    def confirmReview(self) -> None:
        self._call(Intent.CONFIRM_REVIEW, self._journey.confirm_review)

    @Slot(int)
    def editFormPage(self, page: int) -> None:
        self._call(Intent.EDIT_FORM_PAGE, self._journey.edit_form_page, page)

    @Slot(str)
    def editMaterial(self, material_id: str) -> None:
        self._call(Intent.EDIT_MATERIAL, self._journey.edit_material, material_id)

    @Slot(bool)
    def setConsent(self, given: bool) -> None:
        if given:
            self._call(Intent.ACCEPT_CONSENT, self._journey.accept_consent, CONSENT_VERSION)
        else:
            self._call(Intent.WITHDRAW_CONSENT, self._journey.withdraw_consent)

    @Slot()
    def submit(self) -> None:
        """Phase 1 on the GUI thread, the materials' PDFs and the commit on the bridge's
        worker, phase 2 queued back."""
        try:
            submission = self._call(Intent.BEGIN_SUBMIT, self._journey.begin_submit,
                                    defer_attachments=True)
        except StepRefused:
            return  # the journey shows journey.consent_required
        if submission is not None:
            self._bridge.commit(self._outbox, submission)

    @Slot(object)
    def _on_committed(self, receipt: Receipt) -> None:
        self._last_receipt = receipt
        self._call(Intent.SUBMIT_SUCCEEDED, self._journey.submit_succeeded, receipt)
        if self._journey.state is State.RECEIPT:
            self._print_receipt(receipt)

    def _print_receipt(self, receipt: Receipt) -> None:
        """After the durable commit: the receipt on the receipt printer, off the GUI thread.
        A failure only changes what the receipt screen offers (the QR, an A4 copy)."""
        output = self._output
        self._qr_payload = output.qr_payload(receipt) if output is not None else ""
        self._a4_key = None
        if output is None:
            self._print_key = None
            return
        lang = self._journey.view().language
        model = receipt_for(receipt, item_name=self._catalog.item(receipt.item_code).name.get(lang),
                            terminal_id=self._config.terminal.id, language=lang,
                            qr_payload=self._qr_payload)
        self._print_key = "printing"
        self._bridge.run_print("receipt", lambda: output.print_receipt(model))

    @Slot()
    def printA4Copy(self) -> None:
        """The receipt screen's fallback when the receipt printer failed: an A4 copy."""
        receipt, output = self._view.receipt, self._output
        if receipt is None or output is None or self._view.state is not State.RECEIPT \
                or self._a4_key in ("printing", ""):
            return
        from kiosk.receipts.pdf import render_summary_pdf

        lang = self._view.language
        doc = SummaryDocument(
            language=lang, title=translate("receipt.title", lang),
            item_name=self._catalog.item(receipt.item_code).name.get(lang),
            tracking_no=receipt.tracking_no, time=receipt.created_at.astimezone().strftime(
                "%Y-%m-%d %H:%M"),
            labels=ReceiptLabels.for_language(lang), qr_payload=self._qr_payload,
            footer=translate("receipt.next_step.default", lang))
        self._a4_key = "printing"
        self.changed.emit()
        self._bridge.run_print("a4", lambda: output.print_a4(render_summary_pdf(doc),
                                                            receipt.tracking_no))

    @Slot(str, str)
    def _on_printed(self, job: str, key: str) -> None:
        if job == "receipt" and self._print_key == "printing":
            self._print_key = key
        elif job == "a4" and self._a4_key == "printing":
            self._a4_key = key
        else:
            return  # the citizen has moved on (the session was wiped)
        self.changed.emit()

    @Slot(str)
    def _on_commit_failed(self, key: str) -> None:
        self._call(Intent.SUBMIT_FAILED, self._journey.submit_failed, key)

    @Slot()
    def continueToRating(self) -> None:
        self._call(Intent.CONTINUE_TO_RATING, self._journey.continue_to_rating)

    @Slot()
    def finish(self) -> None:
        self._call(Intent.FINISH, self._journey.finish)

    @Slot(int, "QVariantList")
    def rate(self, level: int, reasons: list[Any]) -> None:
        codes = tuple(str(r) for r in reasons if str(r) in RATING_REASONS)
        self._call(Intent.RATE, self._journey.rate, int(level), codes)

    @Slot()
    def skipRating(self) -> None:
        self._call(Intent.SKIP_RATING, self._journey.skip_rating)

    @Slot()
    def done(self) -> None:
        self._call(Intent.DONE, self._journey.done)

    # ------------------------------------------------------------------ branches

    @Slot(str)
    def lookupStatus(self, tracking_no: str) -> None:
        self._call(Intent.LOOKUP_STATUS, self._journey.lookup_status, tracking_no)

    @Slot(str)
    def enterPickupTracking(self, tracking_no: str) -> None:
        self._call(Intent.ENTER_PICKUP_TRACKING, self._journey.enter_pickup_tracking, tracking_no)

    @Slot()
    def pickupDone(self) -> None:
        self._call(Intent.PICKUP_DONE, self._journey.pickup_done)

    @Slot(str, str, str, str)
    def lookupPolicies(self, uscc: str, industry: str, size: str, year: str) -> None:
        try:
            established = int(year.strip())
        except ValueError:
            established = 0  # the journey answers form.out_of_range at the field
        self._call(Intent.LOOKUP_POLICIES, self._journey.lookup_policies, uscc, industry, size,
                   established)

    @Slot(str)
    def applyPolicy(self, policy_id: str) -> None:
        self._call(Intent.APPLY_POLICY, self._journey.apply_policy, policy_id)

    # ------------------------------------------------------------------ helpers

    def _lang(self, language: str) -> Lang:
        for lang in LANGS:
            if lang == language:
                return lang
        raise BugError("journey.bug", f"language {language!r}")

    def _t(self, key: str | None) -> str:
        return translate(key, self._view.language) if key else ""

    def _item(self) -> ServiceItem | None:
        code = self._view.item_code
        if code is None:
            return None
        try:
            return self._catalog.item(code)
        except KeyError:
            return None

    def _current_material_id(self) -> str | None:
        view = self._journey.view()
        if view.state is not State.CAPTURE or not view.materials:
            return None
        return view.materials[view.material_index].material_id

    def _manual_kinds(self) -> list[str]:
        return [k for k in ("hkid", "home_return_permit")
                if k in self._config.terminal.identification]

    # ------------------------------------------------------------------ properties: global

    def _screen(self) -> str:
        v = self._view
        shown = v.beneath if v.state is State.IDLE_WARNING and v.beneath else v.state
        return shown.value

    screen = Property(str, _screen, notify=changed)

    @Property(str, notify=changed)
    def state(self) -> str:
        return self._view.state.value

    @Property(bool, notify=changed)
    def idleWarning(self) -> bool:
        return self._view.state is State.IDLE_WARNING

    @Property(str, notify=changed)
    def language(self) -> str:
        return self._view.language

    @Property(str, notify=changed)
    def keyboardLocale(self) -> str:
        return KEYBOARD_LOCALES[self._view.language]

    @Property(list, notify=changed)
    def languages(self) -> list[dict[str, str]]:
        return [{"code": c, "label": LANGUAGE_NAMES[c]} for c in self._config.terminal.languages]

    @Property(bool, notify=changed)
    def careMode(self) -> bool:
        return self._view.care_mode

    @Property(int, notify=tickChanged)
    def secondsLeft(self) -> int:
        return int(self._seconds_left + 0.999) if self._seconds_left >= 0 else -1

    @Property(bool, notify=changed)
    def inSession(self) -> bool:
        return self._view.state not in (State.ATTRACT, State.OUT_OF_SERVICE)

    @Property(bool, notify=changed)
    def canGoBack(self) -> bool:
        return Intent.BACK in allowed_intents(self._view.state)

    @Property(bool, notify=changed)
    def canGoHome(self) -> bool:
        return Intent.HOME in allowed_intents(self._view.state) and self._view.state is not State.HOME

    @Property(str, notify=changed)
    def notice(self) -> str:
        """The back office's notice for this terminal, in the session's language."""
        notice = self._live.notice
        return notice.get(self._view.language) or notice.get(self._config.default_language) or ""

    @Property(str, notify=staffCalledChanged)
    def staffCallText(self) -> str:
        key = {"calling": "help.calling", "open": "help.called", "acknowledged": "help.acknowledged",
               "closed": "help.closed", "unreachable": "help.unreachable"}.get(self._staff_state)
        return self._t(key) if key else ""

    @Property(str, notify=staffCalledChanged)
    def staffCallState(self) -> str:
        return self._staff_state

    @Property(bool, notify=staffCalledChanged)
    def staffCalled(self) -> bool:
        return self._staff_called

    @Property(str, notify=changed)
    def error(self) -> str:
        return self._t(self._view.error)

    @Property(str, notify=changed)
    def errorKey(self) -> str:
        return self._view.error or ""

    @Property(str, notify=changed)
    def idleText(self) -> str:
        return self._t("journey.idle_warning")

    @Property(str, notify=changed)
    def terminalName(self) -> str:
        return self._config.terminal.name.get(self._view.language)

    @Property(int, notify=changed)
    def stepIndex(self) -> int:
        screen = self._screen()
        return APPLICATION_STEPS.index(screen) if screen in APPLICATION_STEPS else -1

    @Property(str, notify=changed)
    def outOfServiceText(self) -> str:
        return self._t(self._view.out_of_service_key)

    # ------------------------------------------------------------------ attract, catalogue

    @Property(list, notify=changed)
    def highlights(self) -> list[str]:
        lang = self._view.language
        return [i.name.get(lang) for i in self._catalog.items() if i.kind == "application"][:6]

    @Property(list, notify=changed)
    def categories(self) -> list[dict[str, Any]]:
        lang = self._view.language
        out = [{"id": "", "name": "",  # "all": the screen's own label
                "selected": self._view.category is None and not self._view.query}]
        out += [{"id": c.id, "name": c.name.get(lang), "selected": c.id == self._view.category}
                for c in self._catalog.categories()]
        return out

    @Property(str, notify=changed)
    def query(self) -> str:
        return self._view.query

    @Property(list, notify=changed)
    def items(self) -> list[dict[str, Any]]:
        lang = self._view.language
        out = []
        for option in self._view.items:
            item = self._catalog.item(option.code)
            out.append({"code": option.code, "name": item.name.get(lang),
                        "department": item.department.get(lang),
                        "enabled": option.reason is None, "reason": self._t(option.reason)})
        return out

    # ------------------------------------------------------------------ service detail

    @Property(dict, notify=changed)
    def detail(self) -> dict[str, Any]:
        item = self._item()
        if item is None:
            return {}
        lang = self._view.language
        materials = [{"name": m.name.get(lang), "note": m.note.get(lang) if m.note else "",
                      "scanned": m.capture in ("document", "photo", "id_card")
                      and m.source != "shared_data",
                      "original": m.original_required} for m in item.materials]
        return {
            "code": item.code, "name": item.name.get(lang),
            "description": item.description.get(lang), "department": item.department.get(lang),
            "channel": self._t(f"channel.{item.channel}"), "visits": item.visits,
            "promisedDays": item.promised_days, "legalDays": item.legal_days,
            "fee": str(item.fee.amount_cny.normalize()),
            "feeBasis": item.fee.basis.get(lang) if item.fee.basis else "",
            "materials": materials,
        }

    # ------------------------------------------------------------------ identify

    @Property(bool, notify=changed)
    def cardReader(self) -> bool:
        return "id_card" in self._config.terminal.identification

    @Property(bool, notify=changed)
    def govAppOffered(self) -> bool:
        return ("gov_app_qr" in self._config.terminal.identification
                and self._gov_app is not None and bool(self._gov_app.enabled))

    @Property(str, notify=changed)
    def govAppPrompt(self) -> str:
        return self._t("identity.gov_app_prompt")

    @Property(str, notify=changed)
    def govAppChecking(self) -> str:
        return self._t("identity.gov_app_checking") if self._gov_app_pending is not None else ""

    @Property(list, notify=changed)
    def manualKinds(self) -> list[str]:
        return self._manual_kinds()

    @Property(str, notify=changed)
    def idMasked(self) -> str:
        return self._view.id_masked

    # ------------------------------------------------------------------ form

    @Property(int, notify=changed)
    def formPage(self) -> int:
        return self._view.form_page

    @Property(int, notify=changed)
    def formPages(self) -> int:
        return self._view.form_pages

    @Property(str, notify=changed)
    def formTitle(self) -> str:
        item = self._item()
        if item is None or (self._view.state is not State.FORM and self._screen() != "form"):
            return ""
        return item.form[self._view.form_page].title.get(self._view.language)

    @Property(list, notify=changed)
    def formFields(self) -> list[dict[str, Any]]:
        item = self._item()
        if item is None or self._screen() != "form":
            return []
        lang = self._view.language
        errors = dict(self._view.field_errors)
        out = []
        for f in item.form[self._view.form_page].fields:
            out.append({
                "id": f.id, "type": _field_type(f.type), "label": f.label.get(lang),
                "help": f.help.get(lang) if f.help else "", "required": f.required,
                "value": self._draft.get(f.id, ""), "error": self._t(errors.get(f.id)),
                "maxLength": f.max_length or 200,
                "choices": [{"value": c.value, "label": c.label.get(lang)} for c in f.choices],
            })
        return out

    # ------------------------------------------------------------------ capture

    @Property(dict, notify=changed)
    def material(self) -> dict[str, Any]:
        item = self._item()
        v = self._view
        if item is None or not v.materials or self._screen() != "capture":
            return {}
        status = v.materials[v.material_index]
        m = next(m for m in item.materials if m.id == status.material_id)
        lang = v.language
        return {
            "id": m.id, "name": m.name.get(lang), "note": m.note.get(lang) if m.note else "",
            "format": m.format, "pages": status.pages, "minPages": status.min_pages,
            "maxPages": status.max_pages,
            "required": status.required, "complete": status.complete,
            "satisfiedByCard": status.satisfied_by_card,
            "canAdd": status.pages < status.max_pages,
            "index": v.material_index, "count": len(v.materials),
            "thumbnails": self.previews.urls(m.id),
        }

    # ------------------------------------------------------------------ review, consent

    @Property(list, notify=changed)
    def reviewFields(self) -> list[dict[str, Any]]:
        item = self._item()
        if item is None or self._screen() != "review":
            return []
        lang = self._view.language
        values = dict(self._view.form_values)
        out = []
        for page, group in enumerate(item.form):
            for f in group.fields:
                value = values.get(f.id, "")
                if f.type == "choice":
                    value = next((c.label.get(lang) for c in f.choices if c.value == value), value)
                out.append({"page": page, "label": f.label.get(lang), "value": value})
        return out

    @Property(list, notify=changed)
    def reviewMaterials(self) -> list[dict[str, Any]]:
        item = self._item()
        if item is None or self._screen() != "review":
            return []
        lang = self._view.language
        names = {m.id: m.name.get(lang) for m in item.materials}
        return [{"id": s.material_id, "name": names[s.material_id], "pages": s.pages,
                 "byCard": s.satisfied_by_card} for s in self._view.materials]

    @Property(bool, notify=changed)
    def consentGiven(self) -> bool:
        return self._view.consent_given

    @Property(str, notify=changed)
    def itemName(self) -> str:
        item = self._item()
        if item is None and self._view.receipt is not None:
            item = self._catalog.item(self._view.receipt.item_code)
        return item.name.get(self._view.language) if item is not None else ""

    # ------------------------------------------------------------------ receipt, rating

    @Property(dict, notify=changed)
    def receipt(self) -> dict[str, Any]:
        r = self._view.receipt
        if r is None:
            return {}
        lang = self._view.language
        printing, a4 = self._print_key, self._a4_key
        failed = printing not in (None, "", "printing")
        print_text = {None: "", "": "receipt.printed", "printing": "receipt.printing"}.get(
            printing, "receipt.print_failed")
        a4_text = {None: "", "": "receipt.a4_printed", "printing": "receipt.a4_printing"}.get(
            a4, "receipt.a4_failed")
        return {"trackingNo": r.tracking_no,
                "qr": f"image://qr/{self._qr_payload or r.tracking_no}",
                "item": self._catalog.item(r.item_code).name.get(lang),
                "time": r.created_at.strftime("%Y-%m-%d %H:%M"),
                "submitted": translate("journey.submitted", lang),
                "nextSteps": translate("receipt.next_step.default", lang),
                "printState": "none" if printing is None else (
                    "failed" if failed else ("printed" if printing == "" else "printing")),
                "printText": self._t(print_text),
                "printReason": self._t(printing) if failed else "",
                "canPrintA4": failed and a4 not in ("printing", ""),
                "a4Label": translate("receipt.a4_button", lang),
                "a4Text": self._t(a4_text)}

    @Property(list, notify=changed)
    def ratingReasons(self) -> list[dict[str, str]]:
        return [{"code": r, "label": self._t(f"rating.reason.{r}")} for r in RATING_REASONS]

    # ------------------------------------------------------------------ status, pickup, policies

    @Property(dict, notify=changed)
    def statusResult(self) -> dict[str, Any]:
        row = self._view.status_row
        if row is None:
            return {}
        lang = self._view.language
        try:
            name = self._catalog.item(row.item_code).name.get(lang)
        except KeyError:
            name = row.item_code
        return {"trackingNo": row.tracking_no, "item": name,
                "status": self._t(f"status.{row.status}"), "statusCode": row.status,
                "updated": row.updated_at.strftime("%Y-%m-%d %H:%M"),
                "caseNo": row.case_no or ""}

    @Property(dict, notify=changed)
    def pickup(self) -> dict[str, Any]:
        job = self._view.pickup
        if job is None:
            return {}
        return {"trackingNo": job.tracking_no, "caseNo": job.case_no or "",
                "item": self._catalog.item(job.item_code).name.get(self._view.language)}

    @Property(list, notify=changed)
    def policies(self) -> list[dict[str, Any]]:
        lang = self._view.language
        by_id = {p.id: p for p in self._catalog.policies()}
        out = []
        for option in self._view.policies:
            p = by_id[option.policy_id]
            out.append({"id": p.id, "name": p.name.get(lang), "summary": p.summary.get(lang),
                        "benefit": p.benefit.get(lang), "department": p.department.get(lang),
                        "canApply": option.item_code is not None and option.reason is None,
                        "linked": option.item_code is not None, "reason": self._t(option.reason)})
        return out

    @Property(str, notify=changed)
    def noPolicyText(self) -> str:
        return self._t("policy.no_match")

    @Property(dict, notify=changed)
    def fieldErrors(self) -> dict[str, str]:
        return {k: self._t(v) for k, v in self._view.field_errors}

    # ------------------------------------------------------------------ for tests and the driver

    def view(self) -> JourneyView:
        return self._view

    def draft(self) -> Mapping[str, str]:
        return dict(self._draft)
