"""Drives the real UI through a scripted journey (the Qt sibling of :mod:`kiosk.demo`) and
saves a screenshot per step.

Steps use the headless demo's vocabulary where it makes sense, performed as a citizen would:
``start`` taps the attract screen, ``fill`` types into the form's fields (input-method commits,
which is what the on-screen keyboard sends) and taps the choices, ``capture`` places each page
under the simulated camera and waits for the live pipeline to auto-capture it (without a
camera: taps "capture page"), ``retake`` re-captures one page; ``insert_card`` places the
card on the GA 467 reader simulator (``card_reader``) so that it travels through the real
driver and the UI's poll thread, then lifts it once the screen has taken it (without a
simulator: the seeded card is handed to the bridge from another thread, as the reader thread
does). ``show_gov_app_qr`` holds the government app's login QR (minted by the demo's issuer,
:class:`~kiosk.identity.govapp.GovAppSimulator`, for ``subject``) in front of the simulated
camera (``camera``) at the card step: the real scanner decodes it, the terminal checks it and
the back office resolves it (the demo's local back office: ``kiosk demo`` starts it for scripts
with this step); a screenshot of the "checking" state is taken, and the step ends on the
prefilled form. UI-level steps::

    {"do": "tap", "name": "<objectName>"}
    {"do": "type", "name": "<objectName>", "text": "…"}   an input-method commit into a field
    {"do": "keys", "name": "<objectName>", "keys": "gongsi "}   taps on the on-screen keyboard
    {"do": "expect", "screen": "form"}            fails the step if another screen shows
    {"do": "wait", "seconds": 120}                 the accelerated clock; ticks once a second
    {"do": "shot", "name": "after-wipe"}           an extra screenshot
    {"do": "capture", "material": "articles", "pages": 2, "finish": false}   stay on the screen
    {"do": "retake", "page": 1}                    re-capture page 1 of the material on screen
    {"do": "show_gov_app_qr", "subject": "demo-citizen-0001"}   the app's QR at the card step
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final

from PySide6.QtCore import QCoreApplication, QEvent, QMetaObject, QPoint, QPointF, Qt
from PySide6.QtGui import QGuiApplication, QInputMethodEvent
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest

from kiosk.journey import FakeClock, Journey, State
from kiosk.ui.window import KioskWindow

__all__ = ["BACKOFFICE_STEPS", "ScriptDriver", "StepFailed", "find_item", "walk_items"]

log = logging.getLogger(__name__)

#: steps that need a back office to answer (``kiosk demo`` starts the demo's local one for them)
BACKOFFICE_STEPS: Final = frozenset({"show_gov_app_qr"})


class StepFailed(Exception):
    """A script step could not be performed (a missing button, the wrong screen)."""


def process_events() -> None:
    """One turn of the event loop as the running kiosk has it: the pending events, then the
    deletions that ``deleteLater()`` queued. A script runs outside ``QCoreApplication.exec()``,
    and there ``processEvents()`` alone never runs a deletion queued outside an event handler
    (Qt keeps it for "when control returns to the event loop"). The driver's typing focuses
    fields from such code, and the on-screen keyboard replaces its layout for each input hint:
    a long scripted run kept every replaced layout (~5 MB per application in the soak
    benchmark) where the kiosk, inside ``exec()``, deletes them."""
    QCoreApplication.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def walk_items(root: QQuickItem) -> Iterator[QQuickItem]:
    """Every item of the visual tree under ``root`` (depth first, ``root`` included)."""
    stack = [root]
    while stack:
        item = stack.pop()
        yield item
        stack.extend(reversed(item.childItems()))


def lay_out(root: QQuickItem) -> None:
    """Run the layout Qt would run before drawing the next frame. Positioners (Column, Grid,
    …) and layouts place their children in a polish pass just before a frame is drawn, so an
    item of a screen built a moment ago may still sit where it was created; a citizen only ever
    taps what a drawn frame shows. Children before their parents: an inner positioner's size
    moves what the outer one places."""
    placing = [item for item in walk_items(root)
               if item.inherits("QQuickBasePositioner") or item.inherits("QQuickLayout")]
    for item in reversed(placing):
        item.ensurePolished()


def receivers_at(root: QQuickItem, point: QPointF) -> list[QQuickItem]:
    """The visible, enabled items under ``root`` that take mouse presses at ``point`` (scene
    pixels), in the order a press tries them: children before their parent, the higher ``z``
    (then the later-declared) first."""
    found: list[QQuickItem] = []

    def visit(item: QQuickItem) -> None:
        if not item.isVisible():
            return
        for child in reversed(sorted(item.childItems(), key=lambda c: c.z())):
            visit(child)
        if (item.isEnabled() and item.acceptedMouseButtons() != Qt.MouseButton.NoButton
                and item.contains(item.mapFromScene(point))):
            found.append(item)

    visit(root)
    return found


def describe(item: QQuickItem) -> str:
    """``item``'s objectName, or its class and the nearest named item it lies in."""
    if item.objectName():
        return item.objectName()
    named = item.parentItem()
    while named is not None and not named.objectName():
        named = named.parentItem()
    return item.metaObject().className() + (f" in {named.objectName()}" if named is not None else "")


def find_item(root: QQuickItem, name: str, *, visible: bool = True) -> QQuickItem | None:
    for item in walk_items(root):
        if item.objectName() == name and (not visible or item.isVisible()):
            return item
    return None


class ScriptDriver:
    def __init__(self, window: KioskWindow, journey: Journey, clock: FakeClock, *,
                 screenshots: Path | None = None,
                 card_factory: Callable[[str], Any] | None = None,
                 card_reader: Any = None, camera: Any = None) -> None:
        self.window = window
        self.card_reader = card_reader
        self.camera = camera  # the camera simulator (show_image): codes held up to the camera
        self.journey = journey
        self.clock = clock
        self.screenshots = screenshots
        self.card_factory = card_factory
        self.last_receipt: str | None = None
        self.shots: list[Path] = []
        # where the last tap landed (scene pixels) and on what: a failure's log line says it
        self.last_tap: tuple[str, QPoint] | None = None
        # a screenshot of the screen at each of the first ``failure_shots_left`` failed steps
        self.failure_shots: Path | None = None
        self.failure_shots_left = 0
        # the script is the citizen's hands: the demo's simulated citizen stays out of the way
        window.capture.demo_feed = False
        if screenshots is not None:
            screenshots.mkdir(parents=True, exist_ok=True)

    # ------------------------------------------------------------------ plumbing

    def settle(self, timeout_s: float = 10.0) -> None:
        """Process events until the view model shows the journey's current view."""
        deadline = time.monotonic() + timeout_s
        session = self.window.session
        while True:
            process_events()
            loader = find_item(self.window.root, "screenLoader", visible=False)
            ready = loader is None or loader.property("item") is not None
            if session.view() == self.journey.view() and ready:
                QCoreApplication.processEvents()
                return
            if time.monotonic() > deadline:
                raise StepFailed(f"the UI did not settle in {self.journey.state.value}")
            time.sleep(0.005)

    def item(self, name: str) -> QQuickItem:
        found = find_item(self.window.root, name)
        if found is None:
            raise StepFailed(f"no visible item {name!r} on {self.window.session.screen}")
        return found

    def _scroll_into_view(self, item: QQuickItem) -> None:
        parent = item.parentItem()
        while parent is not None:
            if parent.inherits("QQuickFlickable"):
                top = item.mapToItem(parent.property("contentItem"), QPointF(0, 0)).y()
                height = parent.height()
                max_y = max(0.0, float(parent.property("contentHeight")) - height)
                if top < parent.property("contentY") or top + item.height() > parent.property(
                        "contentY") + height:
                    parent.setProperty("contentY", min(max_y, max(0.0, top - 20)))
                    QCoreApplication.processEvents()
                return
            parent = parent.parentItem()

    def tap(self, name: str) -> None:
        item = self.item(name)
        if not item.isEnabled():
            raise StepFailed(f"{name!r} is disabled")
        self.tap_item(item)

    def tap_item(self, item: QQuickItem) -> None:
        lay_out(self.window.root)  # where the screen shows it, not where it was created
        self._scroll_into_view(item)
        centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
        keyboard = find_item(self.window.root, "keyboard")
        if keyboard is not None and item is not keyboard and not keyboard.isAncestorOf(item):
            top_left = keyboard.mapToScene(QPointF(0, 0))
            covered = (top_left.x() <= centre.x() <= top_left.x() + keyboard.width()
                       and top_left.y() <= centre.y() <= top_left.y() + keyboard.height())
            if covered:  # the citizen closes the keyboard first (its hide key)
                hide = next((i for i in walk_items(keyboard) if i.isVisible() and
                             i.metaObject().className().startswith("HideKeyboardKey")), None)
                if hide is None:
                    raise StepFailed("the keyboard covers the target and cannot be hidden")
                self.tap_item(hide)
                self._scroll_into_view(item)
                centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
        self.last_tap = (describe(item), QPoint(centre))
        QTest.mouseClick(self.window.view, Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier, QPoint(centre))
        self.settle()

    def type(self, name: str, text: str) -> None:
        """Focus the field, clear it and commit ``text`` as the on-screen keyboard does."""
        field = self.item(name)
        lay_out(self.window.root)
        self._scroll_into_view(field)
        field.forceActiveFocus()
        QMetaObject.invokeMethod(field, "selectAll")
        QCoreApplication.processEvents()
        event = QInputMethodEvent("", [])
        event.setCommitString(text)
        QGuiApplication.sendEvent(field, event)
        self.settle()

    def keys(self, name: str, keys: str) -> None:
        """Tap ``name`` and then the on-screen keyboard's keys, one per character (a space is
        the space bar: in Pinyin and Cangjie it commits the first candidate)."""
        self.tap(name)
        keyboard = self.item("keyboard")
        for ch in keys:
            visible = [i for i in walk_items(keyboard) if i.isVisible()]
            if ch == " ":
                key = next((i for i in visible
                            if i.metaObject().className().startswith("SpaceKey")), None)
            else:
                key = next((i for i in visible if i.property("key") is not None
                            and i.property("text") == ch), None)
            if key is None:
                raise StepFailed(f"no key {ch!r} on the keyboard")
            self.tap_item(key)

    def shot(self, label: str) -> Path | None:
        if self.screenshots is None:
            return None
        path = self.screenshots / f"{len(self.shots) + 1:02d}-{label}.png"
        if not self.window.grab().save(str(path)):
            raise StepFailed(f"could not save {path}")
        self.shots.append(path)
        return path

    # ------------------------------------------------------------------ steps

    def run(self, steps: list[dict[str, Any]]) -> int:
        self.settle()
        self.shot(f"start-{self.window.session.screen}")
        failures = 0
        for n, step in enumerate(steps, 1):
            name = step["do"]
            args = {k: self._expand(v) for k, v in step.items() if k not in ("do", "note")}
            expect_error = bool(args.pop("expect_error", False))
            try:
                self.perform(name, args)
                view = self.journey.view()
                if (view.error or view.field_errors) and not expect_error:
                    raise StepFailed(f"refused: {view.error or dict(view.field_errors)}")
            except StepFailed as err:
                failures += 1
                log.error("step %d (%s) failed: %s%s", n, name, err, self._failure_context(name))
            self.shot(f"{name}-{self.journey.state.value}")
        return failures

    def _failure_context(self, step: str) -> str:
        """What the log line of a failed step adds: the screen state, where the last tap
        landed and what lies there now, and (while ``failure_shots_left``) a screenshot."""
        parts = [f"state {self.journey.state.value}"]
        if self.last_tap is not None:
            name, point = self.last_tap
            under = receivers_at(self.window.root, QPointF(point))[:3]
            parts.append(f"last tap {name} at ({point.x()}, {point.y()}), now taken there by "
                         + (", then ".join(describe(i) for i in under) or "nothing"))
        if self.window.session.property("idleWarning"):
            parts.append("idle warning shown")
        if self.failure_shots is not None and self.failure_shots_left > 0:
            self.failure_shots_left -= 1
            self.failure_shots.mkdir(parents=True, exist_ok=True)
            stamp = f"{time.strftime('%H%M%S')}-{self.failure_shots_left}"
            path = self.failure_shots / f"failed-{stamp}-{step}.png"
            if self.window.grab().save(str(path)):
                parts.append(f"screenshot {path}")
        return " (" + "; ".join(parts) + ")"

    def _expand(self, value: Any) -> Any:
        return (self.last_receipt or "") if value == "$receipt" else value

    def perform(self, name: str, a: dict[str, Any]) -> None:
        s = self.window.session
        simple = {
            "start": "startButton", "choose_apply": "homeApply",
            "choose_status_check": "homeStatus", "choose_result_pickup": "homePickup",
            "choose_policy_lookup": "homePolicies", "begin_application": "beginApplication",
            "confirm_review": "confirmReview",
            "continue_to_rating": "continueToRating", "skip_rating": "skipRating",
            "done": "done", "finish": "finish", "home": "homeButton", "back": "backButton",
            "still_here": "stillHere", "pickup_done": "pickupDone",
        }
        if name in simple:
            self.tap(simple[name])
        elif name == "tap":
            self.tap(a["name"])
        elif name == "type":
            self.type(a["name"], str(a["text"]))
        elif name == "keys":
            self.keys(a["name"], str(a["keys"]))
        elif name == "expect":
            if s.screen != a["screen"]:
                raise StepFailed(f"expected {a['screen']}, showing {s.screen}")
        elif name == "shot":
            self.shot(a.get("name", "shot"))
        elif name in ("choose_language", "set_language"):
            self.tap(("choose_" if name == "choose_language" else "lang_") + a["language"])
        elif name == "set_care_mode":
            if bool(a.get("on", True)) != bool(s.property("careMode")):
                self.tap("careMode")
        elif name == "browse_category":
            self.tap(f"category_{a.get('category') or 'all'}")
        elif name == "search":
            self.type("searchField", a["query"])
        elif name == "select_item":
            self.tap(f"item_{a['code']}")
        elif name == "insert_card":
            self.insert_card(a.get("card", "resident"))
        elif name == "show_gov_app_qr":
            self.show_gov_app_qr(str(a.get("subject", "demo-citizen-0001")))
        elif name == "enter_id_manually":
            if len(s.property("manualKinds") or ()) > 1:
                self.tap(f"idKind_{a['kind']}")
            self.type("idNumber", a["number"])
            if a.get("name"):
                self.type("idName", a["name"])
            self.tap("confirmId")
        elif name == "fill":
            self.fill(a["values"])
        elif name == "finish_material":
            self.finish_material()
        elif name == "capture":
            self.capture(a.get("material"), int(a.get("pages", 1)), finish=bool(a.get("finish", True)))
        elif name == "retake":
            self.retake(int(a["page"]))
        elif name == "accept_consent":
            if not s.consentGiven:
                self.tap("consentToggle")
        elif name == "submit":
            self.submit()
        elif name == "rate":
            self.tap(f"level_{int(a['level'])}")
            for reason in a.get("reasons", ()):
                self.tap(f"reason_{reason}")
            self.tap("sendRating")
        elif name == "lookup_status":
            self.type("trackingField", a["tracking_no"])
            self.tap("lookupStatus")
        elif name == "enter_pickup_tracking":
            self.type("pickupTrackingField", a["tracking_no"])
            self.tap("enterPickupTracking")
        elif name == "lookup_policies":
            self.type("usccField", a["uscc"])
            self.tap(f"industry_{a['industry']}")
            self.tap(f"size_{a['size']}")
            self.type("yearField", str(a["established_year"]))
            self.tap("lookupPolicies")
        elif name == "apply_policy":
            self.tap(f"applyPolicy_{a['policy_id']}")
        elif name == "cancel":
            s.cancel()  # the citizen walks off; a technician's cancel in the real kiosk
            self.settle()
        elif name == "wait":
            self.wait(float(a["seconds"]))
        else:
            raise StepFailed(f"unknown step {name!r}")

    def insert_card(self, card: str) -> None:
        if self.card_reader is not None:
            self._insert_on_reader(card)
            return
        if self.card_factory is None:
            raise StepFailed("no simulated card reader")
        document = self.card_factory(card)
        # the reader's own thread delivers the card: through the bridge's queued signal
        reader = threading.Thread(target=self.window.bridge.deliver_card, args=(document,),
                                  name="sim-card-reader")
        reader.start()
        reader.join()
        self.settle()

    def _insert_on_reader(self, card: str) -> None:
        before = self.journey.view()
        self.card_reader.insert_card(card)
        try:
            deadline = time.monotonic() + 15
            while True:  # the poll thread reads it; the bridge delivers it queued
                QCoreApplication.processEvents()
                view = self.journey.view()
                if view.state is not before.state or view.id_masked != before.id_masked \
                        or (view.error and view.error != before.error):
                    break
                if time.monotonic() > deadline:
                    raise StepFailed("the card on the reader was not read")
                time.sleep(0.01)
        finally:
            self.card_reader.remove_card()  # the citizen takes the card back
        self.settle()

    def show_gov_app_qr(self, subject: str) -> None:
        """The citizen holds the government app's login QR up to the camera at the card step.
        The screen says it is checking while the back office resolves the token (screenshot
        ``gov_app_checking``); the step ends when the identity has moved the journey on (or an
        error is shown: ``run`` reports it)."""
        from kiosk.devices.exercise import qr_image
        from kiosk.identity.govapp import GovAppSimulator

        if self.camera is None:
            raise StepFailed("no simulated camera to show the code to")
        if self.journey.state is not State.IDENTIFY:
            raise StepFailed(f"not at the card step ({self.journey.state.value})")
        session = self.window.session
        before = self.journey.view()
        self.camera.show_image(qr_image(GovAppSimulator().token(subject)))
        checking = False
        try:
            deadline = time.monotonic() + 30
            while True:
                QCoreApplication.processEvents()
                # the resolve's answer comes back as a posted event: never in the same pass as
                # the scanned code that started it, so the checking state is seen here
                if not checking and session.property("govAppChecking"):
                    checking = True
                    self.shot("gov_app_checking")
                view = self.journey.view()
                if view.state is not State.IDENTIFY or (view.error and view.error != before.error):
                    break
                if time.monotonic() > deadline:
                    raise StepFailed("the government-app code was not taken")
                time.sleep(0.005)
        finally:
            self.camera.show_image(None)  # the citizen puts the phone away
        self.settle()
        if not checking and not self.journey.view().error:
            raise StepFailed("the checking state was not shown")

    # ------------------------------------------------------------------ capture

    def _material_pages(self) -> int:
        view = self.journey.view()
        if view.state is not State.CAPTURE or not view.materials:
            raise StepFailed(f"not capturing ({view.state.value})")
        return view.materials[view.material_index].pages

    def capture(self, material: str | None, pages: int, *, finish: bool = True) -> None:
        """Capture ``pages`` pages of the material on screen, then tap "Next" (``finish``).

        With the simulated camera the live path runs: each sheet is placed under the camera
        (:class:`~kiosk.capture.scene.ScenePlayer`) and the real pipeline finds, gates and
        auto-captures it; the step waits for the page to reach the journey. Without a camera
        (tests that simulate devices without drivers) it taps "Capture page", which takes the
        page source's synthetic page."""
        shown = (self.window.session.property("material") or {}).get("id")
        if material is not None and shown != material:
            raise StepFailed(f"capturing {material!r} but the screen shows {shown!r}")
        capture = self.window.capture
        scenes = capture.scenes
        if scenes is None or capture.worker is None:
            for _ in range(pages):
                self.tap("capturePage")
        else:
            fmt = (self.window.session.property("material") or {}).get("format", "a4")
            for _ in range(pages):
                before = self._material_pages()
                scenes.place(fmt, before + 1)
                self._wait_for(lambda: self._material_pages() > before  # noqa: B023 - waited here
                               or self.journey.view().error is not None,
                               "the page under the camera was not captured")
                if self.journey.view().error is not None:
                    break
        if finish:
            self.finish_material()

    def finish_material(self) -> None:
        """Tap "Next". With the simulated camera the citizen first takes the sheet away, and
        the next material's screen is shown once the preview shows the empty desk."""
        capture = self.window.capture
        scenes = capture.scenes
        live = scenes is not None and capture.worker is not None and capture.running
        if live and scenes is not None:
            scenes.clear()
        self.tap("finishMaterial")
        if live and self.journey.state is State.CAPTURE:
            self._wait_for(lambda: capture.frames_since_change >= 2
                           and capture.guidance_key() == "capture.no_page",
                           "the preview did not show the empty desk")

    def retake(self, page: int) -> None:
        """Tap "Retake" on page ``page`` (1-based) and, with the simulated camera, put that sheet
        under the camera again and wait until the new capture replaced it."""
        capture = self.window.capture
        previews = self.window.session.previews
        generation = previews.generation
        self.tap(f"retake_{page - 1}")
        scenes = capture.scenes
        if scenes is None or capture.worker is None:
            return  # the page source replaced it at once
        fmt = (self.window.session.property("material") or {}).get("format", "a4")
        scenes.place(fmt, page)
        self._wait_for(lambda: capture.retake_index() < 0 and previews.generation != generation,
                       "the retaken page was not captured")

    def _wait_for(self, condition: Callable[[], bool], failure: str, timeout_s: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_s
        while not condition():
            if time.monotonic() > deadline:
                raise StepFailed(failure)
            QCoreApplication.processEvents()
            time.sleep(0.01)
        self.settle()

    def fill(self, values: dict[str, str]) -> None:
        kinds = {f["id"]: f["type"] for f in self.window.session.property("formFields") or ()}
        for field_id, value in values.items():
            if field_id not in kinds:
                raise StepFailed(f"no field {field_id!r} on this page")
            if kinds[field_id] == "choice":
                self.tap(f"choice_{field_id}_{value}")
            else:
                self.type(f"field_{field_id}", str(value))
        self.tap("submitPage")

    def submit(self) -> None:
        self.tap("submitApplication")
        deadline = time.monotonic() + 30
        while self.journey.state is State.SUBMITTING:
            if time.monotonic() > deadline:
                raise StepFailed("the commit did not return")
            QCoreApplication.processEvents()
            time.sleep(0.01)
        self.settle()
        receipt = self.journey.view().receipt
        if receipt is not None:
            self.last_receipt = receipt.tracking_no
        # the receipt printer's answer (printed, or the QR/A4 fallback) on the screenshot
        while (self.window.session.property("receipt") or {}).get("printState") == "printing":
            if time.monotonic() > deadline:
                raise StepFailed("the receipt printer did not answer")
            QCoreApplication.processEvents()
            time.sleep(0.01)

    def wait(self, seconds: float) -> None:
        waited = 0.0
        while waited < seconds:
            self.clock.advance(1.0)
            waited += 1.0
            self.window.session.tick()
        self.settle()
