"""SerialScanner through a real pseudo-terminal pair: framing across writes, CR/LF/CRLF,
over-long lines, GB18030, a vanished port."""

from __future__ import annotations

import pytest

from kiosk.devices.scanner.serial_scanner import LineAssembler, SerialScanner
from kiosk.devices.status import DeviceOffline
from tests.contract.scanner.rigs import SerialPtyRig

CHINESE = "深圳市福田区晨曦科技有限公司"


@pytest.fixture
def rig() -> SerialPtyRig:
    built = SerialPtyRig()
    built.start()
    yield built  # type: ignore[misc]
    built.close()


def test_payload_split_across_writes(rig: SerialPtyRig) -> None:
    raw = CHINESE.encode("utf-8")
    rig.write(raw[:5])
    rig.write(raw[5:20])
    rig.write(raw[20:] + b"\r")
    rig.write(b"\n")
    assert rig.result().text == CHINESE


@pytest.mark.parametrize("end", [b"\r\n", b"\n", b"\r"])
def test_terminators(rig: SerialPtyRig, end: bytes) -> None:
    rig.write(b"FIRST" + end + b"SECOND" + end)
    assert [rig.result().text, rig.result().text] == ["FIRST", "SECOND"]
    assert rig.results.empty()


def test_blank_lines_are_not_scans(rig: SerialPtyRig) -> None:
    rig.write(b"\r\n\r\n\nX1\r\n")
    assert rig.result().text == "X1"
    assert rig.results.empty()


def test_overlong_line_rejected_next_fine(rig: SerialPtyRig) -> None:
    rig.write(b"Z" * 100)
    rig.write(b"Z" * 100 + b"\r\nNEXT\r\n")
    assert rig.error().key == "device.scanner.payload_too_large"
    assert rig.result().text == "NEXT"


def test_gb18030_line(rig: SerialPtyRig) -> None:
    rig.write(CHINESE.encode("gb18030") + b"\r\n")
    result = rig.result()
    assert result.text == CHINESE and result.source == "serial"


def test_missing_port_fails_at_start_naming_it() -> None:
    with pytest.raises(DeviceOffline) as err:
        SerialScanner("/dev/ttyACM-none").start(lambda r: None)
    assert err.value.key == "device.scanner.offline" and "/dev/ttyACM-none" in err.value.detail


def test_line_assembler_directly() -> None:
    lines = LineAssembler(8)
    assert lines.feed(b"AB") == []
    assert lines.feed(b"C\r\nD") == [b"ABC"]
    out = lines.feed(b"123456789\rE\n")
    assert [type(x).__name__ for x in out] == ["ScanError", "bytes"] and out[1] == b"E"
