"""One contract for every camera: FileCamera over a video file, an image sequence (directory and
glob), a still and the synthetic page; OpenCvCamera over a generated MJPG video through its
injectable capture factory. Unplug = the file vanishes; replug = it comes back; freeze = the
source repeats one frame."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np
import pytest

from kiosk.devices.camera import Camera, FileCamera, OpenCvCamera
from kiosk.devices.camera.opencv import VideoCaptureLike
from kiosk.devices.config import OpenCvCameraConfig
from kiosk.devices.status import DeviceState
from tests.conftest import LogCollector
from tests.contract.camera.media import live_frames, live_video, wait_until

STALL_MS = 300


class Rig(Protocol):
    camera: Camera

    def freeze(self) -> None: ...
    def unplug(self) -> None: ...
    def replug(self) -> None: ...


class FileRig:
    def __init__(self, camera: FileCamera) -> None:
        self.camera = camera
        self.file_camera = camera

    def freeze(self) -> None:
        self.file_camera.freeze()

    def unplug(self) -> None:
        self.file_camera.stop_frames()

    def replug(self) -> None:
        self.file_camera.resume()


class _FileDevice:
    """cv2.VideoCapture on a video file, behaving like a device node: loops at the end, fails
    once the file has vanished, repeats one frame while frozen."""

    def __init__(self, rig: OpenCvRig) -> None:
        self._rig = rig
        self._cap = cv2.VideoCapture(str(rig.path))
        self._last: np.ndarray | None = None

    def isOpened(self) -> bool:
        return bool(self._cap.isOpened())

    def read(self) -> tuple[bool, np.ndarray | None]:
        if not self._rig.path.exists():
            return False, None
        if self._rig.frozen and self._last is not None:
            return True, self._last.copy()
        ok, frame = self._cap.read()
        if not ok:
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, frame = self._cap.read()
        if ok:
            self._last = frame
        return ok, frame

    def set(self, prop_id: int, value: float) -> bool:
        self._rig.props[prop_id] = value
        return True

    def release(self) -> None:
        self._rig.released += 1
        self._cap.release()


class OpenCvRig:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.frozen = False
        self.opens = 0
        self.released = 0
        self.props: dict[int, float] = {}
        config = OpenCvCameraConfig(
            driver="opencv", device=str(path), width=320, height=240, fps=30,
            stall_timeout_ms=STALL_MS, reconnect_max_backoff_s=0.2,
        )
        self.camera = self.opencv = OpenCvCamera(config, capture_factory=self._open, min_backoff_s=0.02)

    def _open(self) -> VideoCaptureLike:
        self.opens += 1
        return _FileDevice(self)

    def freeze(self) -> None:
        self.frozen = True

    def unplug(self) -> None:
        self.path.rename(self.path.with_suffix(".unplugged"))

    def replug(self) -> None:
        self.frozen = False
        self.path.with_suffix(".unplugged").rename(self.path)


KINDS = ["file-video", "file-dir", "file-glob", "file-still", "file-synthetic", "opencv-video"]


@pytest.fixture(params=KINDS)
def rig(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Rig]:
    kind: str = request.param
    built: Rig
    if kind == "opencv-video":
        built = OpenCvRig(live_video(tmp_path / "video0.avi"))
    else:
        if kind == "file-video":
            source: Path | None = live_video(tmp_path / "clip.avi")
        elif kind in ("file-dir", "file-glob"):
            pages = tmp_path / "pages"
            pages.mkdir()
            for i, frame in enumerate(live_frames(5)):
                cv2.imwrite(str(pages / f"p{i:02d}.png"), frame)
            source = pages if kind == "file-dir" else pages / "p*.png"
        elif kind == "file-still":
            source = tmp_path / "still.png"
            cv2.imwrite(str(source), live_frames(1)[0])
        else:
            source = None
        built = FileRig(FileCamera(source, fps=30, stall_timeout_ms=STALL_MS, size=(320, 240)))
    built.camera.start()
    try:
        yield built
    finally:
        built.camera.stop()
    leftover = [t.name for t in threading.enumerate() if t.name.startswith("camera-")]
    assert not leftover, f"capture threads still running: {leftover}"


def test_frames_flow_and_status_is_ok(rig: Rig) -> None:
    first = rig.camera.wait_frame(0, timeout=5)
    assert first is not None
    second = rig.camera.wait_frame(first.seq, timeout=5)
    assert second is not None and second.seq > first.seq and second.timestamp >= first.timestamp
    image = second.image
    assert image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3
    assert not image.flags.writeable  # shared between consumers: read-only
    assert rig.camera.status().state is DeviceState.OK
    assert "Frame(seq=" in repr(second) and "array" not in repr(second)


def test_latest_frame_wins(rig: Rig) -> None:
    first = rig.camera.wait_frame(0, timeout=5)
    assert first is not None
    # a slow consumer: let several frames pass without taking them
    wait_until(lambda: (f := rig.camera.latest()) is not None and f.seq >= first.seq + 4, what="4 frames")
    newest = rig.camera.wait_frame(first.seq, timeout=1)
    assert newest is not None
    assert newest.seq >= first.seq + 4, "a consumer is handed the newest frame, never the backlog"
    latest = rig.camera.latest()
    assert latest is not None and latest.seq >= newest.seq


def test_frozen_source_is_a_fault_within_the_stall_timeout(rig: Rig, expect_logs: LogCollector) -> None:
    assert rig.camera.wait_frame(0, timeout=5) is not None
    rig.freeze()
    wait_until(
        lambda: rig.camera.status().state is DeviceState.FAULT, timeout=STALL_MS / 1000 + 1.0, what="FAULT"
    )
    assert rig.camera.status().reason == "device.camera.frozen"
    # frames keep arriving (identical), so it stays a fault rather than going offline
    latest = rig.camera.latest()
    assert latest is not None
    assert rig.camera.wait_frame(latest.seq, timeout=2) is not None
    assert rig.camera.status().state is DeviceState.FAULT


def test_unplug_is_offline_and_replug_recovers(rig: Rig, expect_logs: LogCollector) -> None:
    assert rig.camera.wait_frame(0, timeout=5) is not None
    rig.unplug()
    wait_until(lambda: rig.camera.status().state is DeviceState.OFFLINE, timeout=2, what="OFFLINE")
    assert rig.camera.status().reason == "device.camera.offline"
    wait_until(lambda: rig.camera.latest() is None, timeout=2, what="no frame while unplugged")
    rig.replug()
    wait_until(lambda: rig.camera.status().state is DeviceState.OK, timeout=5, what="recovery")
    frame = rig.camera.latest()
    assert frame is not None
    assert rig.camera.wait_frame(frame.seq, timeout=2) is not None
    if isinstance(rig, OpenCvRig):
        assert rig.opencv.reconnects >= 1
        assert any("offline" in m for m in expect_logs.messages())  # logged once, on the transition


def test_stop_is_offline_and_clean(rig: Rig) -> None:
    assert rig.camera.wait_frame(0, timeout=5) is not None
    rig.camera.stop()
    status = rig.camera.status()
    assert status.state is DeviceState.OFFLINE and status.reason == "device.camera.offline"
    assert rig.camera.latest() is None
    assert not [t for t in threading.enumerate() if t.name.startswith("camera-")]
    rig.camera.stop()  # idempotent
    if isinstance(rig, OpenCvRig):
        assert rig.released == rig.opens  # every capture it opened was released


def test_restart_after_stop(rig: Rig) -> None:
    assert rig.camera.wait_frame(0, timeout=5) is not None
    rig.camera.stop()
    rig.camera.start()
    frame = rig.camera.wait_frame(0, timeout=5)
    assert frame is not None and frame.seq >= 1
    assert rig.camera.status().state is DeviceState.OK


def test_missing_source_fails_at_start_naming_it(tmp_path: Path) -> None:
    from kiosk.devices.status import DeviceOffline

    missing = tmp_path / "nope.avi"
    with pytest.raises(DeviceOffline) as err:
        FileCamera(missing).start()
    assert err.value.key == "device.camera.offline" and str(missing) in err.value.detail
    config = OpenCvCameraConfig(driver="opencv", device=str(tmp_path / "video9"))
    with pytest.raises(DeviceOffline) as err2:
        OpenCvCamera(config).start()
    assert err2.value.key == "device.camera.offline" and "video9" in err2.value.detail


def test_plain_video_capture_on_a_file(tmp_path: Path) -> None:
    """No test wrapper: the driver over a bare cv2.VideoCapture on an MJPG file (paced to fps)."""
    path = live_video(tmp_path / "dev.avi", count=90)
    config = OpenCvCameraConfig(driver="opencv", device=str(path), fps=30)
    camera = OpenCvCamera(config, capture_factory=lambda: cv2.VideoCapture(str(path)))
    camera.start()
    try:
        first = camera.wait_frame(0, timeout=5)
        assert first is not None and first.image.shape == (240, 320, 3)
        second = camera.wait_frame(first.seq, timeout=2)
        assert second is not None
        assert second.timestamp - first.timestamp >= 0.5 / 30  # paced, not spinning through the file
        assert camera.status().state is DeviceState.OK
    finally:
        camera.stop()
