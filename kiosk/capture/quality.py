"""Per-frame quality gate for document capture. Each failure is a message key the UI turns into
guidance; the first failing check wins, in the order the citizen can fix them.

Blur is measured as an *edge width*: on the strongest edges of the page, a Gaussian-blurred step
of height ``A`` has a peak gradient of ``A / (σ √(2π))``, so ``σ ≈ A / (√(2π) · |∇I|max)``, which
does not depend on how much text the page has (a variance-of-Laplacian threshold does). It is
measured on the frame rescaled to :data:`REFERENCE_HEIGHT` rows, so the threshold means the same
on a 720p, 1080p or 5 MP camera: ``max_blur_sigma`` is in 1080p pixels.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Final

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.capture.document import PAGE_MM, Image, PageFormat, Quad, to_gray, u8
from kiosk.capture.guidance import (
    BLURRY,
    CUT_OFF,
    GLARE,
    HOLD_STILL,
    NO_PAGE,
    REASONS,
    TOO_BRIGHT,
    TOO_DARK,
    TOO_SMALL,
)

__all__ = [  # the gate's reasons live in kiosk.capture.guidance (no OpenCV) and are re-exported
    "BLURRY", "CUT_OFF", "GLARE", "HOLD_STILL", "NO_PAGE", "REASONS", "TOO_BRIGHT", "TOO_DARK",
    "TOO_SMALL", "GateConfig", "GateResult", "blur_sigma", "check", "page_blur",
]

REFERENCE_HEIGHT: Final = 1080
_SQRT_2PI: Final = math.sqrt(2 * math.pi)


@dataclasses.dataclass(frozen=True, slots=True)
class GateConfig:
    max_blur_sigma: float = 1.7  # 1080p pixels; chosen by bench/capture.py (sharp ≤ ~1.5, σ 2 ≥ ~2.0)
    max_glare_fraction: float = 0.01  # saturated share of the page
    min_mean: float = 60.0
    max_mean: float = 240.0
    min_page_fraction: float = 0.15  # of the frame area (A4, licence)
    min_card_fraction: float = 0.04  # ID card, photo
    edge_margin: float = 0.01  # of the frame size: closer than this to an edge is "cut off"
    # the quad's long/short side ratio against the format's: whole pages under a kiosk's
    # overhead camera are within ±2 % (bench scenes up to 12° tilt); a page shifted 10 % over
    # the frame's edge is found 11 % short; a US-letter sheet as "A4" is 8.5 % off (accepted)
    max_aspect_error: float = 0.10


@dataclasses.dataclass(frozen=True, slots=True)
class GateResult:
    ok: bool
    reason: str | None  # a message key when not ok
    blur_sigma: float = 0.0
    glare_fraction: float = 0.0
    mean: float = 0.0
    page_fraction: float = 0.0


def blur_sigma(gray: Image, mask: npt.NDArray[np.uint8] | None = None) -> float:
    """Estimated Gaussian σ of the image's sharpest edges, in the image's pixels (``inf`` when the
    image has no edge strong enough to judge)."""
    g = gray.astype(np.float32)
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3) / 8
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3) / 8
    mag = cv2.magnitude(gx, gy)
    kernel = np.ones((9, 9), np.uint8)
    contrast = cv2.dilate(gray, kernel).astype(np.float32) - cv2.erode(gray, kernel).astype(np.float32)
    valid = contrast >= 40
    if mask is not None:
        valid &= mask > 0
    if np.count_nonzero(valid) < 50:
        return math.inf
    mags = mag[valid]
    threshold = float(np.percentile(mags, 95))
    strong = valid & (mag >= threshold)
    ratio = contrast[strong] / (_SQRT_2PI * np.maximum(mag[strong], 1e-3))
    # ~0.45 px of σ is the Sobel/sampling floor of a perfect step
    return float(math.sqrt(max(float(np.median(ratio)) ** 2 - 0.2, 0.0)))


def _page_mask(shape: tuple[int, int], quad: Quad, shrink: float = 0.05) -> npt.NDArray[np.uint8]:
    centre = quad.mean(axis=0)
    inner = centre + (quad - centre) * (1 - shrink)
    mask = np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(mask, np.round(inner).astype(np.int32), 255)
    return mask


def _page_region(gray: Image, quad: npt.NDArray[np.float32]) -> tuple[Image, npt.NDArray[np.uint8]]:
    """The page's bounding crop at the reference resolution and a mask of its inner 95 %."""
    h = gray.shape[0]
    q = quad
    scale = REFERENCE_HEIGHT / h
    if abs(scale - 1) > 0.01:  # measure at the reference resolution
        gray = u8(
            cv2.resize(
                gray,
                None,
                fx=scale,
                fy=scale,
                interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR,
            )
        )
        q = q * scale
    x0, y0 = np.floor(q.min(axis=0)).astype(int)
    x1, y1 = np.ceil(q.max(axis=0)).astype(int) + 1
    x0, y0 = max(0, int(x0)), max(0, int(y0))
    crop = gray[y0:y1, x0:x1]
    return crop, _page_mask(crop.shape, q - np.array([x0, y0], np.float32))


def page_blur(image: Image, quad: Quad) -> float:
    """Blur σ of the page inside ``quad``, in reference-resolution (1080p) pixels."""
    crop, mask = _page_region(to_gray(image), np.asarray(quad, np.float32))
    return blur_sigma(crop, mask)


def _aspect(quad: npt.NDArray[np.float32]) -> float:
    """Long over short side of a quad (opposite sides averaged)."""
    sides = [float(np.linalg.norm(quad[(i + 1) % 4] - quad[i])) for i in range(4)]
    a, b = (sides[0] + sides[2]) / 2, (sides[1] + sides[3]) / 2
    return max(a, b) / max(min(a, b), 1e-6)


def _expected_aspect(fmt: PageFormat) -> float:
    w, h = PAGE_MM[fmt]
    return max(w, h) / min(w, h)


def check(
    image: Image, quad: Quad | None, fmt: PageFormat = "a4", config: GateConfig | None = None
) -> GateResult:
    """Gate one frame whose page quad (frame pixels) is ``quad``."""
    cfg = config or GateConfig()
    if quad is None:
        return GateResult(False, NO_PAGE)
    gray = to_gray(image)
    h, w = gray.shape
    q = np.asarray(quad, np.float32)
    mx, my = cfg.edge_margin * w, cfg.edge_margin * h
    if (
        (q[:, 0] < mx).any()
        or (q[:, 0] > w - 1 - mx).any()
        or (q[:, 1] < my).any()
        or (q[:, 1] > h - 1 - my).any()
    ):
        return GateResult(False, CUT_OFF)
    fraction = float(cv2.contourArea(q)) / (w * h)
    minimum = cfg.min_card_fraction if fmt in ("id_card", "photo") else cfg.min_page_fraction
    if fraction < minimum:
        return GateResult(False, TOO_SMALL, page_fraction=fraction)
    if abs(_aspect(q) / _expected_aspect(fmt) - 1.0) > cfg.max_aspect_error:
        # a page pushed over the frame's edge is found shortened, its new "edge" a line of
        # text inside the frame: not the format's shape, so part of it is missing
        return GateResult(False, CUT_OFF, page_fraction=fraction)
    crop, mask = _page_region(gray, q)
    pixels = crop[mask > 0]
    mean = float(pixels.mean()) if pixels.size else 0.0
    glare = float(np.count_nonzero(pixels >= 250)) / max(1, pixels.size)
    if mean < cfg.min_mean:
        return GateResult(False, TOO_DARK, mean=mean, page_fraction=fraction)
    if mean > cfg.max_mean:
        return GateResult(False, TOO_BRIGHT, mean=mean, glare_fraction=glare, page_fraction=fraction)
    if glare > cfg.max_glare_fraction:
        return GateResult(False, GLARE, mean=mean, glare_fraction=glare, page_fraction=fraction)
    sigma = blur_sigma(crop, mask)
    if sigma > cfg.max_blur_sigma:
        return GateResult(False, BLURRY, sigma, glare, mean, fraction)
    return GateResult(True, None, sigma, glare, mean, fraction)
