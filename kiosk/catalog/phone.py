"""Telephone numbers a citizen may type: mainland, Hong Kong and Macau.

Accepted (spaces, dashes, dots and brackets are ignored):

* mainland mobile ``1[3-9]`` + 9 digits, optionally after ``+86``/``0086``;
* mainland landline with its area code: ``010``/``02x`` + 8 digits or ``0xxx`` + 7–8 digits
  (after ``+86`` the leading 0 may be dropped);
* Hong Kong: 8 digits starting 2, 3, 5, 6, 7 or 9, optionally after ``+852``/``00852``;
* Macau: ``+853``/``00853`` then 8 digits starting 2 or 6.

The normalised form is what the back office stores: ``13812345678``, ``0755-88886666``,
``+852 91234567``, ``+853 66123456``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

_SEPARATORS = re.compile(r"[\s\-.()（）]")
_MOBILE: Final = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE: Final = re.compile(r"^(0(?:10|2\d)\d{8}|0[3-9]\d{2}\d{7,8})$")
_HK: Final = re.compile(r"^[235679]\d{7}$")
_MACAU: Final = re.compile(r"^[26]\d{7}$")


def _landline(digits: str) -> str:
    area = 3 if digits.startswith(("010", "02")) else 4
    return f"{digits[:area]}-{digits[area:]}"


def normalise_phone(raw: str) -> str | None:
    """The normalised number, or None if ``raw`` is none of the accepted forms."""
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw))
    if text.startswith("00"):
        text = "+" + text[2:]
    if text.startswith("+"):
        country, rest = text[1:4], text[4:]
        if text.startswith("+86") and not text.startswith(("+852", "+853")):
            country, rest = "86", text[3:]
        if not rest.isdigit():
            return None
        if country == "852":
            return f"+852 {rest}" if _HK.match(rest) else None
        if country == "853":
            return f"+853 {rest}" if _MACAU.match(rest) else None
        if country == "86":
            if _MOBILE.match(rest):
                return rest
            local = rest if rest.startswith("0") else "0" + rest
            return _landline(local) if _LANDLINE.match(local) else None
        return None
    if not text.isdigit():
        return None
    if _MOBILE.match(text):
        return text
    if _LANDLINE.match(text):
        return _landline(text)
    if _HK.match(text):
        return f"+852 {text}"
    return None
