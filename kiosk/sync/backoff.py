"""Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter").

``delay(n) = uniform(0, min(cap, base · 2ⁿ))``: retries of many terminals after an outage spread
out instead of arriving together, and no delay exceeds ``cap``.
"""

from __future__ import annotations

import random


class Backoff:
    def __init__(self, base_s: float, cap_s: float, rng: random.Random | None = None) -> None:
        if base_s <= 0 or cap_s < base_s:
            raise ValueError("need 0 < base <= cap")
        self.base_s = base_s
        self.cap_s = cap_s
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not security

    def ceiling(self, attempt: int) -> float:
        """The largest delay for retry number ``attempt`` (0 = the first retry)."""
        return min(self.cap_s, self.base_s * 2.0 ** min(max(attempt, 0), 62))

    def delay(self, attempt: int) -> float:
        return self._rng.uniform(0.0, self.ceiling(attempt))
