"""Unified Social Credit Codes (GB 32100) through python-stdnum."""

from __future__ import annotations

import pytest
from _identity_strategies import USCC_ALPHABET, uscc_check, usccs
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.identity import IdentityError, uscc_check_char, validate_uscc

FAST = settings(max_examples=200, deadline=None)


@pytest.mark.parametrize("code", ["91110000600037341L", "91512081MA62K0260E", "91350100M000100Y43"])
def test_known_valid(code: str) -> None:
    assert validate_uscc(code) == code
    assert uscc_check_char(code[:17]) == code[17]


@pytest.mark.parametrize(
    "typed", ["91110000600037341l", " 9111 0000 6000 3734 1L ", "911100-00600037341L",
              "９１１１００００６０００３７３４１Ｌ"],
)
def test_normalises_input(typed: str) -> None:
    assert validate_uscc(typed) == "91110000600037341L"


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("", "id.empty"),
        ("91350100M000100Y4Z", "id.format"),  # protocols.md's invalid example: Z is no USCC char
        ("91350100M000100Y44", "id.check_digit"),  # ... the same code with a wrong digit
        ("91110000600037341M", "id.check_digit"),
        ("91110000600037341", "id.format"),
        ("91110000600037341LL", "id.format"),
        ("9111000060003734IL", "id.format"),  # I is excluded from the alphabet
        ("91A10000600037341L", "id.format"),  # positions 3-8 (division code) are digits
        ("91110000600037341#", "id.format"),
        ("9111000060003734ẞL", "id.format"),
    ],
)
def test_error_keys(value: str, key: str) -> None:
    with pytest.raises(IdentityError) as info:
        validate_uscc(value)
    assert info.value.key == key
    if value:
        assert value not in str(info.value)
        assert "600037341" not in str(info.value)


@pytest.mark.parametrize("value", ["9111000060003734", "911100006000373411", "9111000060003734O"])
def test_check_char_rejects_bad_body(value: str) -> None:
    with pytest.raises(IdentityError) as info:
        uscc_check_char(value)
    assert info.value.key == "id.format"


@pytest.mark.parametrize("code", ["N2440300MA5F11111F", "Y1440300MA5F11111A"])
def test_letter_authority_codes_are_valid(code: str) -> None:
    # rural collectives (N) and other authorities (Y) register codes starting with a letter
    assert validate_uscc(code) == code


@FAST
@given(usccs())
def test_generated_usccs_validate(code: str) -> None:
    assert validate_uscc(code.lower()) == code
    assert uscc_check_char(code[:17]) == uscc_check(code[:17]) == code[17]


@FAST
@given(usccs(), st.data())
def test_any_single_substitution_is_rejected(code: str, data: st.DataObject) -> None:
    pos = data.draw(st.integers(min_value=0, max_value=17), label="position")
    new = data.draw(st.sampled_from([c for c in USCC_ALPHABET if c != code[pos]]), label="char")
    mutated = code[:pos] + new + code[pos + 1:]
    with pytest.raises(IdentityError) as info:
        validate_uscc(mutated)
    # a letter in the division code (positions 3-8) is a format error; the check catches the rest
    expected = "id.format" if 2 <= pos < 8 and new.isalpha() else "id.check_digit"
    assert info.value.key == expected
    assert mutated not in str(info.value)
