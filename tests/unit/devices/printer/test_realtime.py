"""DLE EOT decoding table: every bit combination of the sensors we read, and no reply."""

from __future__ import annotations

import itertools

import pytest

from kiosk.devices.printer.realtime import decode_status, is_status_byte, query_bytes
from kiosk.devices.status import DeviceState

BASE = 0x12


def answers(replies: dict[int, int | None]) -> tuple[list[int], object]:
    asked: list[int] = []

    def query(n: int) -> int | None:
        asked.append(n)
        return replies.get(n)

    return asked, query


def decode(replies: dict[int, int | None]) -> tuple[DeviceState, list[int]]:
    asked, query = answers(replies)
    status = decode_status(query)  # type: ignore[arg-type]
    return status.state, asked


def test_query_bytes() -> None:
    assert query_bytes(4) == b"\x10\x04\x04"


def test_status_byte_shape() -> None:
    assert is_status_byte(0x12) and is_status_byte(0x7E)
    assert not is_status_byte(0x00) and not is_status_byte(0x13) and not is_status_byte(0x92)


# ---- DLE EOT 4 (roll paper sensor), printer online: all 16 combinations of bits 2, 3, 5, 6
PAPER_BITS = (0x04, 0x08, 0x20, 0x40)


@pytest.mark.parametrize("bits", list(itertools.product((0, 1), repeat=4)))
def test_paper_sensor_combinations(bits: tuple[int, ...]) -> None:
    value = BASE | sum(bit for bit, on in zip(PAPER_BITS, bits, strict=True) if on)
    state, asked = decode({1: BASE, 4: value})
    assert asked == [1, 4]
    if value & 0x60:
        assert state is DeviceState.PAPER_OUT
    elif value & 0x0C:
        assert state is DeviceState.PAPER_LOW
    else:
        assert state is DeviceState.OK


def test_python_escpos_masks_agree() -> None:
    assert decode({1: BASE, 4: 0x12})[0] is DeviceState.OK  # RT_MASK_PAPER
    assert decode({1: BASE, 4: 0x1E})[0] is DeviceState.PAPER_LOW  # RT_MASK_LOWPAPER
    assert decode({1: BASE, 4: 0x72})[0] is DeviceState.PAPER_OUT  # RT_MASK_NOPAPER
    assert decode({1: BASE, 4: 0x7E})[0] is DeviceState.PAPER_OUT


# ---- DLE EOT 1 offline → DLE EOT 2 cause: all 16 combinations of bits 2, 3, 5, 6
CAUSE_BITS = (0x04, 0x08, 0x20, 0x40)


@pytest.mark.parametrize("bits", list(itertools.product((0, 1), repeat=4)))
def test_offline_cause_combinations(bits: tuple[int, ...]) -> None:
    cause = BASE | sum(bit for bit, on in zip(CAUSE_BITS, bits, strict=True) if on)
    state, asked = decode({1: BASE | 0x08, 2: cause, 3: BASE | 0x08, 4: BASE})
    if cause & 0x04:
        assert state is DeviceState.COVER_OPEN
    elif cause & 0x20:
        assert state is DeviceState.PAPER_OUT
    elif cause & 0x40:
        assert state is DeviceState.FAULT
        assert asked == [1, 2, 3]
    else:
        assert state is DeviceState.OFFLINE  # e.g. the feed button is held
    assert 4 not in asked


@pytest.mark.parametrize(
    ("replies", "expected"),
    [
        ({}, DeviceState.UNKNOWN),  # no reply at all
        ({1: BASE}, DeviceState.UNKNOWN),  # paper sensor did not answer
        ({1: 0x00, 4: BASE}, DeviceState.UNKNOWN),  # not a status byte (fixed bits wrong)
        ({1: 0xFF, 4: BASE}, DeviceState.UNKNOWN),
        ({1: BASE, 4: 0x80}, DeviceState.UNKNOWN),
        ({1: BASE | 0x08}, DeviceState.OFFLINE),  # offline, cause unknown
        ({1: BASE | 0x08, 2: 0x00}, DeviceState.OFFLINE),
    ],
)
def test_no_or_invalid_reply_is_never_ok(replies: dict[int, int | None], expected: DeviceState) -> None:
    assert decode(replies)[0] is expected


def test_reason_keys_and_detail() -> None:
    _, query = answers({1: BASE, 4: 0x1E})
    status = decode_status(query)  # type: ignore[arg-type]
    assert status.reason == "device.printer.paper_low"
    assert status.detail == "DLE EOT 1 -> 0x12; DLE EOT 4 -> 0x1E"
    assert status.usable
    _, query = answers({})
    status = decode_status(query)  # type: ignore[arg-type]
    assert status.reason == "device.printer.unknown" and not status.usable
    assert "no reply" in status.detail
