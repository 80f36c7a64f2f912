from __future__ import annotations

import datetime as dt

import pytest

from kiosk.journey import Clock, FakeClock, SystemClock


def test_fake_clock_moves_only_when_told() -> None:
    clock = FakeClock()
    start_mono, start_now = clock.monotonic(), clock.now()
    assert start_now.tzinfo is not None
    clock.advance(2.5)
    assert clock.monotonic() == start_mono + 2.5
    assert clock.now() == start_now + dt.timedelta(seconds=2.5)
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(-1)
    later = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    clock.set_now(later)
    assert clock.now() == later and clock.monotonic() == start_mono + 2.5
    with pytest.raises(ValueError, match="timezone"):
        clock.set_now(dt.datetime(2027, 1, 1))
    with pytest.raises(ValueError, match="timezone"):
        FakeClock(dt.datetime(2027, 1, 1))
    assert "FakeClock" in repr(clock)


def test_system_clock() -> None:
    clock = SystemClock()
    assert isinstance(clock, Clock) and isinstance(FakeClock(), Clock)
    a = clock.monotonic()
    assert clock.monotonic() >= a
    assert clock.now().tzinfo is not None
