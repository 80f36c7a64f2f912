"""One contract, every receipt printer: the real ESC/POS driver over a loopback TCP simulator
and over a pseudo-terminal serial port, over the write-only file transport, and the
SimulatedReceiptPrinter (the same driver + loopback, plus job files)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.devices.printer import CoverOpen, PaperOut, PrinterOffline, ReceiptPrinter
from kiosk.devices.status import DeviceState
from tests.contract.printer.rigs import RIGS, Rig, Script
from tests.unit.receipts.samples import ITEM_ZH, QR_PAYLOAD, TRACKING_NO, sample_receipt


@pytest.fixture(params=sorted(RIGS))
def rig(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Rig]:
    yield from RIGS[request.param](tmp_path)


def script_of(rig: Rig) -> Script:
    if rig.script is None:
        pytest.skip(f"{rig.name} is write-only: there is no status to script")
    return rig.script


def test_implements_the_port(rig: Rig) -> None:
    assert isinstance(rig.printer, ReceiptPrinter)


def test_print_records_the_job_bytes(rig: Rig) -> None:
    rig.printer.print_receipt(sample_receipt())
    jobs = rig.jobs(1)
    assert len(jobs) == 1
    job = jobs[0]
    assert job.startswith(b"\x1b@\x1c&")
    assert ITEM_ZH.encode("gb18030") in job and TRACKING_NO.encode() in job
    assert QR_PAYLOAD.encode() in job
    assert job.endswith(b"\x1dV\x01")
    assert b"\x10\x04" not in job  # status queries are not part of the job


def test_healthy_status(rig: Rig) -> None:
    status = rig.printer.status()
    if rig.script is None:
        assert status.state is DeviceState.UNKNOWN
        assert status.reason == "device.printer.unknown"
        assert "write-only" in status.detail
    else:
        assert status.state is DeviceState.OK


def test_paper_low_still_prints(rig: Rig) -> None:
    script_of(rig).paper_low()
    status = rig.printer.status()
    assert status.state is DeviceState.PAPER_LOW and status.usable
    assert status.reason == "device.printer.paper_low"
    rig.printer.print_receipt(sample_receipt())
    assert len(rig.jobs(1)) == 1


def test_paper_out_refuses_with_a_key(rig: Rig) -> None:
    script_of(rig).paper_out()
    assert rig.printer.status().state is DeviceState.PAPER_OUT
    with pytest.raises(PaperOut) as info:
        rig.printer.print_receipt(sample_receipt())
    assert info.value.key == "device.printer.paper_out"
    assert rig.jobs(0) == []


def test_cover_open_refuses(rig: Rig) -> None:
    script_of(rig).cover_open()
    status = rig.printer.status()
    assert status.state is DeviceState.COVER_OPEN and status.reason == "device.printer.cover_open"
    with pytest.raises(CoverOpen):
        rig.printer.print_receipt(sample_receipt())


def test_offline_and_recovery(rig: Rig) -> None:
    script = script_of(rig)
    if not rig.can_go_offline:
        pytest.skip(f"{rig.name}: a pty cannot be unplugged and come back at the same path")
    assert rig.printer.status().state is DeviceState.OK
    script.offline()
    status = rig.printer.status()
    assert status.state is DeviceState.OFFLINE and status.reason == "device.printer.offline"
    with pytest.raises(PrinterOffline) as info:
        rig.printer.print_receipt(sample_receipt())
    assert info.value.key == "device.printer.offline"
    script.recover()
    assert rig.printer.status().state is DeviceState.OK
    rig.printer.print_receipt(sample_receipt())
    assert len(rig.jobs(1)) == 1


def test_no_reply_is_unknown_never_ok(rig: Rig) -> None:
    script_of(rig).no_reply()
    status = rig.printer.status()
    assert status.state is DeviceState.UNKNOWN
    assert status.reason == "device.printer.unknown" and "no reply" in status.detail
    script_of(rig).recover()
    # a late reply to the timed-out query must not be mistaken for the next answer
    assert rig.printer.status().state is DeviceState.OK
