"""Hypothesis strategies that *generate* valid identity numbers for the identity tests.

Check characters are computed here from the rules in shared/reference/protocols.md, not with
the code under test, so the generators cross-check the implementation.
"""

from __future__ import annotations

import datetime as dt
import string

from hypothesis import strategies as st

from kiosk.identity.numbers import region_codes

TODAY = dt.date(2025, 6, 30)  # fixed "today" so generated dates never drift into the future

PERMIT_REGIONS = ("810000", "820000", "830000")
MAINLAND_REGIONS = sorted(c for c in region_codes() if c not in PERMIT_REGIONS)

# ---- GB 11643 (ISO 7064 MOD 11-2)
_RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def ric_check(body17: str) -> str:
    total = sum(int(c) * w for c, w in zip(body17, _RIC_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def ric(prefix: str, birth: dt.date, seq: int) -> str:
    body = f"{prefix}{birth:%Y%m%d}{seq:03d}"
    return body + ric_check(body)


_births = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)
_seqs = st.integers(min_value=0, max_value=999)


@st.composite
def mainland_ids(draw: st.DrawFn) -> str:
    return ric(draw(st.sampled_from(MAINLAND_REGIONS)), draw(_births), draw(_seqs))


@st.composite
def permit_ids(draw: st.DrawFn) -> str:
    return ric(draw(st.sampled_from(PERMIT_REGIONS)), draw(_births), draw(_seqs))


@st.composite
def foreigner_pr_ids(draw: st.DrawFn) -> str:
    prefix = "9" + draw(st.text(string.digits, min_size=5, max_size=5))
    return ric(prefix, draw(_births), draw(_seqs))


any_resident_ids = st.one_of(mainland_ids(), permit_ids(), foreigner_pr_ids())

# ---- HKID
HKID_CHECK_CHARS = "0123456789A"


def hkid_check(prefix: str) -> str:
    padded = prefix.rjust(8)
    values = [36 if c == " " else (ord(c) - 55 if c.isalpha() else int(c)) for c in padded]
    total = sum(v * w for v, w in zip(values, range(9, 1, -1), strict=True))
    return HKID_CHECK_CHARS[(11 - total % 11) % 11]


@st.composite
def hkids(draw: st.DrawFn) -> str:
    """Canonical form, e.g. "A1234563" or "AB1234569"."""
    letters = draw(st.text(string.ascii_uppercase, min_size=1, max_size=2))
    prefix = letters + draw(st.text(string.digits, min_size=6, max_size=6))
    return prefix + hkid_check(prefix)


# ---- USCC (GB 32100)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check(body17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


@st.composite
def usccs(draw: st.DrawFn) -> str:
    # GB 32100: authority and entity type over the alphabet (N, Y … occur), division digits
    head = draw(st.text(USCC_ALPHABET, min_size=2, max_size=2))
    head += draw(st.text(string.digits, min_size=6, max_size=6))
    body = head + draw(st.text(USCC_ALPHABET, min_size=9, max_size=9))
    return body + uscc_check(body)


# ---- ICAO 9303 TD3
_MRZ_VALUES = {c: i for i, c in enumerate(string.digits + string.ascii_uppercase)} | {"<": 0}


def icao_check(field: str) -> str:
    return str(sum(_MRZ_VALUES[c] * (7, 3, 1)[i % 3] for i, c in enumerate(field)) % 10)


_ALNUM = string.digits + string.ascii_uppercase
_COUNTRIES = ("CHN", "HKG", "MAC", "UTO", "GBR", "D<<", "USA")


@st.composite
def td3_mrzs(draw: st.DrawFn) -> tuple[list[str], dict[str, object]]:
    """Two valid TD3 lines and the fields they encode."""
    country = draw(st.sampled_from(_COUNTRIES))
    nationality = draw(st.sampled_from(_COUNTRIES))
    surname = draw(st.text(string.ascii_uppercase, min_size=1, max_size=15))
    given = draw(st.text(string.ascii_uppercase, min_size=0, max_size=15))
    line1 = f"P<{country}{surname}<<{given}".ljust(44, "<")
    number = draw(st.text(_ALNUM, min_size=1, max_size=9))
    # birth dates within the last 99 years keep the two-digit year unambiguous
    birth = draw(st.dates(min_value=dt.date(TODAY.year - 99, 1, 1), max_value=TODAY))
    expiry = draw(st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2035, 12, 31)))
    sex = draw(st.sampled_from("MF<"))
    optional = draw(st.text(_ALNUM, min_size=0, max_size=14))
    num9 = number.ljust(9, "<")
    b, e = f"{birth:%y%m%d}", f"{expiry:%y%m%d}"
    opt14 = optional.ljust(14, "<")
    opt_check = icao_check(opt14) if optional else "<"
    composite_src = (num9 + icao_check(num9) + b + icao_check(b) + e + icao_check(e)
                     + opt14 + opt_check)
    line2 = (num9 + icao_check(num9) + nationality + b + icao_check(b) + sex + e
             + icao_check(e) + opt14 + opt_check + icao_check(composite_src))
    assert len(line1) == 44 and len(line2) == 44
    fields: dict[str, object] = {
        "country": country.rstrip("<"), "nationality": nationality.rstrip("<"),
        "surname": surname, "given_names": given, "number": number,
        "birth_date": birth, "expiry_date": expiry,
        "sex": {"M": "male", "F": "female", "<": "unknown"}[sex],
    }
    return [line1, line2], fields


# positions of line 2 covered by a check digit, and the check digits themselves
TD3_PROTECTED = (*range(0, 10), *range(13, 20), *range(21, 44))
TD3_CHECK_POSITIONS = frozenset({9, 19, 27, 42, 43})
