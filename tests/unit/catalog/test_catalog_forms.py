"""Form validation: every field type, its normalisation and its error keys."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from kiosk.catalog import DEFAULT_CATALOG_DIR, load_catalog
from kiosk.catalog.forms import (
    FieldError,
    FormResult,
    validate_field,
    validate_form,
    validate_group,
)
from kiosk.catalog.model import FieldGroup, FormField, ServiceItem
from kiosk.errors import KnownError
from kiosk.messages import MESSAGES

from ._catalog_builders import make_item, texts


def fld(type_: str, **kw: Any) -> FormField:
    data: dict[str, Any] = {"id": "field_x", "type": type_, "label": texts("字段", "欄位", "Field")}
    if type_ == "choice" and "choices" not in kw:
        kw["choices"] = [{"value": "a", "label": texts("甲")}, {"value": "b", "label": texts("乙")}]
    return FormField.model_validate(data | kw)


def error_key(field: FormField, raw: str) -> str:
    with pytest.raises(FieldError) as info:
        validate_field(field, raw)
    assert isinstance(info.value, KnownError)
    assert len(raw.strip()) < 3 or raw.strip() not in info.value.detail  # no personal data
    return info.value.key


def with_check_digit(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "?")  # stdnum skips the last character


@pytest.mark.parametrize("type_", ["text", "address", "number", "date", "choice", "phone",
                                   "resident_id", "hkid", "uscc"])
def test_required_and_optional_empty(type_: str) -> None:
    assert error_key(fld(type_), "   ") == "form.required"
    assert validate_field(fld(type_, required=False), "  ") == ""


def test_text_and_address_lengths() -> None:
    assert validate_field(fld("text"), "  深圳市福田区  ") == "深圳市福田区"
    assert validate_field(fld("text", max_length=3), "福田区") == "福田区"
    assert error_key(fld("text", max_length=3), "福田区a") == "form.too_long"
    assert validate_field(fld("address"), "路" * 200) == "路" * 200
    assert error_key(fld("address"), "路" * 201) == "form.too_long"  # default 200
    assert validate_field(fld("address", max_length=300), "路" * 300) == "路" * 300
    assert validate_field(fld("text"), "字" * 2000) == "字" * 2000


@pytest.mark.parametrize(("raw", "value"), [
    ("12", "12"), ("+7", "7"), ("-3.50", "-3.50"), ("1,000", "1000"), ("1,234,567.5", "1234567.5"),
    ("１２", "12"), ("007", "7"),
])
def test_number_normalised(raw: str, value: str) -> None:
    assert validate_field(fld("number"), raw) == value


@pytest.mark.parametrize("raw", ["abc", "1.2.3", "NaN", "Infinity", "1e3", "1,00", "12,", "一"])
def test_number_rejected(raw: str) -> None:
    assert error_key(fld("number"), raw) == "form.not_a_number"


def test_number_range_inclusive() -> None:
    bounded = fld("number", min_value="1", max_value="60")
    assert validate_field(bounded, "1") == "1"
    assert validate_field(bounded, "60") == "60"
    assert error_key(bounded, "0.99") == "form.out_of_range"
    assert error_key(bounded, "60.01") == "form.out_of_range"


@pytest.mark.parametrize("raw", ["2026-11-05", "2026-11-5", "20261105", "2026/11/05",
                                 "2026/11/5", "2026年11月5日", "２０２６-１１-０５"])
def test_date_formats(raw: str) -> None:
    assert validate_field(fld("date"), raw) == "2026-11-05"


@pytest.mark.parametrize("raw", ["2026-02-30", "2026-13-01", "05/11/2026", "2026-11", "tomorrow",
                                 "2026-11/05", "18991231", "2026110", "2023-02-29"])
def test_bad_dates(raw: str) -> None:
    assert error_key(fld("date"), raw) == "form.bad_date"


def test_leap_day() -> None:
    assert validate_field(fld("date"), "20240229") == "2024-02-29"


def test_choice() -> None:
    assert validate_field(fld("choice"), " b ") == "b"
    assert error_key(fld("choice"), "c") == "form.bad_choice"
    assert error_key(fld("choice"), "A") == "form.bad_choice"  # values are exact


@pytest.mark.parametrize(("raw", "value"), [
    ("138 1234 5678", "13812345678"),
    ("+86 199-1234-5678", "13812345678".replace("138", "199")),
    ("0086 13812345678", "13812345678"),
    ("0755-8888 6666", "0755-88886666"),
    ("010 12345678", "010-12345678"),
    ("(0769)2233445", "0769-2233445"),
    ("+86 755 88886666", "0755-88886666"),
    ("9123 4567", "+852 91234567"),
    ("+852 2123-4567", "+852 21234567"),
    ("00852 51234567", "+852 51234567"),
    ("+853 6612 3456", "+853 66123456"),
    ("+853 2833 3000", "+853 28333000"),
])
def test_phone_accepted(raw: str, value: str) -> None:
    assert validate_field(fld("phone"), raw) == value


@pytest.mark.parametrize("raw", [
    "12812345678",  # no 12x mobile prefix
    "1381234567",  # 10 digits
    "138123456789",
    "88886666",  # mainland local number without area code (and not a HK prefix)
    "41234567",  # HK numbers do not start with 4
    "+852 912345678",
    "+853 91234567",  # Macau numbers start with 2 or 6
    "+1 2025550100",
    "phone",
    "+86",
])
def test_phone_rejected(raw: str) -> None:
    assert error_key(fld("phone"), raw) == "form.bad_phone"


def test_resident_id_delegates_to_identity() -> None:
    assert validate_field(fld("resident_id"), "11010519491231002x") == "11010519491231002X"
    assert error_key(fld("resident_id"), "110105194912310021") == "id.check_digit"
    assert error_key(fld("resident_id"), "11010519491231") == "id.format"
    assert error_key(fld("resident_id"), with_check_digit("11010519491331002")) == "id.birth_date"
    assert error_key(fld("resident_id"), with_check_digit("10010519491231002")) == "id.region"


def test_hkid_and_uscc_delegate_to_identity() -> None:
    assert validate_field(fld("hkid"), "a123456(3)") == "A1234563"
    assert error_key(fld("hkid"), "A123456(4)") == "id.check_digit"
    assert error_key(fld("hkid"), "123456") == "id.format"
    assert validate_field(fld("uscc"), "91440304ma5g12345e") == "91440304MA5G12345E"
    assert error_key(fld("uscc"), "91440304MA5G12345F") == "id.check_digit"
    assert error_key(fld("uscc"), "9144") == "id.format"


def test_every_error_key_has_messages() -> None:
    for key in ["form.required", "form.too_long", "form.not_a_number", "form.out_of_range",
                "form.bad_date", "form.bad_choice", "form.bad_phone", "id.check_digit",
                "id.format", "id.birth_date", "id.region"]:
        assert set(MESSAGES[key]) == {"zh-Hans", "zh-Hant", "en"}


def _group() -> FieldGroup:
    return FieldGroup.model_validate({
        "id": "g", "title": texts("组", "組", "Group"),
        "fields": [
            {"id": "name", "type": "text", "label": texts("姓名")},
            {"id": "phone", "type": "phone", "label": texts("电话")},
            {"id": "note", "type": "text", "label": texts("备注"), "required": False},
            {"id": "when", "type": "date", "label": texts("日期")},
        ],
    })


def test_validate_group_collects_values_and_errors() -> None:
    result = validate_group(_group(), {"name": " 张三 ", "phone": "12345", "when": "20260102",
                                       "unrelated": "ignored"})
    assert result == FormResult(values={"name": "张三", "note": "", "when": "2026-01-02"},
                                errors={"phone": "form.bad_phone"})
    assert not result.ok
    assert validate_group(_group(), {"name": "a", "phone": "13812345678", "when": "2026-1-2"}).ok


def test_validate_form_spans_groups() -> None:
    item = ServiceItem.model_validate(make_item(form=[
        {"id": "a", "title": texts("甲"), "fields": [
            {"id": "capital", "type": "number", "label": texts("资本"), "min_value": 1}]},
        {"id": "b", "title": texts("乙"), "fields": [
            {"id": "uscc", "type": "uscc", "label": texts("代码")}]},
    ]))
    result = validate_form(item, {"capital": "0"})
    assert result.errors == {"capital": "form.out_of_range", "uscc": "form.required"}
    assert result.values == {}


def test_shipped_forms_reject_an_empty_submission() -> None:
    catalog = load_catalog(DEFAULT_CATALOG_DIR)
    for item in catalog.items():
        result = validate_form(item, {})
        required = {f.id for f in item.fields() if f.required}
        assert set(result.errors) == required, item.code
        assert set(result.errors.values()) <= {"form.required"}


@given(st.text(max_size=40))
def test_validators_only_raise_field_errors(raw: str) -> None:
    for type_ in ("text", "address", "number", "date", "choice", "phone", "resident_id", "hkid",
                  "uscc"):
        try:
            value = validate_field(fld(type_, required=False), raw)
        except FieldError as err:
            assert err.key in MESSAGES
        else:
            assert isinstance(value, str)
