"""FileCamera details: synthetic frames, show_image, end of a non-looping source, build_camera."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from kiosk.devices.camera import FileCamera, OpenCvCamera, build_camera
from kiosk.devices.camera.file_source import synthetic_page_frames
from kiosk.devices.config import FileCameraConfig, OpenCvCameraConfig
from kiosk.devices.status import DeviceState
from tests.contract.camera.media import live_video, wait_until


def test_synthetic_frames_are_deterministic_and_jittered() -> None:
    a = synthetic_page_frames(7, (320, 240), 3)
    b = synthetic_page_frames(7, (320, 240), 3)
    c = synthetic_page_frames(8, (320, 240), 3)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not np.array_equal(a[0], a[1])  # slight jitter between frames
    assert not np.array_equal(a[0], c[0])
    page = a[0][100:140, 140:180]
    assert page.mean() > 150  # the page is bright, the desk darker
    assert a[0][5:20, 5:20].mean() < page.mean()


def _shape(camera: FileCamera) -> tuple[int, ...] | None:
    frame = camera.latest()
    return None if frame is None else frame.image.shape


def test_show_image_then_back_to_source() -> None:
    camera = FileCamera(fps=60, size=(320, 240), stall_timeout_ms=300)
    camera.start()
    try:
        shown = np.full((100, 200), 200, np.uint8)  # grayscale is accepted
        camera.show_image(shown)
        wait_until(lambda: _shape(camera) == (100, 200, 3), what="shown image")
        frame = camera.latest()
        assert frame is not None
        # within one LSB of the shown image (sensor noise), and not frozen
        assert np.abs(frame.image.astype(int) - 200).max() <= 1
        nxt = camera.wait_frame(frame.seq, timeout=2)
        assert nxt is not None and not np.array_equal(nxt.image, frame.image)
        camera.show_image(None)
        wait_until(lambda: _shape(camera) == (240, 320, 3), what="source again")
        assert camera.status().state is DeviceState.OK
    finally:
        camera.stop()


def test_non_looping_video_ends_offline(tmp_path: Path) -> None:
    camera = FileCamera(live_video(tmp_path / "short.avi", count=5), fps=120, loop=False)
    camera.start()
    try:
        wait_until(lambda: camera.status().detail == "end of source", timeout=3, what="end")
        assert camera.status().state is DeviceState.OFFLINE
        assert camera.latest() is None
    finally:
        camera.stop()


def test_build_camera_chooses_by_driver(tmp_path: Path) -> None:
    camera, sim = build_camera(FileCameraConfig(driver="simulated"))
    assert isinstance(camera, FileCamera) and sim is camera
    camera, sim = build_camera(FileCameraConfig(driver="file", source=tmp_path, fps=5))
    assert isinstance(camera, FileCamera) and sim is camera
    camera, sim = build_camera(OpenCvCameraConfig(driver="opencv"))
    assert isinstance(camera, OpenCvCamera) and sim is None


def test_speed_stamps_frames_on_a_faster_clock() -> None:
    now = [100.0]
    camera = FileCamera(fps=30, size=(64, 48), clock=lambda: now[0], speed=4.0)
    camera.start()
    try:
        first = camera.wait_frame(0, 2.0)
        assert first is not None
        assert first.timestamp == 100.0
        now[0] = 102.5  # 2.5 s of wall time: 10 s of the camera's
        frame = first
        for _ in range(20):  # a frame stamped before the change may still be on its way
            newer = camera.wait_frame(frame.seq, 2.0)
            assert newer is not None
            frame = newer
            if frame.timestamp != first.timestamp:
                break
        assert frame.timestamp == 110.0
    finally:
        camera.stop()


def test_speed_comes_from_the_config() -> None:
    camera = FileCamera.from_config(FileCameraConfig(driver="simulated", speed=8.0))
    start = camera.frame_clock()
    time.sleep(0.05)
    assert camera.frame_clock() - start >= 8 * 0.05


def test_speed_keeps_the_stall_timeout_in_wall_time() -> None:
    now = [0.0]
    camera = FileCamera(fps=30, size=(64, 48), clock=lambda: now[0], speed=4.0,
                        stall_timeout_ms=2000)
    camera.start()
    try:
        assert camera.wait_frame(0, 2.0) is not None
        camera.freeze()  # identical frames: frozen after the stall timeout, in wall time
        time.sleep(0.2)  # frozen frames delivered (at 0 s)
        now[0] = 1.9
        assert camera.status().state is DeviceState.OK  # 7.6 camera seconds: under 2 s of wall time
        now[0] = 2.5
        wait_until(lambda: camera.status().state is DeviceState.FAULT, 2.0, "frozen")
    finally:
        camera.stop()
