"""Find a page in a camera frame, correct its perspective to the material's aspect, deskew.

Detection works on a copy scaled to :data:`WORK_WIDTH` pixels wide and tries three edge maps,
keeping the best four-sided candidate across all of them (bench/capture.py measures each one
alone and the combination):

* ``canny``: Canny edges (thresholds from the median), dilated so broken edges join;
* ``otsu``: Otsu threshold of the blurred frame (paper is usually brighter than the desk);
* ``gradient``: Otsu threshold of the morphological gradient (works when paper and desk have the
  same brightness but differ in texture).

A candidate is the convex hull of an external contour simplified with ``approxPolyDP`` (ε from 1 %
to 5 % of the perimeter until four corners remain); it scores by area × how well the quad fills
the hull. Corners come back in frame pixels, ordered top-left, top-right, bottom-right,
bottom-left.

Page sizes (mm): A4 210 × 297, ID card 85.6 × 54 (ISO/IEC 7810 ID-1), business licence
420 × 297 (the 正本 is A3 landscape; the 副本 is A4 and should be captured with format ``a4``).
"""

from __future__ import annotations

import math
from typing import Final, Literal

import cv2
import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]
Quad = npt.NDArray[np.float32]  # 4×2, TL TR BR BL, frame pixels
PageFormat = Literal["a4", "id_card", "business_licence", "photo"]
Method = Literal["canny", "otsu", "gradient"]

PAGE_MM: Final[dict[str, tuple[float, float]]] = {
    "a4": (210.0, 297.0),
    "id_card": (85.6, 54.0),
    "business_licence": (420.0, 297.0),
    "photo": (35.0, 49.0),  # 二寸 ID photo; captured like a page
}
WORK_WIDTH: Final = 640
METHODS: Final[tuple[Method, ...]] = ("canny", "otsu", "gradient")
MM_PER_INCH: Final = 25.4


def u8(array: object) -> Image:
    """An OpenCV result typed as the uint8 image it is (no copy)."""
    return np.asarray(array, dtype=np.uint8)


def to_gray(image: Image) -> Image:
    if image.ndim == 2:
        return image
    return u8(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))


def order_corners(points: npt.NDArray[np.floating]) -> Quad:
    """Four points → TL, TR, BR, BL (by angle around the centroid, starting top-left)."""
    pts = np.asarray(points, dtype=np.float32).reshape(4, 2)
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles)]  # clockwise in image coordinates (y down), starting near -pi
    start = int(np.argmin(pts.sum(axis=1)))
    return np.roll(pts, -start, axis=0).astype(np.float32)


def _filled(mask: Image) -> Image:
    """Fill every external contour (the page's text holes disappear)."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    out = np.zeros_like(mask)
    cv2.drawContours(out, contours, -1, 255, thickness=cv2.FILLED)
    return out


_OPEN: Final = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (11, 11))


def _region_maps(small: Image, methods: tuple[Method, ...]) -> list[Image]:
    """Binary masks of page candidates; a wide opening cuts thin lines (desk clutter, cables)
    touching the page so they do not bend its outline."""
    blur = cv2.GaussianBlur(small, (5, 5), 0)
    kernel = np.ones((3, 3), np.uint8)
    maps = []
    for method in methods:
        if method == "canny":
            med = float(np.median(blur))
            edges = cv2.Canny(blur, int(max(10, 0.66 * med)), int(min(255, max(30, 1.33 * med))))
            mask = _filled(u8(cv2.dilate(edges, kernel, iterations=1)))
        elif method == "otsu":
            _, bw = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
            mask = _filled(u8(bw))
        else:  # gradient
            grad = cv2.morphologyEx(blur, cv2.MORPH_GRADIENT, kernel)
            _, bw = cv2.threshold(grad, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
            mask = _filled(u8(cv2.morphologyEx(bw, cv2.MORPH_CLOSE, np.ones((7, 7), np.uint8))))
        maps.append(u8(cv2.morphologyEx(mask, cv2.MORPH_OPEN, _OPEN)))
    return maps


def _intersect(l1: tuple[float, float], l2: tuple[float, float]) -> tuple[float, float] | None:
    (r1, t1), (r2, t2) = l1, l2
    a = np.array([[math.cos(t1), math.sin(t1)], [math.cos(t2), math.sin(t2)]])
    if abs(np.linalg.det(a)) < 1e-3:
        return None
    x, y = np.linalg.solve(a, np.array([r1, r2]))
    return float(x), float(y)


def _quad_from_lines(
    contour: npt.NDArray[np.int32], shape: tuple[int, int]
) -> npt.NDArray[np.float32] | None:
    """Fallback when the outline is not a clean 4-gon (a cup, a cable or another sheet touches
    the page): the two strongest straight lines of each orientation along the outline."""
    outline = np.zeros(shape, np.uint8)
    cv2.drawContours(outline, [contour], -1, 255, 1)
    lines = cv2.HoughLines(outline, 1, np.pi / 180, 30)
    if lines is None:
        return None
    distinct: list[tuple[float, float]] = []
    for rho, theta in lines[:40, 0]:
        if all(
            min(abs(theta - t), np.pi - abs(theta - t)) > 0.17 or abs(abs(rho) - abs(r)) > 15
            for r, t in distinct
        ):
            distinct.append((float(rho), float(theta)))
    if len(distinct) < 4:
        return None
    first = distinct[0]
    same = [ln for ln in distinct[1:] if min(abs(ln[1] - first[1]), np.pi - abs(ln[1] - first[1])) < 0.6]
    other = [ln for ln in distinct[1:] if ln not in same]
    if not same or len(other) < 2:
        return None
    a1, a2, b1, b2 = first, same[0], other[0], other[1]
    pts = [_intersect(a1, b1), _intersect(a1, b2), _intersect(a2, b2), _intersect(a2, b1)]
    if any(p is None for p in pts):
        return None
    return order_corners(np.array(pts, np.float32))


def _quad_from_contour(
    contour: npt.NDArray[np.int32], shape: tuple[int, int]
) -> npt.NDArray[np.float32] | None:
    peri = cv2.arcLength(contour, True)
    for eps in (0.01, 0.02, 0.03, 0.04):
        approx = cv2.approxPolyDP(contour, eps * peri, True)
        if len(approx) == 4:
            quad = approx.reshape(4, 2).astype(np.float32)
            if cv2.contourArea(quad) >= 0.9 * cv2.contourArea(contour):
                return quad
            break
        if len(approx) < 4:
            break
    return _quad_from_lines(contour, shape)


def _region_iou(
    contour: npt.NDArray[np.int32], quad: npt.NDArray[np.float32], shape: tuple[int, int]
) -> float:
    a = np.zeros(shape, np.uint8)
    b = np.zeros(shape, np.uint8)
    cv2.drawContours(a, [contour], -1, 1, thickness=cv2.FILLED)
    cv2.fillConvexPoly(b, np.round(quad).astype(np.int32), 1)
    inter = int(np.count_nonzero(a & b))
    union = int(np.count_nonzero(a | b))
    return inter / union if union else 0.0


def _candidates(edge: Image, min_area: float) -> list[tuple[float, npt.NDArray[np.float32]]]:
    contours, _ = cv2.findContours(edge, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    h, w = edge.shape
    out = []
    for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:3]:
        region = cv2.contourArea(contour)
        if region < min_area or region > 0.9 * w * h:
            continue
        quad = _quad_from_contour(np.asarray(contour, np.int32), edge.shape)
        if quad is None or not cv2.isContourConvex(np.round(quad).astype(np.int32).reshape(-1, 1, 2)):
            continue
        area = cv2.contourArea(quad)
        if area > 0.9 * w * h:
            continue
        iou = _region_iou(np.asarray(contour, np.int32), quad, edge.shape)
        if iou < 0.85:
            continue
        out.append((area * iou**4, quad))
    return out


def find_page(image: Image, methods: tuple[Method, ...] = METHODS, min_fraction: float = 0.02) -> Quad | None:
    """The page quadrilateral in a BGR or grayscale frame (frame pixels, TL TR BR BL), or ``None``."""
    gray = to_gray(image)
    w = gray.shape[1]
    scale = WORK_WIDTH / w if w > WORK_WIDTH else 1.0
    small = (
        u8(cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)) if scale < 1 else gray
    )
    min_area = min_fraction * small.shape[0] * small.shape[1]
    best: tuple[float, npt.NDArray[np.float32]] | None = None
    for edge in _region_maps(small, methods):
        for score, quad in _candidates(edge, min_area):
            if best is None or score > best[0]:
                best = (score, quad)
    if best is None:
        return None
    return order_corners(best[1] / scale)


def quad_iou(a: npt.NDArray[np.floating], b: npt.NDArray[np.floating]) -> float:
    """Intersection over union of two convex quadrilaterals."""
    pa, pb = np.asarray(a, np.float32).reshape(-1, 2), np.asarray(b, np.float32).reshape(-1, 2)
    inter, _ = cv2.intersectConvexConvex(pa, pb)
    union = cv2.contourArea(pa) + cv2.contourArea(pb) - inter
    return float(inter / union) if union > 0 else 0.0


def page_size_px(quad: Quad, fmt: PageFormat) -> tuple[int, int]:
    """Output (width, height) for ``fmt``'s aspect at the resolution the frame offers: the longer
    output side equals the longer measured side of the quad (no invented detail)."""
    wmm, hmm = PAGE_MM[fmt]
    q = np.asarray(quad, np.float64)
    top, bottom = np.linalg.norm(q[1] - q[0]), np.linalg.norm(q[2] - q[3])
    left, right = np.linalg.norm(q[3] - q[0]), np.linalg.norm(q[2] - q[1])
    long_px = max(top, bottom, left, right)
    if wmm >= hmm:
        return round(long_px), max(1, round(long_px * hmm / wmm))
    return max(1, round(long_px * wmm / hmm)), round(long_px)


def oriented(quad: Quad, fmt: PageFormat) -> Quad:
    """Rotate the corner order by a quarter turn when the page lies the other way round from its
    format (an A4 sheet placed landscape), so the output comes out upright in the format's
    orientation. Upside-down pages are not detected."""
    q = np.asarray(quad, np.float64)
    width = (np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2
    height = (np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
    wmm, hmm = PAGE_MM[fmt]
    if (width >= height) != (wmm >= hmm):
        return np.roll(np.asarray(quad, np.float32), 1, axis=0)
    return np.asarray(quad, np.float32)


def dewarp(image: Image, quad: Quad, fmt: PageFormat, size: tuple[int, int] | None = None) -> Image:
    """The page, perspective-corrected to ``fmt``'s aspect (``size`` = (w, h) to override)."""
    q = oriented(quad, fmt)
    w, h = size or page_size_px(q, fmt)
    dst = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(q, dst)
    return u8(
        cv2.warpPerspective(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    )


def estimate_skew(gray: Image, max_deg: float = 10.0) -> float:
    """The text-line angle in degrees (positive: lines rise to the right… in image terms, clockwise),
    from the long thin blobs that text lines form after a horizontal closing; 0.0 when unsure."""
    scale = 800 / max(gray.shape) if max(gray.shape) > 800 else 1.0
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    bw = cv2.adaptiveThreshold(small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    bw = cv2.morphologyEx(bw, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 3)))
    contours, _ = cv2.findContours(bw, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    angles: list[float] = []
    weights: list[float] = []
    for contour in contours:
        if len(contour) < 5:
            continue
        (_, _), (rw, rh), angle = cv2.minAreaRect(contour)
        long_side, short_side = max(rw, rh), min(rw, rh)
        if long_side < 40 or long_side < 4 * max(short_side, 1):
            continue
        a = angle if rw >= rh else angle - 90  # the long side's angle
        a = (a + 90) % 180 - 90
        if abs(a) <= max_deg:
            angles.append(a)
            weights.append(long_side)
    if len(angles) < 3:
        return 0.0
    order = np.argsort(angles)
    cum = np.cumsum(np.asarray(weights)[order])
    return float(np.asarray(angles)[order][int(np.searchsorted(cum, cum[-1] / 2))])


def deskew(page: Image, min_deg: float = 0.3, max_deg: float = 10.0) -> Image:
    """Rotate a dewarped page so its text lines are level (small residual angles only)."""
    angle = estimate_skew(to_gray(page), max_deg)
    if abs(angle) < min_deg:
        return page
    h, w = page.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return u8(cv2.warpAffine(page, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE))


def effective_dpi(page_px: tuple[int, int], fmt: PageFormat) -> float:
    """Pixels per inch of a page image of ``page_px`` (w, h) for ``fmt``'s physical size."""
    wmm, _ = PAGE_MM[fmt]
    return page_px[0] / (wmm / MM_PER_INCH)
