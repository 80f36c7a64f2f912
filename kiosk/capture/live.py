"""The live capture worker: camera frames → preview, page outline, guidance, captured pages.

Qt-free. :class:`LiveAnalyser` is the per-frame step (pure apart from its auto-capture state):
find the page (:func:`~kiosk.capture.document.find_page`), gate it
(:func:`~kiosk.capture.quality.check`), feed :class:`~kiosk.capture.autocapture.AutoCapture`,
and when it fires (or the citizen pressed the shutter) dewarp and deskew the page and encode it.
:class:`LiveCapture` runs the analyser on a thread of its own, pulling the newest frame from the
:class:`~kiosk.devices.camera.port.Camera` port at a bounded rate (frames that arrive meanwhile
are skipped: only the latest matters), and hands each :class:`LiveFrame` to a callback *on that
thread* — the UI turns it into a queued signal (``kiosk/ui/bridge.py``).

A :class:`LiveFrame` carries:

* ``preview``: the frame downscaled to ``preview_width`` (BGR) — what the screen shows;
* ``quad``: the detected page outline in *preview* pixels (TL TR BR BL) or ``None``;
* ``guidance``: a message key (``kiosk.messages``): ``capture.no_page`` (place the document),
  ``capture.too_small`` (move closer), ``capture.cut_off``, ``capture.glare`` (tilt the page),
  ``capture.blurry`` / ``capture.hold_still``, ``capture.ready`` (steadying: capturing
  automatically), ``capture.captured`` (just captured; the same sheet is not taken twice —
  the UI says ``capture.take_away`` when that sheet was taken for an earlier material),
  ``device.camera.offline`` when no frame comes;
* ``progress``: 0..1 while the page steadies (the screen's ring);
* ``page``: a :class:`CapturedPage` on the frame that was kept.

Personal data: frames and pages can show an ID card. Nothing here logs pixels or keeps a
frame beyond the current step; ``repr`` never dumps image data.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable
from typing import Final, Literal

import cv2
import numpy as np

from kiosk.capture.autocapture import AutoCapture, Step
from kiosk.capture.document import Image, PageFormat, Quad, deskew, dewarp, find_page, u8
from kiosk.capture.guidance import CAPTURED, NO_PAGE, READY, TAKE_AWAY
from kiosk.capture.output import thumbnail
from kiosk.capture.quality import GateConfig, GateResult, check
from kiosk.devices.camera.port import OFFLINE_KEY, Camera, Frame

__all__ = [
    "CAPTURED",
    "READY",
    "TAKE_AWAY",
    "CapturedPage",
    "LiveAnalyser",
    "LiveCapture",
    "LiveFrame",
]

log = logging.getLogger(__name__)

PREVIEW_WIDTH: Final = 960
THUMB_SIDE: Final = 480  # the screen shows thumbnails up to 360 × 480
JPEG_QUALITY: Final = 92  # handed to the journey; capture.output re-encodes within the budget
LiveState = Literal["searching", "adjusting", "steadying", "captured", "cooldown", "offline"]


@dataclasses.dataclass(frozen=True, slots=True)
class CapturedPage:
    """A kept page: dewarped, deskewed, JPEG-encoded, with a thumbnail for the screen."""

    jpeg: bytes = dataclasses.field(repr=False)
    thumbnail: bytes = dataclasses.field(repr=False)
    width: int
    height: int
    manual: bool  # the citizen pressed the shutter
    gate_reason: str | None  # what the gate said on that frame (None: it passed)


@dataclasses.dataclass(frozen=True, slots=True, eq=False)
class LiveFrame:
    preview: Image | None = dataclasses.field(repr=False)  # BGR, ``preview_width`` wide
    quad: Quad | None  # preview pixels
    guidance: str  # a message key
    state: LiveState
    progress: float = 0.0
    page: CapturedPage | None = None
    seq: int = 0  # the camera frame's sequence number
    tag: object = None  # :attr:`LiveAnalyser.tag` when the frame was analysed


class LiveAnalyser:
    """One frame at a time (not thread-safe: :class:`LiveCapture` serialises calls).

    ``fmt`` is the material's page format (aspect of the dewarped page, gate thresholds).
    """

    def __init__(self, fmt: PageFormat = "a4", *, autocapture: AutoCapture | None = None,
                 gate: GateConfig | None = None, preview_width: int = PREVIEW_WIDTH,
                 jpeg_quality: int = JPEG_QUALITY) -> None:
        self.fmt: PageFormat = fmt
        self.auto = autocapture or AutoCapture()
        self._gate = gate or GateConfig()
        self._preview_width = preview_width
        self._quality = jpeg_quality
        self.tag: object = None  # copied onto every LiveFrame (the UI drops frames of an old tag)

    def shutter(self) -> None:
        """Manual capture: the next frame with a page is kept, whatever the gate says."""
        self.auto.shutter()

    def reset(self) -> None:
        """Forget the auto-capture state (a new session). Not on a new material: a sheet still
        lying there from the last material must not be taken again before it moves."""
        self.auto.reset()

    def preview(self, image: Image) -> tuple[Image, float]:
        """``image`` downscaled for the screen, and the scale used."""
        h, w = image.shape[:2]
        scale = min(1.0, self._preview_width / w)
        if scale >= 1.0:
            return np.ascontiguousarray(image), 1.0
        size = (self._preview_width, max(1, round(h * scale)))
        return u8(cv2.resize(image, size, interpolation=cv2.INTER_AREA)), scale

    def analyse(self, image: Image, timestamp: float, seq: int = 0) -> LiveFrame:
        """One camera frame (BGR) taken at ``timestamp`` (seconds, monotonic)."""
        small, scale = self.preview(image)
        quad = find_page(image)
        gate: GateResult = check(image, quad, self.fmt, self._gate)
        h, w = image.shape[:2]
        step: Step = self.auto.feed(quad, gate, timestamp, (w, h))
        shown = None if quad is None else (np.asarray(quad, np.float32) * scale).astype(np.float32)
        page = None
        if step.capture and quad is not None:
            page = self._keep(image, quad, manual=step.manual, reason=gate.reason)
        return LiveFrame(small, shown, self._guidance(step, gate), step.state, step.progress, page, seq,
                         self.tag)

    def _guidance(self, step: Step, gate: GateResult) -> str:
        if step.state == "searching":
            return NO_PAGE
        if step.state in ("captured", "cooldown"):
            return CAPTURED
        if step.state == "adjusting":
            return step.guidance or gate.reason or NO_PAGE
        return step.guidance or READY  # steadying

    def _keep(self, image: Image, quad: Quad, *, manual: bool, reason: str | None) -> CapturedPage:
        page = deskew(dewarp(image, quad, self.fmt))
        ok, buf = cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, self._quality])
        if not ok:
            raise ValueError("JPEG encoding failed")
        h, w = page.shape[:2]
        log.info("page captured (%s, %dx%d%s)", self.fmt, w, h, ", manual" if manual else "")
        return CapturedPage(bytes(buf.tobytes()), thumbnail(page, THUMB_SIDE), w, h, manual, reason)


class LiveCapture:
    """Runs a :class:`LiveAnalyser` over a camera on its own thread.

    ``on_frame(LiveFrame)`` is called on the worker thread after every analysed frame (at most
    ``max_rate_hz`` per second of the frames' own timestamps — a simulated camera on an
    accelerated clock is analysed more often per wall-clock second, never less) and, while the
    camera delivers nothing, once per ``offline_after_s`` of ``clock`` with
    ``guidance == device.camera.offline``. Every method may be called from any thread.
    """

    def __init__(self, camera: Camera, on_frame: Callable[[LiveFrame], None], *,
                 analyser: LiveAnalyser | None = None, max_rate_hz: float = 8.0,
                 offline_after_s: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        if max_rate_hz <= 0:
            raise ValueError("max_rate_hz must be positive")
        self._camera = camera
        self._on_frame = on_frame
        self.analyser = analyser or LiveAnalyser()
        self._period = 1.0 / max_rate_hz
        self._offline_after = offline_after_s
        self._clock = clock
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pending: list[Callable[[LiveAnalyser], None]] = []
        self.frames = 0  # analysed frames since start (diagnostics, tests)

    @property
    def running(self) -> bool:
        with self._lock:
            return self._thread is not None

    def start(self, fmt: PageFormat | None = None) -> None:
        """Begin analysing (idempotent); ``fmt`` switches the material's format first."""
        if fmt is not None:
            self.set_format(fmt)
        with self._lock:
            if self._thread is not None:
                return
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="capture-live", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop and join the worker (idempotent). Pending requests still run first."""
        with self._lock:
            thread, self._thread = self._thread, None
            self._stop.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        self._drain()

    def set_format(self, fmt: PageFormat) -> None:
        self.submit(lambda a: setattr(a, "fmt", fmt))

    def shutter(self) -> None:
        self.submit(LiveAnalyser.shutter)

    def reset(self) -> None:
        self.submit(LiveAnalyser.reset)

    def submit(self, request: Callable[[LiveAnalyser], None]) -> None:
        """Run ``request(analyser)`` on the worker before its next frame (or now, when stopped).
        Slow work that must stay off the GUI thread (the simulator placing a sheet) goes here."""
        with self._lock:
            running = self._thread is not None
            self._pending.append(request)
        if not running:
            self._drain()  # else before the worker's next frame

    def _drain(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, []
        for request in pending:
            try:
                request(self.analyser)
            except Exception:
                log.exception("capture request failed")

    def _run(self) -> None:
        last_seq = 0
        waiting_since = self._clock()
        next_due = 0.0
        try:
            while not self._stop.is_set():
                self._drain()
                frame: Frame | None = self._camera.wait_frame(last_seq, min(0.25, self._offline_after))
                if self._stop.is_set():
                    break
                now = self._clock()
                if frame is None:
                    if now - waiting_since >= self._offline_after:
                        waiting_since = now
                        self._emit(LiveFrame(None, None, OFFLINE_KEY, "offline", tag=self.analyser.tag))
                    continue
                waiting_since = now
                last_seq = frame.seq
                if next_due - self._period <= frame.timestamp < next_due:
                    continue  # bounded rate, on the frames' own clock: too soon after the last
                next_due = frame.timestamp + self._period
                self._drain()
                try:
                    result = self.analyser.analyse(frame.image, frame.timestamp, frame.seq)
                except Exception:
                    log.exception("capture analysis failed")
                    continue
                self.frames += 1
                self._emit(result)
        finally:
            self._drain()

    def _emit(self, frame: LiveFrame) -> None:
        try:
            self._on_frame(frame)
        except Exception:
            log.exception("capture frame consumer failed")
