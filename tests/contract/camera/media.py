"""Real media for camera tests: MJPG .avi files written with cv2.VideoWriter, image files, and a
polling ``wait_until`` (the qtbot.waitUntil habit: a deadline, never a bare sleep)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

SIZE = (320, 240)


def live_frames(count: int, size: tuple[int, int] = SIZE, seed: int = 1) -> list[np.ndarray]:
    """Frames that all differ (a moving bar and a counter)."""
    rng = np.random.default_rng(seed)
    base = rng.integers(40, 200, size=(size[1], size[0], 3), dtype=np.uint8)
    frames = []
    for i in range(count):
        frame = base.copy()
        x = (i * 7) % size[0]
        frame[:, x : x + 12] = 255
        cv2.putText(frame, str(i), (20, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (0, 0, 0), 3)
        frames.append(frame)
    return frames


def write_video(path: Path, frames: list[np.ndarray], fps: float = 30.0) -> Path:
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (w, h))
    assert writer.isOpened(), "MJPG writer unavailable"
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


def live_video(path: Path, count: int = 60) -> Path:
    return write_video(path, live_frames(count))


def frozen_video(path: Path, count: int = 60) -> Path:
    """Every frame identical: what a hung camera delivers."""
    return write_video(path, [live_frames(1)[0]] * count)


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    tick = threading.Event()
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        tick.wait(0.01)
