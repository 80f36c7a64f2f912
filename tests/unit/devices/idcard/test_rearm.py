"""A card is reported once while it stays on the reader, however long the gaps between polls;
a lift seen by a poll re-arms at once; a new request for a card (``rearm()``) reads the card on
the reader even when its lift went unseen — the real GA 467 driver over the simulator's pty."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from kiosk.devices.idcard import Ga467Reader, SimulatedReader

Rig = tuple[Ga467Reader, SimulatedReader]
READ = (0x30, 0x01)


@pytest.fixture
def rig() -> Iterator[Rig]:
    sim = SimulatedReader()
    reader = Ga467Reader(sim.device_path, timeout_s=2.0)
    try:
        yield reader, sim
    finally:
        reader.close()
        sim.close()


def test_a_card_that_stays_is_reported_once_however_long_the_gaps_between_polls(rig: Rig) -> None:
    reader, sim = rig
    sim.insert_card("resident")
    assert reader.poll() is not None
    for _ in range(3):
        assert reader.poll() is None
    # a poll thread held up for longer than a poll period (a loaded machine): still the same card
    threading.Event().wait(2.1)  # the gap is the scenario here, not a wait for a result
    assert reader.poll() is None
    assert sim.count(*READ) == 1


def test_a_lift_seen_by_a_poll_rearms_at_once(rig: Rig) -> None:
    reader, sim = rig
    sim.insert_card("resident")
    assert reader.poll() is not None
    sim.remove_card()
    assert reader.poll() is None  # "no card": the lift is seen
    sim.insert_card("permit")  # the next card right after (no pause needed)
    second = reader.poll()
    assert second is not None and second.document.kind == "hk_macao_taiwan_permit"


def test_a_new_request_reads_a_card_swapped_while_nobody_polled(rig: Rig) -> None:
    reader, sim = rig
    sim.insert_card("resident")
    assert reader.poll() is not None
    # the screen moved on: no polls while the citizen takes the card and the next one lays theirs
    sim.remove_card()
    sim.insert_card("permit")
    assert reader.poll() is None  # a lift nobody saw: without a new request it is the same card
    reader.rearm()  # the next screen that wants a card
    second = reader.poll()
    assert second is not None and second.document.kind == "hk_macao_taiwan_permit"
    assert reader.poll() is None  # and once only again


def test_a_new_request_reads_the_card_left_on_the_reader_once(rig: Rig) -> None:
    reader, sim = rig
    sim.insert_card("resident")
    assert reader.poll() is not None
    reader.rearm()  # a later step wants the card again (result pickup): it is still there
    again = reader.poll()
    assert again is not None and again.document.kind == "resident_id"
    assert reader.poll() is None
    reader.rearm()
    reader.rearm()  # re-arming twice is one request
    assert reader.poll() is not None and reader.poll() is None
    assert sim.count(*READ) == 3
