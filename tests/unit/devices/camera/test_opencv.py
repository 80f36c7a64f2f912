"""OpenCvCamera details: backoff schedule, frozen file, capture properties, dead read()."""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path

import cv2
import numpy as np

from kiosk.devices.camera.opencv import OpenCvCamera, VideoCaptureLike
from kiosk.devices.config import OpenCvCameraConfig
from kiosk.devices.status import DeviceState
from tests.conftest import LogCollector
from tests.contract.camera.media import frozen_video, wait_until


def _config(device: str, **kw: object) -> OpenCvCameraConfig:
    return OpenCvCameraConfig.model_validate(
        {"driver": "opencv", "device": device, "width": 320, "height": 240, "fps": 30,
         "stall_timeout_ms": 300, "reconnect_max_backoff_s": 0.16, **kw}
    )


class _Absent:
    def isOpened(self) -> bool:
        return False

    def read(self) -> tuple[bool, None]:
        return False, None

    def set(self, prop_id: int, value: float) -> bool:
        return False

    def release(self) -> None:
        pass


def test_reconnect_backoff_doubles_up_to_the_cap(tmp_path: Path, expect_logs: LogCollector) -> None:
    node = tmp_path / "video0"
    node.touch()
    attempts: list[float] = []
    six = threading.Event()

    def factory() -> VideoCaptureLike:
        attempts.append(time.monotonic())
        if len(attempts) >= 7:
            six.set()
        return _Absent()

    camera = OpenCvCamera(_config(str(node)), capture_factory=factory, min_backoff_s=0.02)
    camera.start()
    try:
        assert six.wait(5)
        assert camera.status().state is DeviceState.OFFLINE
    finally:
        camera.stop()
    gaps = [b - a for a, b in itertools.pairwise(attempts)][:6]
    # 0.02, 0.04, 0.08, 0.16, 0.16, 0.16 (timers only ever run late)
    for gap, expected in zip(gaps, [0.02, 0.04, 0.08, 0.16, 0.16, 0.16], strict=True):
        assert expected * 0.9 <= gap <= expected + 0.15, gaps
    assert len([m for m in expect_logs.messages() if "offline" in m]) == 1  # logged once, not per try


def test_a_video_of_identical_frames_is_frozen(tmp_path: Path, expect_logs: LogCollector) -> None:
    path = frozen_video(tmp_path / "frozen.avi", count=300)
    camera = OpenCvCamera(_config(str(path)), capture_factory=lambda: cv2.VideoCapture(str(path)))
    camera.start()
    try:
        assert camera.wait_frame(0, timeout=5) is not None
        wait_until(lambda: camera.status().state is DeviceState.FAULT, timeout=2, what="frozen")
        assert camera.status().reason == "device.camera.frozen"
        # status() is computed when asked; the grab thread logs the transition at its next frame
        wait_until(lambda: any("fault" in m for m in expect_logs.messages()), timeout=2, what="log")
    finally:
        camera.stop()


def test_resolution_and_fps_are_requested(tmp_path: Path) -> None:
    props: dict[int, float] = {}
    frame = np.zeros((240, 320, 3), np.uint8)
    counter = iter(range(10**9))

    class Device:
        def isOpened(self) -> bool:
            return True

        def read(self) -> tuple[bool, np.ndarray]:
            out = frame.copy()
            out[0, :8] = next(counter) % 251  # a live sensor: content changes
            return True, out

        def set(self, prop_id: int, value: float) -> bool:
            props[prop_id] = value
            return True

        def release(self) -> None:
            pass

    node = tmp_path / "video0"
    node.touch()
    camera = OpenCvCamera(_config(str(node), width=1280, height=720, fps=25), capture_factory=Device)
    camera.start()
    try:
        assert camera.wait_frame(0, timeout=5) is not None
    finally:
        camera.stop()
    assert props[cv2.CAP_PROP_FRAME_WIDTH] == 1280
    assert props[cv2.CAP_PROP_FRAME_HEIGHT] == 720
    assert props[cv2.CAP_PROP_FPS] == 25


def test_grayscale_device_frames_become_bgr(tmp_path: Path) -> None:
    class Gray:
        n = 0

        def isOpened(self) -> bool:
            return True

        def read(self) -> tuple[bool, np.ndarray]:
            Gray.n += 1
            return True, np.full((120, 160), Gray.n % 200, np.uint8)

        def set(self, prop_id: int, value: float) -> bool:
            return True

        def release(self) -> None:
            pass

    camera = OpenCvCamera(_config("0"), capture_factory=Gray)
    camera.start()
    try:
        frame = camera.wait_frame(0, timeout=5)
        assert frame is not None and frame.image.shape == (120, 160, 3)
    finally:
        camera.stop()


def test_status_before_start_is_offline() -> None:
    camera = OpenCvCamera(_config("/dev/video-none"))
    status = camera.status()
    assert status.state is DeviceState.OFFLINE and status.reason == "device.camera.offline"
    camera.stop()  # stopping a camera that never started is fine


def test_a_camera_plugged_in_after_start_is_picked_up(tmp_path: Path, expect_logs: LogCollector) -> None:
    from tests.contract.camera.media import live_video

    video = live_video(tmp_path / "live.avi", count=300)
    node = tmp_path / "video0"  # not there at start

    def factory() -> VideoCaptureLike:
        # the V4L2 node appears when the camera is plugged in
        return cv2.VideoCapture(str(video)) if node.exists() else _Absent()

    camera = OpenCvCamera(_config(str(node)), capture_factory=factory, min_backoff_s=0.02)
    try:
        camera.start()
    except Exception as err:  # the strict start names the missing node
        assert "no camera device node" in str(err)
    else:
        raise AssertionError("a missing node must fail the strict start")
    camera.start(wait_for_node=True)
    try:
        assert not camera.status().usable  # starting, then offline until plugged in
        wait_until(lambda: camera.status().state is DeviceState.OFFLINE, timeout=5, what="offline")
        node.touch()  # plugged in
        assert camera.wait_frame(0, timeout=5) is not None
        wait_until(lambda: camera.status().state is DeviceState.OK, timeout=5, what="ok")
    finally:
        camera.stop()


def test_a_started_camera_is_starting_until_its_first_frame_is_due(
        tmp_path: Path, expect_logs: LogCollector) -> None:
    node = tmp_path / "video0"
    node.touch()
    camera = OpenCvCamera(_config(str(node)), capture_factory=_Absent, min_backoff_s=0.02)
    camera.start()
    try:
        status = camera.status()
        assert status.starting and not status.usable  # no warning, no out-of-service yet
        wait_until(lambda: camera.status().state is DeviceState.OFFLINE, timeout=5, what="offline")
        assert not camera.status().starting  # the first frame is overdue: a real fault now
    finally:
        camera.stop()
