"""The capture screen's live camera: QML sees it as ``capture``.

:class:`CaptureModel` runs a :class:`~kiosk.capture.live.LiveCapture` worker (its own thread)
while — and only while — the journey is in the CAPTURE state, and shows what it reports: the
preview frame (``image://camera/<generation>``, served by :class:`CameraImageProvider` from the
session's :class:`~kiosk.ui.models.previews.PreviewStore`, so it is wiped with the session),
the detected page outline (normalised to the preview, for the screen's polygon), the quality
gate's guidance translated into the session language, and the auto-capture progress. A page
the worker keeps (auto-capture, or the citizen's "Capture page") goes to the journey through
the session model (:meth:`SessionModel.add_captured_page` / ``replace_captured_page``); a
"Retake" arms the next capture to replace that page instead of adding one.

Frames reach the GUI thread through :attr:`JourneyBridge.captureFrame` (queued). Each carries
the *tag* the worker had when it analysed the frame; a frame analysed for an earlier material
(or before a stop) is dropped, so a late page can never land on the wrong material.

Simulator: with a :class:`~kiosk.capture.scene.ScenePlayer` attached and :attr:`demo_feed` on
(the demo profile's interactive kiosk), the simulated citizen puts the next sheet under the
camera whenever the screen waits for one (a required page missing, a retake armed, "Capture
page" tapped over an empty desk); rendering runs on the capture worker, not the GUI thread. A
script (:class:`~kiosk.ui.driver.ScriptDriver`) turns the feed off and places sheets itself.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Final

from PySide6.QtCore import Property, QObject, QSize, Qt, Signal, Slot
from PySide6.QtGui import QImage
from PySide6.QtQuick import QQuickImageProvider

from kiosk.capture.guidance import CAPTURED, NO_PAGE, READY, TAKE_AWAY
from kiosk.devices.camera.port import OFFLINE_KEY
from kiosk.journey import State
from kiosk.messages import translate

if TYPE_CHECKING:
    from kiosk.capture.document import PageFormat
    from kiosk.capture.live import LiveAnalyser, LiveCapture, LiveFrame
    from kiosk.capture.scene import ScenePlayer
    from kiosk.ui.bridge import JourneyBridge
    from kiosk.ui.models.previews import PreviewStore
    from kiosk.ui.models.session import SessionModel

__all__ = ["CameraImageProvider", "CaptureModel"]

log = logging.getLogger(__name__)

_FORMATS: Final = ("a4", "id_card", "business_licence", "photo")


class CameraImageProvider(QQuickImageProvider):
    """``image://camera/<generation>`` → the latest preview frame (a blank one once wiped)."""

    def __init__(self, store: PreviewStore) -> None:
        super().__init__(QQuickImageProvider.ImageType.Image)
        self._store = store

    def requestImage(self, image_id: str, size: QSize, requested: QSize) -> QImage:
        image = self._store.live_image()
        if image is None:  # wiped or stopped meanwhile: never an old frame
            image = QImage(16, 9, QImage.Format.Format_RGB32)
            image.fill(Qt.GlobalColor.black)
        else:
            image = image.copy()
        size.setWidth(image.width())
        size.setHeight(image.height())
        return image


class CaptureModel(QObject):
    changed = Signal()
    frameChanged = Signal()

    def __init__(self, session: SessionModel, bridge: JourneyBridge,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._bridge = bridge
        self._previews: PreviewStore = session.previews
        self._camera: Any = None
        self._live: LiveCapture | None = None
        self._scenes: ScenePlayer | None = None
        self.demo_feed = True  # the simulated citizen places sheets (interactive demo only)
        self._tag = 0  # bumped on every start/stop/material change
        self._material: str | None = None
        self._fmt: PageFormat = "a4"
        self._retake = -1
        self._outline: list[float] = []
        self._guidance = ""
        self._state = "stopped"
        self._progress = 0.0
        self._sheet: tuple[str, int] | None = None  # what the feed last put down
        self._taken_here = False  # a page was kept since the material (tag) changed
        self.frames_since_change = 0  # frames shown since the material (tag) changed
        bridge.captureFrame.connect(self._on_frame, Qt.ConnectionType.QueuedConnection)
        session.changed.connect(self._sync)
        session.wiped.connect(self._on_wiped)
        session.attach_capture(self)

    # ------------------------------------------------------------------ wiring

    def attach_camera(self, camera: Any, *, scenes: ScenePlayer | None = None) -> None:
        """The camera port (real driver or simulator); ``scenes``: the simulator's hands."""
        self._stop_worker()
        self._camera = camera
        self._scenes = scenes
        usable = callable(getattr(camera, "wait_frame", None))
        from kiosk.capture.live import LiveCapture  # OpenCV: after the first frame

        self._live = LiveCapture(camera, self._bridge.deliver_capture_frame) if usable else None
        self._sync()
        self.changed.emit()

    @property
    def worker(self) -> LiveCapture | None:
        return self._live

    @property
    def scenes(self) -> ScenePlayer | None:
        return self._scenes

    def close(self) -> None:
        self._stop_worker()
        if self._scenes is not None:
            self._scenes.release()

    # ------------------------------------------------------------------ following the journey

    def _wanted(self) -> dict[str, Any] | None:
        """The current material while the journey is in CAPTURE, else None."""
        if self._session.view().state is not State.CAPTURE:
            return None
        material: dict[str, Any] = self._session.property("material") or {}
        return material or None

    @Slot()
    def _sync(self) -> None:
        material = self._wanted()
        if material is None or self._camera is None:
            if self._retake >= 0 and material is None:
                self._retake = -1
            self._stop_worker()
            return
        fmt: PageFormat = material["format"] if material.get("format") in _FORMATS else "a4"
        if self._retake >= int(material.get("pages", 0)):
            self._retake = -1  # the page went (removed)
        if self._live is None:  # a camera that could not be opened
            self._set(state="offline", guidance=OFFLINE_KEY)
            return
        if material["id"] != self._material or fmt != self._fmt or not self._live.running:
            self._material, self._fmt = material["id"], fmt
            self._tag += 1
            self._taken_here = False
            self.frames_since_change = 0
            tag = self._tag

            def switch(analyser: LiveAnalyser) -> None:
                analyser.fmt, analyser.tag = fmt, tag

            self._live.submit(switch)
            if not self._live.running:
                log.info("camera preview started")
            self._outline, self._progress = [], 0.0  # nothing is claimed before a new frame
            self._set(state="searching", guidance=NO_PAGE)
            self._live.start()
        self._feed(material)

    def _stop_worker(self) -> None:
        running = self._live is not None and self._live.running
        if not running and self._state == "stopped" and self._previews.live_image() is None:
            return  # nothing shown, nothing to stop
        if self._live is not None and running:
            self._live.stop()
            log.info("camera preview stopped")
            if self._scenes is not None and self.demo_feed:
                self._scenes.clear()  # the citizen takes the sheet away
                self._sheet = None
        self._tag += 1
        self._taken_here = False
        self._material = None
        self._previews.clear_live()
        self._outline = []
        self._progress = 0.0
        self._state = "stopped"
        self._guidance = ""
        self.frameChanged.emit()
        self.changed.emit()

    def _feed(self, material: dict[str, Any], *, force: bool = False) -> None:
        """Demo: the simulated citizen puts the sheet the screen waits for under the camera."""
        if self._scenes is None or not self.demo_feed or self._live is None:
            return
        pages = int(material.get("pages", 0))
        if self._retake >= 0:
            sheet: tuple[str, int] | None = (material["id"], self._retake + 1)
        elif force or not material.get("complete", True):
            sheet = (material["id"], pages + 1)
        else:
            sheet = None
        if sheet == self._sheet and not force:
            return
        self._sheet = sheet
        scenes, fmt = self._scenes, self._fmt
        page = 0 if sheet is None else sheet[1]

        def hands(_analyser: LiveAnalyser) -> None:  # on the worker: rendering takes a while
            if page:
                scenes.place(fmt, page)
            else:
                scenes.clear()

        self._live.submit(hands)

    @Slot()
    def _on_wiped(self) -> None:
        self._retake = -1
        self._stop_worker()
        if self._live is not None:
            self._live.reset()  # no auto-capture memory crosses sessions

    # ------------------------------------------------------------------ frames in (GUI thread)

    @Slot(object)
    def _on_frame(self, frame: LiveFrame) -> None:
        if frame.tag != self._tag or self._live is None or not self._live.running:
            return  # analysed for another material, or the preview stopped meanwhile
        self.frames_since_change += 1
        if frame.preview is not None:
            h, w = frame.preview.shape[:2]
            image = QImage(frame.preview.data, w, h, frame.preview.strides[0],
                           QImage.Format.Format_BGR888)
            self._previews.set_live(image)  # copies: the numpy buffer is not kept
            if frame.quad is not None:
                self._outline = [round(float(v), 4) for x, y in frame.quad
                                 for v in (x / w, y / h)]
            else:
                self._outline = []
        else:
            self._previews.clear_live()
            self._outline = []
        self._state, self._progress = frame.state, frame.progress
        self._guidance = frame.guidance
        if frame.page is not None and self._material is not None:
            self._taken_here = True
            self._keep(frame)
        elif frame.state == "cooldown" and not self._taken_here:
            # the sheet lying there was taken already (for the last material, or it is the
            # page being retaken): it will not be taken again until it is moved or replaced
            self._guidance = TAKE_AWAY
        self.frameChanged.emit()

    def _keep(self, frame: LiveFrame) -> None:
        page = frame.page
        assert page is not None  # noqa: S101 - checked by the caller
        material = self._material
        assert material is not None  # noqa: S101
        if self._retake >= 0:
            index, self._retake = self._retake, -1
            self._session.replace_captured_page(material, index, page.jpeg, page.thumbnail)
        else:
            self._session.add_captured_page(material, page.jpeg, page.thumbnail)
        self.changed.emit()

    def _set(self, *, state: str, guidance: str) -> None:
        self._state, self._guidance = state, guidance
        self.frameChanged.emit()

    # ------------------------------------------------------------------ intents (QML)

    @property
    def live(self) -> bool:
        """A camera is wired (else the session falls back to its page source)."""
        return self._camera is not None

    def shutter(self) -> None:
        """"Capture page": the next frame with a page is kept, whatever the gate says."""
        if self._live is None or not self._live.running:
            return
        material = self._wanted()
        if material is not None and self._sheet is None:
            self._feed(material, force=True)  # demo: the citizen puts a sheet down first
        self._live.shutter()

    def retake(self, index: int) -> None:
        """Replace page ``index`` with the next capture."""
        material = self._wanted()
        if material is None or not 0 <= index < int(material.get("pages", 0)):
            return
        self._retake = index
        self._taken_here = False
        self._feed(material)
        self.changed.emit()

    @Slot()
    def cancelRetake(self) -> None:
        self._retake = -1
        material = self._wanted()
        if material is not None:
            self._feed(material)
        self.changed.emit()

    def page_removed(self, index: int) -> None:
        if self._retake == index:
            self._retake = -1
        elif self._retake > index:
            self._retake -= 1
        self.changed.emit()

    def guidance_key(self) -> str:
        """:attr:`guidanceKey` for Python callers (the script driver, tests)."""
        return self._guidance

    def retake_index(self) -> int:
        return self._retake

    # ------------------------------------------------------------------ properties

    @Property(bool, notify=changed)
    def cameraWired(self) -> bool:
        return self._camera is not None

    @Property(bool, notify=frameChanged)
    def running(self) -> bool:
        return self._live is not None and self._live.running

    @Property(str, notify=frameChanged)
    def frameUrl(self) -> str:
        return self._previews.live_url()

    @Property(list, notify=frameChanged)
    def outline(self) -> list[float]:
        """TL, TR, BR, BL as x0, y0, … x3, y3 in 0..1 of the preview (empty: no page)."""
        return list(self._outline)

    @Property(str, notify=frameChanged)
    def state(self) -> str:
        return self._state

    @Property(str, notify=frameChanged)
    def guidanceKey(self) -> str:
        return self._guidance

    @Property(str, notify=frameChanged)
    def guidance(self) -> str:
        if not self._guidance:
            return ""
        return translate(self._guidance, self._session.view().language)

    @Property(float, notify=frameChanged)
    def progress(self) -> float:
        return self._progress

    @Property(bool, notify=frameChanged)
    def ready(self) -> bool:
        """The page passes the gate (steadying or just captured): the outline turns green."""
        return self._guidance in (READY, CAPTURED) or self._state == "steadying"

    @Property(int, notify=changed)
    def retakeIndex(self) -> int:
        return self._retake
