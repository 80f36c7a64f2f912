"""The camera QR pipeline: grayscale once, viewfinder ROI, a fast pass every frame, a harder
cascade after misses, strict byte-exact payloads.

Per frame (:meth:`QrPipeline.scan`):

1. Crop the viewfinder ROI *then* convert to grayscale (only ROI pixels are converted).
2. Fast pass: the ROI at native resolution through the configured decoder (zxing-cpp tries its
   own downscaled pyramid and inversion).
3. On a miss, and on every ``hard_every``-th missing frame, the hard cascade runs its stages in
   order and stops at the first read:

   * ``smooth``: Gaussian σ 1 then decode with inversion — removes the pixel grid / moiré of
     phone screens and sensor noise;
   * ``sharpen``: unsharp mask (σ 2, amount 1) — restores module edges under defocus blur;
   * ``zoom``: locate code-like regions (edge density on a ¼-scale copy) and decode each crop
     upscaled 2× (cubic) — small, blurred or low-contrast symbols;
   * ``flatten``: divide by the local background (flat field from a ¼-scale blur) — glare
     gradients and uneven lighting.

A decode counts only when the symbol's raw bytes are valid UTF-8 (a leading BOM is dropped) and
within ``max_payload_bytes``; anything else is *rejected* (counted, never returned), so the
pipeline cannot turn a wrong character-set guess into a misread. The port's decoders already
return the bytes as encoded in the symbol (ZBar in binary mode, zxing-cpp ``Barcode.bytes``).

:class:`QrPipeline` also satisfies the scanner port's :class:`FrameDecoder` protocol, so
``CameraScanner(camera, QrPipeline(...))`` gets latest-frame-wins and de-duplication from the
device layer. :class:`LatestFrameWorker` and :class:`PayloadDeduper` are the same two pieces as
small standalone classes for callers that drive frames themselves.

The port's ``make_decoder(name)`` builds decoders for every symbology with zxing's try-harder
options on; this module builds QR-only decoders (with and without try-harder) from the port's
classes directly, and cannot choose zxing's binarizer (the port does not expose it).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Final, Generic, Literal, TypeVar

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.capture.document import u8
from kiosk.devices.scanner.decoders import PyzbarDecoder, ZxingDecoder
from kiosk.devices.scanner.port import DecodedCode, FrameDecoder

log = logging.getLogger(__name__)

Image = npt.NDArray[np.uint8]
DecoderName = Literal["zxing", "pyzbar"]
Stage = Literal["fast", "smooth", "sharpen", "zoom", "flatten"]

# the viewfinder drawn on the scan screen, as fractions of the frame (x0, y0, x1, y1)
DEFAULT_VIEWFINDER: Final = (0.2, 0.1, 0.8, 0.9)
HARD_STAGES: Final[tuple[Stage, ...]] = ("smooth", "sharpen", "zoom", "flatten")
# chosen by bench/capture.py: zxing-cpp reads more, misreads nothing and is ~10x faster than ZBar
DEFAULT_DECODER: Final[DecoderName] = "zxing"


@dataclasses.dataclass(frozen=True, slots=True)
class QrRead:
    """One accepted code: ``raw`` is the symbol's bytes, ``text`` their UTF-8 decoding."""

    raw: bytes = dataclasses.field(repr=False)
    text: str = dataclasses.field(repr=False)
    symbology: str
    corners: tuple[tuple[int, int], ...]  # frame pixels
    stage: Stage

    def __repr__(self) -> str:
        return f"QrRead(symbology={self.symbology!r}, stage={self.stage!r}, bytes={len(self.raw)})"


@dataclasses.dataclass
class QrStats:
    frames: int = 0
    hard_passes: int = 0
    reads: int = 0
    rejected: int = 0  # decodes dropped: not UTF-8 or too large


def strict_text(raw: bytes, max_bytes: int) -> str | None:
    """The payload as text when it is valid UTF-8 within ``max_bytes``, else ``None``."""
    if not raw or len(raw) > max_bytes:
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def crop_gray(image: Image, roi: tuple[float, float, float, float]) -> tuple[Image, tuple[int, int]]:
    """The ROI of a BGR or grayscale frame as grayscale, and its top-left offset in the frame."""
    h, w = image.shape[:2]
    x0, y0 = int(roi[0] * w), int(roi[1] * h)
    x1, y1 = max(x0 + 1, int(roi[2] * w)), max(y0 + 1, int(roi[3] * h))
    part = image[y0:y1, x0:x1]
    gray = u8(cv2.cvtColor(part, cv2.COLOR_BGR2GRAY)) if part.ndim == 3 else np.ascontiguousarray(part)
    return gray, (x0, y0)


def code_regions(gray: Image, limit: int = 2) -> list[tuple[int, int, int, int]]:
    """Up to ``limit`` square-ish regions dense in edges (x, y, w, h), largest first: where a
    symbol probably is. Computed on a ¼-scale copy (about 1 ms for a 1080p ROI)."""
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    grad = cv2.morphologyEx(small, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    _, bw = cv2.threshold(grad, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bw = cv2.morphologyEx(bw, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(bw)
    found: list[tuple[int, int, int, int, int]] = []
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i])
        if w < 6 or h < 6 or area < 0.4 * w * h or max(w, h) > 2.5 * min(w, h):
            continue
        found.append((area, x * 4, y * 4, w * 4, h * 4))
    found.sort(reverse=True)
    return [(x, y, w, h) for _, x, y, w, h in found[:limit]]


def _sharpen(gray: Image) -> Image:
    return u8(cv2.addWeighted(gray, 2.0, cv2.GaussianBlur(gray, (0, 0), 2.0), -1.0, 0))


def _flatten(gray: Image) -> Image:
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    bg = cv2.resize(
        cv2.GaussianBlur(small, (0, 0), 4.0), (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR
    )
    return u8(cv2.divide(gray, np.maximum(bg, 1), scale=160))


def qr_decoders(
    name: DecoderName, symbologies: Iterable[str] = ("QRCode",)
) -> tuple[FrameDecoder, FrameDecoder]:
    """(thorough, light) decoders of the port's backend ``name``: zxing-cpp with and without its
    try-rotate/try-invert options; ZBar has no such options (the same decoder twice)."""
    syms = tuple(symbologies)
    if name == "zxing":
        return ZxingDecoder(syms, try_harder=True), ZxingDecoder(syms, try_harder=False)
    if name == "pyzbar":
        zbar = PyzbarDecoder(syms)
        return zbar, zbar
    raise ValueError(f"unknown decoder {name!r}; choose 'zxing' or 'pyzbar'")


class QrPipeline:
    """Frames → accepted QR reads. Not thread-safe: one pipeline per decoding thread."""

    def __init__(
        self,
        decoder: DecoderName = DEFAULT_DECODER,
        *,
        roi: tuple[float, float, float, float] = DEFAULT_VIEWFINDER,
        hard_stages: Iterable[Stage] = HARD_STAGES,
        hard_every: int = 1,
        max_payload_bytes: int = 4096,
        symbologies: Iterable[str] = ("QRCode",),
        decoders: tuple[FrameDecoder, FrameDecoder] | None = None,
    ) -> None:
        if hard_every < 1:
            raise ValueError("hard_every must be >= 1")
        self.name = f"capture-{decoder}"
        self._thorough, self._light = decoders or qr_decoders(decoder, symbologies)
        self._roi = roi
        self._stages = tuple(hard_stages)
        self._hard_every = hard_every
        self._max = max_payload_bytes
        self._misses = 0
        self.stats = QrStats()

    # FrameDecoder protocol: a grayscale frame in, the accepted codes out (frame coordinates)
    def decode(self, gray: Image) -> list[DecodedCode]:
        return [DecodedCode(r.raw, r.symbology, r.corners) for r in self.scan(gray)]

    def scan(self, image: Image) -> list[QrRead]:
        """Decode one BGR or grayscale frame."""
        self.stats.frames += 1
        gray, offset = crop_gray(image, self._roi)
        reads = self._accept(self._thorough.decode(gray), "fast", offset, 1.0)
        if reads:
            self._misses = 0
            return reads
        self._misses += 1
        if not self._stages or (self._misses - 1) % self._hard_every:
            return []
        self.stats.hard_passes += 1
        for stage in self._stages:
            reads = self._run_stage(stage, gray, offset)
            if reads:
                self._misses = 0
                return reads
        return []

    def _run_stage(self, stage: Stage, gray: Image, offset: tuple[int, int]) -> list[QrRead]:
        if stage == "smooth":
            return self._accept(
                self._thorough.decode(u8(cv2.GaussianBlur(gray, (0, 0), 1.0))), stage, offset, 1.0
            )
        if stage == "sharpen":
            return self._accept(self._light.decode(_sharpen(gray)), stage, offset, 1.0)
        if stage == "flatten":
            return self._accept(self._thorough.decode(_flatten(gray)), stage, offset, 1.0)
        if stage == "zoom":
            for x, y, w, h in code_regions(gray):
                m = max(w, h) // 4 + 8
                x0, y0 = max(0, x - m), max(0, y - m)
                crop = gray[y0 : y + h + m, x0 : x + w + m]
                up = u8(cv2.resize(crop, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC))
                reads = self._accept(self._light.decode(up), stage, (offset[0] + x0, offset[1] + y0), 0.5)
                if reads:
                    return reads
            return []
        raise ValueError(f"unknown stage {stage!r}")

    def _accept(
        self, codes: list[DecodedCode], stage: Stage, offset: tuple[int, int], scale: float
    ) -> list[QrRead]:
        reads = []
        for code in codes:
            text = strict_text(code.raw, self._max)
            if text is None:
                self.stats.rejected += 1
                log.debug("dropped a %s decode at stage %s: not UTF-8 or too large", code.symbology, stage)
                continue
            corners = tuple(
                (round(offset[0] + px * scale), round(offset[1] + py * scale)) for px, py in code.corners
            )
            reads.append(QrRead(code.raw, text, code.symbology, corners, stage))
        self.stats.reads += len(reads)
        return reads


class PayloadDeduper:
    """The same payload within ``window_s`` of its last sighting counts once; it counts again
    after being out of view for the window. Pure: the caller passes timestamps."""

    def __init__(self, window_s: float = 2.0) -> None:
        self._window = window_s
        self._seen: dict[bytes, float] = {}

    def admit(self, raw: bytes, now: float) -> bool:
        last = self._seen.get(raw)
        self._seen[raw] = now
        if len(self._seen) > 64:  # forget stale sightings
            self._seen = {k: t for k, t in self._seen.items() if now - t <= self._window}
        return last is None or now - last > self._window


T = TypeVar("T")


class LatestFrameWorker(Generic[T]):
    """A worker thread that processes only the newest submitted item: a submission replaces any
    item still waiting (counted in ``dropped``), so processing never falls behind the source."""

    def __init__(self, process: Callable[[T], None], name: str = "capture-worker") -> None:
        self._process = process
        self._cond = threading.Condition()
        self._pending: T | None = None
        self._has_pending = False
        self._stopping = False
        self._busy = False
        self.dropped = 0
        self.processed = 0
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, item: T) -> None:
        with self._cond:
            if self._has_pending:
                self.dropped += 1
            self._pending, self._has_pending = item, True
            self._cond.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """True once nothing is pending or running (for tests and shutdown)."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._has_pending and not self._busy, timeout)

    def stop(self, timeout: float = 2.0) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._has_pending or self._stopping)
                if self._stopping:
                    return
                item, self._pending, self._has_pending = self._pending, None, False
                self._busy = True
            try:
                self._process(item)  # type: ignore[arg-type]  # set together with _has_pending
            except Exception:
                log.exception("capture worker: processing failed")
            finally:
                with self._cond:
                    self.processed += 1
                    self._busy = False
                    self._cond.notify_all()
