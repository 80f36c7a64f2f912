"""The live capture worker on generated scenes (kiosk.capture.scene): a good page is outlined
and auto-captured once, a blurred one gives the blur guidance and is not captured, no page asks
for the document; the manual shutter; the worker thread over the FileCamera simulator."""

from __future__ import annotations

import threading
import time

import cv2
import numpy as np
import pytest

from kiosk.capture.document import find_page, quad_iou
from kiosk.capture.live import CAPTURED, READY, LiveAnalyser, LiveCapture, LiveFrame
from kiosk.capture.quality import BLURRY, CUT_OFF, HOLD_STILL, NO_PAGE, TOO_SMALL
from kiosk.capture.scene import FRAME_SIZE, ScenePlayer, desk, render_scene
from kiosk.devices.camera import FileCamera
from kiosk.devices.camera.port import OFFLINE_KEY

STEP_S = 0.1  # 10 frames a second of camera time


def _feed(analyser: LiveAnalyser, image: np.ndarray, n: int, start: float = 0.0) -> list[LiveFrame]:
    return [analyser.analyse(image, start + i * STEP_S, i) for i in range(n)]


def test_a_good_page_is_outlined_and_auto_captured_once() -> None:
    scene = render_scene("a4", page=1)
    frames = _feed(LiveAnalyser("a4"), scene.image, 20)
    kept = [f for f in frames if f.page is not None]
    assert len(kept) == 1  # 8 steady frames over ≥ 0.4 s, then never the same sheet again
    first = frames.index(kept[0])
    assert 7 <= first <= 9
    assert frames[0].guidance == HOLD_STILL
    assert {f.guidance for f in frames[1:first]} == {READY}
    progress = [f.progress for f in frames[:first]]
    assert progress == sorted(progress) and 0 < progress[0] < progress[-1] < 1  # the ring fills
    assert {f.guidance for f in frames[first:]} == {CAPTURED}
    # the outline is the page, in preview pixels
    preview = frames[0].preview
    assert preview is not None and preview.shape[1] == 960
    scale = preview.shape[1] / FRAME_SIZE[0]
    assert frames[0].quad is not None
    assert quad_iou(frames[0].quad, scene.corners * scale) > 0.97
    # the kept page: dewarped to A4's aspect, a real JPEG, a thumbnail
    page = kept[0].page
    assert page is not None and not page.manual and page.gate_reason is None
    assert page.height / page.width == pytest.approx(297 / 210, rel=0.01)
    decoded = cv2.imdecode(np.frombuffer(page.jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert decoded.shape[:2] == (page.height, page.width)
    thumb = cv2.imdecode(np.frombuffer(page.thumbnail, np.uint8), cv2.IMREAD_COLOR)
    assert max(thumb.shape[:2]) <= 480
    # the page fills the output: paper at the corners, not the desk (a bad quad would show it)
    corners = decoded[[8, 8, -8, -8], [8, -8, 8, -8]].mean()
    assert corners > 150


def test_a_blurred_page_gives_the_blur_guidance_and_is_not_captured() -> None:
    frames = _feed(LiveAnalyser("a4"), render_scene("a4", page=1, blur_sigma=3.5).image, 20)
    assert all(f.page is None for f in frames)
    assert {f.guidance for f in frames} == {BLURRY}
    assert all(f.quad is not None for f in frames)  # found, only not sharp enough


def test_no_page_asks_for_the_document() -> None:
    frames = _feed(LiveAnalyser("a4"), desk(), 5)
    assert {(f.state, f.guidance) for f in frames} == {("searching", NO_PAGE)}
    assert all(f.quad is None and f.page is None for f in frames)


@pytest.mark.parametrize(("fill", "offset", "reason"), [
    (0.35, (0.0, 0.0), TOO_SMALL),  # move closer
    (0.86, (0.35, 0.0), CUT_OFF),  # part of the page off the edge of the view
])
def test_gate_guidance_for_a_page_to_fix(fill: float, offset: tuple[float, float], reason: str) -> None:
    image = render_scene("a4", page=1, fill=fill, offset=offset).image
    frames = _feed(LiveAnalyser("a4"), image, 10)
    assert all(f.page is None for f in frames)
    assert {f.guidance for f in frames} == {reason}


def test_manual_shutter_keeps_the_next_page_even_if_the_gate_complains() -> None:
    analyser = LiveAnalyser("a4")
    blurred = render_scene("a4", page=1, blur_sigma=3.5).image
    assert analyser.analyse(blurred, 0.0).page is None
    analyser.shutter()
    frame = analyser.analyse(blurred, STEP_S)
    assert frame.page is not None and frame.page.manual and frame.page.gate_reason == BLURRY
    assert analyser.analyse(desk(), 2 * STEP_S).page is None  # once only


def test_the_next_sheet_is_taken_after_the_cooldown() -> None:
    analyser = LiveAnalyser("a4")
    first = _feed(analyser, render_scene("a4", page=1, pose=0).image, 12)
    second = _feed(analyser, render_scene("a4", page=2, pose=1).image, 30, start=12 * STEP_S)
    assert sum(f.page is not None for f in first) == 1
    assert sum(f.page is not None for f in second) == 1
    kept = next(n for n, f in enumerate(second) if f.page is not None)
    assert kept * STEP_S >= 1.0  # the 1.5 s cooldown after the first capture


@pytest.mark.parametrize("fmt", ["a4", "business_licence", "id_card", "photo"])
def test_scenes_are_found_where_they_were_drawn(fmt: str) -> None:
    for pose in range(4):
        scene = render_scene(fmt, page=pose + 1, pose=pose)  # type: ignore[arg-type]
        quad = find_page(scene.image)
        assert quad is not None and quad_iou(quad, scene.corners) > 0.98, (fmt, pose)
    assert find_page(desk()) is None


def test_worker_thread_over_the_simulated_camera() -> None:
    camera = FileCamera(fps=15)
    camera.show_image(desk())
    camera.start()
    seen: list[LiveFrame] = []
    kept = threading.Event()
    threads: set[str] = set()

    def on_frame(frame: LiveFrame) -> None:
        threads.add(threading.current_thread().name)
        seen.append(frame)
        if frame.page is not None:
            kept.set()

    live = LiveCapture(camera, on_frame, max_rate_hz=10)
    placed = threading.Event()
    try:
        live.start("a4")
        # slow work for the worker: the simulated citizen places a sheet (not the caller's thread)
        live.submit(lambda _a: (ScenePlayer(camera).place("a4", 1), placed.set()))
        assert placed.wait(30)
        assert kept.wait(60), [f.guidance for f in seen[-5:]]
    finally:
        live.stop()
        camera.stop()
    assert threads == {"capture-live"}
    assert not live.running
    assert seen[0].guidance == NO_PAGE  # the empty desk came first
    assert sum(f.page is not None for f in seen) == 1


def test_no_frames_is_reported_as_the_camera_being_offline() -> None:
    camera = FileCamera(fps=15)  # never started: no frame ever comes
    offline = threading.Event()
    frames: list[LiveFrame] = []

    def on_frame(frame: LiveFrame) -> None:
        frames.append(frame)
        offline.set()

    live = LiveCapture(camera, on_frame, offline_after_s=0.05)
    try:
        live.start()
        assert offline.wait(30)
    finally:
        live.stop()
    assert frames[0].guidance == OFFLINE_KEY and frames[0].state == "offline"
    assert frames[0].preview is None and frames[0].quad is None


class _StepClock:
    """Time stands still until the test moves it."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class _FastCamera:
    """A camera with a new frame every time it is asked (faster than any analysis rate)."""

    def __init__(self, image: np.ndarray, clock: _StepClock, asked: int) -> None:
        from kiosk.devices.camera.port import Frame

        self._frame = Frame
        self._image = image
        self._clock = clock
        self.calls = 0
        self._asked = asked
        self.reached = threading.Event()

    def wait_frame(self, after_seq: int, timeout: float) -> object:
        self.calls += 1
        if self.calls >= self._asked:
            self.reached.set()
        return self._frame(image=self._image, timestamp=self._clock(), seq=after_seq + 1)

    def latest(self) -> None:
        return None

    def start(self) -> None: ...
    def stop(self) -> None: ...


def test_frames_are_analysed_at_a_bounded_rate_of_their_own_clock_however_fast_they_come() -> None:
    clock = _StepClock()  # the camera's: it stamps the frames (the worker's clock is the wall's)
    camera = _FastCamera(cv2.resize(desk(), (320, 180)), clock, asked=8)
    analysed: list[LiveFrame] = []
    second = threading.Event()

    def on_frame(frame: LiveFrame) -> None:
        analysed.append(frame)
        if len(analysed) == 2:
            second.set()

    live = LiveCapture(camera, on_frame, max_rate_hz=8)  # type: ignore[arg-type]
    try:
        live.start()
        assert camera.reached.wait(30)  # the camera was asked again and again…
        time.sleep(0.3)  # (wall-clock time passes)
        assert len(analysed) == 1  # …but no camera time passed: one analysis only
        clock.now = 1 / 8  # one period of camera time later the newest frame is analysed
        assert second.wait(30)
    finally:
        live.stop()
    assert live.frames == len(analysed) >= 2
