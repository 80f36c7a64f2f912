from __future__ import annotations

import pytest

from kiosk.devices.scanner.port import DecodedCode, ScanError, ScanResult, decode_payload

CHINESE = "深圳市福田区晨曦科技有限公司"


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"ABC-123", "ABC-123"),
        (CHINESE.encode("utf-8"), CHINESE),
        (b"\xef\xbb\xbf" + CHINESE.encode("utf-8"), CHINESE),  # a UTF-8 BOM is dropped
        (CHINESE.encode("gb18030"), CHINESE),
        ("€ 𠀀".encode("gb18030"), "€ 𠀀"),  # GB18030's four-byte sequences
        (b"", ""),
    ],
)
def test_decode_payload(raw: bytes, text: str) -> None:
    assert decode_payload(raw, 4096) == text


def test_size_limit_is_in_bytes_and_inclusive() -> None:
    assert decode_payload(b"x" * 16, 16) == "x" * 16
    with pytest.raises(ScanError) as err:
        decode_payload(b"x" * 17, 16)
    assert err.value.key == "device.scanner.payload_too_large"
    with pytest.raises(ScanError):
        decode_payload(CHINESE.encode(), 30)  # 14 characters, 42 bytes


def test_undecodable() -> None:
    with pytest.raises(ScanError) as err:
        decode_payload(b"\xff\xfe\xfd", 100)
    assert err.value.key == "device.scanner.undecodable"
    assert "\\xff" not in str(err.value)  # the payload is not in the message


def test_reprs_never_show_the_payload() -> None:
    result = ScanResult("110101199003077777", b"110101199003077777", "QRCode", "camera", "zxing")
    assert "1101" not in repr(result) and "1101" not in str(result)
    assert "bytes=18" in repr(result)
    code = DecodedCode(b"secret-123", "QRCode", ((0, 0), (1, 0), (1, 1), (0, 1)))
    assert "secret" not in repr(code)


def test_scan_result_is_frozen() -> None:
    result = ScanResult("a", b"a", "QRCode", "simulated")
    with pytest.raises(AttributeError):
        result.text = "b"  # type: ignore[misc]
