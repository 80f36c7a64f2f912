"""Search over service items: three languages and pinyin of the Simplified name.

Matching is case-insensitive substring matching on NFKC-normalised text (full-width letters
and digits typed on a Chinese IME match their half-width forms), plus pinyin of the zh-Hans
name: full pinyin without tones (``gongsisheli``, spaces and tone marks in the query are
ignored) starting at any syllable, and initials (``gssl``). Chinese keywords match by their
full pinyin and by exactly their initials (keyword 营业执照: ``yyzz``), at keyword rank.
Polyphonic characters are read with pypinyin's phrase dictionary (``heteronym=False``), so
银行 is *yinhang*.

Ranking tiers, best first: exact name, name prefix, name substring, pinyin (exact, then
prefix, then from a later syllable), keyword, description. Ties keep catalogue order.

:class:`SearchIndex` is built once per catalogue; a query only walks precomputed strings.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Final

from kiosk.catalog.model import ServiceItem

# tiers (lower is better)
EXACT_NAME: Final = 0
NAME_PREFIX: Final = 1
NAME_SUBSTRING: Final = 2
PINYIN: Final = 3
KEYWORD: Final = 4
DESCRIPTION: Final = 5

_MIN_PINYIN_QUERY: Final = 2  # "y" alone would match half the catalogue's initials
_MAX_QUERY: Final = 200
_SPACE = re.compile(r"\s+")
_PINYIN_QUERY = re.compile(r"^[a-z' ]+$")


def normalise(value: str) -> str:
    """NFKC, case-folded, whitespace collapsed: the form both sides are compared in."""
    folded = unicodedata.normalize("NFKC", value).casefold()
    return _SPACE.sub(" ", folded).strip()


def _pinyin_query(query: str) -> str:
    """The query as bare pinyin letters (tone marks and spaces dropped), or "" if it isn't."""
    text = query.replace("ü", "v").replace("u:", "v")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    if not _PINYIN_QUERY.match(text):
        return ""
    return text.replace("'", "").replace(" ", "")


def _syllables(text: str) -> list[str]:
    # pypinyin loads its phrase dictionaries on import (~0.4 s): when the first index is built
    # (the kiosk warms it after its first frame), not when the catalogue module is imported
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(text, style=Style.NORMAL, errors="ignore")
    return [s.lower() for s in syllables if s.isalpha()]


@dataclasses.dataclass(frozen=True, slots=True)
class _Entry:
    names: tuple[str, ...]
    names_compact: tuple[str, ...]
    pinyin_suffixes: tuple[str, ...]  # full pinyin from each syllable on: yingyezhizhao, ye…
    initials: str
    keywords: tuple[str, ...]
    keyword_pinyin: tuple[str, ...]
    keyword_initials: frozenset[str]
    descriptions: tuple[str, ...]


def _entry(item: ServiceItem) -> _Entry:
    names = tuple(normalise(t) for t in (item.name.zh_Hans, item.name.zh_Hant, item.name.en))
    syllables = _syllables(item.name.zh_Hans)
    keyword_syllables = [_syllables(k) for k in item.keywords]
    return _Entry(
        names=names,
        names_compact=tuple(n.replace(" ", "") for n in names),
        pinyin_suffixes=tuple("".join(syllables[i:]) for i in range(len(syllables))),
        initials="".join(s[0] for s in syllables),
        keywords=tuple(normalise(k) for k in item.keywords),
        keyword_pinyin=tuple("".join(s) for s in keyword_syllables if s),
        keyword_initials=frozenset("".join(x[0] for x in s) for s in keyword_syllables if s),
        descriptions=tuple(
            normalise(t)
            for t in (item.description.zh_Hans, item.description.zh_Hant, item.description.en)
        ),
    )


def _rank(entry: _Entry, query: str, compact: str, pinyin: str) -> tuple[int, int] | None:
    """(tier, sub-rank) of the best way ``entry`` matches, or None."""
    if query in entry.names or compact in entry.names_compact:
        return (EXACT_NAME, 0)
    if any(n.startswith(query) for n in entry.names):
        return (NAME_PREFIX, 0)
    if any(query in n for n in entry.names) or any(compact in n for n in entry.names_compact):
        return (NAME_SUBSTRING, 0)
    if len(pinyin) >= _MIN_PINYIN_QUERY and entry.pinyin_suffixes:
        if pinyin in (entry.pinyin_suffixes[0], entry.initials):
            return (PINYIN, 0)
        if entry.pinyin_suffixes[0].startswith(pinyin) or entry.initials.startswith(pinyin):
            return (PINYIN, 1)
        if any(s.startswith(pinyin) for s in entry.pinyin_suffixes[1:]) or pinyin in entry.initials:
            return (PINYIN, 2)
    if any(query in k for k in entry.keywords):
        return (KEYWORD, 0)
    if len(pinyin) >= _MIN_PINYIN_QUERY and pinyin in entry.keyword_initials:
        return (KEYWORD, 1)
    if len(pinyin) > _MIN_PINYIN_QUERY and any(pinyin in k for k in entry.keyword_pinyin):
        return (KEYWORD, 2)
    if any(query in d for d in entry.descriptions):
        return (DESCRIPTION, 0)
    return None


class SearchIndex:
    """Precomputed search strings for a fixed set of items (built once per catalogue)."""

    def __init__(self, items: Iterable[ServiceItem]) -> None:
        self._entries: dict[str, tuple[ServiceItem, _Entry]] = {
            item.code: (item, _entry(item)) for item in items
        }
        self._order: tuple[ServiceItem, ...] = tuple(i for i, _ in self._entries.values())

    def search(
        self, query: str, *, items: Sequence[ServiceItem] | None = None, limit: int = 20
    ) -> list[ServiceItem]:
        """Items matching ``query``, best first; ``items`` restricts (and orders ties)."""
        normalised = normalise(query[:_MAX_QUERY])
        if not normalised or limit <= 0:
            return []
        compact = normalised.replace(" ", "")
        pinyin = _pinyin_query(normalised)
        candidates = self._order if items is None else items
        ranked: list[tuple[tuple[int, int, int], ServiceItem]] = []
        for position, item in enumerate(candidates):
            known = self._entries.get(item.code)
            same = known is not None and (known[0] is item or known[0] == item)
            entry = known[1] if known is not None and same else _entry(item)
            rank = _rank(entry, normalised, compact, pinyin)
            if rank is not None:
                ranked.append(((*rank, position), item))
        ranked.sort(key=lambda pair: pair[0])
        return [item for _, item in ranked[:limit]]
