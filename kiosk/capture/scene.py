"""Camera scenes for the simulator: a document page lying on a desk, as a kiosk camera sees it.

The demo profile's :class:`~kiosk.devices.camera.FileCamera` shows these (through its
``show_image`` hook) when the capture screen wants a page, so the *real* pipeline — page
detection, quality gate, auto-capture, dewarp — runs on them offscreen. A scene is a pure
function of its arguments (seeded), so tests regenerate the same frames.

What makes a scene realistic enough to exercise the pipeline (the generators of
``bench/capture_corpus.py`` do the same at benchmark scale; the package does not import bench):

* the page: paper tone, a title bar, lines of word-like blocks with glyph gaps, and per format an
  ID card's photo box, a business licence's printed border and red seal, a photo's head and
  shoulders;
* the desk: a low-frequency wood-ish texture with grain, a soft vignette and a few objects
  (a pen, a sticky note) that must not be taken for the page;
* the camera: a perspective (the page is tilted a few degrees towards the lens and rolled), a
  lighting gradient, a mild lens blur (σ ≈ 0.6 px) and sensor noise (σ ≈ 2 grey levels).

:class:`ScenePlayer` is the simulated citizen's hands: ``place(fmt, page)`` puts a sheet under
the camera (each placement in a slightly different pose, as hands do: the auto-capture sees a new
sheet), ``clear()`` leaves the empty desk, ``release()`` hands the camera back to its source.
"""

from __future__ import annotations

import dataclasses
import math
import threading
from functools import lru_cache
from typing import Final, Protocol

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.capture.document import PAGE_MM, Image, PageFormat, Quad, u8

__all__ = ["FRAME_SIZE", "Scene", "ScenePlayer", "SceneTarget", "desk", "page_image", "render_scene"]

FRAME_SIZE: Final = (1280, 720)  # the FileCamera's default frame size
_PX_PER_MM: Final = 4.0
# share of the frame height the page's long side takes, per format (an ID card is small)
_FILL: Final[dict[str, float]] = {"a4": 0.86, "business_licence": 0.8, "id_card": 0.42, "photo": 0.5}
# poses a placement cycles through: (dx, dy) as fractions of the frame, roll in degrees, tilt axis
# (consecutive poses differ by ≥ 50 px at 720p: auto-capture takes them for a new sheet)
_POSES: Final = ((0.0, 0.0, -2.5, 0.3), (0.06, 0.008, 3.0, 2.0), (-0.06, -0.008, 1.5, 4.0),
                 (0.045, 0.004, -4.0, 5.5))


@dataclasses.dataclass(frozen=True, slots=True, eq=False)
class Scene:
    image: Image  # H×W×3 BGR
    corners: Quad  # the page's outline in the frame, TL TR BR BL
    fmt: PageFormat

    def __repr__(self) -> str:
        h, w = self.image.shape[:2]
        return f"Scene({self.fmt}, {w}x{h})"


def page_image(fmt: PageFormat, page: int = 1, seed: int = 0) -> Image:
    """A synthetic page of ``fmt`` (BGR, 4 px per mm, upright in the format's orientation)."""
    wmm, hmm = PAGE_MM[fmt]
    w, h = round(wmm * _PX_PER_MM), round(hmm * _PX_PER_MM)
    rng = np.random.default_rng([seed, page, 11])
    paper = int(rng.integers(212, 228))
    img = np.full((h, w, 3), (paper - 4, paper, paper + 2), np.uint8)
    ink = (40, 36, 32)
    if fmt == "photo":
        img[:] = (200, 170, 120)  # a blue backdrop
        cv2.ellipse(img, (w // 2, int(h * 0.42)), (int(w * 0.22), int(h * 0.2)), 0, 0, 360,
                    (150, 170, 205), -1)
        cv2.ellipse(img, (w // 2, h), (int(w * 0.45), int(h * 0.32)), 0, 180, 360, (60, 50, 45), -1)
        return img
    if fmt == "business_licence":
        cv2.rectangle(img, (int(w * 0.03), int(h * 0.04)), (int(w * 0.97), int(h * 0.96)),
                      (60, 90, 140), 6)
        cv2.circle(img, (int(w * 0.78), int(h * 0.74)), int(h * 0.1), (40, 40, 200), 5)
        cv2.circle(img, (int(w * 0.78), int(h * 0.74)), int(h * 0.03), (40, 40, 200), -1)
    if fmt == "id_card":
        cv2.rectangle(img, (int(w * 0.64), int(h * 0.16)), (int(w * 0.92), int(h * 0.74)),
                      (150, 150, 155), -1)
    margin = int(0.08 * w)
    top = int(0.08 * h)
    if fmt != "id_card":  # a title bar
        bar = max(10, h // 36)
        cv2.rectangle(img, (int(w * 0.3), top), (int(w * 0.7), top + bar), ink, -1)
        top += bar * 3
    line_h = max(8, int(h * (0.05 if fmt == "id_card" else 0.022)))
    limit = int(w * (0.58 if fmt == "id_card" else 0.92))
    y = top
    while y < h - margin - line_h:
        x = margin
        end = limit if rng.random() > 0.15 else int(limit * float(rng.uniform(0.4, 0.8)))
        while x < end:
            word = int(rng.integers(2, 8)) * line_h // 2
            x1 = min(end, x + word)
            cv2.rectangle(img, (x, y), (x1, y + line_h // 2), ink, -1)
            for gx in range(x + 2, x1, max(3, line_h // 3)):  # glyph gaps: fine detail to judge blur
                cv2.line(img, (gx, y), (gx, y + line_h // 2), (paper - 4, paper, paper + 2), 1)
            x += word + line_h // 2
        y += line_h + line_h // 2
    # the page number, bottom right (so consecutive pages differ visibly)
    cv2.putText(img, f"- {page} -", (w // 2 - 3 * line_h, h - margin // 2), cv2.FONT_HERSHEY_SIMPLEX,
                line_h / 22, ink, max(1, line_h // 10), cv2.LINE_AA)
    return img


@lru_cache(maxsize=4)
def _desk(size: tuple[int, int], seed: int) -> Image:
    w, h = size
    rng = np.random.default_rng([seed, 3])
    blotches = rng.normal(0.0, 1.0, (max(2, h // 48), max(2, w // 48))).astype(np.float32)
    low = cv2.resize(blotches, (w, h), interpolation=cv2.INTER_CUBIC)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    grain = np.sin(yy * 0.045 + 2.5 * np.sin(xx * 0.004)).astype(np.float32)
    shade = 0.78 + 0.06 * low + 0.04 * grain
    vignette = 1.0 - 0.18 * (((xx - w / 2) / w) ** 2 + ((yy - h / 2) / h) ** 2)
    shade *= vignette
    img = np.clip(np.stack([shade * 75, shade * 112, shade * 150], axis=-1), 0, 255).astype(np.uint8)
    # a pen and a sticky note near the edges: clutter the detector must not take for the page
    cv2.line(img, (int(w * 0.05), int(h * 0.85)), (int(w * 0.16), int(h * 0.72)), (30, 30, 30), 9,
             cv2.LINE_AA)
    note = np.array([[w * 0.88, h * 0.08], [w * 0.97, h * 0.1], [w * 0.955, h * 0.25], [w * 0.865, h * 0.23]])
    cv2.fillConvexPoly(img, note.astype(np.int32), (120, 225, 240), cv2.LINE_AA)
    img.flags.writeable = False
    return u8(img)


def desk(size: tuple[int, int] = FRAME_SIZE, seed: int = 0) -> Image:
    """The empty desk under the camera (BGR; a fresh copy)."""
    return _desk(size, seed).copy()


def _homography(src_size: tuple[int, int], frame: tuple[int, int], fill: float,
                pose: tuple[float, float, float, float], tilt_deg: float
                ) -> tuple[npt.NDArray[np.float64], Quad]:
    """Page pixels → frame: scale to ``fill`` of the frame height, roll, tilt the page plane
    ``tilt_deg`` about an in-plane axis, project (focal length = frame width), offset."""
    pw, ph = src_size
    fw, fh = frame
    dx, dy, roll_deg, axis = pose
    side = fill * fh
    scale = side / max(pw, ph)
    half_w, half_h = pw * scale / 2, ph * scale / 2
    r = math.radians(roll_deg)
    roll = np.array([[math.cos(r), -math.sin(r), 0], [math.sin(r), math.cos(r), 0], [0, 0, 1]])
    t = math.radians(tilt_deg)
    ax = np.array([math.cos(axis), math.sin(axis), 0.0])
    k = np.array([[0, -ax[2], ax[1]], [ax[2], 0, -ax[0]], [-ax[1], ax[0], 0]])
    rot = np.eye(3) + math.sin(t) * k + (1 - math.cos(t)) * (k @ k)
    focal = float(fw)
    cx, cy = fw / 2 + dx * fw, fh / 2 + dy * fh
    dst = []
    for x, y in ((-half_w, -half_h), (half_w, -half_h), (half_w, half_h), (-half_w, half_h)):
        p = rot @ roll @ np.array([x, y, 0.0])
        z = focal + p[2]
        dst.append((cx + focal * p[0] / z, cy + focal * p[1] / z))
    # page pixel centres sit at integer coordinates: the page covers [-0.5, w - 0.5]
    src = np.array([[-0.5, -0.5], [pw - 0.5, -0.5], [pw - 0.5, ph - 0.5], [-0.5, ph - 0.5]], np.float32)
    corners = np.array(dst, np.float32)
    return np.asarray(cv2.getPerspectiveTransform(src, corners), np.float64), corners


def render_scene(fmt: PageFormat = "a4", *, page: int = 1, seed: int = 0, pose: int = 0,
                 size: tuple[int, int] = FRAME_SIZE, fill: float | None = None,
                 tilt_deg: float = 6.0, blur_sigma: float = 0.6, noise_sigma: float = 2.0,
                 offset: tuple[float, float] = (0.0, 0.0)) -> Scene:
    """Page ``page`` of ``fmt`` on the desk, in pose number ``pose`` (see :data:`_POSES`).

    ``fill``: the page's long side as a share of the frame height (default per format);
    ``offset``: an extra shift as fractions of the frame (e.g. to push the page off the edge);
    ``blur_sigma`` in frame pixels (a focused kiosk camera: ≈ 0.6; a moving hand: 3+)."""
    sheet = _page(fmt, page, seed)
    base = _POSES[pose % len(_POSES)]
    placed = (base[0] + offset[0], base[1] + offset[1], base[2], base[3])
    hom, corners = _homography((sheet.shape[1], sheet.shape[0]), size,
                               _FILL[fmt] if fill is None else fill, placed, tilt_deg)
    warped = cv2.warpPerspective(sheet, hom, size, flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full(sheet.shape[:2], 1.0, np.float32), hom, size,
                               flags=cv2.INTER_LINEAR)
    # a soft contact shadow just outside the page's edge, then the page over the desk
    shadow = cv2.GaussianBlur(mask, (0, 0), 5)
    shade = cv2.merge([1.0 - 0.35 * np.clip(shadow - mask, 0.0, 1.0)] * 3)
    table = cv2.multiply(_desk(size, seed), shade, dtype=cv2.CV_8U)
    lit = cv2.multiply(cv2.blendLinear(warped, table, mask, 1.0 - mask).astype(np.float32),
                       _light(size))  # the hall's light from one side
    frame = cv2.GaussianBlur(lit, (0, 0), blur_sigma) if blur_sigma > 0 else lit
    noise = np.empty(frame.shape, np.float32)
    cv2.setRNGSeed(int(np.random.default_rng([seed, page, pose, 17]).integers(0, 2**31 - 1)))
    cv2.randn(noise, np.float64(0.0), np.float64(noise_sigma))  # type: ignore[call-overload]
    return Scene(u8(cv2.add(frame, noise, dtype=cv2.CV_8U)), corners, fmt)


@lru_cache(maxsize=16)
def _page(fmt: PageFormat, page: int, seed: int) -> Image:
    sheet = page_image(fmt, page, seed)
    sheet.flags.writeable = False
    return sheet


@lru_cache(maxsize=4)
def _light(size: tuple[int, int]) -> npt.NDArray[np.float32]:
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    light = np.asarray(cv2.merge([0.96 - 0.08 * xx / w + 0.04 * yy / h] * 3), np.float32)
    light.flags.writeable = False
    return light


class SceneTarget(Protocol):
    """What a :class:`ScenePlayer` drives: the simulated camera's scripting hook."""

    def show_image(self, image: Image | None) -> None: ...


class ScenePlayer:
    """The simulated citizen's hands over a scriptable camera (thread-safe; rendering runs on the
    caller's thread, so call it off the GUI thread or accept ~50 ms)."""

    def __init__(self, camera: SceneTarget, *, seed: int = 0, size: tuple[int, int] = FRAME_SIZE) -> None:
        self._camera = camera
        self._seed = seed
        self._size = size
        self._lock = threading.Lock()
        self._placements = 0
        self.showing: tuple[PageFormat, int] | None = None  # what lies under the camera now

    def place(self, fmt: PageFormat, page: int = 1, *, blur_sigma: float = 0.6) -> Scene:
        """Put page ``page`` of a ``fmt`` document under the camera (a new pose each time)."""
        with self._lock:
            pose = self._placements
            self._placements += 1
            scene = render_scene(fmt, page=page, seed=self._seed, pose=pose, size=self._size,
                                 blur_sigma=blur_sigma)
            self._camera.show_image(scene.image)
            self.showing = (fmt, page)
        return scene

    def clear(self) -> None:
        """Take the sheet away: the empty desk."""
        with self._lock:
            self._camera.show_image(desk(self._size, self._seed))
            self.showing = None

    def release(self) -> None:
        """Hand the camera back to its own source."""
        with self._lock:
            self._camera.show_image(None)
            self.showing = None
