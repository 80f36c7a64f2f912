"""The kiosk serves the catalogue pulled from the back office when it is valid."""

from __future__ import annotations

import json
from pathlib import Path

from kiosk.app import open_catalog, synced_documents_dir
from kiosk.catalog import DEFAULT_CATALOG_DIR, load_catalog
from kiosk.config import load_config
from tests.conftest import LogCollector


def _document() -> dict[str, object]:
    return json.loads(load_catalog(DEFAULT_CATALOG_DIR).document.model_dump_json(by_alias=True))


def test_pulled_catalogue_wins_when_valid(tmp_config_file: Path) -> None:
    config = load_config(tmp_config_file)
    assert open_catalog(config).version == load_catalog(DEFAULT_CATALOG_DIR).version
    doc = _document()
    doc["version"] = "2026.12.9"
    target = synced_documents_dir(config) / "catalog.json"
    target.parent.mkdir(parents=True)
    target.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert open_catalog(config).version == "2026.12.9"


def test_damaged_pulled_catalogue_falls_back_to_the_shipped_one(
    tmp_config_file: Path, expect_logs: LogCollector
) -> None:
    config = load_config(tmp_config_file)
    target = synced_documents_dir(config) / "catalog.json"
    target.parent.mkdir(parents=True)
    target.write_text('{"format_version": 1, "version": ', encoding="utf-8")
    assert open_catalog(config).version == load_catalog(DEFAULT_CATALOG_DIR).version
    assert any("pulled catalogue" in m for m in expect_logs.messages())
