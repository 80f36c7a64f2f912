"""Auto-capture: a small pure state machine fed one analysed frame at a time.

The page is captured without a tap once its quad has stayed within ``max_jitter`` (a fraction of
the frame diagonal, per corner) for ``stable_frames`` consecutive frames spanning at least
``min_stable_s`` seconds *and* the quality gate passes on the last one. A manual shutter
(:meth:`AutoCapture.shutter`) captures on the next frame that has a page, even if the gate
complains (the citizen decided; the gate reason is kept on the event). After a capture the
machine waits ``cooldown_s`` and for the page to leave or move before arming again, so one
sheet is not captured twice.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Literal

import numpy as np

from kiosk.capture.document import Quad
from kiosk.capture.quality import HOLD_STILL, NO_PAGE, GateResult

State = Literal["searching", "adjusting", "steadying", "captured", "cooldown"]


@dataclasses.dataclass(frozen=True, slots=True)
class Step:
    """What the UI shows after a frame: ``guidance`` is a message key (or None), ``progress``
    0..1 while steadying, ``capture`` True on the frame to keep."""

    state: State
    guidance: str | None = None
    progress: float = 0.0
    capture: bool = False
    manual: bool = False


class AutoCapture:
    def __init__(
        self,
        *,
        stable_frames: int = 8,
        min_stable_s: float = 0.4,
        max_jitter: float = 0.006,
        cooldown_s: float = 1.5,
    ) -> None:
        if stable_frames < 1:
            raise ValueError("stable_frames must be >= 1")
        self._n = stable_frames
        self._min_s = min_stable_s
        self._jitter = max_jitter
        self._cooldown = cooldown_s
        self._last_quad: Quad | None = None
        self._stable = 0
        self._stable_since = 0.0
        self._captured_at: float | None = None
        self._captured_quad: Quad | None = None
        self._shutter = False

    def shutter(self) -> None:
        """Manual capture: the next frame with a page is captured."""
        self._shutter = True

    def reset(self) -> None:
        """Forget everything (a new material or a new session)."""
        self._last_quad = None
        self._stable = 0
        self._stable_since = 0.0
        self._captured_at = None
        self._captured_quad = None
        self._shutter = False

    def _moved(self, a: Quad, b: Quad, diagonal: float) -> bool:
        return float(np.max(np.linalg.norm(np.asarray(a) - np.asarray(b), axis=1))) > self._jitter * diagonal

    def feed(
        self, quad: Quad | None, gate: GateResult, timestamp: float, frame_size: tuple[int, int]
    ) -> Step:
        """One analysed frame: its page quad (or None), its gate result, when it was taken, and the
        frame's (width, height)."""
        diagonal = math.hypot(*frame_size)
        if quad is None:
            self._last_quad, self._stable = None, 0
            self._captured_quad = None  # the page left: re-arm after the cooldown
            return Step("searching", NO_PAGE)
        if self._shutter:
            self._shutter = False
            self._arm_after_capture(quad, timestamp)
            return Step("captured", gate.reason, 1.0, capture=True, manual=True)
        if self._captured_at is not None:
            cooling = timestamp - self._captured_at < self._cooldown
            same_page = self._captured_quad is not None and not self._moved(
                quad, self._captured_quad, diagonal * 4
            )
            if cooling or same_page:
                self._last_quad = quad
                return Step("cooldown")
            self._captured_at = None
        if self._last_quad is None or self._moved(quad, self._last_quad, diagonal):
            self._stable, self._stable_since = 1, timestamp
        else:
            self._stable += 1
        self._last_quad = quad
        if not gate.ok:
            self._stable = min(self._stable, self._n - 1)
            return Step("adjusting", gate.reason, self._progress())
        if self._stable >= self._n and timestamp - self._stable_since >= self._min_s:
            self._arm_after_capture(quad, timestamp)
            return Step("captured", None, 1.0, capture=True)
        return Step("steadying", HOLD_STILL if self._stable <= 1 else None, self._progress())

    def _progress(self) -> float:
        return min(1.0, self._stable / self._n)

    def _arm_after_capture(self, quad: Quad, timestamp: float) -> None:
        self._captured_at = timestamp
        self._captured_quad = quad
        self._stable = 0
