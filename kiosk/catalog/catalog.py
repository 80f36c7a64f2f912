"""The loaded, validated catalogue and the questions the journey asks it."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence

from kiosk.catalog import policies as _policies
from kiosk.catalog.model import CatalogDocument, Category, Company, Policy, ServiceItem
from kiosk.catalog.search import SearchIndex
from kiosk.config import ProfileName


class Catalog:
    """A validated :class:`CatalogDocument` with lookups, search and policy matching.

    Build it with :func:`kiosk.catalog.load_catalog` or :func:`kiosk.catalog.parse_catalog`,
    which run the cross-reference checks; the constructor trusts its document.
    """

    def __init__(self, document: CatalogDocument) -> None:
        self.document = document
        self._by_code: dict[str, ServiceItem] = {i.code: i for i in document.items}

    def __repr__(self) -> str:
        return f"Catalog(version={self.version!r}, items={len(self._by_code)})"

    @property
    def version(self) -> str:
        return self.document.version

    def items(self) -> tuple[ServiceItem, ...]:
        return self.document.items

    def item(self, code: str) -> ServiceItem:
        """The item with ``code``; :class:`KeyError` if the catalogue has none."""
        return self._by_code[code]

    def categories(self) -> tuple[Category, ...]:
        return self.document.categories

    def items_in(self, category: str, items: Sequence[ServiceItem] | None = None
                 ) -> tuple[ServiceItem, ...]:
        """The items (of ``items``, default all) in ``category``, in catalogue order."""
        pool = self.document.items if items is None else items
        return tuple(i for i in pool if i.category == category)

    def offered(
        self, profile: ProfileName, allowlist: Sequence[str] = ()
    ) -> tuple[ServiceItem, ...]:
        """Items offered to ``profile``; when ``allowlist`` is non-empty, only those codes.

        Catalogue order is kept. Codes in ``allowlist`` the catalogue lacks are ignored here;
        :meth:`unknown_codes` names them so start-up can report a stale terminal config.
        """
        allowed = frozenset(allowlist)
        return tuple(
            i for i in self.document.items
            if i.offered_to(profile) and (not allowed or i.code in allowed)
        )

    def unknown_codes(self, codes: Sequence[str]) -> tuple[str, ...]:
        """The entries of ``codes`` that name no item of this catalogue."""
        return tuple(c for c in codes if c not in self._by_code)

    @functools.cached_property
    def _index(self) -> SearchIndex:
        return SearchIndex(self.document.items)

    def warm(self) -> None:
        """Build the search index now (it is otherwise built by the first search): the kiosk
        calls this off the GUI thread at start."""
        _ = self._index

    def search(
        self, query: str, *, items: Sequence[ServiceItem] | None = None, limit: int = 20
    ) -> list[ServiceItem]:
        """Items matching ``query`` best first (see :mod:`kiosk.catalog.search`); "" → []."""
        return self._index.search(query, items=items, limit=limit)

    def policies(self) -> tuple[Policy, ...]:
        return self.document.policies

    def matching_policies(self, company: Company, today: dt.date) -> list[Policy]:
        """Policies valid on ``today`` whose eligibility ``company`` meets."""
        return _policies.matching_policies(self.document.policies, company, today)
