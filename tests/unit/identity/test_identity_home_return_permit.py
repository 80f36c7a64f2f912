"""港澳居民来往内地通行证 numbers (no check digit: format only)."""

from __future__ import annotations

import pytest

from kiosk.identity import IdentityError, validate_home_return_permit


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("H12345678", "H12345678"),  # 2013 card
        ("M87654321", "M87654321"),
        ("H1234567801", "H1234567801"),  # 1999 card with renewal count
        ("m1234567802", "M1234567802"),
        (" h 1234 5678 ", "H12345678"),
        ("Ｈ１２３４５６７８", "H12345678"),
    ],
)
def test_accepted(typed: str, normalised: str) -> None:
    assert validate_home_return_permit(typed) == normalised


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("", "id.empty"),
        ("   ", "id.empty"),
        ("H1234567", "id.format"),
        ("H123456789", "id.format"),
        ("H123456789012", "id.format"),
        ("X12345678", "id.format"),
        ("12345678", "id.format"),
        ("HH12345678", "id.format"),
        ("H1234567A", "id.format"),
    ],
)
def test_error_keys(value: str, key: str) -> None:
    with pytest.raises(IdentityError) as info:
        validate_home_return_permit(value)
    assert info.value.key == key
    if value.strip():
        assert value not in str(info.value)
