"""One contract for every ID-card reader implementation pair available here.

* ``ga467+pty``: the real :class:`Ga467Reader` (pyserial) on the slave side of a real
  pseudo-terminal, the :class:`SimulatedReader` answering on the master side;
* ``factory:simulated``: the same pair built by ``build_idcard_reader`` from config;
* ``ga467+hardware``: a real reader (``--hardware``; only the tests that need no scripting).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from kiosk.devices.config import SimulatedIdCardConfig
from kiosk.devices.idcard import (
    CardRead,
    CardReadFailed,
    CardRemoved,
    ChecksumMismatch,
    Ga467Reader,
    IdCardError,
    IdCardOffline,
    IdCardReader,
    IdCardTimeout,
    InvalidCardNumber,
    ReaderFault,
    SimulatedReader,
    UnsupportedCard,
    build_idcard_reader,
)
from kiosk.devices.idcard.simulated import default_card, default_photo
from kiosk.devices.idcard.text import TYPE_FLAG_OFFSET, encode_text_block
from kiosk.devices.status import DeviceOffline, DeviceState, DeviceTimeout

TIMEOUT_S = 0.4
# scheduling slack on a loaded CI machine
SLACK_S = 0.5
FIND, SELECT, READ = (0x20, 0x01), (0x20, 0x02), (0x30, 0x01)


@dataclasses.dataclass
class Rig:
    reader: IdCardReader
    sim_or_none: SimulatedReader | None
    timeout_s: float

    @property
    def sim(self) -> SimulatedReader:
        if self.sim_or_none is None:
            pytest.skip("needs the simulator's scripting hooks")
        return self.sim_or_none


def _direct() -> tuple[IdCardReader, SimulatedReader | None, float]:
    sim = SimulatedReader()
    try:
        return Ga467Reader(sim.device_path, timeout_s=TIMEOUT_S), sim, TIMEOUT_S
    except BaseException:
        sim.close()
        raise


def _factory() -> tuple[IdCardReader, SimulatedReader | None, float]:
    reader, sim = build_idcard_reader(SimulatedIdCardConfig(driver="simulated", status_timeout_s=TIMEOUT_S))
    return reader, sim, TIMEOUT_S


def _hardware() -> tuple[IdCardReader, SimulatedReader | None, float]:
    port = os.environ.get("KIOSK_IDCARD_PORT", "/dev/ttyUSB0")
    return Ga467Reader(port, timeout_s=5.0), None, 5.0


PAIRS = [
    pytest.param(_direct, id="ga467+pty"),
    pytest.param(_factory, id="factory:simulated"),
    pytest.param(_hardware, id="ga467+hardware", marks=pytest.mark.hardware),
]


@pytest.fixture(params=PAIRS)
def rig(request: pytest.FixtureRequest) -> Iterator[Rig]:
    make: Callable[[], tuple[IdCardReader, SimulatedReader | None, float]] = request.param
    reader, sim, timeout_s = make()
    try:
        yield Rig(reader, sim, timeout_s)
    finally:
        reader.close()
        if sim is not None:
            sim.close()


def wait_until(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        threading.Event().wait(0.02)
    return predicate()


def read_card(rig: Rig) -> CardRead:
    card = rig.reader.poll()
    assert card is not None
    return card


# ---------------------------------------------------------------- status and no card


def test_status_is_ok(rig: Rig) -> None:
    status = rig.reader.status()
    assert status.state is DeviceState.OK
    assert status.usable


def test_no_card_polls_none(rig: Rig) -> None:
    if rig.sim_or_none is None:
        pytest.skip("lift any card off the reader for this one")  # pragma: no cover
    for _ in range(3):
        assert rig.reader.poll() is None
    assert rig.sim.count(*READ) == 0


# ---------------------------------------------------------------- each card kind


@pytest.mark.parametrize("kind", ["resident", "permit", "foreigner"])
def test_each_card_kind_reads_to_its_document(rig: Rig, kind: str) -> None:
    rig.sim.insert_card(kind)  # type: ignore[arg-type]
    expected, _ = default_card(kind)  # type: ignore[arg-type]
    card = read_card(rig)
    assert card.document == expected
    assert card.document.source == "id_card"
    assert card.photo == default_photo()
    assert len(card.photo) == 1024


def test_a_long_term_card_reads(rig: Rig) -> None:
    doc, extras = default_card("resident")
    long_term = dataclasses.replace(doc, valid_to=None, long_term=True)
    rig.sim.insert_card("resident", identity=long_term, extras=extras)
    assert read_card(rig).document == long_term


def test_the_same_card_is_reported_once_until_lifted(rig: Rig) -> None:
    rig.sim.insert_card("resident")
    assert read_card(rig).document.kind == "resident_id"
    for _ in range(3):
        assert rig.reader.poll() is None
    assert rig.sim.count(*READ) == 1
    rig.sim.remove_card()
    assert rig.reader.poll() is None
    rig.sim.insert_card("resident")
    assert read_card(rig).document.kind == "resident_id"
    assert rig.sim.count(*READ) == 2


def test_swapping_cards_between_polls_is_seen_as_a_lift(rig: Rig) -> None:
    rig.sim.insert_card("permit")
    assert read_card(rig).document.kind == "hk_macao_taiwan_permit"
    rig.sim.remove_card()
    assert rig.reader.poll() is None
    rig.sim.insert_card("foreigner")
    assert read_card(rig).document.kind == "foreigner_pr"


# ---------------------------------------------------------------- faults on the line


def test_card_removed_mid_read_is_a_clear_error_and_the_next_poll_works(rig: Rig) -> None:
    rig.sim.insert_card("resident")
    rig.sim.remove_mid_read()
    started = time.monotonic()
    with pytest.raises(CardRemoved) as info:
        rig.reader.poll()
    assert time.monotonic() - started < 2 * rig.timeout_s + SLACK_S
    assert info.value.key == "device.idcard.removed"
    assert rig.reader.poll() is None
    rig.sim.insert_card("resident")
    assert read_card(rig).document.kind == "resident_id"


def test_a_failed_read_with_the_card_still_there_is_read_failed(rig: Rig) -> None:
    rig.sim.insert_card("resident")
    rig.sim.fail_next(0x30, 0x01, 0x41)
    with pytest.raises(CardReadFailed) as info:
        rig.reader.poll()
    assert info.value.key == "device.idcard.read_failed"
    assert "0x41" in info.value.detail
    assert read_card(rig).document.kind == "resident_id"  # not reported yet: read again


def test_card_gone_at_select_is_removed(rig: Rig) -> None:
    rig.sim.insert_card("resident")
    rig.sim.fail_next(0x20, 0x02, 0x80)
    with pytest.raises(CardRemoved):
        rig.reader.poll()


@pytest.mark.parametrize("command", [0x20, 0x30], ids=["find", "read"])
def test_corrupt_checksum_is_a_clear_error_then_recovers(rig: Rig, command: int) -> None:
    rig.sim.insert_card("resident")
    rig.sim.corrupt_next_checksum(command=command)
    with pytest.raises(ChecksumMismatch) as info:
        rig.reader.poll()
    assert info.value.key == "device.idcard.checksum"
    assert read_card(rig).document.kind == "resident_id"


@pytest.mark.parametrize(
    ("chunks", "delay_s"),
    [(True, 0.002), ([1], 0.0002), ([3, 700], 0.05)],
    ids=["default", "bytewise", "uneven"],
)
def test_split_frames_still_read(rig: Rig, chunks: bool | list[int], delay_s: float) -> None:
    rig.sim.split_frames(chunks, delay_s=delay_s)
    assert rig.reader.status().state is DeviceState.OK
    rig.sim.insert_card("foreigner")
    assert read_card(rig).document.kind == "foreigner_pr"


def test_garbage_before_a_reply_is_skipped(rig: Rig) -> None:
    rig.sim.insert_card("resident")
    rig.sim.inject_garbage(b"\x00\xff\xaa\xaa\x96\x13\xaa\xaa\xaa\x96\x69\xff\xff\x01")
    assert read_card(rig).document.kind == "resident_id"


def test_stall_times_out_within_the_configured_time_then_recovers(rig: Rig) -> None:
    rig.sim.insert_card("resident")
    rig.sim.stall(1.2)
    started = time.monotonic()
    with pytest.raises(IdCardTimeout) as info:
        rig.reader.poll()
    elapsed = time.monotonic() - started
    assert rig.timeout_s <= elapsed < rig.timeout_s + SLACK_S
    assert isinstance(info.value, DeviceTimeout)
    assert info.value.key == "device.idcard.timeout"
    status = rig.reader.status()
    assert status.state is DeviceState.UNKNOWN
    assert status.reason == "device.idcard.timeout"
    assert not status.usable
    assert wait_until(lambda: rig.reader.status().state is DeviceState.OK, timeout=5)
    assert read_card(rig).document.kind == "resident_id"


def test_a_reply_that_stops_halfway_times_out_and_its_late_tail_is_skipped(rig: Rig) -> None:
    rig.sim.insert_card("resident")
    rig.sim.stall(0.8, after_bytes=100, command=0x30)
    started = time.monotonic()
    with pytest.raises(IdCardTimeout, match="short frame"):
        rig.reader.poll()
    assert time.monotonic() - started < 2 * rig.timeout_s + SLACK_S
    # the late tail (and the probe's late answer) must not be taken for new replies
    card = None
    deadline = time.monotonic() + 5
    while card is None and time.monotonic() < deadline:
        try:
            card = rig.reader.poll()
        except IdCardError:
            continue
    assert card is not None
    assert card.document.kind == "resident_id"


def test_sam_fault_is_status_fault(rig: Rig) -> None:
    rig.sim.insert_card("resident")
    rig.sim.sam_fault()
    status = rig.reader.status()
    assert status.state is DeviceState.FAULT
    assert status.reason == "device.idcard.fault"
    assert "0x60" in status.detail
    with pytest.raises(ReaderFault):
        rig.reader.poll()
    rig.sim.sam_fault(False)
    assert rig.reader.status().state is DeviceState.OK
    assert read_card(rig).document.kind == "resident_id"


def test_reader_not_authorised_is_status_fault(rig: Rig) -> None:
    rig.sim.fail_next(0x11, 0xFF, 0x66)
    assert rig.reader.status().state is DeviceState.FAULT


# ---------------------------------------------------------------- cards we refuse


def test_a_card_whose_number_fails_its_check_is_reported_not_accepted(rig: Rig) -> None:
    doc, extras = default_card("resident")
    bad = doc.number[:-1] + ("1" if doc.number[-1] != "1" else "2")
    rig.sim.insert_card("resident", identity=dataclasses.replace(doc, number=bad), extras=extras)
    with pytest.raises(InvalidCardNumber) as info:
        rig.reader.poll()
    assert info.value.key == "device.idcard.invalid_number"
    assert bad not in str(info.value)
    assert rig.reader.poll() is None  # reported once, like any card, until lifted
    rig.sim.remove_card()
    assert rig.reader.poll() is None
    rig.sim.insert_card("resident")
    assert read_card(rig).document == doc


def test_an_unknown_card_type_is_unsupported(rig: Rig) -> None:
    doc, extras = default_card("resident")
    text = bytearray(encode_text_block(doc, extras=extras))
    text[TYPE_FLAG_OFFSET : TYPE_FLAG_OFFSET + 2] = b"Y\x00"
    rig.sim.insert_card("resident", text=bytes(text))
    with pytest.raises(UnsupportedCard):
        rig.reader.poll()


# ---------------------------------------------------------------- the line goes away


def test_simulator_gone_is_offline(rig: Rig) -> None:
    rig.sim.close()
    with pytest.raises(IdCardError) as info:
        rig.reader.poll()
    # a vanished pty master is EIO (offline) or silence (timeout), depending on timing
    assert isinstance(info.value, IdCardOffline | IdCardTimeout)
    assert rig.reader.status().state in (DeviceState.OFFLINE, DeviceState.UNKNOWN)


def test_closed_reader_is_offline(rig: Rig) -> None:
    rig.reader.close()
    rig.reader.close()  # idempotent
    with pytest.raises(IdCardOffline) as info:
        rig.reader.poll()
    assert isinstance(info.value, DeviceOffline)
    assert rig.reader.status().state is DeviceState.OFFLINE


# ---------------------------------------------------------------- threads and logs


def test_status_from_another_thread_while_polling(rig: Rig) -> None:
    rig.sim.insert_card("resident")
    rig.sim.split_frames([16])
    states: list[DeviceState] = []
    stop = threading.Event()

    def monitor() -> None:
        while not stop.is_set():
            states.append(rig.reader.status().state)

    thread = threading.Thread(target=monitor)
    thread.start()
    try:
        reads = 0
        for _ in range(6):
            if rig.reader.poll() is not None:
                reads += 1
            rig.sim.remove_card()
            assert rig.reader.poll() is None
            rig.sim.insert_card("resident")
    finally:
        stop.set()
        thread.join()
    assert reads == 6
    assert states
    assert set(states) == {DeviceState.OK}


def test_no_personal_data_reaches_the_log(rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []
    for kind in ("resident", "permit", "foreigner"):
        rig.sim.insert_card(kind)
        rig.sim.corrupt_next_checksum(command=0x30)
        with pytest.raises(ChecksumMismatch):
            rig.reader.poll()
        card = read_card(rig)
        seen += card.document.personal_values()
        rig.sim.remove_card()
        assert rig.reader.poll() is None
    text = caplog.text + "".join(repr(r.args) for r in caplog.records)
    assert "card read" in text
    for value in seen:
        assert value not in text
