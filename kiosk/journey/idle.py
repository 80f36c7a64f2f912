"""Idle timing: when the warning overlay appears and when the session is wiped.

Pure arithmetic over the injected clock's monotonic readings; :meth:`Journey.tick` asks
:meth:`IdleTimer.verdict` and acts on it. Care mode multiplies both periods.
"""

from __future__ import annotations

import enum

from kiosk.config import SessionConfig

__all__ = ["IdleTimer", "Verdict"]


class Verdict(enum.Enum):
    ACTIVE = "active"  # nothing to do
    WARN = "warn"  # show the "are you still there?" overlay
    EXPIRE = "expire"  # wipe the session


class IdleTimer:
    def __init__(self, config: SessionConfig, now: float) -> None:
        self._config = config
        self.last_activity = now

    def touch(self, now: float) -> None:
        self.last_activity = now

    def timeout_s(self, care_mode: bool) -> float:
        return self._config.idle_timeout_s * self._factor(care_mode)

    def warning_s(self, care_mode: bool) -> float:
        return self._config.idle_warning_s * self._factor(care_mode)

    def _factor(self, care_mode: bool) -> float:
        return self._config.care_mode_factor if care_mode else 1.0

    def verdict(self, now: float, care_mode: bool, *, warning_shown: bool) -> Verdict:
        """What an idle period ending ``now`` calls for.

        The warning is deemed to start when the idle timeout ran out (not when a tick
        noticed), so a late tick after both periods wipes at once rather than warning.
        """
        idle = now - self.last_activity
        if idle >= self.timeout_s(care_mode) + self.warning_s(care_mode):
            return Verdict.EXPIRE
        if idle >= self.timeout_s(care_mode):
            return Verdict.ACTIVE if warning_shown else Verdict.WARN
        return Verdict.ACTIVE

    def end_screen_expired(self, now: float, care_mode: bool) -> bool:
        """The thank-you screen returns to ATTRACT after the warning period."""
        return now - self.last_activity >= self.warning_s(care_mode)

    def seconds_left(self, now: float, care_mode: bool, *, warning_shown: bool,
                     end_screen: bool = False) -> float:
        """Seconds until the next idle step (warning or wipe), for the on-screen countdown."""
        if end_screen:
            deadline = self.warning_s(care_mode)
        elif warning_shown:
            deadline = self.timeout_s(care_mode) + self.warning_s(care_mode)
        else:
            deadline = self.timeout_s(care_mode)
        return max(0.0, deadline - (now - self.last_activity))
