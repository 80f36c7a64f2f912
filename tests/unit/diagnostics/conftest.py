from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.devices.health import DeviceHealth, HealthMonitor
from kiosk.devices.status import OK, DeviceStatus
from kiosk.store.crypto import DataKey, load_or_create_data_key
from kiosk.store.keyring_backend import KioskFileKeyring
from kiosk.store.outbox import Outbox
from tests.factories import StepClock


class FakeDevice:
    """A typed status source the tests script."""

    def __init__(self, status: DeviceStatus = OK) -> None:
        self.current = status
        self.closed = False

    def status(self) -> DeviceStatus:
        return self.current


class FakeDevices:
    """What diag_main needs of app.Devices: ``health`` and ``close()``."""

    def __init__(self, sources: dict[str, tuple[FakeDevice, bool]]) -> None:
        self.sources = sources
        self.health = DeviceHealth({
            name: HealthMonitor(name, dev, interval_s=0.01, timeout_s=1.0, required=req)
            for name, (dev, req) in sources.items()
        })
        self.closed = False

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def devices() -> FakeDevices:
    return FakeDevices({
        "id_card_reader": (FakeDevice(), True),
        "camera": (FakeDevice(), True),
        "receipt_printer": (FakeDevice(), True),
        "a4_printer": (FakeDevice(), False),
    })


@pytest.fixture
def clock() -> StepClock:
    return StepClock()


@pytest.fixture
def outbox(tmp_path: Path, clock: StepClock) -> Iterator[Outbox]:
    ring = KioskFileKeyring(tmp_path / "keyring" / "k.cfg", secrets.token_bytes(32))

    def provider(create: bool) -> DataKey:
        return load_or_create_data_key(ring, create=create)

    box = Outbox.open(tmp_path / "data", provider, terminal_id="t-1", terminal_code="DM1", now=clock)
    yield box
    box.close()
