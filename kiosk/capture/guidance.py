"""The capture guidance keys (message keys in :mod:`kiosk.messages`), with no image library:
the UI imports them before OpenCV is loaded (after the kiosk's first frame)."""

from __future__ import annotations

from typing import Final

__all__ = ["BLURRY", "CAPTURED", "CUT_OFF", "GLARE", "HOLD_STILL", "NO_PAGE", "READY", "REASONS",
           "TAKE_AWAY", "TOO_BRIGHT", "TOO_DARK", "TOO_SMALL"]

# the quality gate's reasons (kiosk.capture.quality), worst first
BLURRY: Final = "capture.blurry"
GLARE: Final = "capture.glare"
TOO_DARK: Final = "capture.too_dark"
TOO_BRIGHT: Final = "capture.too_bright"
TOO_SMALL: Final = "capture.too_small"
CUT_OFF: Final = "capture.cut_off"
HOLD_STILL: Final = "capture.hold_still"
NO_PAGE: Final = "capture.no_page"
REASONS: Final = (NO_PAGE, CUT_OFF, TOO_SMALL, TOO_DARK, TOO_BRIGHT, GLARE, BLURRY, HOLD_STILL)
# the live capture's states beyond the gate (kiosk.capture.live)
READY: Final = "capture.ready"
CAPTURED: Final = "capture.captured"
TAKE_AWAY: Final = "capture.take_away"  # a sheet already taken lies there (UI: new material)
