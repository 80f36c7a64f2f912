"""ICAO 9303 machine-readable zones (TD1, TD2, TD3) through the ``mrz`` library."""

from __future__ import annotations

import datetime as dt

import pytest
from _identity_strategies import (
    TD3_CHECK_POSITIONS,
    TD3_PROTECTED,
    TODAY,
    icao_check,
    td3_mrzs,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.identity import (
    IdentityError,
    MrzData,
    ensure_not_expired,
    mrz_check_digit,
    validate_passport_mrz,
)

FAST = settings(max_examples=200, deadline=None)

TD3 = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
]
TD2 = [
    "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
    "D231458907UTO7408122F1204159<<<<<<<6",
]
TD1 = [
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
]


def test_td3_specimen() -> None:
    assert validate_passport_mrz(TD3, today=TODAY) == MrzData(
        document_type="P", country="UTO", number="L898902C3", surname="ERIKSSON",
        given_names="ANNA MARIA", nationality="UTO", birth_date=dt.date(1974, 8, 12),
        sex="female", expiry_date=dt.date(2012, 4, 15), layout="TD3",
    )


@pytest.mark.parametrize(("lines", "layout"), [(TD1, "TD1"), (TD2, "TD2")])
def test_td1_td2_specimens(lines: list[str], layout: str) -> None:
    data = validate_passport_mrz(lines, today=TODAY)
    assert (data.layout, data.document_type, data.number) == (layout, "I", "D23145890")
    assert (data.surname, data.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert (data.birth_date, data.expiry_date) == (dt.date(1974, 8, 12), dt.date(2012, 4, 15))
    assert (data.country, data.nationality, data.sex) == ("UTO", "UTO", "female")


def test_accepts_one_string_lower_case_and_padding() -> None:
    assert validate_passport_mrz("\n".join(TD3), today=TODAY).number == "L898902C3"
    assert validate_passport_mrz([f"  {TD3[0].lower()} ", TD3[1], ""], today=TODAY).surname == (
        "ERIKSSON"
    )
    full_width = [line.replace("<", "＜") for line in TD3]  # NFKC maps U+FF1C to '<'
    assert validate_passport_mrz(full_width, today=TODAY).number == "L898902C3"


def test_check_digits_of_specimen() -> None:
    assert mrz_check_digit("L898902C3") == "6"
    assert mrz_check_digit("740812") == "2"
    assert mrz_check_digit("120415") == "9"
    assert mrz_check_digit("l898902c3") == "6"
    assert mrz_check_digit("<<<<<<") == "0"
    assert mrz_check_digit("ZE184226B<<<<<") == "1"


@pytest.mark.parametrize(("value", "key"), [("", "id.empty"), ("AB#1", "id.format"),
                                            ("ÄB", "id.format")])
def test_check_digit_errors(value: str, key: str) -> None:
    with pytest.raises(IdentityError) as info:
        mrz_check_digit(value)
    assert info.value.key == key


def _swap(lines: list[str], row: int, col: int, char: str) -> list[str]:
    out = list(lines)
    out[row] = out[row][:col] + char + out[row][col + 1:]
    return out


@pytest.mark.parametrize(
    ("lines", "key"),
    [
        ([], "id.empty"),
        (["", "  "], "id.empty"),
        ("", "id.empty"),
        ([TD3[0]], "id.format"),
        ([TD3[0][:-1], TD3[1][:-1]], "id.format"),  # 2x43
        ([*TD3, TD3[1]], "id.format"),  # 3x44
        ([TD1[0], TD1[1]], "id.format"),
        ([TD3[1], TD3[0]], "id.check_digit"),  # swapped lines: shape ok, digits not
        (_swap(TD3, 0, 7, "#"), "id.format"),
        (_swap(TD3, 0, 7, "É"), "id.format"),
        (_swap(TD3, 0, 0, "V"), "id.format"),  # a visa: no composite check digit
        (_swap(TD3, 0, 0, "<"), "id.format"),
        (_swap(TD3, 1, 0, "<"), "id.format"),  # document number starting with filler
        (_swap(TD3, 1, 20, "Q"), "id.format"),  # sex code
        (_swap(TD3, 1, 9, "7"), "id.check_digit"),  # document number check
        (_swap(TD3, 1, 19, "3"), "id.check_digit"),  # birth date check
        (_swap(TD3, 1, 27, "0"), "id.check_digit"),  # expiry check
        (_swap(TD3, 1, 42, "2"), "id.check_digit"),  # optional data check
        (_swap(TD3, 1, 43, "1"), "id.check_digit"),  # composite
        (_swap(TD3, 1, 3, "9"), "id.check_digit"),  # a document number digit
        (_swap(TD1, 0, 14, "8"), "id.check_digit"),
        (_swap(TD1, 1, 29, "7"), "id.check_digit"),
        (_swap(TD2, 1, 35, "7"), "id.check_digit"),
    ],
)
def test_error_keys(lines: list[str], key: str) -> None:
    with pytest.raises(IdentityError) as info:
        validate_passport_mrz(lines, today=TODAY)
    assert info.value.key == key
    for text in ("L898902C3", "ERIKSSON", "D23145890", "740812"):
        assert text not in str(info.value)


def _td3_with(birth: str, expiry: str) -> list[str]:
    num = "L898902C3"
    composite = num + icao_check(num) + birth + icao_check(birth) + expiry + icao_check(expiry)
    composite += "<" * 14 + "<"
    line2 = (num + icao_check(num) + "UTO" + birth + icao_check(birth) + "F" + expiry
             + icao_check(expiry) + "<" * 14 + "<" + icao_check(composite))
    return [TD3[0], line2]


def test_impossible_dates_with_correct_check_digits() -> None:
    with pytest.raises(IdentityError) as info:
        validate_passport_mrz(_td3_with("741312", "300101"), today=TODAY)
    assert info.value.key == "id.birth_date"
    with pytest.raises(IdentityError) as info:
        validate_passport_mrz(_td3_with("740812", "300230"), today=TODAY)
    assert info.value.key == "id.format"
    with pytest.raises(IdentityError) as info:
        validate_passport_mrz(_td3_with("740812", "30<<<<"), today=TODAY)
    assert info.value.key == "id.format"


def test_unknown_dates_are_none() -> None:
    data = validate_passport_mrz(_td3_with("74<<<<", "<<<<<<"), today=TODAY)
    assert (data.birth_date, data.expiry_date) == (None, None)


def test_two_digit_years() -> None:
    assert validate_passport_mrz(_td3_with("250630", "350101"), today=TODAY).birth_date == (
        dt.date(2025, 6, 30)
    )
    assert validate_passport_mrz(_td3_with("250701", "350101"), today=TODAY).birth_date == (
        dt.date(1925, 7, 1)
    )
    # expiry years up to 50 years ahead are 20YY, later ones are last century's
    assert validate_passport_mrz(_td3_with("000101", "751231"), today=TODAY).expiry_date == (
        dt.date(2075, 12, 31)
    )
    assert validate_passport_mrz(_td3_with("000101", "991231"), today=TODAY).expiry_date == (
        dt.date(1999, 12, 31)
    )


def test_expiry_is_reported_not_enforced() -> None:
    data = validate_passport_mrz(TD3, today=TODAY)  # the specimen expired in 2012
    with pytest.raises(IdentityError) as info:
        ensure_not_expired(data.expiry_date, today=TODAY)
    assert info.value.key == "id.expired"
    ensure_not_expired(dt.date(2025, 6, 30), today=TODAY)  # valid through its last day
    ensure_not_expired(None, today=TODAY)  # long-term
    ensure_not_expired(dt.date(9999, 1, 1))


@FAST
@given(td3_mrzs())
def test_generated_td3_validate(case: tuple[list[str], dict[str, object]]) -> None:
    lines, fields = case
    data = validate_passport_mrz(lines, today=TODAY)
    assert {name: getattr(data, name) for name in fields} == fields
    assert (data.document_type, data.layout) == ("P", "TD3")


@FAST
@given(td3_mrzs(), st.data())
def test_any_digit_substitution_in_checked_fields_is_rejected(
    case: tuple[list[str], dict[str, object]], data: st.DataObject
) -> None:
    """Every character of line 2 except nationality and sex is covered by a check digit.
    Only digit-for-digit swaps are always visible to 7-3-1 mod 10 ('0', 'A', 'K', 'U' and '<'
    share a value mod 10), so those are what we substitute."""
    lines, _fields = case
    line2 = lines[1]
    positions = [p for p in TD3_PROTECTED if line2[p].isdigit()]
    pos = data.draw(st.sampled_from(positions), label="position")
    new = data.draw(st.sampled_from([c for c in "0123456789" if c != line2[pos]]), label="char")
    mutated = [lines[0], line2[:pos] + new + line2[pos + 1:]]
    with pytest.raises(IdentityError) as info:
        validate_passport_mrz(mutated, today=TODAY)
    assert info.value.key in {"id.check_digit", "id.birth_date", "id.format"}
    if pos in TD3_CHECK_POSITIONS:
        assert info.value.key == "id.check_digit"
    assert line2 not in str(info.value) and mutated[1] not in str(info.value)
