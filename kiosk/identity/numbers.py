"""Identity-number validation: GB 11643 resident IDs (and the permits that share their shape),
HKID, USCC (GB 32100), Home Return Permit numbers and ICAO 9303 MRZs.

Facts and sources: ``shared/reference/protocols.md``. Kept libraries do the arithmetic where
they can: ``stdnum.cn.ric`` / ``stdnum.cn.uscc`` (python-stdnum) and ``mrz`` (ICAO check digits).
stdnum is imported where it is used: this module is on the kiosk's path to its first frame.

Every function here

* normalises its input first (Unicode NFKC, so full-width digits and letters typed on a
  Chinese IME become ASCII; surrounding whitespace stripped; lower case accepted),
* raises :class:`IdentityError` (and nothing else) for bad input, with a key from
  :data:`IDENTITY_ERROR_KEYS`,
* never puts the number (or any part of it) into an exception or a log record: these values
  are personal data (DESIGN §6).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import re
import unicodedata
from collections.abc import Sequence
from typing import Final, Literal, get_args

import mrz.checker.td1 as mrz_td1
import mrz.checker.td2 as mrz_td2
import mrz.checker.td3 as mrz_td3
from mrz.base.functions import hash_string as _mrz_hash_string

from kiosk.errors import KnownError
from kiosk.identity.models import Sex

__all__ = [
    "IDENTITY_ERROR_KEYS",
    "IdentityError",
    "IdentityErrorKey",
    "MrzData",
    "ResidentIdKind",
    "ensure_not_expired",
    "format_hkid",
    "hkid_check_char",
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

_log = logging.getLogger(__name__)

IdentityErrorKey = Literal[
    "id.empty", "id.format", "id.check_digit", "id.birth_date", "id.region", "id.expired"
]
IDENTITY_ERROR_KEYS: Final[frozenset[str]] = frozenset(get_args(IdentityErrorKey))

ResidentIdKind = Literal["resident_id", "hk_macao_taiwan_permit", "foreigner_pr"]


class IdentityError(KnownError):
    """A document number the citizen entered (or a reader delivered) is not valid.

    ``key`` is one of :data:`IDENTITY_ERROR_KEYS`. ``detail`` says which document kind and
    which rule failed, never the number itself.
    """

    def __init__(self, key: IdentityErrorKey, detail: str = "") -> None:
        super().__init__(key, detail)


# ---------------------------------------------------------------- shared helpers

_WHITESPACE_RE: Final = re.compile(r"\s+")


def _normalise(value: object, *, drop: str = "") -> str:
    """NFKC, upper case, all whitespace (and the characters in ``drop``) removed.

    Raises ``id.empty`` when nothing is left. A non-str argument is a caller bug, but a kiosk
    form must not crash on it, so it is reported as ``id.format``.
    """
    if not isinstance(value, str):
        raise IdentityError("id.format", f"expected text, got {type(value).__name__}")
    text = unicodedata.normalize("NFKC", value).upper()
    text = _WHITESPACE_RE.sub("", text)
    for char in drop:
        text = text.replace(char, "")
    if not text:
        raise IdentityError("id.empty")
    return text


def _today(today: dt.date | None) -> dt.date:
    # the kiosk's local calendar date (the terminal's timezone is Asia/Shanghai in practice)
    return today if today is not None else dt.datetime.now(dt.UTC).astimezone().date()


def ensure_not_expired(expiry: dt.date | None, *, today: dt.date | None = None) -> None:
    """Raise ``id.expired`` if ``expiry`` lies before ``today``; ``None`` (long-term) passes.

    A document is valid through its expiry day.
    """
    if expiry is not None and expiry < _today(today):
        raise IdentityError("id.expired", "document expiry date has passed")


# ---------------------------------------------------------------- GB 11643 resident ID

_RESIDENT_ID_RE: Final = re.compile(r"[0-9]{17}[0-9X]", re.ASCII)
_PERMIT_REGIONS: Final = frozenset({"810000", "820000", "830000"})
_EARLIEST_BIRTH: Final = dt.date(1900, 1, 1)


@functools.cache
def region_codes() -> frozenset[str]:
    """Every 6-digit address code in python-stdnum's ``cn/loc.dat``.

    Membership only: we deliberately do not apply loc.dat's ``[start-end]`` year ranges the way
    ``stdnum.cn.ric.get_birth_place`` does (against the birth year). A number keeps the code of
    the place where it was first issued, which can postdate the birth (first IDs were issued
    from 1984), so the year test would turn away real people.
    """
    from stdnum import numdb

    codes: set[str] = set()
    for length, low, high, _props, children in numdb.get("cn/loc").prefixes:
        if length != 2:
            continue
        for province in range(int(low), int(high) + 1):
            for c_length, c_low, c_high, _c_props, _grand in children:
                if c_length != 4:
                    continue
                for county in range(int(c_low), int(c_high) + 1):
                    codes.add(f"{province:02d}{county:04d}")
    return frozenset(codes)


def _classify(number: str) -> ResidentIdKind:
    if number[0] == "9":
        return "foreigner_pr"
    if number[:6] in _PERMIT_REGIONS:
        return "hk_macao_taiwan_permit"
    return "resident_id"


def _birth_date(number: str) -> dt.date | None:
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def validate_resident_id(value: str, *, today: dt.date | None = None) -> str:
    """Validate an 18-character GB 11643 number and return it normalised (upper-case X).

    Accepts mainland resident IDs (address code must be in loc.dat, else ``id.region``),
    HK/Macao/Taiwan residence-permit numbers (810000/820000/830000) and 2023 foreigner
    permanent-residence numbers (18 digits starting with 9). Order of checks: ``id.format``,
    ``id.check_digit`` (any single typo is caught here), ``id.birth_date`` (a real date,
    1900-01-01 .. today), ``id.region``.
    """
    number = _normalise(value, drop="-")
    if not _RESIDENT_ID_RE.fullmatch(number):
        raise IdentityError("id.format", "resident id: expected 17 digits and a digit or X")
    # stdnum's validate() would also look the address up in loc.dat, which has no 830000 and
    # no 9xxxxx codes (and dates 810000/820000 from 1997/1999), so call the check alone.
    from stdnum.cn import ric as stdnum_ric

    if stdnum_ric.calc_check_digit(number) != number[17]:
        raise IdentityError("id.check_digit", "resident id: ISO 7064 MOD 11-2 mismatch")
    birth = _birth_date(number)
    if birth is None or not _EARLIEST_BIRTH <= birth <= _today(today):
        raise IdentityError("id.birth_date", "resident id: birth date impossible")
    if _classify(number) == "resident_id" and number[:6] not in region_codes():
        raise IdentityError("id.region", "resident id: address code not in loc.dat")
    return number


def resident_id_kind(value: str) -> ResidentIdKind:
    """Which card a valid GB 11643-shaped number belongs to."""
    return _classify(validate_resident_id(value))


def resident_id_birth_date(value: str) -> dt.date:
    birth = _birth_date(validate_resident_id(value))
    if birth is None:  # pragma: no cover - validate_resident_id guarantees a date
        raise IdentityError("id.birth_date")
    return birth


def resident_id_sex(value: str) -> Literal["male", "female"]:
    """GB 11643: the sequence code (digits 15-17) is odd for men, even for women."""
    number = validate_resident_id(value)
    return "male" if int(number[16]) % 2 else "female"


# ---------------------------------------------------------------- HKID

_HKID_RE: Final = re.compile(r"([A-Z]{1,2})([0-9]{6})(?:\(([0-9A])\)|([0-9A]))", re.ASCII)
_HKID_PREFIX_RE: Final = re.compile(r"[A-Z]{1,2}[0-9]{6}", re.ASCII)


def _hkid_value(char: str) -> int:
    if char == " ":
        return 36
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    return int(char)


def _hkid_check(prefix_and_digits: str) -> str:
    padded = prefix_and_digits.rjust(8)  # single-letter IDs are padded with a space (36)
    total = sum(_hkid_value(c) * w for c, w in zip(padded, range(9, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return "A" if check == 10 else str(check)


def hkid_check_char(prefix_and_digits: str) -> str:
    """The check character for "A123456" or "AB123456" ('0'..'9' or 'A')."""
    prefix = _normalise(prefix_and_digits)
    if not _HKID_PREFIX_RE.fullmatch(prefix):
        raise IdentityError("id.format", "hkid: expected 1-2 letters and 6 digits")
    return _hkid_check(prefix)


def validate_hkid(value: str) -> str:
    """Validate a HKID ("A123456(3)", "a123456 (3)", "AB1234569") and return "A1234563".

    Note the scheme itself cannot see a letter swapped for one 11 or 22 places away
    (A/L/W, B/M/X, ...): their values differ by a multiple of 11.
    """
    text = _normalise(value)
    match = _HKID_RE.fullmatch(text)
    if match is None:
        raise IdentityError("id.format", "hkid: expected 1-2 letters, 6 digits, check char")
    letters, digits, bracketed, bare = match.groups()
    check = bracketed or bare
    if _hkid_check(letters + digits) != check:
        raise IdentityError("id.check_digit", "hkid: check character mismatch")
    return f"{letters}{digits}{check}"


def format_hkid(value: str) -> str:
    """Display form with the check character in brackets: "A123456(3)"."""
    canonical = validate_hkid(value)
    return f"{canonical[:-1]}({canonical[-1]})"


# ---------------------------------------------------------------- USCC (GB 32100)

_USCC_ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_BODY_RE: Final = re.compile(f"[{_USCC_ALPHABET}]{{17}}", re.ASCII)


def uscc_check_char(first17: str) -> str:
    """GB 32100 check character for the first 17 characters (python-stdnum's arithmetic)."""
    body = _normalise(first17, drop="-")
    if not _USCC_BODY_RE.fullmatch(body):
        raise IdentityError("id.format", "uscc: expected 17 characters of the USCC alphabet")
    from stdnum.cn import uscc as stdnum_uscc

    return str(stdnum_uscc.calc_check_digit(body))


_USCC_CHARS: Final = "0-9A-HJ-NP-RTUWXY"  # GB 32100: digits and letters except I O S V Z
# 1 registration authority (1-9, A, N, Y …), 2 entity type, 3-8 division code (digits),
# 9-17 organisation code, 18 check character
_USCC_RE: Final = re.compile(rf"[{_USCC_CHARS}]{{2}}[0-9]{{6}}[{_USCC_CHARS}]{{10}}", re.ASCII)


def validate_uscc(value: str) -> str:
    """Validate an 18-character Unified Social Credit Code (GB 32100-2015).

    The check character comes from ``stdnum.cn.uscc.calc_check_digit``. The format check is
    ours: stdnum's ``validate`` requires the first 8 characters to be digits, which rejects real
    codes whose registration-authority code is a letter (``N`` rural collectives, ``Y`` others).
    """
    code = _normalise(value, drop="-")
    if not re.fullmatch(r"[0-9A-Z]{18}", code, re.ASCII) or not _USCC_RE.fullmatch(code):
        raise IdentityError("id.format", "uscc: expected 18 characters of the USCC alphabet")
    from stdnum.cn import uscc as stdnum_uscc

    if code[-1] != stdnum_uscc.calc_check_digit(code[:17]):
        raise IdentityError("id.check_digit", "uscc: check character mismatch")
    return code


# ---------------------------------------------------------------- Home Return Permit

_HOME_RETURN_RE: Final = re.compile(r"[HM][0-9]{8}(?:[0-9]{2})?", re.ASCII)


def validate_home_return_permit(value: str) -> str:
    """港澳居民来往内地通行证: H/M + 8 digits (2013 card) or + a 2-digit renewal count (1999
    card, 11 characters). There is no check digit; returns the normalised number."""
    number = _normalise(value, drop="-")
    if not _HOME_RETURN_RE.fullmatch(number):
        raise IdentityError("id.format", "home return permit: expected H/M and 8 or 10 digits")
    return number


# ---------------------------------------------------------------- ICAO 9303 MRZ

_MRZ_CHARS_RE: Final = re.compile(r"[0-9A-Z<]+", re.ASCII)
_MRZ_SEX: Final[dict[str, Sex]] = {"M": "male", "F": "female", "X": "unknown", "<": "unknown"}


def mrz_check_digit(field: str) -> str:
    """ICAO 9303 check digit (weights 7-3-1, '<' = 0, A = 10), via ``mrz``'s ``hash_string``."""
    text = _normalise(field)
    if not _MRZ_CHARS_RE.fullmatch(text):
        raise IdentityError("id.format", "mrz: characters outside 0-9 A-Z <")
    return str(_mrz_hash_string(text))


@dataclasses.dataclass(frozen=True, slots=True)
class MrzData:
    """The fields of a machine-readable zone. Personal data: never log it."""

    document_type: str  # "P", "I", "C", "CS", ... (filler stripped)
    country: str  # issuing state, ICAO code ("CHN", "D", "UTO")
    number: str  # document number without filler
    surname: str
    given_names: str
    nationality: str
    birth_date: dt.date | None  # None when the MRZ leaves it (partly) unknown
    sex: Sex
    expiry_date: dt.date | None  # None when the MRZ has no expiry
    layout: Literal["TD1", "TD2", "TD3"] = "TD3"


@dataclasses.dataclass(frozen=True, slots=True)
class _Layout:
    name: Literal["TD1", "TD2", "TD3"]
    lines: int
    width: int


_LAYOUTS: Final = (_Layout("TD1", 3, 30), _Layout("TD2", 2, 36), _Layout("TD3", 2, 44))


def _mrz_lines(lines: Sequence[str] | str) -> list[str]:
    if isinstance(lines, str):  # a str is a Sequence[str] too: accept "line1\nline2"
        lines = lines.splitlines()
    try:
        raw = list(lines)
    except TypeError as err:
        raise IdentityError("id.format", "mrz: expected a sequence of lines") from err
    out: list[str] = []
    for line in raw:
        if not isinstance(line, str):
            raise IdentityError("id.format", "mrz: lines must be text")
        text = unicodedata.normalize("NFKC", line).strip().upper()
        if text:
            out.append(text)
    if not out:
        raise IdentityError("id.empty")
    return out


def _mrz_hashes_ok(layout: str, code: str) -> bool:
    """Run the ``mrz`` library checker and read only its check-digit results.

    The checker also judges fields (country list, name conventions, dates against the real
    clock); those are not our rules, so only the hash properties are consulted. The library
    raises ValueError subclasses for shapes it dislikes and could raise from its own date
    arithmetic; both are mapped to ``id.format`` here rather than escaping.
    """
    try:
        if layout == "TD1":
            td1 = mrz_td1.TD1CodeChecker(code)
            results = [td1.document_number_hash, td1.birth_date_hash, td1.expiry_date_hash,
                       td1.final_hash]
        elif layout == "TD2":
            td2 = mrz_td2.TD2CodeChecker(code)
            results = [td2.document_number_hash, td2.birth_date_hash, td2.expiry_date_hash,
                       td2.final_hash]
        else:
            td3 = mrz_td3.TD3CodeChecker(code)
            results = [td3.document_number_hash, td3.birth_date_hash, td3.expiry_date_hash,
                       td3.optional_data_hash, td3.final_hash]
    except (ValueError, TypeError, IndexError) as err:
        raise IdentityError("id.format", f"mrz: library rejected the shape ({layout})") from err
    return all(bool(r) for r in results)


def _mrz_date(field: str, *, birth: bool, today: dt.date) -> dt.date | None:
    """YYMMDD -> date; None when the field holds filler. Raises ValueError if impossible."""
    if "<" in field:
        # ICAO: unknown parts of a birth date are filled with '<'; an expiry is all or nothing
        if birth or field == "<<<<<<":
            return None
        raise ValueError("partial expiry date")
    yy, month, day = int(field[:2]), int(field[2:4]), int(field[4:6])
    if birth:
        year = 2000 + yy if 2000 + yy <= today.year else 1900 + yy
        candidate = dt.date(year, month, day)
        if candidate > today:
            candidate = dt.date(year - 100, month, day)
        return candidate
    year = 2000 + yy if 2000 + yy <= today.year + 50 else 1900 + yy
    return dt.date(year, month, day)


def _mrz_name(field: str) -> tuple[str, str]:
    surname, _sep, given = field.strip("<").partition("<<")
    return surname.replace("<", " ").strip(), given.replace("<", " ").strip()


def validate_passport_mrz(
    lines: Sequence[str], *, today: dt.date | None = None
) -> MrzData:
    """Check a TD1 (3x30), TD2 (2x36) or TD3 (2x44) MRZ and return its fields.

    ``id.format`` for a wrong shape, characters outside ``0-9 A-Z <``, a visa (V) layout, an
    unknown sex code or an impossible expiry date; ``id.check_digit`` when any check digit
    (document number, birth date, expiry, optional data, composite) fails; ``id.birth_date``
    for an impossible birth date. Expiry is reported, not enforced: see
    :func:`ensure_not_expired`.
    """
    rows = _mrz_lines(lines)
    shape = next(
        (lay for lay in _LAYOUTS
         if len(rows) == lay.lines and all(len(r) == lay.width for r in rows)),
        None,
    )
    if shape is None:
        raise IdentityError("id.format", "mrz: not 3x30, 2x36 or 2x44")
    if not all(_MRZ_CHARS_RE.fullmatch(r) for r in rows):
        raise IdentityError("id.format", f"mrz: characters outside 0-9 A-Z < ({shape.name})")
    first = rows[0]
    if not first[0].isalpha() or first[0] == "V":
        raise IdentityError("id.format", f"mrz: unsupported document code ({shape.name})")
    if shape.name == "TD1":
        number, birth, sex, expiry = first[5:14], rows[1][0:6], rows[1][7], rows[1][8:14]
        nationality, names = rows[1][15:18], rows[2]
    else:
        second = rows[1]
        number, birth, sex, expiry = second[0:9], second[13:19], second[20], second[21:27]
        nationality, names = second[10:13], first[5:]
    if not number.strip("<") or number[0] == "<":
        raise IdentityError("id.format", f"mrz: empty document number ({shape.name})")
    if sex not in _MRZ_SEX:
        raise IdentityError("id.format", f"mrz: unknown sex code ({shape.name})")
    if not _mrz_hashes_ok(shape.name, "\n".join(rows)):
        raise IdentityError("id.check_digit", f"mrz: check digit mismatch ({shape.name})")
    now = _today(today)
    try:
        birth_date = _mrz_date(birth, birth=True, today=now)
    except ValueError as err:
        raise IdentityError("id.birth_date", f"mrz: impossible birth date ({shape.name})") from err
    try:
        expiry_date = _mrz_date(expiry, birth=False, today=now)
    except ValueError as err:
        raise IdentityError("id.format", f"mrz: impossible expiry date ({shape.name})") from err
    surname, given_names = _mrz_name(names)
    _log.debug("mrz accepted (%s)", shape.name)
    return MrzData(
        document_type=first[0:2].rstrip("<"),
        country=first[2:5].rstrip("<"),
        number=number.rstrip("<"),
        surname=surname,
        given_names=given_names,
        nationality=nationality.rstrip("<"),
        birth_date=birth_date,
        sex=_MRZ_SEX[sex],
        expiry_date=expiry_date,
        layout=shape.name,
    )
