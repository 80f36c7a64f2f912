"""Fixtures for the catalogue tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from ._catalog_builders import make_header, make_item, make_policy, texts, write_json


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    """A valid two-item, one-policy catalogue directory."""
    root = tmp_path / "catalog"
    write_json(root / "catalog.json", make_header())
    write_json(root / "items" / "a.json", make_item())
    write_json(root / "items" / "b.json", make_item(
        "44030400WJ-XK-0001", category="health",
        name=texts("医师执业注册", "醫師執業註冊", "Practising physician registration")))
    write_json(root / "policies" / "subsidy.json", make_policy())
    return root

