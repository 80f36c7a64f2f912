"""A camera that plays frames from a file, for the simulator, the demo and tests.

The source is a video file, an image sequence (a directory, or a glob such as ``pages/*.png``,
played in sorted order), a still image, or nothing: then it generates a synthetic A4 page with
text lines on a textured desk, with slight jitter (deterministic for a given seed). Frames come
at ``fps`` and loop. Sources that would repeat pixel-identical frames (a still, a shown image) get
one-LSB sensor noise, as a real sensor would, so the frozen-frame detector — the same one the
OpenCV driver uses — only fires when the camera is *told* to freeze.

``speed`` runs the camera's own clock faster than the wall clock (a simulator's accelerated
time, as the soak benchmark's): frames still come ``fps`` times a real second, each stamped
``speed / fps`` seconds after the previous one. What is measured on frame times — the live
capture's hold-still and cool-down — passes ``speed`` times sooner; what runs per frame (the
whole capture pipeline) runs as before; the stall detector keeps its wall-clock timeout.

Scripting hooks reach every state: :meth:`freeze` (identical frames → FAULT after the stall
timeout), :meth:`stop_frames` (no frames: a simulated unplug → OFFLINE at once), :meth:`resume`,
and :meth:`show_image` (e.g. a frame with a QR code for the camera scanner).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import cv2
import numpy as np

from kiosk.devices.camera._slot import FrameSlot
from kiosk.devices.camera.port import FROZEN_KEY, OFFLINE_KEY, Frame

if TYPE_CHECKING:
    from kiosk.devices.camera.port import Image
from kiosk.devices.config import FileCameraConfig
from kiosk.devices.status import OK, STARTING_KEY, DeviceOffline, DeviceState, DeviceStatus

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".pgm", ".ppm"})
Mode = Literal["run", "frozen", "stopped"]


def _scaled(clock: Callable[[], float], speed: float) -> Callable[[], float]:
    """``clock`` running ``speed`` times faster, from its value now."""
    start = clock()

    def scaled() -> float:
        return start + (clock() - start) * speed

    return scaled


class FileCamera:
    def __init__(
        self,
        source: Path | None = None,
        *,
        fps: float = 15.0,
        loop: bool = True,
        seed: int = 0,
        size: tuple[int, int] = (1280, 720),
        stall_timeout_ms: int = 2000,
        clock: Callable[[], float] = time.monotonic,
        speed: float = 1.0,
    ) -> None:
        if fps <= 0:
            raise ValueError("fps must be positive")
        if speed <= 0:
            raise ValueError("speed must be positive")
        self._source = source
        self._period = 1.0 / fps
        self._loop = loop
        self._seed = seed
        self._size = size
        # a slow source must not look stalled between two of its own frames; in camera time
        self._stall_s = max(stall_timeout_ms / 1000, 3 * self._period) * speed
        self._clock = clock  # paces the frames: wall time
        self.frame_clock = clock if speed == 1.0 else _scaled(clock, speed)  # stamps them
        self._slot = FrameSlot(self.frame_clock)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._mode: Mode = "run"
        self._override: Image | None = None
        self._frozen_image: Image | None = None
        self._ended = False
        self._detail = "not started"
        self._noise: tuple[Image, Image] | None = None
        self._noisy: tuple[Image, tuple[Image, ...]] | None = None  # (source, its noisy copies)
        self._tick = 0

    @classmethod
    def from_config(
        cls, config: FileCameraConfig, *, seed: int = 0, stall_timeout_ms: int = 2000
    ) -> FileCamera:
        return cls(
            config.source, fps=config.fps, loop=config.loop, seed=seed, stall_timeout_ms=stall_timeout_ms,
            speed=config.speed,
        )

    # ------------------------------------------------------------------ port
    def start(self) -> None:
        with self._lock:
            if self._thread is not None:
                return
            frames = _open_source(self._source, self._loop, self._seed, self._size)
            self._stop.clear()
            self._slot.reset()
            self._ended = False
            self._detail = "running"
            self._thread = threading.Thread(
                target=self._run, args=(frames,), name="camera-file", daemon=True
            )
            self._thread.start()

    def latest(self) -> Frame | None:
        return self._slot.latest()

    def wait_frame(self, after_seq: int, timeout: float) -> Frame | None:
        return self._slot.wait_newer(after_seq, timeout)

    def status(self) -> DeviceStatus:
        with self._lock:
            running, mode, ended = self._thread is not None, self._mode, self._ended
        if not running:
            return DeviceStatus(DeviceState.OFFLINE, OFFLINE_KEY, self._detail)
        if mode == "stopped":
            return DeviceStatus(DeviceState.OFFLINE, OFFLINE_KEY, "simulated unplug")
        if ended:
            return DeviceStatus(DeviceState.OFFLINE, OFFLINE_KEY, "end of source")
        health = self._slot.health(self._stall_s)
        if health == "ok":
            return OK
        if health == "starting":
            return DeviceStatus(DeviceState.UNKNOWN, STARTING_KEY, "waiting for the first frame")
        if health == "frozen":
            return DeviceStatus(DeviceState.FAULT, FROZEN_KEY, "identical frames")
        return DeviceStatus(DeviceState.OFFLINE, OFFLINE_KEY, "no frames")

    def stop(self) -> None:
        with self._lock:
            thread, self._thread = self._thread, None
            self._stop.set()
        if thread is not None:
            thread.join()
        self._slot.clear()
        self._detail = "stopped"

    # ------------------------------------------------------------------ scripting hooks
    def freeze(self) -> None:
        """Keep delivering the current frame, pixel for pixel (a hung camera)."""
        with self._lock:
            latest = self._slot.latest()
            self._frozen_image = latest.image if latest is not None else None
            self._mode = "frozen"

    def stop_frames(self) -> None:
        """Deliver nothing (a simulated unplug): OFFLINE at once, ``latest()`` is ``None``."""
        with self._lock:
            self._mode = "stopped"
            self._slot.clear()

    def resume(self) -> None:
        """Undo :meth:`freeze` / :meth:`stop_frames`."""
        with self._lock:
            self._mode = "run"
            self._frozen_image = None

    def show_image(self, image: Image | None) -> None:
        """Deliver this BGR (or grayscale) image instead of the source; ``None`` returns to it."""
        with self._lock:
            if image is None:
                self._override = None
            else:
                array = np.asarray(image, dtype=np.uint8)
                if array.ndim == 2:
                    array = cv2.cvtColor(array, cv2.COLOR_GRAY2BGR).astype(np.uint8, copy=False)
                self._override = np.ascontiguousarray(array)

    # ------------------------------------------------------------------ frame thread
    def _run(self, frames: _Frames) -> None:
        next_due = self._clock()
        try:
            while not self._stop.is_set():
                self._deliver(frames)
                next_due = max(next_due + self._period, self._clock())
                self._stop.wait(max(0.0, next_due - self._clock()))
        finally:
            frames.close()

    def _deliver(self, frames: _Frames) -> None:
        with self._lock:
            mode, override, frozen = self._mode, self._override, self._frozen_image
        if mode == "stopped":
            return
        if mode == "frozen" and frozen is not None:
            self._slot.publish(frozen)
            return
        if override is not None:
            image = self._with_noise(override)
        else:
            source_image = frames.next()
            if source_image is None:
                self._ended = True
                self._slot.clear()
                return
            image = self._with_noise(source_image) if frames.needs_noise else source_image
        with self._lock:
            if self._mode == "frozen" and self._frozen_image is None:
                self._frozen_image = image
        self._slot.publish(image)

    def _with_noise(self, image: Image) -> Image:
        """``image`` with one-LSB noise, alternating between two patterns. The two noisy copies
        of the image shown last are kept (read-only) and handed out in turn: a still or a shown
        scene then costs no copy of the frame per frame."""
        if self._noise is None or self._noise[0].shape != image.shape:
            rng = np.random.default_rng(self._seed)
            self._noise = (
                rng.integers(0, 2, size=image.shape, dtype=np.uint8),
                rng.integers(0, 2, size=image.shape, dtype=np.uint8),
            )
            self._noisy = None
        if self._noisy is None or self._noisy[0] is not image:
            copies = tuple(np.bitwise_xor(image, noise) for noise in self._noise)
            for copy in copies:
                copy.flags.writeable = False
            self._noisy = (image, copies)
        self._tick += 1
        return self._noisy[1][self._tick % 2]


# ---------------------------------------------------------------------- sources
class _Frames:
    needs_noise = False

    def next(self) -> Image | None:
        raise NotImplementedError

    def close(self) -> None:
        pass


class _Still(_Frames):
    needs_noise = True

    def __init__(self, image: Image) -> None:
        self._image = image

    def next(self) -> Image | None:
        return self._image


class _Sequence(_Frames):
    needs_noise = True  # a sequence of one image, or repeated images, is still a live camera

    def __init__(self, paths: list[Path], loop: bool) -> None:
        self._paths = paths
        self._loop = loop
        self._index = 0

    def next(self) -> Image | None:
        if self._index >= len(self._paths):
            if not self._loop:
                return None
            self._index = 0
        path = self._paths[self._index]
        self._index += 1
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if image is None:
            log.warning("camera source image unreadable: %s", path.name)
        return None if image is None else image.astype(np.uint8, copy=False)


class _Video(_Frames):
    def __init__(self, path: Path, loop: bool) -> None:
        self._path = path
        self._loop = loop
        self._cap = self._open()

    def _open(self) -> cv2.VideoCapture:
        cap = cv2.VideoCapture(str(self._path))
        if not cap.isOpened():
            cap.release()
            raise DeviceOffline(OFFLINE_KEY, f"cannot open video {self._path}")
        return cap

    def next(self) -> Image | None:
        ok, image = self._cap.read()
        if not ok and self._loop:
            self._cap.release()
            self._cap = self._open()
            ok, image = self._cap.read()
        return image.astype(np.uint8, copy=False) if ok and image is not None else None

    def close(self) -> None:
        self._cap.release()


class _Synthetic(_Frames):
    """An A4 page with text lines on a textured desk; a few jittered variants, cycled."""

    VARIANTS = 8

    def __init__(self, seed: int, size: tuple[int, int]) -> None:
        self._frames = synthetic_page_frames(seed, size, self.VARIANTS)
        self._index = 0

    def next(self) -> Image | None:
        image = self._frames[self._index % len(self._frames)]
        self._index += 1
        return image


def _open_source(source: Path | None, loop: bool, seed: int, size: tuple[int, int]) -> _Frames:
    if source is None:
        return _Synthetic(seed, size)
    text = str(source)
    if any(ch in text for ch in "*?["):
        paths = sorted(p for p in Path(source.anchor or ".").glob(_relative_pattern(source)) if p.is_file())
        if not paths:
            raise DeviceOffline(OFFLINE_KEY, f"no images match {source}")
        return _Sequence(paths, loop)
    if source.is_dir():
        paths = sorted(p for p in source.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not paths:
            raise DeviceOffline(OFFLINE_KEY, f"no images in {source}")
        return _Sequence(paths, loop)
    if not source.exists():
        raise DeviceOffline(OFFLINE_KEY, f"no camera source {source}")
    if source.suffix.lower() in IMAGE_SUFFIXES:
        image = cv2.imread(str(source), cv2.IMREAD_COLOR)
        if image is None:
            raise DeviceOffline(OFFLINE_KEY, f"unreadable image {source}")
        return _Still(image.astype(np.uint8, copy=False))
    return _Video(source, loop)


def _relative_pattern(source: Path) -> str:
    return str(source.relative_to(source.anchor)) if source.anchor else str(source)


def synthetic_page_frames(seed: int, size: tuple[int, int], count: int) -> list[Image]:
    """``count`` BGR frames of a page on a desk, each with a slight, seeded jitter."""
    width, height = size
    rng = np.random.default_rng(seed)
    # desk: low-frequency wood-ish blotches plus fine grain
    blotches = rng.normal(0.0, 1.0, size=(max(2, height // 40), max(2, width // 40))).astype(np.float32)
    low = cv2.resize(blotches, (width, height), interpolation=cv2.INTER_CUBIC)
    grain = rng.normal(0.0, 1.0, size=(height, width)).astype(np.float32)
    shade = 0.75 + 0.08 * low + 0.03 * grain
    desk = np.stack([shade * 70, shade * 110, shade * 150], axis=-1)
    desk = np.clip(desk, 0, 255).astype(np.uint8)

    page_h = int(height * 0.82)
    page_w = int(page_h / 2 ** 0.5)
    page = np.full((page_h, page_w, 3), 242, dtype=np.uint8)
    margin = page_w // 10
    y = margin + 10
    cv2.rectangle(page, (margin, y), (page_w - margin, y + page_h // 40), (40, 40, 40), -1)
    y += page_h // 14
    scale = max(0.3, page_h / 1400)
    words = ["kiosk", "form", "name", "address", "date", "service", "item", "no.", "seal", "page"]
    while y < page_h - margin:
        line = " ".join(words[int(i)] for i in rng.integers(0, len(words), size=6))
        cv2.putText(page, line, (margin, y), cv2.FONT_HERSHEY_SIMPLEX, scale, (30, 30, 30), 1, cv2.LINE_AA)
        y += max(12, int(page_h / 30))

    src = np.array([[0, 0], [page_w, 0], [page_w, page_h], [0, page_h]], dtype=np.float32)
    cx, cy = width / 2, height / 2
    base = np.array(
        [
            [cx - page_w * 0.46, cy - page_h * 0.48],
            [cx + page_w * 0.50, cy - page_h * 0.46],
            [cx + page_w * 0.54, cy + page_h * 0.49],
            [cx - page_w * 0.52, cy + page_h * 0.47],
        ],
        dtype=np.float32,
    )
    frames: list[Image] = []
    for _ in range(count):
        dst = base + rng.uniform(-2.0, 2.0, size=base.shape).astype(np.float32)
        matrix = cv2.getPerspectiveTransform(src, dst)
        frame = cv2.warpPerspective(
            page, matrix, (width, height), dst=desk.copy(), borderMode=cv2.BORDER_TRANSPARENT
        )
        frames.append(frame.astype(np.uint8, copy=False))
    return frames
