"""Validating what a citizen typed into an item's form (the schema in the catalogue).

:func:`validate_field` returns the normalised value or raises :class:`FieldError` whose
``key`` is a translated message (``form.*`` or an identity key such as ``id.check_digit``).
Details never echo the typed value: it may be personal data.

Per type: ``text``/``address`` are stripped and length-checked (``address`` defaults to 200
characters, ``text`` to the model's cap of 2000); ``number`` is a plain decimal (``12``,
``-3.5``, ``1,000``) within ``min_value``/``max_value``, returned as a string; ``date`` takes
``YYYY-MM-DD``, ``YYYY/MM/DD``, ``YYYYMMDD`` or ``YYYY年M月D日`` and returns ISO; ``choice`` must
be one of the values; ``phone`` see :mod:`kiosk.catalog.phone`; ``resident_id``, ``hkid`` and
``uscc`` are checked by :mod:`kiosk.identity.numbers`. An empty optional field gives ``""``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Final

from kiosk.catalog.model import FieldGroup, FieldType, FormField, ServiceItem
from kiosk.catalog.phone import normalise_phone
from kiosk.errors import KnownError
from kiosk.identity import numbers

DEFAULT_MAX_LENGTH: Final[dict[FieldType, int]] = {"address": 200, "text": 2000}
_NUMBER = re.compile(r"^[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$")
_DATES: Final = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)
_MIN_YEAR, _MAX_YEAR = 1900, 2199


class FieldError(KnownError):
    """A field's value is invalid; ``key`` is the message to show next to the field."""


def _text(field: FormField, value: str) -> str:
    limit = field.max_length or DEFAULT_MAX_LENGTH.get(field.type, 2000)
    if len(value) > limit:
        raise FieldError("form.too_long", f"{field.id}: longer than {limit} characters")
    return value


def _number(field: FormField, value: str) -> str:
    text = unicodedata.normalize("NFKC", value).replace(" ", "")
    if not _NUMBER.match(text):
        raise FieldError("form.not_a_number", field.id)
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation as err:  # pragma: no cover - the pattern admits only decimals
        raise FieldError("form.not_a_number", field.id) from err
    if ((field.min_value is not None and number < field.min_value)
            or (field.max_value is not None and number > field.max_value)):
        raise FieldError("form.out_of_range", field.id)
    return str(number)


def _date(field: FormField, value: str) -> str:
    text = unicodedata.normalize("NFKC", value).replace(" ", "")
    for pattern in _DATES:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            if not _MIN_YEAR <= year <= _MAX_YEAR:
                break
            try:
                return dt.date(year, month, day).isoformat()
            except ValueError:
                break
    raise FieldError("form.bad_date", field.id)


def _choice(field: FormField, value: str) -> str:
    if value not in {c.value for c in field.choices}:
        raise FieldError("form.bad_choice", field.id)
    return value


def _phone(field: FormField, value: str) -> str:
    phone = normalise_phone(value)
    if phone is None:
        raise FieldError("form.bad_phone", field.id)
    return phone


def _identity(check: Callable[[str], str]) -> Callable[[FormField, str], str]:
    def validate(field: FormField, value: str) -> str:
        try:
            return check(value)
        except numbers.IdentityError as err:
            raise FieldError(err.key, field.id) from err

    return validate


_VALIDATORS: Final[dict[FieldType, Callable[[FormField, str], object]]] = {
    "text": _text,
    "address": _text,
    "number": _number,
    "date": _date,
    "choice": _choice,
    "phone": _phone,
    "resident_id": _identity(numbers.validate_resident_id),
    "hkid": _identity(numbers.validate_hkid),
    "uscc": _identity(numbers.validate_uscc),
}


def validate_field(field: FormField, raw: str) -> object:
    """The normalised value of ``raw`` for ``field``; raises :class:`FieldError`."""
    value = raw.strip()
    if not value:
        if field.required:
            raise FieldError("form.required", field.id)
        return ""
    return _VALIDATORS[field.type](field, value)


@dataclasses.dataclass(frozen=True)
class FormResult:
    """Normalised values of the valid fields and error keys of the invalid ones."""

    values: dict[str, object]
    errors: dict[str, str]  # field id -> message key

    @property
    def ok(self) -> bool:
        return not self.errors


def _validate_fields(fields: tuple[FormField, ...], values: Mapping[str, str]) -> FormResult:
    good: dict[str, object] = {}
    errors: dict[str, str] = {}
    for field in fields:
        try:
            good[field.id] = validate_field(field, values.get(field.id, ""))
        except FieldError as err:
            errors[field.id] = err.key
    return FormResult(good, errors)


def validate_group(group: FieldGroup, values: Mapping[str, str]) -> FormResult:
    """Validate one group's fields (a missing value counts as empty; other keys are ignored)."""
    return _validate_fields(group.fields, values)


def validate_form(item: ServiceItem, values: Mapping[str, str]) -> FormResult:
    """Validate every field of ``item``'s form."""
    return _validate_fields(item.fields(), values)
