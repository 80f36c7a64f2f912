from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.store.crypto import DataKey, load_or_create_data_key
from kiosk.store.keyring_backend import KioskFileKeyring
from kiosk.store.outbox import Outbox
from tests.factories import StepClock


@pytest.fixture
def clock() -> StepClock:
    return StepClock()


@pytest.fixture
def keyring(tmp_path: Path) -> KioskFileKeyring:
    return KioskFileKeyring(tmp_path / "keyring" / "k.cfg", secrets.token_bytes(32))


@pytest.fixture
def outbox(tmp_path: Path, keyring: KioskFileKeyring, clock: StepClock) -> Iterator[Outbox]:
    def provider(create: bool) -> DataKey:
        return load_or_create_data_key(keyring, create=create)

    box = Outbox.open(tmp_path / "data", provider, terminal_id="t-1", terminal_code="DM1", now=clock)
    yield box
    box.close()
