"""A card is reported once while the polls keep coming; after a pause in polling (no screen
wanted a card) the card on the reader is read again: a lift may have gone unseen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk.devices.idcard import Ga467Reader, SimulatedReader
from kiosk.devices.idcard.ga467 import REPORTED_FOR_S

Rig = tuple[Ga467Reader, SimulatedReader, "StepClock"]


class StepClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def rig() -> Iterator[Rig]:
    sim = SimulatedReader()
    clock = StepClock()
    reader = Ga467Reader(sim.device_path, timeout_s=2.0, monotonic=clock)
    try:
        yield reader, sim, clock
    finally:
        reader.close()
        sim.close()


def test_continuous_polls_report_the_card_once(rig: Rig) -> None:
    reader, sim, clock = rig
    sim.insert_card("resident")
    assert reader.poll() is not None
    for _ in range(5):
        clock.now += REPORTED_FOR_S / 2
        assert reader.poll() is None


def test_a_card_swapped_while_nobody_polled_is_read(rig: Rig) -> None:
    reader, sim, clock = rig
    sim.insert_card("resident")
    first = reader.poll()
    assert first is not None and first.document.kind == "resident_id"
    # the screen moved on: no polls while the citizen lifts the card and the next one lays theirs
    sim.remove_card()
    sim.insert_card("permit")
    clock.now += REPORTED_FOR_S + 1
    second = reader.poll()
    assert second is not None and second.document.kind == "hk_macao_taiwan_permit"
    clock.now += 0.25
    assert reader.poll() is None  # and once only again
