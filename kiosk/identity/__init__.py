"""Identity documents: number validation (:mod:`kiosk.identity.numbers`) and the
:class:`IdentityDocument` model the rest of the kiosk passes around."""

from __future__ import annotations

from kiosk.identity.models import IdentityDocument, IdKind, IdSource, Sex
from kiosk.identity.numbers import (
    IDENTITY_ERROR_KEYS,
    IdentityError,
    IdentityErrorKey,
    MrzData,
    ResidentIdKind,
    ensure_not_expired,
    format_hkid,
    hkid_check_char,
    mrz_check_digit,
    resident_id_birth_date,
    resident_id_kind,
    resident_id_sex,
    uscc_check_char,
    validate_hkid,
    validate_home_return_permit,
    validate_passport_mrz,
    validate_resident_id,
    validate_uscc,
)

__all__ = [
    "IDENTITY_ERROR_KEYS",
    "IdKind",
    "IdSource",
    "IdentityDocument",
    "IdentityError",
    "IdentityErrorKey",
    "MrzData",
    "ResidentIdKind",
    "Sex",
    "ensure_not_expired",
    "format_hkid",
    "hkid_check_char",
    "identity_from_resident_id",
    "mrz_check_digit",
    "resident_id_birth_date",
    "resident_id_kind",
    "resident_id_sex",
    "uscc_check_char",
    "validate_hkid",
    "validate_home_return_permit",
    "validate_passport_mrz",
    "validate_resident_id",
    "validate_uscc",
]


def identity_from_resident_id(
    number: str, *, name: str = "", source: IdSource = "manual"
) -> IdentityDocument:
    """An :class:`IdentityDocument` whose kind, sex and birth date come from a GB 11643-shaped
    number (mainland ID, HK/Macao/Taiwan residence permit or 2023 foreigner PR card).

    Raises :class:`IdentityError` when the number is not valid.
    """
    normalised = validate_resident_id(number)
    return IdentityDocument(
        kind=resident_id_kind(normalised),
        number=normalised,
        source=source,
        name=name,
        sex=resident_id_sex(normalised),
        birth_date=resident_id_birth_date(normalised),
    )
