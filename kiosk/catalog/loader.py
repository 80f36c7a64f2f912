"""Loading and validating a catalogue: a directory of JSON files or one JSON document.

Directory layout (``assets/catalog``)::

    catalog.json        format_version, version, published, categories
    items/*.json        one ServiceItem per file (files are read in name order)
    policies/*.json     one Policy per file

Every problem is reported at once, each line naming its file and key path
(``items/foo.json: form.0.fields.2.type: Input should be 'text', ...``), together with the
cross-reference checks the models cannot make alone: duplicate item codes, categories and
policy ids, items in unknown categories, and policies linked to missing items. Problems raise
:class:`CatalogError`; a raw JSON or pydantic exception never leaves this module.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from pydantic import ValidationError

from kiosk.catalog.catalog import Catalog
from kiosk.catalog.model import CatalogDocument
from kiosk.errors import KnownError

logger = logging.getLogger(__name__)

HEADER_FILE: Final = "catalog.json"
ITEMS_DIR: Final = "items"
POLICIES_DIR: Final = "policies"
DOCUMENT_SOURCE: Final = "catalog document"


class CatalogError(KnownError):
    """The catalogue is invalid; ``detail`` (and ``problems``) list every problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("catalog.invalid", "\n".join(problems))
        self.problems: tuple[str, ...] = tuple(problems)


@dataclasses.dataclass(frozen=True)
class _Where:
    """Where a part of the assembled document came from: a file and a key path inside it."""

    file: str
    path: tuple[str | int, ...] = ()

    def line(self, rest: Sequence[str | int], message: str) -> str:
        path = ".".join(str(p) for p in (*self.path, *rest)) or "(top level)"
        return f"{self.file}: {path}: {message}"


@dataclasses.dataclass
class _Sources:
    header: _Where
    items: list[_Where] = dataclasses.field(default_factory=list)
    policies: list[_Where] = dataclasses.field(default_factory=list)

    def locate(self, loc: Sequence[str | int]) -> tuple[_Where, Sequence[str | int]]:
        if len(loc) >= 2 and isinstance(loc[1], int):
            parts = {"items": self.items, "policies": self.policies}.get(str(loc[0]))
            if parts is not None and loc[1] < len(parts):
                return parts[loc[1]], loc[2:]
        return self.header, loc


def _read_json(path: Path, label: str, problems: list[str]) -> Any:
    """The parsed JSON of ``path`` (floats as Decimal), or None after recording a problem."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as err:
        problems.append(f"{label}: cannot read: {err.strerror or err}")
        return None
    except UnicodeDecodeError as err:
        problems.append(f"{label}: not UTF-8 text (byte {err.start})")
        return None
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                duplicates.append(key)
            out[key] = value
        return out

    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_float=Decimal)
    except json.JSONDecodeError as err:
        problems.append(f"{label}: line {err.lineno}, column {err.colno}: {err.msg}")
        return None
    problems.extend(f"{label}: duplicate key {key!r}" for key in duplicates)
    return data


def _read_object(path: Path, label: str, problems: list[str]) -> dict[str, Any] | None:
    data = _read_json(path, label, problems)
    if data is None:
        return None
    if not isinstance(data, dict):
        problems.append(f"{label}: (top level): expected a JSON object")
        return None
    return data


def _read_parts(directory: Path, sub: str, problems: list[str]
                ) -> tuple[list[dict[str, Any]], list[_Where]]:
    parts: list[dict[str, Any]] = []
    wheres: list[_Where] = []
    folder = directory / sub
    if not folder.is_dir():
        return parts, wheres
    for path in sorted(folder.glob("*.json")):
        label = f"{sub}/{path.name}"
        data = _read_object(path, label, problems)
        if data is not None:
            parts.append(data)
            wheres.append(_Where(label))
    return parts, wheres


def _assemble(directory: Path) -> tuple[dict[str, Any], _Sources, list[str]]:
    problems: list[str] = []
    sources = _Sources(_Where(HEADER_FILE))
    header_path = directory / HEADER_FILE
    if header_path.is_file():
        header = _read_object(header_path, HEADER_FILE, problems) or {}
    else:
        problems.append(f"{HEADER_FILE}: file not found in {directory}")
        header = {}
    for key in (ITEMS_DIR, POLICIES_DIR):
        if key in header:
            problems.append(f"{HEADER_FILE}: {key}: belongs in {key}/*.json, one per file")
    document = {k: v for k, v in header.items() if k not in (ITEMS_DIR, POLICIES_DIR)}
    document["items"], sources.items = _read_parts(directory, ITEMS_DIR, problems)
    document["policies"], sources.policies = _read_parts(directory, POLICIES_DIR, problems)
    if not sources.items and not (directory / ITEMS_DIR).is_dir():
        problems.append(f"{ITEMS_DIR}/: directory not found in {directory}")
    return document, sources, problems


def _ident(raw: object, key: str) -> str | None:
    value = raw.get(key) if isinstance(raw, Mapping) else None
    return value.strip() if isinstance(value, str) else None


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    return list(value) if isinstance(value, list | tuple) else []


def _cross_references(data: Mapping[str, Any], sources: _Sources) -> list[str]:
    """Checks across parts, made on the raw data so they run even when a part is invalid."""
    problems: list[str] = []
    categories: dict[str, int] = {}
    for n, raw in enumerate(_list(data, "categories")):
        cid = _ident(raw, "id")
        if cid is not None and cid in categories:
            problems.append(sources.header.line(
                ("categories", n, "id"), f"duplicate category id {cid!r}"))
        elif cid is not None:
            categories[cid] = n
    codes: dict[str, _Where] = {}
    for n, raw in enumerate(_list(data, "items")):
        where = sources.items[n] if n < len(sources.items) else _Where(sources.header.file,
                                                                       ("items", n))
        code = _ident(raw, "code")
        if code is not None and code in codes:
            problems.append(where.line(
                ("code",), f"duplicate item code {code!r} (also in {codes[code].file})"))
        elif code is not None:
            codes[code] = where
        category = _ident(raw, "category")
        if category is not None and category not in categories:
            problems.append(where.line(("category",), f"unknown category {category!r}"))
    policy_ids: dict[str, _Where] = {}
    for n, raw in enumerate(_list(data, "policies")):
        where = (sources.policies[n] if n < len(sources.policies)
                 else _Where(sources.header.file, ("policies", n)))
        pid = _ident(raw, "id")
        if pid is not None and pid in policy_ids:
            problems.append(where.line(
                ("id",), f"duplicate policy id {pid!r} (also in {policy_ids[pid].file})"))
        elif pid is not None:
            policy_ids[pid] = where
        linked = _ident(raw, "linked_item")
        if linked is not None and linked not in codes:
            problems.append(where.line(("linked_item",), f"no item has code {linked!r}"))
    return problems


def _is_echo(kind: str, loc: tuple[str | int, ...], all_locs: Sequence[tuple[str | int, ...]]
             ) -> bool:
    """A "too short" error that only repeats that the collection's own entries failed."""
    return kind == "too_short" and any(
        len(other) > len(loc) and other[: len(loc)] == loc for other in all_locs)


def _validate(data: Mapping[str, Any], sources: _Sources, problems: list[str]) -> Catalog:
    problems = [*problems, *_cross_references(data, sources)]
    document: CatalogDocument | None = None
    try:
        document = CatalogDocument.model_validate(dict(data))
    except ValidationError as err:
        errors = err.errors()
        for error in errors:
            if _is_echo(error["type"], error["loc"], [e["loc"] for e in errors]):
                continue
            where, rest = sources.locate(error["loc"])
            problems.append(where.line(rest, error["msg"]))
    if problems or document is None:
        raise CatalogError(problems)
    logger.info("catalogue %s loaded: %d items, %d policies",
                document.version, len(document.items), len(document.policies))
    return Catalog(document)


def parse_catalog(data: Mapping[str, Any], source: str = DOCUMENT_SOURCE) -> Catalog:
    """Validate a whole catalogue given as one document (what sync pulls)."""
    if not isinstance(data, Mapping):
        raise CatalogError([f"{source}: (top level): expected a JSON object"])
    return _validate(data, _document_sources(data, source), [])


def _document_sources(data: Mapping[str, Any], source: str) -> _Sources:
    sources = _Sources(_Where(source))
    sources.items = [_Where(source, ("items", n)) for n in range(len(_list(data, "items")))]
    sources.policies = [_Where(source, ("policies", n))
                        for n in range(len(_list(data, "policies")))]
    return sources


def load_catalog(path: Path) -> Catalog:
    """Load a catalogue directory (see module doc) or a single JSON document file."""
    if path.is_dir():
        data, sources, problems = _assemble(path)
        return _validate(data, sources, problems)
    if path.is_file():
        file_problems: list[str] = []
        document = _read_object(path, path.name, file_problems)
        if document is None:
            raise CatalogError(file_problems)
        return _validate(document, _document_sources(document, path.name), file_problems)
    raise CatalogError([f"{path}: no such catalogue directory or file"])
