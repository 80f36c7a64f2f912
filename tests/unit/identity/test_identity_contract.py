"""Cross-cutting promises of kiosk.identity: translated keys, only IdentityError, no personal
data in errors or logs, the public API other packages import."""

from __future__ import annotations

import ast
import datetime as dt
import logging
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from _identity_strategies import TODAY, ric
from hypothesis import given, settings
from hypothesis import strategies as st

import kiosk.identity as identity
from kiosk.errors import KnownError
from kiosk.identity import IDENTITY_ERROR_KEYS, IdentityError
from kiosk.identity import numbers as numbers_module
from kiosk.messages import LANGS, MESSAGES

FAST = settings(max_examples=200, deadline=None)

SINGLE_VALUE_FUNCS: list[Callable[[str], object]] = [
    identity.validate_resident_id,
    identity.resident_id_kind,
    identity.resident_id_birth_date,
    identity.resident_id_sex,
    identity.identity_from_resident_id,
    identity.validate_hkid,
    identity.format_hkid,
    identity.hkid_check_char,
    identity.validate_uscc,
    identity.uscc_check_char,
    identity.validate_home_return_permit,
    identity.mrz_check_digit,
]


def test_public_api() -> None:
    for name in identity.__all__:
        assert hasattr(identity, name), name
    assert issubclass(IdentityError, KnownError)
    assert {
        "id.empty", "id.format", "id.check_digit", "id.birth_date", "id.region", "id.expired"
    } == IDENTITY_ERROR_KEYS


def test_every_identity_key_is_translated() -> None:
    for key in IDENTITY_ERROR_KEYS:
        assert key in MESSAGES, key
        for lang in LANGS:
            assert MESSAGES[key][lang].strip(), (key, lang)


def test_every_key_raised_in_the_source_is_declared() -> None:
    """Literal keys passed to IdentityError(...) anywhere under kiosk/identity."""
    package = Path(numbers_module.__file__).parent
    raised: set[str] = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "IdentityError" and node.args
                    and isinstance(node.args[0], ast.Constant)):
                raised.add(str(node.args[0].value))
    assert raised
    assert raised <= IDENTITY_ERROR_KEYS


@pytest.mark.parametrize("func", SINGLE_VALUE_FUNCS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("value", ["", " \t\n", "\u3000"])
def test_empty_everywhere(func: Callable[[str], object], value: str) -> None:
    with pytest.raises(IdentityError) as info:
        func(value)
    assert info.value.key == "id.empty"


WEIRD = [
    "\x00", "\ud800", "\U0001f600" * 18, "ß" * 18, "ǅ" * 9, "İ" * 18, "٣" * 18, "①" * 18,
    "ｘ" * 18, "㍻", "\u200b" * 18, "A\u0301" * 9, "()" * 5, "<" * 44, "9" * 500, "-" * 18,
]


@pytest.mark.parametrize("func", SINGLE_VALUE_FUNCS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("value", WEIRD)
def test_weird_unicode_only_identity_errors(func: Callable[[str], object], value: str) -> None:
    try:
        func(value)
    except IdentityError as err:
        assert err.key in IDENTITY_ERROR_KEYS


@pytest.mark.parametrize("func", SINGLE_VALUE_FUNCS, ids=lambda f: f.__name__)
def test_non_text_is_a_format_error(func: Callable[[object], object]) -> None:
    for value in (None, 360426199101010071, b"360426199101010071"):
        with pytest.raises(IdentityError) as info:
            func(value)
        assert info.value.key == "id.format"


@FAST
@given(st.text(max_size=60))
def test_fuzz_single_value_functions(value: str) -> None:
    for func in SINGLE_VALUE_FUNCS:
        try:
            func(value)
        except IdentityError as err:
            assert err.key in IDENTITY_ERROR_KEYS
            # details are fixed texts: no run of digits from an input can show up in them
            # (a plain "input not in message" test trips over inputs like "id.for")
            assert not re.search(r"[0-9]{5}", str(err), re.ASCII)


@FAST
@given(st.one_of(st.text(max_size=100), st.lists(st.text(max_size=50), max_size=4),
                 st.lists(st.text("0123456789<ABCPIXMF", min_size=44, max_size=44),
                          min_size=2, max_size=2)))
def test_fuzz_mrz(value: str | list[str]) -> None:
    try:
        identity.validate_passport_mrz(value, today=TODAY)
    except IdentityError as err:
        assert err.key in IDENTITY_ERROR_KEYS


def test_mrz_rejects_non_sequences() -> None:
    for value in (None, 42, [None, None]):
        with pytest.raises(IdentityError) as info:
            identity.validate_passport_mrz(value)  # type: ignore[arg-type]
        assert info.value.key == "id.format"


BAD_NUMBERS = [
    (identity.validate_resident_id, "360426199101010072"),
    (identity.validate_resident_id, ric("000000", dt.date(1991, 1, 1), 7)),
    (identity.validate_resident_id, ric("360426", dt.date(2030, 1, 1), 7)),
    (identity.validate_hkid, "A123456(4)"),
    (identity.validate_uscc, "91110000600037341M"),
    (identity.validate_home_return_permit, "H1234567"),
]


@pytest.mark.parametrize(("func", "value"), BAD_NUMBERS)
def test_errors_and_logs_hold_no_number(
    func: Callable[[str], object], value: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG), pytest.raises(IdentityError) as info:
        func(value)
    err = info.value
    for text in (str(err), repr(err), err.detail, *map(str, err.args)):
        assert value not in text
        assert value[:8] not in text
    assert all(value not in r.getMessage() for r in caplog.records)


def test_valid_numbers_leave_no_trace_in_logs(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        doc = identity.identity_from_resident_id("360426199101010071")
        mrz = identity.validate_passport_mrz(
            ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
             "L898902C36UTO7408122F1204159ZE184226B<<<<<10"], today=TODAY)
        identity.validate_hkid("A123456(3)")
    secrets = [*doc.personal_values(), mrz.number, mrz.surname, "A123456", "740812"]
    for record in caplog.records:
        message = record.getMessage()
        assert not any(s in message for s in secrets), message
