"""The camera port: a source of frames where only the latest frame matters.

Consumers never see a backlog: :meth:`Camera.latest` returns the newest frame, and
:meth:`Camera.wait_frame` blocks until a frame newer than the one the caller already has
arrives (or the timeout passes). Frames are BGR ``uint8`` arrays; treat them as read-only.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Protocol

from kiosk.devices.status import DeviceStatus

if TYPE_CHECKING:  # numpy loads with the drivers, not with the port's constants (first frame)
    import numpy as np
    import numpy.typing as npt

    Image = npt.NDArray[np.uint8]

OFFLINE_KEY = "device.camera.offline"
FROZEN_KEY = "device.camera.frozen"


@dataclasses.dataclass(frozen=True, slots=True, eq=False)
class Frame:
    """One captured frame. ``seq`` increases by one per frame delivered since ``start()``."""

    image: Image  # H×W×3 BGR uint8, read-only
    timestamp: float  # time.monotonic() when the frame was captured
    seq: int

    def __repr__(self) -> str:  # never dump pixels (a frame can show an ID card)
        h, w = self.image.shape[:2]
        return f"Frame(seq={self.seq}, {w}x{h}, t={self.timestamp:.3f})"


class Camera(Protocol):
    def start(self) -> None:
        """Begin capturing (idempotent). May raise :class:`DeviceOffline` when the device is missing."""

    def latest(self) -> Frame | None:
        """The newest frame, or ``None`` when there is none (not started, offline)."""

    def wait_frame(self, after_seq: int, timeout: float) -> Frame | None:
        """Block until a frame with ``seq > after_seq`` exists; return it (the newest) or ``None``."""

    def status(self) -> DeviceStatus: ...

    def stop(self) -> None:
        """Stop capturing and join the capture thread (idempotent)."""
