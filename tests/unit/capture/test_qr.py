from __future__ import annotations

import threading

import cv2
import numpy as np
import pytest

from bench import capture_corpus as corpus
from kiosk.capture.qr import LatestFrameWorker, PayloadDeduper, QrPipeline, crop_gray, strict_text
from kiosk.devices.scanner.decoders import ZxingDecoder
from kiosk.devices.scanner.port import DecodedCode

SEED = 4242


def test_strict_text_rejects_non_utf8_and_oversize() -> None:
    assert strict_text("深圳".encode(), 100) == "深圳"
    assert strict_text(b"\xef\xbb\xbfabc", 100) == "abc"
    assert strict_text("深圳".encode("shift_jis", "replace"), 100) is None
    assert strict_text("深圳".encode("gb18030"), 100) is None
    assert strict_text(b"x" * 11, 10) is None
    assert strict_text(b"", 10) is None


class _FakeDecoder:
    name = "fake"

    def __init__(self, codes: list[DecodedCode]) -> None:
        self.codes = codes
        self.calls = 0

    def decode(self, gray: np.ndarray) -> list[DecodedCode]:
        self.calls += 1
        return list(self.codes)


def test_non_utf8_decodes_are_dropped_not_returned() -> None:
    bad = DecodedCode("深圳".encode("gb18030"), "QRCode", ((0, 0), (1, 0), (1, 1), (0, 1)))
    fake = _FakeDecoder([bad])
    pipe = QrPipeline(decoders=(fake, fake))
    assert pipe.scan(np.zeros((100, 100), np.uint8)) == []
    assert pipe.stats.rejected >= 1


def test_corners_map_back_to_frame_coordinates() -> None:
    good = DecodedCode(b"hello", "QRCode", ((10, 20), (30, 20), (30, 40), (10, 40)))
    pipe = QrPipeline(decoders=(_FakeDecoder([good]), _FakeDecoder([])), roi=(0.5, 0.5, 1.0, 1.0))
    (read,) = pipe.scan(np.zeros((200, 400, 3), np.uint8))
    assert read.text == "hello" and read.stage == "fast"
    assert read.corners[0] == (210, 120)
    assert "hello" not in repr(read)


def test_hard_every_skips_cascade_on_some_misses() -> None:
    thorough, light = _FakeDecoder([]), _FakeDecoder([])
    pipe = QrPipeline(decoders=(thorough, light), hard_every=3, hard_stages=("sharpen",))
    for _ in range(6):
        pipe.scan(np.zeros((50, 50), np.uint8))
    assert pipe.stats.hard_passes == 2 and light.calls == 2


def test_crop_gray_converts_only_the_roi() -> None:
    frame = np.zeros((100, 200, 3), np.uint8)
    frame[50:, 100:] = (255, 255, 255)
    gray, offset = crop_gray(frame, (0.5, 0.5, 1.0, 1.0))
    assert gray.shape == (50, 100) and offset == (100, 50) and gray.min() == 255


def test_chinese_payload_reads_byte_for_byte() -> None:
    payload = "深圳市福田区晨曦科技有限公司".encode()
    matrix = corpus.qr_matrix(payload, "M")
    img = np.pad(np.where(matrix, 0, 255).astype(np.uint8), 4, constant_values=255)
    img = cv2.resize(img, None, fx=6, fy=6, interpolation=cv2.INTER_NEAREST)
    frame = np.full((720, 1280), 200, np.uint8)
    frame[200 : 200 + img.shape[0], 500 : 500 + img.shape[1]] = img
    (read,) = QrPipeline().scan(frame)
    assert read.raw == payload


def _rate(condition: str, n: int) -> tuple[float, int]:
    pipe = QrPipeline()
    ok = wrong = 0
    for i in range(n):
        sample = corpus.qr_sample(SEED, i, condition, "720p")
        raws = [r.raw for r in pipe.scan(sample.gray)]
        ok += sample.payload in raws
        wrong += any(r != sample.payload for r in raws)
    return ok / n, wrong


# floors a little below the figures measured with this seed (see bench/CAPTURE_RESULTS.md)
FLOORS = {
    "clean": 1.0,
    "rotation": 0.95,
    "perspective": 0.95,
    "blur_le2": 0.85,
    "low_contrast": 0.95,
    "glare": 0.95,
    "screen": 0.95,
    "damage": 0.95,
}


@pytest.mark.parametrize("condition", sorted(FLOORS))
def test_read_rate_floor(condition: str) -> None:
    rate, misreads = _rate(condition, 20)
    assert misreads == 0
    assert rate >= FLOORS[condition], f"{condition}: {rate:.2f} < {FLOORS[condition]}"


def test_pipeline_beats_raw_zxing_on_screen_codes() -> None:
    raw = ZxingDecoder(("QRCode",))
    pipe = QrPipeline()
    base = ours = 0
    for i in range(20):
        sample = corpus.qr_sample(SEED, i, "screen", "720p")
        base += any(c.raw == sample.payload for c in raw.decode(sample.gray))
        ours += any(r.raw == sample.payload for r in pipe.scan(sample.gray))
    assert ours > base


def test_no_false_positives_on_empty_frames() -> None:
    pipe = QrPipeline()
    assert not any(pipe.scan(corpus.empty_frame(SEED, i)) for i in range(40))


def test_deduper_window() -> None:
    d = PayloadDeduper(window_s=2.0)
    assert d.admit(b"a", 0.0)
    assert not d.admit(b"a", 1.0)
    assert not d.admit(b"a", 2.5)  # still in view: last sighting 1.5 s ago
    assert d.admit(b"a", 5.0)
    assert d.admit(b"b", 5.0)


def test_latest_frame_worker_drops_stale_items() -> None:
    gate = threading.Event()
    seen: list[int] = []

    def process(item: int) -> None:
        gate.wait(5)
        seen.append(item)

    worker: LatestFrameWorker[int] = LatestFrameWorker(process)
    try:
        worker.submit(1)
        for i in range(2, 10):
            worker.submit(i)
        gate.set()
        assert worker.wait_idle(5)
    finally:
        worker.stop()
    assert seen[-1] == 9
    assert len(seen) <= 3 and worker.dropped >= 6
