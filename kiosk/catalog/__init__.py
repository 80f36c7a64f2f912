"""The service catalogue: items, materials, form schemas, search and policies (DESIGN §2).

Public API::

    catalog = load_catalog(DEFAULT_CATALOG_DIR)      # or parse_catalog(document_from_sync)
    catalog.offered("hall", config.terminal.services)
    catalog.search("yyzz", items=offered)
    catalog.matching_policies(company, today)
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from kiosk.catalog.catalog import Catalog
from kiosk.catalog.loader import CatalogError, load_catalog, parse_catalog
from kiosk.config import ASSETS_DIR

DEFAULT_CATALOG_DIR: Final[Path] = ASSETS_DIR / "catalog"

__all__ = ["DEFAULT_CATALOG_DIR", "Catalog", "CatalogError", "load_catalog", "parse_catalog"]
