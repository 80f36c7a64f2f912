"""Hong Kong Identity Card numbers."""

from __future__ import annotations

import string

import pytest
from _identity_strategies import HKID_CHECK_CHARS, hkid_check, hkids
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.identity import IdentityError, format_hkid, hkid_check_char, validate_hkid

FAST = settings(max_examples=200, deadline=None)


@pytest.mark.parametrize(
    ("shown", "canonical"),
    [
        ("A123456(3)", "A1234563"),
        ("E364912(5)", "E3649125"),
        ("AB123456(9)", "AB1234569"),
        ("D288754(2)", "D2887542"),
    ],
)
def test_known_valid(shown: str, canonical: str) -> None:
    assert validate_hkid(shown) == canonical
    assert format_hkid(canonical) == shown
    assert format_hkid(shown) == shown
    assert hkid_check_char(canonical[:-1]) == canonical[-1]


@pytest.mark.parametrize(
    "typed",
    ["A123456(3)", "A1234563", "a123456 (3)", "a123456(3)", " A 123456 3 ", "Ａ１２３４５６（３）"],
)
def test_accepted_spellings(typed: str) -> None:
    assert validate_hkid(typed) == "A1234563"


def test_check_character_a() -> None:
    prefix = next(f"C{n:06d}" for n in range(10**6) if hkid_check(f"C{n:06d}") == "A")
    assert hkid_check_char(prefix) == "A"
    assert validate_hkid(f"{prefix.lower()}(a)") == prefix + "A"
    assert format_hkid(prefix + "A") == f"{prefix}(A)"


def test_letters_eleven_apart_are_not_told_apart() -> None:
    """A limit of the scheme itself (A=10, L=21, W=32): not a bug to fix here."""
    assert validate_hkid("L123456(3)") == "L1234563"
    assert validate_hkid("W123456(3)") == "W1234563"


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("", "id.empty"),
        (" ", "id.empty"),
        ("A123456(4)", "id.check_digit"),
        ("AB123456(8)", "id.check_digit"),
        ("A123456(A)", "id.check_digit"),
        ("A12345(3)", "id.format"),
        ("A1234567(3)", "id.format"),
        ("1234567", "id.format"),
        ("ABC123456(7)", "id.format"),
        ("A123456(B)", "id.format"),
        ("A123456(3", "id.format"),
        ("A123456((3))", "id.format"),
    ],
)
def test_error_keys(value: str, key: str) -> None:
    with pytest.raises(IdentityError) as info:
        validate_hkid(value)
    assert info.value.key == key
    if value.strip():
        assert value not in str(info.value)
        assert "123456" not in str(info.value)


@pytest.mark.parametrize("value", ["", "A12345", "1123456", "ABC123456", "A12345X"])
def test_check_char_rejects_bad_prefix(value: str) -> None:
    with pytest.raises(IdentityError) as info:
        hkid_check_char(value)
    assert info.value.key == ("id.empty" if not value else "id.format")


def test_format_hkid_validates() -> None:
    with pytest.raises(IdentityError, match=r"^id\.check_digit"):
        format_hkid("A1234564")


@FAST
@given(hkids())
def test_generated_hkids_validate_in_every_spelling(canonical: str) -> None:
    shown = f"{canonical[:-1]}({canonical[-1]})"
    assert format_hkid(canonical) == shown
    for spelling in (canonical, shown, shown.lower(), f"{canonical[:-1]} ({canonical[-1]})"):
        assert validate_hkid(spelling) == canonical


def _value(c: str) -> int:
    return ord(c) - 55 if c.isalpha() else int(c)


@FAST
@given(hkids(), st.data())
def test_any_single_substitution_is_rejected(canonical: str, data: st.DataObject) -> None:
    pos = data.draw(st.integers(min_value=0, max_value=len(canonical) - 1), label="position")
    old = canonical[pos]
    if pos == len(canonical) - 1:
        allowed = HKID_CHECK_CHARS
    elif old.isalpha():
        # any letter or digit; letters 11 or 22 apart are invisible to the scheme (see above)
        allowed = "".join(
            c for c in string.ascii_uppercase + string.digits
            if not c.isalpha() or (_value(c) - _value(old)) % 11
        )
    else:
        allowed = string.ascii_uppercase + string.digits
    new = data.draw(st.sampled_from([c for c in allowed if c != old]), label="char")
    mutated = canonical[:pos] + new + canonical[pos + 1:]
    with pytest.raises(IdentityError) as info:
        validate_hkid(mutated)
    assert info.value.key in {"id.check_digit", "id.format"}
    if pos == len(canonical) - 1:
        assert info.value.key == "id.check_digit"
    assert mutated not in str(info.value)
