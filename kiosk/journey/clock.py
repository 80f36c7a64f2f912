"""Time for the journey: a monotonic clock for timeouts and a wall clock for records.

The journey never calls :mod:`time` or :mod:`datetime` directly; ``app.py`` injects
:class:`SystemClock`, tests inject :class:`FakeClock` and advance it (no sleeps, DESIGN §7).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Final, Protocol, runtime_checkable

__all__ = ["Clock", "FakeClock", "SystemClock"]


@runtime_checkable
class Clock(Protocol):
    def monotonic(self) -> float:
        """Seconds from an arbitrary origin; never goes backwards (timeouts)."""
        ...

    def now(self) -> dt.datetime:
        """The current time, timezone-aware (consent records, expiry checks)."""
        ...


class SystemClock:
    """The real clock: :func:`time.monotonic` and the local time zone."""

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC).astimezone()


_DEFAULT_START: Final = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


class FakeClock:
    """A clock that only moves when told to; both readings advance together."""

    def __init__(self, start: dt.datetime = _DEFAULT_START, monotonic_start: float = 1000.0
                 ) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start time")
        self._now = start
        self._mono = monotonic_start

    def monotonic(self) -> float:
        return self._mono

    def now(self) -> dt.datetime:
        return self._now

    def advance(self, seconds: float) -> None:
        """Move both clocks forward by ``seconds`` (>= 0)."""
        if seconds < 0:
            raise ValueError("a clock does not go backwards")
        self._mono += seconds
        self._now += dt.timedelta(seconds=seconds)

    def set_now(self, when: dt.datetime) -> None:
        """Jump the wall clock (e.g. to another day); the monotonic clock is unaffected."""
        if when.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware time")
        self._now = when

    def __repr__(self) -> str:
        return f"FakeClock(now={self._now.isoformat()}, monotonic={self._mono})"
