"""The 256-byte machine-readable text block (UCS-2 little-endian, space padded) of the three
card kinds a GA 467 reader reads (``shared/reference/protocols.md``).

The card-type flag at byte offset 248 tells them apart: a space on the resident ID card (that
area is reserved there), ``J`` on the Hong Kong/Macao/Taiwan residence permit, ``I`` on the
2017 foreigner permanent-residence card. Numbers are validated with :mod:`kiosk.identity`;
a card whose number fails is an :class:`InvalidCardNumber`, never a document.

Errors name the card kind and the field, never a value (the values are personal data).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Final, Literal

from kiosk.devices.idcard.port import CardReadFailed, InvalidCardNumber, UnsupportedCard
from kiosk.identity.models import IdentityDocument, IdKind, Sex
from kiosk.identity.numbers import IdentityError, resident_id_kind, validate_resident_id

__all__ = [
    "LONG_TERM",
    "TEXT_BLOCK_SIZE",
    "TYPE_FLAG_OFFSET",
    "CardExtras",
    "CardKind",
    "card_kind",
    "decode_text_block",
    "encode_text_block",
    "layout_sizes",
]

TEXT_BLOCK_SIZE: Final = 256
TYPE_FLAG_OFFSET: Final = 248
LONG_TERM: Final = "长期"

CardKind = Literal["resident", "permit", "foreigner"]
_PAD: Final = " "

# (field, bytes); each layout adds up to 256 bytes
_RESIDENT: Final = (
    ("name", 30), ("sex", 2), ("nation", 4), ("birth", 16), ("address", 70), ("number", 36),
    ("issuer", 30), ("valid_from", 16), ("valid_to", 16), ("reserved", 36),
)
_PERMIT: Final = (
    ("name", 30), ("sex", 2), ("reserved_nation", 4), ("birth", 16), ("address", 70),
    ("number", 36), ("issuer", 30), ("valid_from", 16), ("valid_to", 16),
    ("pass_number", 18), ("issue_count", 4), ("reserved1", 6), ("type", 2), ("reserved2", 6),
)
_FOREIGNER: Final = (
    ("name_en", 120), ("sex", 2), ("number", 30), ("nationality", 6), ("name", 30),
    ("valid_from", 16), ("valid_to", 16), ("birth", 16), ("version", 4),
    ("authority_code", 8), ("type", 2), ("reserved", 6),
)
_LAYOUTS: Final[dict[CardKind, tuple[tuple[str, int], ...]]] = {
    "resident": _RESIDENT, "permit": _PERMIT, "foreigner": _FOREIGNER,
}
_TYPE_FLAG: Final[dict[CardKind, str]] = {"resident": _PAD, "permit": "J", "foreigner": "I"}
_ID_KIND: Final[dict[CardKind, IdKind]] = {
    "resident": "resident_id", "permit": "hk_macao_taiwan_permit", "foreigner": "foreigner_pr",
}
_SEX_CODES: Final[dict[str, Sex]] = {"1": "male", "2": "female"}
# the 2017 card's 15-character number: ISO 3166 alpha-3 nationality + 12 digits. Its check
# character's algorithm is not in our reference, so only the shape is checked here.
_FOREIGNER_2017_NUMBER: Final = re.compile(r"[A-Z]{3}[0-9]{12}", re.ASCII)
_NATIONALITY: Final = re.compile(r"[A-Z]{3}", re.ASCII)


@dataclasses.dataclass(frozen=True, slots=True)
class CardExtras:
    """Card fields the :class:`IdentityDocument` model has no place for (simulator input)."""

    nation_code: str = "01"  # resident card, GB/T 3304 ('01' Han)
    pass_number: str = ""  # permit: the HK/Macao/Taiwan travel-permit number
    issue_count: str = "00"  # permit
    version: str = "01"  # foreigner PR card
    authority_code: str = ""  # foreigner PR card


def layout_sizes() -> dict[CardKind, int]:
    """Total bytes per layout (each must be 256; a test checks)."""
    return {kind: sum(size for _, size in layout) for kind, layout in _LAYOUTS.items()}


def card_kind(block: bytes) -> CardKind:
    """Which layout a text block uses, from its type flag (offset 248)."""
    if len(block) != TEXT_BLOCK_SIZE:
        raise CardReadFailed(f"text block is {len(block)} bytes, expected {TEXT_BLOCK_SIZE}")
    flag = block[TYPE_FLAG_OFFSET : TYPE_FLAG_OFFSET + 2]
    if flag in (b"\x20\x00", b"\x00\x00"):
        return "resident"
    if flag == b"J\x00":
        return "permit"
    if flag == b"I\x00":
        return "foreigner"
    raise UnsupportedCard(f"card-type flag {flag.hex(' ')} at offset {TYPE_FLAG_OFFSET}")


def _fields(block: bytes, kind: CardKind) -> dict[str, str]:
    out: dict[str, str] = {}
    offset = 0
    for name, size in _LAYOUTS[kind]:
        raw = block[offset : offset + size]
        offset += size
        try:
            text = raw.decode("utf-16-le")
        except UnicodeDecodeError:
            raise CardReadFailed(f"{kind} card: field {name} is not valid UCS-2") from None
        out[name] = text.strip(" \x00\u3000")
    return out


def _date(value: str, *, kind: CardKind, field: str) -> dt.date:
    if not re.fullmatch(r"[0-9]{8}", value, re.ASCII):
        raise CardReadFailed(f"{kind} card: field {field} is not YYYYMMDD")
    try:
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise CardReadFailed(f"{kind} card: field {field} is not a calendar date") from None


def _sex(value: str) -> Sex:
    return _SEX_CODES.get(value, "unknown")


def _gb11643_number(value: str, *, kind: CardKind, today: dt.date | None) -> str:
    try:
        number = validate_resident_id(value, today=today)
    except IdentityError as err:
        raise InvalidCardNumber(f"{kind} card: {err.key}") from None
    found = resident_id_kind(number)
    if found != _ID_KIND[kind]:
        raise InvalidCardNumber(f"{kind} card: number has the shape of a {found} number")
    return number


def decode_text_block(block: bytes, *, today: dt.date | None = None) -> IdentityDocument:
    """Decode a 256-byte text block into an :class:`IdentityDocument` (``source="id_card"``).

    Raises :class:`InvalidCardNumber` (number fails its check), :class:`UnsupportedCard`
    (unknown type flag) or :class:`CardReadFailed` (wrong size, not UCS-2, impossible date).
    Expiry is not judged here: that is the journey's policy.
    """
    kind = card_kind(block)
    f = _fields(block, kind)
    valid_to: dt.date | None
    long_term = f["valid_to"] == LONG_TERM
    valid_to = None if long_term else _date(f["valid_to"], kind=kind, field="valid_to")
    valid_from = _date(f["valid_from"], kind=kind, field="valid_from")
    birth = _date(f["birth"], kind=kind, field="birth")
    if kind == "foreigner":
        number = f["number"].upper()
        # (the 2023 card's 18-digit number does not fit this 15-character field: its own
        # layout is not decoded yet and would show as an unsupported type flag)
        if not _FOREIGNER_2017_NUMBER.fullmatch(number):
            raise InvalidCardNumber("foreigner card: number is not 3 letters and 12 digits")
        nationality = f["nationality"].upper()
        if not _NATIONALITY.fullmatch(nationality):
            raise CardReadFailed("foreigner card: nationality is not an ISO 3166 alpha-3 code")
        return IdentityDocument(
            kind="foreigner_pr", number=number, source="id_card", name=f["name"],
            name_en=f["name_en"], sex=_sex(f["sex"]), birth_date=birth, nationality=nationality,
            valid_from=valid_from, valid_to=valid_to, long_term=long_term,
        )
    number = _gb11643_number(f["number"], kind=kind, today=today)
    return IdentityDocument(
        kind=_ID_KIND[kind], number=number, source="id_card", name=f["name"],
        sex=_sex(f["sex"]), birth_date=birth, address=f["address"], issuer=f["issuer"],
        valid_from=valid_from, valid_to=valid_to, long_term=long_term,
    )


# ---------------------------------------------------------------- encoding (simulator)


def _sex_code(sex: Sex) -> str:
    return {"male": "1", "female": "2"}.get(sex, "0")


def _yyyymmdd(value: dt.date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


def encode_text_block(
    doc: IdentityDocument, *, extras: CardExtras | None = None, card: CardKind | None = None
) -> bytes:
    """The inverse of :func:`decode_text_block`, for the simulator and tests.

    ``card`` defaults from ``doc.kind``. Numbers are written as given (a test can put an
    invalid one on a card); a value too long for its field is a ``ValueError``.
    """
    extras = extras or CardExtras()
    if card is None:
        by_kind = {v: k for k, v in _ID_KIND.items()}
        if doc.kind not in by_kind:
            raise ValueError(f"no ID-card layout for document kind {doc.kind!r}")
        card = by_kind[doc.kind]
    valid_to = LONG_TERM if doc.long_term else _yyyymmdd(doc.valid_to)
    values: dict[str, str] = {
        "name": doc.name, "name_en": doc.name_en, "sex": _sex_code(doc.sex),
        "nation": extras.nation_code, "birth": _yyyymmdd(doc.birth_date), "address": doc.address,
        "number": doc.number, "issuer": doc.issuer, "valid_from": _yyyymmdd(doc.valid_from),
        "valid_to": valid_to, "pass_number": extras.pass_number,
        "issue_count": extras.issue_count, "nationality": doc.nationality,
        "version": extras.version, "authority_code": extras.authority_code,
        "type": _TYPE_FLAG[card],
    }
    out = bytearray()
    for name, size in _LAYOUTS[card]:
        text = values.get(name, "")
        raw = text.encode("utf-16-le")
        if len(raw) > size:
            raise ValueError(f"{card} card: field {name} longer than {size // 2} characters")
        out += raw + _PAD.encode("utf-16-le") * ((size - len(raw)) // 2)
    return bytes(out)
