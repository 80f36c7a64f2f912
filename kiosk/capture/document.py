"""Find a page in a camera frame, correct its perspective to the material's aspect, deskew.

Detection proposes candidate quadrilaterals on a copy scaled to :data:`WORK_WIDTH` pixels wide,
scores every candidate by how well its four sides sit on a page boundary, keeps the best, and
refines each side at full resolution. Candidate sources (bench/capture.py measures each one alone
and the default combination, :data:`DEFAULT_METHODS`):

* ``lines``: line segments (LSD) of a text-free copy of the frame (a grey opening then closing
  removes thin clutter, printed text and the business licence's inner border), merged into lines;
  every pair of near-parallel pairs forms a quad, pre-ranked by how much of each side the
  segments cover;
* ``flat``: page paper is *flat* once its text is closed away while a desk has texture: the low
  part of the local-range map, opened so clutter touching the page is cut off, gives a blob per
  sheet (works when paper and desk have the same brightness);
* ``regions``: Otsu threshold (both polarities) and filled Canny edges of the text-free copy.

Scoring: along each side, the share of samples with a brightness step across the side (a thin
band inside against a thin band outside, of one consistent sign) or a flat-inside/textured-outside
step, half mean and half worst side; among candidates scoring at least :data:`MIN_SCORE` the
largest area × score³ wins (the outermost plausible quad: a page beats its photo box or printed
border). Refinement: profiles across each side at full resolution, the strongest step of the
side's sign located to sub-pixel precision, a robust line fit per side (Huber), corners from
adjacent lines; twice, with a shrinking search radius.

Corners come back in frame pixels (pixel centres at integer coordinates), ordered top-left,
top-right, bottom-right, bottom-left.

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
Method = Literal["lines", "flat", "regions"]
FloatArray = npt.NDArray[np.float64]

PAGE_MM: Final[dict[str, tuple[float, float]]] = {
    "a4": (210.0, 297.0),
    "id_card": (85.6, 54.0),
    "business_licence": (420.0, 297.0),
    "photo": (35.0, 49.0),  # 二寸 ID photo; captured like a page
}
WORK_WIDTH: Final = 640
METHODS: Final[tuple[Method, ...]] = ("lines", "flat", "regions")
DEFAULT_METHODS: Final[tuple[Method, ...]] = ("lines", "flat")
MM_PER_INCH: Final = 25.4
MIN_SCORE: Final = 0.65
MAX_LINES: Final = 30
_STEP: Final = 6.0  # grey levels across a side, work image blurred σ 2
_FLAT_STEP: Final = 3.0  # local range outside minus inside
_FLAT_FRACTIONS: Final = (0.2, 0.4)  # of the median local range: "flat" thresholds
_FLAT_INSET: Final = 4.0
_AREA_POWER: Final = 3.0


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


_K5: Final = cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5))
_K9: Final = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9))
_K7E: Final = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7))
_K3E: Final = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))


# ---------------------------------------------------------------- candidates: lines


class _Line:
    __slots__ = ("covered", "direction", "length", "normal", "rho")

    def __init__(
        self, normal: FloatArray, rho: float, direction: FloatArray, covered: FloatArray, length: float
    ) -> None:
        self.normal = normal  # unit normal: normal · p = rho on the line
        self.rho = rho
        self.direction = direction
        self.covered = covered  # k×2 intervals (along direction) that segments cover
        self.length = length


_LSD: cv2.LineSegmentDetector | None = None


def _segments(image: Image) -> FloatArray:
    global _LSD
    if _LSD is None:
        _LSD = cv2.createLineSegmentDetector(cv2.LSD_REFINE_NONE)
    found = _LSD.detect(image)[0]
    if found is None:
        return np.zeros((0, 4), np.float64)
    return np.asarray(found, np.float64).reshape(-1, 4)


def _lines(image: Image, min_len: float = 12.0, max_lines: int = MAX_LINES) -> list[_Line]:
    """LSD segments merged into lines (collinear within 2.5 px and 4°), longest support first.
    LSD runs on a half-size copy (4× cheaper; the refinement recovers the precision)."""
    half = u8(cv2.resize(image, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA))
    s = _segments(half) * 2.0 + 0.5  # half-size pixel centres back to work pixels
    lengths = np.hypot(s[:, 2] - s[:, 0], s[:, 3] - s[:, 1])
    keep = lengths >= min_len
    s, lengths = s[keep], lengths[keep]
    order = np.argsort(-lengths)
    s, lengths = s[order], lengths[order]
    used = np.zeros(len(s), bool)
    dirs = (s[:, 2:4] - s[:, 0:2]) / np.maximum(lengths, 1e-9)[:, None]
    cos_tol = math.cos(math.radians(4))
    out: list[_Line] = []
    for i in range(len(s)):
        if len(out) >= 2 * max_lines:
            break
        if used[i]:
            continue
        d = dirs[i]
        n = np.array([-d[1], d[0]])
        rho = float(n @ s[i, 0:2])
        members = (
            ~used
            & (np.abs(s[:, 0:2] @ n - rho) < 2.5)
            & (np.abs(s[:, 2:4] @ n - rho) < 2.5)
            & (np.abs(dirs @ d) > cos_tol)
        )
        used |= members
        if members.sum() > 1:
            pts = np.vstack([s[members, 0:2], s[members, 2:4]]).astype(np.float32)
            fit = np.asarray(cv2.fitLine(pts, cv2.DIST_L2, 0, 0.01, 0.01), np.float64).ravel()
            d = fit[:2]
            n = np.array([-d[1], d[0]])
            rho = float(n @ fit[2:])
        a, b = s[members, 0:2] @ d, s[members, 2:4] @ d
        covered = np.sort(np.stack([np.minimum(a, b), np.maximum(a, b)], 1), axis=0)
        out.append(_Line(n, rho, d, covered, float(lengths[members].sum())))
    out.sort(key=lambda ln: -ln.length)
    return out[:max_lines]


def _line_quads(lines: list[_Line], shape: tuple[int, int], min_area: float, top: int = 60) -> list[Quad]:
    """Quads from two near-parallel pairs of lines, ranked by the segment cover of their sides."""
    h, w = shape
    n = len(lines)
    if n < 4:
        return []
    span = int(2 * math.hypot(w, h)) + 2
    normals = np.array([ln.normal for ln in lines])
    rhos = np.array([ln.rho for ln in lines])
    dirs = np.array([ln.direction for ln in lines])
    cum = np.zeros((n, 2 * span + 2))
    for i, ln in enumerate(lines):
        marks = np.zeros(2 * span + 1)
        for a, b in ln.covered:
            marks[int(max(0, a + span)) : int(min(2 * span, b + span)) + 1] = 1
        cum[i, 1:] = np.cumsum(marks)
    n1 = normals[:, None, :]
    n2 = normals[None, :, :]
    det = n1[..., 0] * n2[..., 1] - n1[..., 1] * n2[..., 0]
    ok = np.abs(det) > 0.5
    dets = np.where(ok, det, 1.0)
    xs = (rhos[:, None] * n2[..., 1] - n1[..., 1] * rhos[None, :]) / dets
    ys = (n1[..., 0] * rhos[None, :] - n2[..., 0] * rhos[:, None]) / dets
    cross = np.stack([xs, ys], -1)
    margin = 0.08 * w  # a page may stick out of the frame a little
    inside = ok & (xs > -margin) & (xs < w + margin) & (ys > -margin) & (ys < h + margin)
    cos = np.abs(dirs @ dirs.T)
    sep = np.abs(rhos[:, None] - np.sign(normals @ normals.T) * rhos[None, :])
    ii, jj = np.triu_indices(n, 1)
    pair = (cos[ii, jj] > math.cos(0.6)) & (sep[ii, jj] > 15)
    pi, pj = ii[pair], jj[pair]
    if len(pi) < 2:
        return []
    a, b = np.triu_indices(len(pi), 1)
    li, lj, lk, ll = pi[a], pj[a], pi[b], pj[b]
    keep = (cos[li, lk] < math.cos(0.7)) & (li != lk) & (li != ll) & (lj != lk) & (lj != ll)
    keep &= inside[li, lk] & inside[lk, lj] & inside[lj, ll] & inside[ll, li]
    li, lj, lk, ll = li[keep], lj[keep], lk[keep], ll[keep]
    if len(li) == 0:
        return []
    quads = np.stack([cross[li, lk], cross[lk, lj], cross[lj, ll], cross[ll, li]], 1)

    def cover(idx: npt.NDArray[np.intp], p0: FloatArray, p1: FloatArray) -> FloatArray:
        d = dirs[idx]
        s0 = np.clip(np.einsum("cj,cj->c", p0, d) + span, 0, 2 * span + 1).astype(int)
        s1 = np.clip(np.einsum("cj,cj->c", p1, d) + span, 0, 2 * span + 1).astype(int)
        lo, hi = np.minimum(s0, s1), np.maximum(s0, s1)
        return np.asarray((cum[idx, hi] - cum[idx, lo]) / np.maximum(hi - lo, 1), np.float64)

    covers = np.stack(
        [
            cover(li, quads[:, 0], quads[:, 3]),
            cover(lk, quads[:, 0], quads[:, 1]),
            cover(lj, quads[:, 1], quads[:, 2]),
            cover(ll, quads[:, 2], quads[:, 3]),
        ],
        1,
    )
    x, y = quads[..., 0], quads[..., 1]
    area = 0.5 * np.abs(np.sum(x * np.roll(y, -1, 1) - np.roll(x, -1, 1) * y, 1))
    good = np.nonzero((covers.min(1) >= 0.3) & (area >= min_area))[0]
    rank = covers.min(1)[good] + covers.mean(1)[good]
    out: list[Quad] = []
    for c in good[np.argsort(-rank)][:top]:
        q = quads[c].astype(np.float32)
        if cv2.isContourConvex(q.reshape(-1, 1, 2)):
            out.append(order_corners(q))
    return out


# ---------------------------------------------------------------- candidates: regions and flat paper


def _blob_quads(mask: Image, min_area: float, keep: int = 6) -> list[Quad]:
    """A quad per large blob of ``mask`` (nested ones too: a sheet lying inside a flat desk area
    is a hole's island): the 4-gon that best approximates its convex hull."""
    h, w = mask.shape
    contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    out: list[Quad] = []
    for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:keep]:
        region = cv2.contourArea(contour)
        if region < min_area or region > 0.95 * w * h:
            continue
        hull = np.asarray(cv2.convexHull(contour), np.int32)
        if len(hull) < 4:
            continue
        peri = cv2.arcLength(hull, True)
        quad: npt.NDArray[np.float32] | None = None
        for eps in (0.01, 0.02, 0.03, 0.04):
            approx = cv2.approxPolyDP(hull, eps * peri, True)
            if len(approx) <= 4:
                if len(approx) == 4:
                    quad = approx.reshape(4, 2).astype(np.float32)
                break
        if quad is None:  # rounded or notched: the 4-gon that best covers the hull
            quad = np.asarray(cv2.approxPolyN(hull, 4), np.float32).reshape(-1, 2)
        if len(quad) == 4:
            out.append(order_corners(quad))
    return out


def _side_lines(quad: npt.NDArray[np.floating]) -> tuple[FloatArray, FloatArray]:
    """Outward unit normals (4×2) and offsets (normal · p) of a convex quad's sides."""
    q = np.asarray(quad, np.float64)
    v = np.roll(q, -1, axis=0) - q
    n = np.stack([v[:, 1], -v[:, 0]], 1) / np.maximum(np.hypot(v[:, 0], v[:, 1]), 1e-9)[:, None]
    mid = (q + np.roll(q, -1, axis=0)) / 2
    flip = np.einsum("ij,ij->i", n, mid - q.mean(axis=0)) < 0
    n[flip] *= -1
    return n, np.einsum("ij,ij->i", n, q)


def _corners_from_lines(normals: FloatArray, offsets: FloatArray) -> FloatArray | None:
    """Corner k = side k-1 ∩ side k (side k runs from corner k to corner k+1), by Cramer's rule."""
    n1, n2 = np.roll(normals, 1, axis=0), normals
    o1, o2 = np.roll(offsets, 1), offsets
    det = n1[:, 0] * n2[:, 1] - n1[:, 1] * n2[:, 0]
    if np.any(np.abs(det) < 1e-6):
        return None
    x = (o1 * n2[:, 1] - n1[:, 1] * o2) / det
    y = (n1[:, 0] * o2 - n2[:, 0] * o1) / det
    return np.asarray(np.stack([x, y], 1), np.float64)


def _grow(quad: Quad, by: float) -> Quad:
    normals, offsets = _side_lines(quad)
    out = _corners_from_lines(normals, offsets + by)
    return quad if out is None else out.astype(np.float32)


def _flat_quads(local_range: npt.NDArray[np.float32], min_area: float) -> list[Quad]:
    """Blobs of flat paper, found on a half-size copy (sheets are large; refinement restores the
    precision)."""
    half = np.asarray(cv2.resize(local_range, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA), np.float32)
    sample = np.ascontiguousarray(half[::2, ::2]).ravel()
    med = float(np.partition(sample, sample.size // 2)[sample.size // 2])
    out: list[Quad] = []
    for fraction in _FLAT_FRACTIONS:
        flat = u8((half < min(4.0, max(0.8, fraction * med))) * 255)
        flat = u8(cv2.morphologyEx(flat, cv2.MORPH_OPEN, _K3E))
        blobs = _blob_quads(flat, min_area / 4)
        # a printed frame splits the paper into a panel and a thin ring: closed, they are one sheet
        blobs += _blob_quads(u8(cv2.morphologyEx(flat, cv2.MORPH_CLOSE, _K7E)), min_area / 4, keep=3)
        out += [order_corners(_grow(q * 2.0 + 0.5, _FLAT_INSET)) for q in blobs]
    return out


def _region_quads(text_free: Image, min_area: float) -> list[Quad]:
    _, bw = cv2.threshold(text_free, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    edges = cv2.dilate(cv2.Canny(text_free, 20, 50), np.ones((3, 3), np.uint8))
    out: list[Quad] = []
    for mask in (u8(bw), u8(255 - bw), _filled(u8(edges))):
        out += _blob_quads(mask, min_area)
    return out


# ---------------------------------------------------------------- scoring


def _side_support(
    image: npt.NDArray[np.float32],
    quads: FloatArray,
    depth: float,
    step: float,
    signed: bool,
    span: tuple[float, float] = (0.05, 0.95),
) -> tuple[FloatArray, FloatArray]:
    """Per candidate (C×4×2) and side: the share of samples along the side whose inside-minus-
    outside difference (``depth`` px either side) is ≥ ``step`` (in the side's dominant sign unless
    ``signed``: then outside must exceed inside), and that sign. Samples too near or beyond the
    frame edge do not count; a side mostly outside the frame has no support. ``span`` is the part
    of each side sampled, as fractions from its first corner (beyond 0..1: the side's extension)."""
    h, w = image.shape
    count = 40
    q = quads
    centre = q.mean(axis=1, keepdims=True)
    nxt = np.roll(q, -1, axis=1)
    v = nxt - q
    length = np.maximum(np.hypot(v[..., 0], v[..., 1]), 1e-9)
    n = np.stack([v[..., 1], -v[..., 0]], -1) / length[..., None]
    flip = np.einsum("csj,csj->cs", n, (q + nxt) / 2 - centre) < 0
    n = np.where(flip[..., None], -n, n)
    t = np.linspace(span[0], span[1], count)
    pts = q[:, :, None, :] + t[None, None, :, None] * v[:, :, None, :]  # C×4×K×2
    pin = np.rint(pts - depth * n[:, :, None, :]).astype(np.int64)
    pout = np.rint(pts + depth * n[:, :, None, :]).astype(np.int64)
    m = 3
    valid = (pts[..., 0] >= m) & (pts[..., 0] < w - m) & (pts[..., 1] >= m) & (pts[..., 1] < h - m)
    for p in (pin, pout):
        valid &= (p[..., 0] >= 0) & (p[..., 0] < w) & (p[..., 1] >= 0) & (p[..., 1] < h)
    pin_x, pin_y = np.clip(pin[..., 0], 0, w - 1), np.clip(pin[..., 1], 0, h - 1)
    pout_x, pout_y = np.clip(pout[..., 0], 0, w - 1), np.clip(pout[..., 1], 0, h - 1)
    diff = image[pin_y, pin_x] - image[pout_y, pout_x]
    nvalid = valid.sum(-1)
    pos = ((diff >= step) & valid).sum(-1) / np.maximum(nvalid, 1)
    neg = ((diff <= -step) & valid).sum(-1) / np.maximum(nvalid, 1)
    support = neg if signed else np.maximum(pos, neg)
    support = np.where(nvalid >= 0.3 * count, support, 0.0)
    sign = np.where(pos >= neg, 1.0, -1.0)
    return np.asarray(support, np.float64), np.asarray(sign, np.float64)


# ---------------------------------------------------------------- refinement at full resolution


def _refine(gray: Image, quad: Quad, signs: FloatArray, radius: float) -> Quad:
    """Snap each side to the strongest step of its sign within ``radius`` px (sub-pixel), fit a
    line per side (Huber), and take corners from adjacent lines; twice, the second time with a
    third of the radius. A side whose step is not found keeps its line."""
    h, w = gray.shape
    q = np.asarray(quad, np.float64)
    for it in range(2):
        r = radius if it == 0 else max(3.0, radius / 3)
        normals, offsets = _side_lines(q)
        new_n, new_o = normals.copy(), offsets.copy()
        for k in range(4):
            p0, p1 = q[k], q[(k + 1) % 4]
            v = p1 - p0
            length = float(np.hypot(*v))
            u = v / max(length, 1e-9)
            n = normals[k]
            m = int(min(32, max(10, length / 16)))
            t = np.linspace(0.06, 0.94, m)
            offs = np.arange(-r, r + 0.01, 0.5)
            base = p0[None, :] + t[:, None] * v[None, :]
            # three parallel profiles 1 px apart along the side, summed (noise), per sample
            along = np.array([-1.0, 0.0, 1.0])
            pts = (
                base[None, :, None, :]
                + along[:, None, None, None] * u[None, None, None, :]
                + offs[None, None, :, None] * n[None, None, None, :]
            ).reshape(3 * m, len(offs), 2)
            sampled = cv2.remap(
                gray,
                np.ascontiguousarray(pts[..., 0], np.float32),
                np.ascontiguousarray(pts[..., 1], np.float32),
                cv2.INTER_LINEAR,
                borderMode=cv2.BORDER_REPLICATE,
            )
            prof = np.asarray(sampled, np.float32).reshape(3, m, len(offs)).sum(axis=0) / 3
            inside_frame = (base[:, 0] >= 2) & (base[:, 0] < w - 2) & (base[:, 1] >= 2) & (base[:, 1] < h - 2)
            # derivative along the outward normal, oriented so the expected step is positive
            der = (prof[:, 2:] - prof[:, :-2]) * float(-signs[k])
            # the strong step nearest the current side (a printed border or clutter may be
            # stronger a few pixels away): local maxima ≥ half the profile's strongest, nearest wins
            strongest = der.max(axis=1, keepdims=True)
            peaks = np.zeros_like(der, dtype=bool)
            peaks[:, 1:-1] = (der[:, 1:-1] >= der[:, :-2]) & (der[:, 1:-1] >= der[:, 2:])
            peaks &= der >= 0.5 * strongest
            distance = np.abs(offs[1:-1])[None, :]
            idx = np.argmin(np.where(peaks, distance, np.inf), axis=1)
            best = der[np.arange(m), idx]
            good = inside_frame & (best > 9.0) & (idx > 0) & (idx < der.shape[1] - 1)
            if np.count_nonzero(good) < 6:
                continue
            rows = np.nonzero(good)[0]
            ii = idx[good]
            a, b, c = der[rows, ii - 1], der[rows, ii], der[rows, ii + 1]
            den = a - 2 * b + c
            sub = np.where(np.abs(den) > 1e-6, 0.5 * (a - c) / np.where(np.abs(den) > 1e-6, den, 1.0), 0.0)
            off = offs[ii + 1] + 0.5 * np.clip(sub, -1, 1)
            edge = base[rows] + off[:, None] * n[None, :]
            fit = np.asarray(cv2.fitLine(edge.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01), np.float64)
            d = fit.ravel()[:2]
            nn = np.array([d[1], -d[0]])
            if nn @ n < 0:
                nn = -nn
            new_n[k], new_o[k] = nn, float(nn @ fit.ravel()[2:])
        corners = _corners_from_lines(new_n, new_o)
        if corners is None or np.abs(corners - q).max() > 3 * radius:
            break
        q = corners
    return q.astype(np.float32)


# ---------------------------------------------------------------- the detector


def find_page(
    image: Image, methods: tuple[Method, ...] = DEFAULT_METHODS, min_fraction: float = 0.02
) -> Quad | None:
    """The page quadrilateral in a BGR or grayscale frame (frame pixels, TL TR BR BL), or ``None``."""
    gray = to_gray(image)
    w = gray.shape[1]
    scale = WORK_WIDTH / w if w > WORK_WIDTH else 1.0
    small = (
        u8(cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)) if scale < 1 else gray
    )
    min_area = min_fraction * small.shape[0] * small.shape[1]
    closed = u8(cv2.morphologyEx(small, cv2.MORPH_CLOSE, _K9))  # dark text and thin dark clutter gone
    candidates: list[Quad] = []
    if "lines" in methods:
        text_free = u8(cv2.morphologyEx(cv2.morphologyEx(small, cv2.MORPH_OPEN, _K5), cv2.MORPH_CLOSE, _K9))
        candidates += _line_quads(_lines(text_free), text_free.shape, min_area)
    local_range = np.asarray(
        cv2.GaussianBlur(cv2.morphologyEx(closed, cv2.MORPH_GRADIENT, _K5).astype(np.float32), (0, 0), 2),
        np.float32,
    )
    if "flat" in methods:
        candidates += _flat_quads(local_range, min_area)
    if "regions" in methods:
        text_free = u8(cv2.morphologyEx(cv2.morphologyEx(small, cv2.MORPH_OPEN, _K5), cv2.MORPH_CLOSE, _K9))
        candidates += _region_quads(text_free, min_area)
    if not candidates:
        return None
    quads = np.array(candidates, np.float64)
    x, y = quads[..., 0], quads[..., 1]
    areas = 0.5 * np.abs(np.sum(x * np.roll(y, -1, 1) - np.roll(x, -1, 1) * y, 1))
    blurred = np.asarray(cv2.GaussianBlur(small, (0, 0), 2), np.float32)
    step, signs = _side_support(blurred, quads, 3.0, _STEP, signed=False)
    flat, _ = _side_support(local_range, quads, 4.0, _FLAT_STEP, signed=True)
    sides = np.maximum(step, flat)
    scores = 0.5 * sides.mean(1) + 0.5 * sides.min(1)
    scores[areas > 0.85 * small.size] = 0.0
    ok = scores >= MIN_SCORE
    if not ok.any():
        ok = scores >= scores.max()
    pick = int(np.argmax(np.where(ok, areas * np.maximum(scores, 0.0) ** _AREA_POWER, -1.0)))
    full = order_corners(quads[pick] / scale)
    return order_corners(_refine(gray, full, signs[pick], radius=6.0 / scale))


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
