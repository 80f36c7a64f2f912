from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.sync_harness import Kiosk, ThreadedBackOffice, enrolled_kiosk
from kiosk.backoffice.settings import BackOfficeSettings
from kiosk.store.crypto import DataKey, load_or_create_data_key
from kiosk.store.keyring_backend import KioskFileKeyring
from kiosk.store.outbox import Outbox
from tests.factories import StepClock


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


@pytest.fixture
def backoffice(tmp_path: Path) -> Iterator[ThreadedBackOffice]:
    settings = BackOfficeSettings(db_url=f"sqlite:///{tmp_path / 'bo.sqlite3'}")
    with ThreadedBackOffice(settings) as server:
        yield server


@pytest.fixture
def kiosk(tmp_path: Path, backoffice: ThreadedBackOffice) -> Iterator[Kiosk]:
    k = enrolled_kiosk(tmp_path / "kiosk", backoffice.db, backoffice.url, backoff_base_s=0.05,
                       backoff_cap_s=0.5, connect_timeout_s=2, read_timeout_s=5, poll_s=0.5)
    yield k
    k.close()
