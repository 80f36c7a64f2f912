"""GB 11643 resident ID numbers, HK/Macao/Taiwan residence permits, 2023 foreigner PR."""

from __future__ import annotations

import datetime as dt

import pytest
from _identity_strategies import (
    TODAY,
    any_resident_ids,
    foreigner_pr_ids,
    mainland_ids,
    permit_ids,
    ric,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric as stdnum_ric
from stdnum.exceptions import InvalidComponent

from kiosk.identity import (
    IdentityDocument,
    IdentityError,
    identity_from_resident_id,
    resident_id_birth_date,
    resident_id_kind,
    resident_id_sex,
    validate_resident_id,
)

FAST = settings(max_examples=200, deadline=None)


@pytest.mark.parametrize("number", ["360426199101010071", "120103198806018241"])
def test_known_valid(number: str) -> None:
    assert validate_resident_id(number) == number
    assert resident_id_kind(number) == "resident_id"


def test_fields_of_known_numbers() -> None:
    assert resident_id_birth_date("360426199101010071") == dt.date(1991, 1, 1)
    assert resident_id_sex("360426199101010071") == "male"  # sequence 007
    assert resident_id_birth_date("120103198806018241") == dt.date(1988, 6, 1)
    assert resident_id_sex("120103198806018241") == "female"  # sequence 824


@pytest.mark.parametrize(
    "typed",
    [
        " 360426199101010071 ",
        "360426 19910101 0071",
        "360426-19910101-0071",
        "３６０４２６１９９１０１０１００７１",  # full-width digits from a Chinese IME
        "360426199101010071\u3000",  # ideographic space
    ],
)
def test_normalises_input(typed: str) -> None:
    assert validate_resident_id(typed) == "360426199101010071"


def test_lower_case_x_is_upper_cased() -> None:
    x_number = next(
        number for seq in range(1000)
        if (number := ric("110101", dt.date(1980, 5, 5), seq)).endswith("X")
    )
    assert validate_resident_id(x_number.lower()) == x_number
    assert validate_resident_id(x_number.replace("X", "ｘ")) == x_number  # full-width x


@pytest.mark.parametrize("region", ["810000", "820000", "830000"])
def test_residence_permits(region: str) -> None:
    number = ric(region, dt.date(1990, 3, 4), 12)
    assert validate_resident_id(number) == number
    assert resident_id_kind(number) == "hk_macao_taiwan_permit"
    assert resident_id_sex(number) == "female"


def test_permit_born_before_handover_is_accepted_though_stdnum_rejects_it() -> None:
    """The gotcha in protocols.md: stdnum's validate() consults loc.dat (830000 missing,
    810000 only "[1997-]"), so permits must not go through it."""
    for number in (ric("830000", dt.date(1970, 1, 1), 1), ric("810000", dt.date(1970, 1, 1), 1)):
        with pytest.raises(InvalidComponent):
            stdnum_ric.validate(number)
        assert validate_resident_id(number) == number


def test_foreigner_permanent_residence_2023() -> None:
    number = ric("911156", dt.date(1985, 12, 31), 3)
    assert validate_resident_id(number) == number
    assert resident_id_kind(number) == "foreigner_pr"
    assert resident_id_birth_date(number) == dt.date(1985, 12, 31)
    assert resident_id_sex(number) == "male"


def test_abolished_county_code_still_accepted_for_later_births() -> None:
    # 110103 (崇文区) is "[-2010]" in loc.dat; people registered there keep their numbers,
    # and stdnum's birth-year test would even reject a 1980 birth in a county created later
    number = ric("110103", dt.date(2012, 1, 1), 2)
    assert validate_resident_id(number, today=TODAY) == number


def test_identity_from_resident_id() -> None:
    doc = identity_from_resident_id(" 120103198806018241 ", name="张三", source="id_card")
    assert doc == IdentityDocument(
        kind="resident_id", number="120103198806018241", source="id_card", name="张三",
        sex="female", birth_date=dt.date(1988, 6, 1),
    )
    permit = identity_from_resident_id(ric("820000", dt.date(2001, 2, 3), 5))
    assert (permit.kind, permit.sex, permit.source) == ("hk_macao_taiwan_permit", "male", "manual")


# ---- exact error keys

@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("", "id.empty"),
        ("   ", "id.empty"),
        ("\u3000", "id.empty"),
        ("36042619910101007", "id.format"),  # 17 characters
        ("3604261991010100711", "id.format"),  # 19 characters
        ("36042619910101007A", "id.format"),
        ("X60426199101010071", "id.format"),
        ("٣٦٠٤٢٦١٩٩١٠١٠١٠٠٧١", "id.format"),  # Arabic-Indic digits are not ID digits
        ("360426199101010072", "id.check_digit"),
        ("360426199101010070", "id.check_digit"),
        (ric("360426", dt.date(1991, 1, 1), 7)[:-1] + "X", "id.check_digit"),
        (ric("000000", dt.date(1991, 1, 1), 7), "id.region"),
        (ric("810001", dt.date(1991, 1, 1), 7), "id.region"),
        (ric("119999", dt.date(1991, 1, 1), 7), "id.region"),
    ],
)
def test_error_keys(value: str, key: str) -> None:
    with pytest.raises(IdentityError) as info:
        validate_resident_id(value, today=TODAY)
    assert info.value.key == key
    if value.strip():
        assert value not in str(info.value)
        assert value[:14] not in str(info.value)


def _with_date(yyyymmdd: str, region: str = "360426") -> str:
    from _identity_strategies import ric_check

    body = f"{region}{yyyymmdd}123"
    return body + ric_check(body)


@pytest.mark.parametrize(
    "yyyymmdd",
    ["19910230", "19911301", "19910000", "20230229", "18991231", "20250701", "29991231"],
)
def test_birth_date_errors(yyyymmdd: str) -> None:
    number = _with_date(yyyymmdd)
    with pytest.raises(IdentityError) as info:
        validate_resident_id(number, today=TODAY)
    assert info.value.key == "id.birth_date"
    assert number not in str(info.value)


def test_birth_date_bounds_inclusive() -> None:
    for yyyymmdd in ("19000101", "20250630", "20240229"):
        number = _with_date(yyyymmdd)
        assert validate_resident_id(number, today=TODAY) == number
    # permits and foreigner PRs get the same date rule
    with pytest.raises(IdentityError, match=r"^id\.birth_date"):
        validate_resident_id(_with_date("20991231", "830000"), today=TODAY)


def test_helpers_reject_like_validate() -> None:
    for func in (resident_id_kind, resident_id_birth_date, resident_id_sex):
        with pytest.raises(IdentityError) as info:
            func("360426199101010072")
        assert info.value.key == "id.check_digit"
    with pytest.raises(IdentityError, match=r"^id\.check_digit"):
        identity_from_resident_id("360426199101010072")


# ---- properties

@FAST
@given(mainland_ids())
def test_generated_mainland_ids_validate(number: str) -> None:
    assert validate_resident_id(number, today=TODAY) == number
    assert resident_id_kind(number) == "resident_id"


@FAST
@given(permit_ids())
def test_generated_permits_validate(number: str) -> None:
    assert validate_resident_id(number.lower(), today=TODAY) == number
    assert resident_id_kind(number) == "hk_macao_taiwan_permit"


@FAST
@given(foreigner_pr_ids())
def test_generated_foreigner_prs_validate(number: str) -> None:
    assert validate_resident_id(number, today=TODAY) == number
    assert resident_id_kind(number) == "foreigner_pr"


@FAST
@given(any_resident_ids)
def test_derived_fields_match_number(number: str) -> None:
    doc = identity_from_resident_id(number)
    assert doc.birth_date == dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert doc.sex == ("male" if int(number[14:17]) % 2 else "female")


@FAST
@given(any_resident_ids, st.data())
def test_any_single_substitution_is_rejected(number: str, data: st.DataObject) -> None:
    pos = data.draw(st.integers(min_value=0, max_value=17), label="position")
    allowed = "0123456789X" if pos == 17 else "0123456789"
    new = data.draw(st.sampled_from([c for c in allowed if c != number[pos]]), label="char")
    mutated = number[:pos] + new + number[pos + 1:]
    with pytest.raises(IdentityError) as info:
        validate_resident_id(mutated, today=TODAY)
    assert info.value.key in {"id.check_digit", "id.format", "id.birth_date", "id.region"}
    if pos == 17:
        assert info.value.key == "id.check_digit"
    assert mutated not in str(info.value)
