"""A stand-in for a device that could not be opened, so diagnostics can still list it."""

from __future__ import annotations

from kiosk.devices.status import DeviceState, DeviceStatus


class UnavailableDevice:
    """Reports OFFLINE with the reason key and detail of the error that stopped it opening."""

    def __init__(self, reason: str, detail: str) -> None:
        self._status = DeviceStatus(DeviceState.OFFLINE, reason, detail)

    def status(self) -> DeviceStatus:
        return self._status

    def close(self) -> None:
        """Nothing was opened."""

    def stop(self) -> None:
        """Nothing was started."""
