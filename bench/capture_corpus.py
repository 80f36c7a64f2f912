"""Seeded synthetic corpus for the capture benchmark (generated at run time, never downloaded).

QR frames: a QR symbol (chosen version / error-correction level, payloads include Chinese UTF-8
company names and addresses) rendered into a 720p or 1080p frame inside the viewfinder under one
condition. Empty frames: backgrounds with texture, noise and text-like clutter, no code.
Document frames: a synthetic page (A4, ID card, business licence) warped onto a varied background
with known corners.

Everything is a pure function of ``(seed, index)`` so a unit test can regenerate the same sample.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from functools import lru_cache

import cv2
import numpy as np
import numpy.typing as npt
import qrcode
import qrcode.constants

Gray = npt.NDArray[np.uint8]

RESOLUTIONS: dict[str, tuple[int, int]] = {"720p": (1280, 720), "1080p": (1920, 1080)}
# the viewfinder the kiosk draws on screen, as fractions of the frame (x0, y0, x1, y1)
VIEWFINDER: tuple[float, float, float, float] = (0.2, 0.1, 0.8, 0.9)

CONDITIONS: tuple[str, ...] = (
    "clean",
    "rotation",
    "perspective",
    "blur_le2",  # Gaussian sigma 0.5-2.0
    "blur_gt2",  # Gaussian sigma 2.0-2.5
    "jpeg",  # quality 20-60
    "low_contrast",
    "glare",
    "screen",  # phone screen: dark mode (inverted), pixel-grid moire, bezel
    "damage",  # a contiguous blot over 10-15 % of the symbol (ECC Q/H)
)
HARD: tuple[str, ...] = CONDITIONS[1:]

_ECC = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}

_COMPANIES = (
    "深圳市腾讯计算机系统有限公司",
    "广州市天河区体育西路商贸有限责任公司",
    "北京市海淀区中关村科技发展股份有限公司",
    "上海浦东新区世纪大道环球金融服务有限公司",
    "杭州西湖区龙井茶叶专业合作社",
    "成都市武侯区川菜餐饮管理有限公司",
    "香港九龍灣國際展貿中心有限公司",
    "武汉光谷生物医药产业园运营有限公司",
)
_ADDRESSES = (
    "北京市海淀区中关村大街1号",
    "广东省深圳市南山区科技园南区高新南一道",
    "上海市黄浦区人民大道200号",
    "四川省成都市高新区天府大道北段1700号",
    "浙江省杭州市西湖区文三路398号东信大厦",
    "湖北省武汉市东湖新技术开发区高新大道666号",
    "江苏省南京市鼓楼区北京西路6号",
)
_USCC_BASE = ("91440300708461136T", "91110108551385082Q", "9131000005727247XE", "91330106MA27Y8LQ2R")


def _payload(rng: np.random.Generator) -> bytes:
    kind = int(rng.integers(0, 6))
    if kind == 0:
        return rng.choice(_COMPANIES).encode()
    if kind == 1:
        return (str(rng.choice(_ADDRESSES)) + f"{int(rng.integers(1, 40))}层").encode()
    if kind == 2:
        name = str(rng.choice(_COMPANIES))
        return (
            f"名称:{name}\n地址:{rng.choice(_ADDRESSES)}\n统一社会信用代码:{rng.choice(_USCC_BASE)}".encode()
        )
    if kind == 3:
        return f"http://www.gsxt.gov.cn/index.html?uniscid={rng.choice(_USCC_BASE)}".encode()
    if kind == 4:
        body = "".join(
            rng.choice(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 60)
        )
        return f"KSK1.{body}.{body[:22]}".encode()
    n = int(rng.integers(8, 80))
    return bytes(rng.integers(0x20, 0x7F, n, dtype=np.uint8)).replace(b"\\", b"/")


def qr_matrix(
    payload: bytes, ecc: str, version: int | None = None, mask: int | None = None
) -> npt.NDArray[np.bool_]:
    """The symbol's modules (True = dark) without the quiet zone. A fixed ``mask`` skips the
    (slow, pure-Python) best-mask search; every mask is a valid symbol."""
    code = qrcode.QRCode(version=version, error_correction=_ECC[ecc], border=0, mask_pattern=mask)
    code.add_data(payload, optimize=0)
    code.make(fit=version is None)
    return np.array(code.get_matrix(), dtype=bool)


@dataclasses.dataclass(frozen=True)
class QrSample:
    condition: str
    resolution: str
    payload: bytes
    version: int
    ecc: str
    module_px: float
    gray: Gray  # H×W uint8 frame
    corners: npt.NDArray[np.float32]  # 4×2 outer symbol corners in the frame


# ---------------------------------------------------------------- backgrounds


def _clutter(rng: np.random.Generator, img: Gray, n: int) -> None:
    h, w = img.shape
    for _ in range(n):
        what = int(rng.integers(0, 5))
        colour = int(rng.integers(0, 256))
        p1 = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        if what == 0:
            text = "".join(
                rng.choice(list("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789 .:-/"), int(rng.integers(4, 30)))
            )
            cv2.putText(
                img,
                text,
                p1,
                int(rng.integers(0, 8)),
                float(rng.uniform(0.4, 2.5)),
                colour,
                int(rng.integers(1, 4)),
                cv2.LINE_AA,
            )
        elif what == 1:
            p2 = (p1[0] + int(rng.integers(-300, 300)), p1[1] + int(rng.integers(-300, 300)))
            cv2.rectangle(img, p1, p2, colour, int(rng.choice([-1, 1, 2, 4])))
        elif what == 2:
            p2 = (int(rng.integers(0, w)), int(rng.integers(0, h)))
            cv2.line(img, p1, p2, colour, int(rng.integers(1, 6)), cv2.LINE_AA)
        elif what == 3:
            cv2.circle(img, p1, int(rng.integers(5, 150)), colour, int(rng.choice([-1, 2, 5])), cv2.LINE_AA)
        else:  # a small grid / table (barcode-like clutter)
            step = int(rng.integers(4, 20))
            for k in range(int(rng.integers(3, 15))):
                x = p1[0] + k * step
                cv2.line(
                    img, (x, p1[1]), (x, p1[1] + int(rng.integers(20, 120))), colour, int(rng.integers(1, 4))
                )


def background(rng: np.random.Generator, size: tuple[int, int]) -> Gray:
    """A desk/kiosk-plate like background: gradient + filtered-noise texture + clutter + noise."""
    w, h = size
    kind = int(rng.integers(0, 4))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    base = float(rng.uniform(40, 200))
    grad = base + float(rng.uniform(-60, 60)) * xx / w + float(rng.uniform(-60, 60)) * yy / h
    small = rng.normal(0, 1, (h // 16 + 1, w // 16 + 1)).astype(np.float32)
    tex = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC) * float(rng.uniform(5, 30))
    img = grad + tex
    if kind == 1:  # wood-grain like stripes
        freq = float(rng.uniform(0.01, 0.08))
        img += 15 * np.sin(yy * freq + 3 * np.sin(xx * 0.01)).astype(np.float32)
    elif kind == 2:  # fine fabric / mesh pattern
        period = float(rng.uniform(3, 9))
        img += 12 * (np.sin(xx * 2 * math.pi / period) * np.sin(yy * 2 * math.pi / period)).astype(np.float32)
    out = np.clip(img, 0, 255).astype(np.uint8)
    _clutter(rng, out, int(rng.integers(5, 40)) if kind != 3 else int(rng.integers(40, 120)))
    return out


@lru_cache(maxsize=4)
def _pool(seed: int, size: tuple[int, int], n: int = 24) -> tuple[Gray, ...]:
    rng = np.random.default_rng(seed)
    w, h = size
    return tuple(background(rng, (w + 160, h + 160)) for _ in range(n))


def _pooled_background(rng: np.random.Generator, seed: int, size: tuple[int, int]) -> Gray:
    """A cheap varied background: a random crop of a pooled background, maybe flipped/offset."""
    pool = _pool(seed, size)
    src = pool[int(rng.integers(0, len(pool)))]
    w, h = size
    x, y = int(rng.integers(0, 160)), int(rng.integers(0, 160))
    img = src[y : y + h, x : x + w]
    flip = int(rng.integers(-1, 3))
    if flip < 2:
        img = cv2.flip(img, flip)
    gain, bias = float(rng.uniform(0.7, 1.3)), float(rng.uniform(-30, 30))
    return cv2.convertScaleAbs(img, alpha=gain, beta=bias)


def empty_frame(seed: int, index: int) -> Gray:
    """A frame with no code: pooled background + fresh clutter + sensor noise."""
    rng = np.random.default_rng([seed, 7, index])
    res = "720p" if index % 2 == 0 else "1080p"
    img = _pooled_background(rng, seed, RESOLUTIONS[res]).copy()
    _clutter(rng, img, int(rng.integers(0, 12)))
    if rng.random() < 0.5:
        img = cv2.GaussianBlur(img, (0, 0), float(rng.uniform(0.3, 2.0)))
    # sensor noise σ 1-5: the same Gaussian as before, drawn by OpenCV's generator seeded from this
    # frame's (4× faster than numpy's: the 10,000 empty frames were most of the benchmark's time)
    sigma = float(rng.uniform(1, 5))
    noise = np.empty(img.shape, np.float32)
    cv2.setRNGSeed(int(rng.integers(0, 2**31 - 1)))
    cv2.randn(noise, 0.0, sigma)
    noise += img
    return np.clip(noise, 0, 255, out=noise).astype(np.uint8)


# ---------------------------------------------------------------- geometry


def _tilt_homography(
    rng: np.random.Generator,
    src: npt.NDArray[np.float32],
    centre: tuple[float, float],
    scale: float,
    tilt_deg: float,
    roll_deg: float,
    focal: float,
) -> npt.NDArray[np.float64]:
    """Map ``src`` (a square of side 1 in its own units) onto the frame: rotate the plane by
    ``tilt_deg`` about a random in-plane axis, roll by ``roll_deg``, project with ``focal``."""
    axis = float(rng.uniform(0, 2 * math.pi))
    t = math.radians(tilt_deg)
    ax = np.array([math.cos(axis), math.sin(axis), 0.0])
    k = np.array([[0, -ax[2], ax[1]], [ax[2], 0, -ax[0]], [-ax[1], ax[0], 0]])
    rot = np.eye(3) + math.sin(t) * k + (1 - math.cos(t)) * (k @ k)
    r = math.radians(roll_deg)
    roll = np.array([[math.cos(r), -math.sin(r), 0], [math.sin(r), math.cos(r), 0], [0, 0, 1]])
    pts = []
    for x, y in [(-0.5, -0.5), (0.5, -0.5), (0.5, 0.5), (-0.5, 0.5)]:
        p = rot @ roll @ np.array([x * scale, y * scale, 0.0])
        z = focal + p[2]
        pts.append((centre[0] + focal * p[0] / z, centre[1] + focal * p[1] / z))
    dst = np.array(pts, dtype=np.float32)
    return cv2.getPerspectiveTransform(src, dst)


def _place(
    frame_size: tuple[int, int],
    rng: np.random.Generator,
    side: float,
    region: tuple[float, float, float, float],
    tilt: float,
    roll: float,
    src: npt.NDArray[np.float32],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float32]]:
    w, h = frame_size
    x0, y0, x1, y1 = region[0] * w, region[1] * h, region[2] * w, region[3] * h
    for _ in range(50):
        cx, cy = float(rng.uniform(x0, x1)), float(rng.uniform(y0, y1))
        hom = _tilt_homography(rng, src, (cx, cy), side, tilt, roll, focal=float(w))
        corners = cv2.perspectiveTransform(src.reshape(-1, 1, 2), hom).reshape(4, 2)
        if (
            corners[:, 0].min() >= x0
            and corners[:, 0].max() <= x1
            and corners[:, 1].min() >= y0
            and corners[:, 1].max() <= y1
        ):
            return hom, corners
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    hom = _tilt_homography(rng, src, (cx, cy), side, tilt, roll, focal=float(w))
    return hom, cv2.perspectiveTransform(src.reshape(-1, 1, 2), hom).reshape(4, 2)


# ---------------------------------------------------------------- QR frames


def _symbol_image(matrix: npt.NDArray[np.bool_], k: int, dark: int, light: int, quiet: int = 4) -> Gray:
    n = matrix.shape[0] + 2 * quiet
    img = np.full((n, n), light, np.uint8)
    img[quiet : quiet + matrix.shape[0], quiet : quiet + matrix.shape[0]] = np.where(matrix, dark, light)
    return cv2.resize(img, (n * k, n * k), interpolation=cv2.INTER_NEAREST)


def _damage(rng: np.random.Generator, matrix: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """A contiguous blot (ellipse) over 10-15 % of the symbol area, clear of the finder patterns."""
    n = matrix.shape[0]
    out = matrix.copy()
    target = float(rng.uniform(0.10, 0.15)) * n * n
    keep = np.zeros_like(matrix)
    keep[:8, :8] = keep[:8, -8:] = keep[-8:, :8] = True
    for _ in range(100):
        aspect = float(rng.uniform(0.5, 2.0))
        a = math.sqrt(target / math.pi * aspect)
        b = target / math.pi / a
        cx, cy = float(rng.uniform(a, n - a)), float(rng.uniform(b, n - b))
        yy, xx = np.mgrid[0:n, 0:n]
        blot = ((xx + 0.5 - cx) / a) ** 2 + ((yy + 0.5 - cy) / b) ** 2 <= 1
        if not (blot & keep).any():
            break
    blot &= ~keep
    mode = int(rng.integers(0, 3))
    if mode == 0:
        out[blot] = False
    elif mode == 1:
        out[blot] = True
    else:
        out[blot] = rng.random(int(blot.sum())) < 0.5
    return out


def qr_sample(seed: int, index: int, condition: str, resolution: str) -> QrSample:
    rng = np.random.default_rng([seed, CONDITIONS.index(condition), 0 if resolution == "720p" else 1, index])
    size = RESOLUTIONS[resolution]
    payload = _payload(rng)
    ecc = str(rng.choice(["Q", "H"] if condition == "damage" else ["L", "M", "Q", "H"]))
    version: int | None = None
    if rng.random() < 0.4:
        version = int(rng.integers(2, 11))
    mask = int(rng.integers(0, 8))
    try:
        matrix = qr_matrix(payload, ecc, version, mask)
    except Exception:  # does not fit the chosen version
        matrix = qr_matrix(payload, ecc, None, mask)
    ver = (matrix.shape[0] - 17) // 4
    if condition == "damage":
        matrix = _damage(rng, matrix)
    scale_res = 1.0 if resolution == "720p" else 1.5
    n_total = matrix.shape[0] + 8
    vf_h = (VIEWFINDER[3] - VIEWFINDER[1]) * size[1]
    module_px = float(rng.uniform(3.0, 7.0)) * scale_res
    module_px = min(module_px, 0.75 * vf_h / n_total)
    dark, light = int(rng.integers(0, 50)), int(rng.integers(190, 256))
    if condition == "low_contrast":
        mid = float(rng.uniform(90, 170))
        delta = float(rng.uniform(25, 60))
        dark, light = int(mid - delta / 2), int(mid + delta / 2)
    k = max(2, math.ceil(module_px))
    screen = condition == "screen"
    if screen:  # dark mode: light modules on a dark screen; the pixel grid is rendered too
        dark, light = int(rng.integers(200, 256)), int(rng.integers(10, 50))
        k = max(4, math.ceil(module_px * 2))
    sym = _symbol_image(matrix, k, dark, light)
    if screen:
        period = int(rng.integers(2, 4))
        grid = np.ones_like(sym, dtype=np.float32)
        grid[::period, :] *= float(rng.uniform(0.55, 0.8))
        grid[:, ::period] *= float(rng.uniform(0.55, 0.8))
        sym = np.clip(sym * grid, 0, 255).astype(np.uint8)
        pad = int(k * 6)  # phone bezel and screen edge around the code
        sym = cv2.copyMakeBorder(sym, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=light)
        sym = cv2.copyMakeBorder(sym, k * 2, k * 2, k * 2, k * 2, cv2.BORDER_CONSTANT, value=5)
    side_px = sym.shape[0]
    side = side_px / k * module_px
    src = np.array([[0, 0], [side_px, 0], [side_px, side_px], [0, side_px]], np.float32)
    tilt, roll = 0.0, float(rng.uniform(-4, 4))
    if condition in ("rotation", "screen", "glare", "damage", "low_contrast", "jpeg"):
        roll = float(rng.uniform(-180, 180))
    if condition == "perspective":
        tilt, roll = float(rng.uniform(15, 35)), float(rng.uniform(-180, 180))
    elif condition == "screen":
        tilt = float(rng.uniform(0, 20))
    hom, corners = _place(size, rng, side, VIEWFINDER, tilt, roll, src)
    bg = _pooled_background(rng, seed, size)
    # render only a window around the symbol (cheap); the rest of the frame is the background
    all_corners = cv2.perspectiveTransform(src.reshape(-1, 1, 2), hom).reshape(4, 2)
    pad = int(0.6 * side) + 12
    wx0 = max(0, int(all_corners[:, 0].min()) - pad)
    wy0 = max(0, int(all_corners[:, 1].min()) - pad)
    wx1 = min(size[0], int(all_corners[:, 0].max()) + pad)
    wy1 = min(size[1], int(all_corners[:, 1].max()) + pad)
    wsize = (wx1 - wx0, wy1 - wy0)
    shift = np.array([[1, 0, -wx0], [0, 1, -wy0], [0, 0, 1]], np.float64)
    hom_w = shift @ hom
    interp = cv2.INTER_NEAREST if screen else cv2.INTER_LINEAR
    warped = cv2.warpPerspective(sym, hom_w, wsize, flags=interp)
    mask = cv2.warpPerspective(np.full(sym.shape, 255, np.uint8), hom_w, wsize, flags=cv2.INTER_LINEAR)
    m = mask.astype(np.float32) / 255
    win = bg[wy0:wy1, wx0:wx1].astype(np.float32) * (1 - m) + warped.astype(np.float32) * m
    # symbol corners (without quiet zone / bezel) for reference
    off = (side_px - (matrix.shape[0]) * k) / 2
    sym_src = np.array(
        [[off, off], [side_px - off, off], [side_px - off, side_px - off], [off, side_px - off]], np.float32
    )
    corners = cv2.perspectiveTransform(sym_src.reshape(-1, 1, 2), hom).reshape(4, 2)
    if condition == "glare" or (screen and rng.random() < 0.5):
        cx = float(np.mean(corners[:, 0]) + rng.uniform(-0.35, 0.35) * side) - wx0
        cy = float(np.mean(corners[:, 1]) + rng.uniform(-0.35, 0.35) * side) - wy0
        halo = float(rng.uniform(0.25, 0.5)) * side
        yy, xx = np.mgrid[0 : wsize[1], 0 : wsize[0]].astype(np.float32)
        d2 = ((xx - cx) ** 2 + (yy - cy) ** 2) / (halo * halo)
        strength = float(rng.uniform(150, 260)) if condition == "glare" else float(rng.uniform(40, 100))
        win = win + strength * np.exp(-d2 * 2.5)
    sigma = 0.4  # lens
    if condition == "blur_le2":
        sigma = float(rng.uniform(0.5, 2.0))
    elif condition == "blur_gt2":
        sigma = float(rng.uniform(2.0, 2.5))
    win = cv2.GaussianBlur(win, (0, 0), sigma)
    win += rng.normal(0, float(rng.uniform(1.0, 4.0)), win.shape).astype(np.float32)
    gray = bg.copy()
    gray[wy0:wy1, wx0:wx1] = np.clip(win, 0, 255).astype(np.uint8)
    if condition == "jpeg":
        ok, buf = cv2.imencode(".jpg", gray, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(20, 61))])
        assert ok
        gray = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    return QrSample(condition, resolution, payload, ver, ecc, module_px, gray, corners)


def qr_samples(
    seed: int,
    n: int,
    conditions: tuple[str, ...] = CONDITIONS,
    resolutions: tuple[str, ...] = ("720p", "1080p"),
) -> Iterator[QrSample]:
    for res in resolutions:
        for cond in conditions:
            for i in range(n):
                yield qr_sample(seed, i, cond, res)


# ---------------------------------------------------------------- documents

# page sizes in mm (width, height) for each material format; the licence is A3 landscape
DOC_SIZES: dict[str, tuple[float, float]] = {
    "a4": (210.0, 297.0),
    "id_card": (85.6, 54.0),
    "business_licence": (420.0, 297.0),
}


@dataclasses.dataclass(frozen=True)
class DocSample:
    fmt: str
    gray: Gray
    bgr: npt.NDArray[np.uint8]
    corners: npt.NDArray[np.float32]  # TL, TR, BR, BL in the frame


def page_image(rng: np.random.Generator, fmt: str, px_per_mm: float = 4.0) -> Gray:
    """A synthetic document page: paper tone, text-like lines, a header, a photo box / stamp."""
    wmm, hmm = DOC_SIZES[fmt]
    w, h = round(wmm * px_per_mm), round(hmm * px_per_mm)
    paper = int(rng.integers(190, 236))
    img = np.full((h, w), paper, np.uint8)
    if fmt == "id_card":
        cv2.rectangle(img, (int(w * 0.62), int(h * 0.15)), (int(w * 0.92), int(h * 0.75)), 150, -1)
    if fmt == "business_licence":
        cv2.rectangle(img, (int(w * 0.03), int(h * 0.04)), (int(w * 0.97), int(h * 0.96)), 90, 6)
        cv2.circle(img, (int(w * 0.75), int(h * 0.75)), int(h * 0.1), 120, 4)
    margin = int(0.08 * w)
    y = int(0.08 * h)
    line_h = max(8, int(h * float(rng.uniform(0.025, 0.04))))
    while y < h - margin:
        x = margin
        limit = int(w * (0.55 if fmt == "id_card" else 0.92))
        while x < limit:
            word = int(rng.integers(2, 8)) * line_h // 2
            cv2.rectangle(img, (x, y), (min(limit, x + word), y + line_h // 2), int(rng.integers(10, 80)), -1)
            for gx in range(x + 2, min(limit, x + word), max(2, line_h // 3)):  # glyph gaps: fine detail
                cv2.line(img, (gx, y), (gx, y + line_h // 2), paper, 1)
            x += word + line_h // 2
        y += line_h + line_h // 2
    return img


def _doc_render(
    seed: int, index: int, resolution: str
) -> tuple[str, npt.NDArray[np.float32], npt.NDArray[np.float32], np.random.Generator]:
    """Everything of a document frame up to the lens blur: format, frame (float, lit), corners, and
    the generator in the state the remaining steps draw from."""
    rng = np.random.default_rng([seed, 99, index])
    size = RESOLUTIONS[resolution]
    fmt = str(rng.choice(["a4", "a4", "id_card", "business_licence"]))
    page = page_image(rng, fmt)
    h, w = page.shape
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    fw, fh = size
    fill = float(rng.uniform(0.45, 0.85))  # page height as a fraction of frame height
    long_side = fill * fh if h >= w else fill * fh * w / h
    long_side = min(long_side, 0.85 * fw)
    scale = long_side / max(w, h)
    tilt, roll = float(rng.uniform(0, 25)), float(rng.uniform(-15, 15))
    hom_unit, _ = _place(
        size,
        rng,
        max(w, h) * scale,
        (0.06, 0.06, 0.94, 0.94),
        tilt,
        roll,
        np.array([[0, 0], [1, 0], [1, 1], [0, 1]], np.float32) * 1,
    )
    # compose: page space -> unit square (aspect kept, centred) -> frame
    to_unit = np.array(
        [[1 / max(w, h), 0, (1 - w / max(w, h)) / 2], [0, 1 / max(w, h), (1 - h / max(w, h)) / 2], [0, 0, 1]]
    )
    hom = hom_unit @ to_unit
    # The page's outline: warpPerspective samples page pixel centres at integer coordinates, so the
    # page covers [-0.5, w - 0.5] × [-0.5, h - 0.5] in page space (its warped mask is 50 % there).
    # (Until 2026-11 the corners were taken at [0, w] × [0, h]: half a page pixel off, 1-2 frame
    # pixels for the up-scaled ID card, which capped every detector's IoU on cards near 0.99.)
    outline = src - 0.5
    corners = cv2.perspectiveTransform(outline.reshape(-1, 1, 2), hom).reshape(4, 2).astype(np.float32)
    bg = background(rng, size) if index % 8 == 0 else _pooled_background(rng, seed + 1, size)
    warped = cv2.warpPerspective(page, hom, size, flags=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full(page.shape, 255, np.uint8), hom, size, flags=cv2.INTER_LINEAR)
    m = mask.astype(np.float32) / 255
    frame = bg.astype(np.float32) * (1 - m) + warped.astype(np.float32) * m
    # lighting: a gradient / soft shadow over the whole frame
    yy, xx = np.mgrid[0:fh, 0:fw].astype(np.float32)
    light = 1 + float(rng.uniform(-0.25, 0.05)) * (xx / fw) + float(rng.uniform(-0.25, 0.05)) * (yy / fh)
    frame *= light
    return fmt, frame, corners, rng


def _doc_finish(
    fmt: str,
    frame: npt.NDArray[np.float32],
    corners: npt.NDArray[np.float32],
    rng: np.random.Generator,
    blur_sigma: float | None,
) -> DocSample:
    sigma = float(rng.uniform(0.3, 0.8)) if blur_sigma is None else blur_sigma
    out = cv2.GaussianBlur(frame, (0, 0), sigma)
    out += rng.normal(0, float(rng.uniform(1, 4)), out.shape).astype(np.float32)
    gray = np.clip(out, 0, 255).astype(np.uint8)
    tint = np.array([float(rng.uniform(0.85, 1.0)), float(rng.uniform(0.9, 1.0)), 1.0], np.float32)
    bgr = np.clip(gray[..., None].astype(np.float32) * tint, 0, 255).astype(np.uint8)
    return DocSample(fmt, gray, bgr, corners)


def doc_sample(
    seed: int, index: int, resolution: str = "1080p", blur_sigma: float | None = None
) -> DocSample:
    return _doc_finish(*_doc_render(seed, index, resolution), blur_sigma)


def doc_sample_pair(
    seed: int, index: int, blur_sigma: float, resolution: str = "1080p"
) -> tuple[DocSample, DocSample]:
    """``doc_sample(seed, index)`` and ``doc_sample(seed, index, blur_sigma=blur_sigma)``, pixel
    for pixel, rendering the page and background once."""
    fmt, frame, corners, rng = _doc_render(seed, index, resolution)
    other = np.random.Generator(type(rng.bit_generator)())
    other.bit_generator.state = rng.bit_generator.state
    return _doc_finish(fmt, frame, corners, rng, None), _doc_finish(fmt, frame, corners, other, blur_sigma)
