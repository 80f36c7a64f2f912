"""Document half of the capture benchmark: page-corner IoU against the known quads (each
detection method alone and combined), whole-pipeline latency at 1080p, and the blur gate on
sharp vs σ ≥ 2 frames. Run through ``python -m bench.capture``."""

from __future__ import annotations

import dataclasses
import statistics
import time

import cv2
import numpy as np

from bench import capture_corpus as corpus
from kiosk.capture.document import DEFAULT_METHODS, METHODS, PageFormat, deskew, dewarp, find_page, quad_iou
from kiosk.capture.quality import GateConfig, check, page_blur


@dataclasses.dataclass
class DocResults:
    frames: int
    iou: dict[str, list[float]]
    formats: list[str]
    latency_ms: list[float]
    blurred_accepted: int
    blurred: int
    sharp_rejected: int
    sharp: int
    threshold: float


def run_docs(seed: int, n: int) -> DocResults:
    cv2.setNumThreads(1)
    iou: dict[str, list[float]] = {"combined": [], **{m: [] for m in METHODS}}
    formats: list[str] = []
    latency: list[float] = []
    threshold = GateConfig().max_blur_sigma
    blurred_ok = sharp_bad = 0
    for i in range(n):
        sample, blurred = corpus.doc_sample_pair(
            seed, i, blur_sigma=float(np.random.default_rng([seed, i]).uniform(2.0, 2.5))
        )
        fmt: PageFormat = sample.fmt  # type: ignore[assignment]
        formats.append(sample.fmt)
        start = time.perf_counter()
        quad = find_page(sample.bgr)
        check(sample.bgr, quad, fmt)
        if quad is not None:
            deskew(dewarp(sample.bgr, quad, fmt))
        latency.append((time.perf_counter() - start) * 1000)
        iou["combined"].append(quad_iou(quad, sample.corners) if quad is not None else 0.0)
        for method in METHODS:
            q = find_page(sample.gray, (method,))
            iou[method].append(quad_iou(q, sample.corners) if q is not None else 0.0)
        if page_blur(sample.gray, sample.corners) > threshold:
            sharp_bad += 1
        if page_blur(blurred.gray, blurred.corners) <= threshold:
            blurred_ok += 1
    return DocResults(n, iou, formats, latency, blurred_ok, n, sharp_bad, n, threshold)


def print_docs(r: DocResults) -> list[str]:
    p95 = statistics.quantiles(r.latency_ms, n=100, method="inclusive")[94] if len(r.latency_ms) > 1 else 0.0
    p50 = statistics.median(r.latency_ms)
    mean_iou = statistics.fmean(r.iou["combined"])
    acc = 100 * r.blurred_accepted / r.blurred
    rej = 100 * r.sharp_rejected / r.sharp
    lines = [
        f"Documents ({r.frames} synthetic 1080p frames: A4, ID card, A3 licence on varied backgrounds)",
        "| measure | measured | target | met |",
        "|---|---:|---|---|",
        f"| corner IoU, mean (combined detector: {' + '.join(DEFAULT_METHODS)}) | {mean_iou:.3f} | ≥ 0.95 | "
        f"{'yes' if mean_iou >= 0.95 else '**no**'} |",
    ]
    for fmt in ("a4", "id_card", "business_licence"):
        vals = [v for v, f in zip(r.iou["combined"], r.formats, strict=True) if f == fmt]
        if vals:
            mean = statistics.fmean(vals)
            lines.append(f"| corner IoU, mean, {fmt} ({len(vals)} frames) | {mean:.3f} | | |")
    for method in METHODS:
        vals = r.iou[method]
        lines.append(f"| corner IoU, mean ({method} candidates alone) | {statistics.fmean(vals):.3f} | | |")
    combined = r.iou["combined"]
    good, precise = (100 * sum(v >= floor for v in combined) / r.frames for floor in (0.9, 0.97))
    lines += [
        f"| frames with IoU ≥ 0.9 / ≥ 0.97 (combined) | {good:.1f} % / {precise:.1f} % | | |",
        f"| worst frame IoU (combined) | {min(combined):.3f} | | |",
        f"| pipeline (find + gate + dewarp + deskew) p50 / p95, ms | {p50:.1f} / {p95:.1f} | p95 ≤ 80 | "
        f"{'yes' if p95 <= 80 else '**no**'} |",
        f"| blur gate accepts σ 2-2.5 frames (threshold σ {r.threshold} px @1080p) | {acc:.1f} % | ≤ 1 % | "
        f"{'yes' if acc <= 1 else '**no**'} |",
        f"| blur gate rejects sharp frames (σ 0.3-0.8) | {rej:.1f} % | ≤ 5 % | "
        f"{'yes' if rej <= 5 else '**no**'} |",
    ]
    return lines
