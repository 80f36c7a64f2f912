"""Every code scanner delivers the same ScanResult.text for the same payload, applies the same
size limit and the same UTF-8 → GB18030 rule, and never shows a payload in a repr or a log."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from kiosk.devices.status import DeviceState
from tests.conftest import LogCollector
from tests.contract.scanner.rigs import (
    MAX_BYTES,
    UINPUT,
    CameraRig,
    HidRecordedRig,
    HidUinputRig,
    Rig,
    SerialPtyRig,
    SimulatedRig,
)

ASCII = "KIOSK-2024-000123 https://zwfw.example.gov.cn/q?id=42&t=A1"
CHINESE = "深圳市福田区晨曦科技有限公司"
KINDS = ["camera+pyzbar", "camera+zxing", "serial-pty", "hid-recorded", "hid-uinput", "simulated"]


def _build(kind: str) -> Rig:
    if kind.startswith("camera+"):
        return CameraRig(kind.removeprefix("camera+"))
    if kind == "serial-pty":
        return SerialPtyRig()
    if kind == "hid-recorded":
        return HidRecordedRig()
    if kind == "hid-uinput":
        if not UINPUT:
            pytest.skip("/dev/uinput is absent on this machine (no uinput module; modprobe unavailable "
                        "in this container): the wedge runs through recorded evdev events instead")
        return HidUinputRig()
    return SimulatedRig()


@pytest.fixture(params=KINDS)
def rig(request: pytest.FixtureRequest) -> Iterator[Rig]:
    built = _build(request.param)
    built.start()
    try:
        yield built
    finally:
        built.close()
    leftover = [t.name for t in threading.enumerate() if t.name.startswith(("scanner-", "camera-"))]
    assert not leftover, f"threads still running: {leftover}"


def test_ascii_payload(rig: Rig) -> None:
    rig.send(ASCII.encode())
    result = rig.result()
    assert result.text == ASCII
    assert result.raw == ASCII.encode()
    assert result.source == rig.source
    if rig.source == "camera":
        assert result.symbology == "QRCode" and result.decoder in ("pyzbar", "zxing")
    assert ASCII not in repr(result) and "KIOSK" not in repr(result)
    assert rig.scanner.status().state is DeviceState.OK


def test_chinese_utf8_payload(rig: Rig) -> None:
    if not rig.carries_non_ascii:
        # a keyboard wedge types key codes on a US layout: there is no key for 深
        with pytest.raises(ValueError, match="cannot type"):
            rig.send(CHINESE.encode())
        return
    rig.send(CHINESE.encode("utf-8"))
    result = rig.result()
    assert result.text == CHINESE, "a misread (e.g. ZBar's Shift_JIS guess) is worse than a miss"
    assert result.raw == CHINESE.encode("utf-8")


def test_gb18030_fallback(rig: Rig) -> None:
    raw = CHINESE.encode("gb18030")
    if not rig.carries_non_ascii:
        with pytest.raises(UnicodeDecodeError):
            raw.decode("ascii")  # GB18030 bytes are not ASCII either: the wedge cannot carry them
        return
    rig.send(raw)
    result = rig.result()
    assert result.text == CHINESE
    assert result.raw == raw


def test_oversize_is_rejected_and_the_next_scan_is_fine(rig: Rig, expect_logs: LogCollector) -> None:
    big = ("A" * 10 + "-") * 20
    assert len(big) > MAX_BYTES
    rig.send(big.encode())
    error = rig.error()
    assert error.key == "device.scanner.payload_too_large"
    assert "AAAA" not in str(error)
    rig.send(b"NEXT-OK-1")
    assert rig.result().text == "NEXT-OK-1"
    assert rig.results.empty()


def test_undecodable_bytes(rig: Rig) -> None:
    raw = b"\xff\xfe\x80\x81 binary"
    if not rig.carries_non_ascii:
        pytest.skip("a keyboard wedge can only produce ASCII, which always decodes")
    rig.send(raw)
    assert rig.error().key == "device.scanner.undecodable"


def test_stop_then_status_offline(rig: Rig) -> None:
    rig.send(b"ONE")
    assert rig.result().text == "ONE"
    rig.scanner.stop()
    status = rig.scanner.status()
    assert status.state is DeviceState.OFFLINE
    rig.scanner.stop()  # idempotent
