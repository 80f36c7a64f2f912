"""Second-generation ID-card reader (DESIGN §4): the port, the GA 467 serial driver, and a
simulator that speaks the same bytes over a pseudo-terminal.

:func:`build_idcard_reader` maps the config to an implementation. For ``"simulated"`` it
starts the simulator and returns the *real* driver opened on the simulator's pty, so the demo
and the tests exercise the same code as a terminal with a reader attached.
"""

from __future__ import annotations

from kiosk.devices.config import Ga467SerialConfig, IdCardConfig, SimulatedIdCardConfig
from kiosk.devices.idcard.ga467 import DRIVER_NAMES, Ga467Reader
from kiosk.devices.idcard.port import (
    CardRead,
    CardReadFailed,
    CardRemoved,
    ChecksumMismatch,
    IdCardError,
    IdCardOffline,
    IdCardProtocolError,
    IdCardReader,
    IdCardTimeout,
    InvalidCardNumber,
    NoPhotoDecoder,
    PhotoDecoder,
    ReaderFault,
    ShortFrame,
    UnsupportedCard,
)
from kiosk.devices.idcard.simulated import SimulatedReader

__all__ = [
    "DRIVER_NAMES",
    "CardRead",
    "CardReadFailed",
    "CardRemoved",
    "ChecksumMismatch",
    "Ga467Reader",
    "IdCardError",
    "IdCardOffline",
    "IdCardProtocolError",
    "IdCardReader",
    "IdCardTimeout",
    "InvalidCardNumber",
    "NoPhotoDecoder",
    "PhotoDecoder",
    "ReaderFault",
    "ShortFrame",
    "SimulatedReader",
    "UnsupportedCard",
    "build_idcard_reader",
]


def build_idcard_reader(config: IdCardConfig) -> tuple[IdCardReader, SimulatedReader | None]:
    """The reader for ``config``, and the simulator behind it when there is one.

    The caller owns both: close the reader first, then the simulator. A missing serial port
    raises :class:`IdCardOffline` naming the port and the available drivers.
    """
    if isinstance(config, SimulatedIdCardConfig):
        simulator = SimulatedReader(card=config.card)
        try:
            reader = Ga467Reader(simulator.device_path, timeout_s=config.status_timeout_s)
        except BaseException:
            simulator.close()
            raise
        return reader, simulator
    if isinstance(config, Ga467SerialConfig):
        return Ga467Reader.from_config(config), None
    raise IdCardOffline(  # pragma: no cover - pydantic's discriminator rejects other drivers
        f"unknown ID-card driver {getattr(config, 'driver', '?')!r}; drivers: {', '.join(DRIVER_NAMES)}"
    )
