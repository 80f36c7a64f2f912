"""The loader reports every problem with its file and key path, all at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.catalog import CatalogError, load_catalog, parse_catalog
from kiosk.errors import KnownError

from ._catalog_builders import make_document, make_header, make_item, make_policy, write_json


def problems_of(path: Path) -> tuple[str, ...]:
    with pytest.raises(CatalogError) as info:
        load_catalog(path)
    return info.value.problems


def test_valid_directory_loads_in_file_name_order(catalog_dir: Path) -> None:
    catalog = load_catalog(catalog_dir)
    assert catalog.version == "2026.11.1"
    assert [i.code for i in catalog.items()] == ["44030400SC-XK-0001", "44030400WJ-XK-0001"]
    assert [p.id for p in catalog.policies()] == ["subsidy"]


def test_catalog_error_is_a_known_error_with_key_and_all_lines(catalog_dir: Path) -> None:
    write_json(catalog_dir / "items" / "a.json", make_item(visits="many", colour="red"))
    with pytest.raises(CatalogError) as info:
        load_catalog(catalog_dir)
    err = info.value
    assert isinstance(err, KnownError)
    assert err.key == "catalog.invalid"
    assert err.detail.splitlines() == list(err.problems)
    assert len(err.problems) == 2


def test_bad_json_names_file_line_and_column(catalog_dir: Path) -> None:
    (catalog_dir / "items" / "a.json").write_text('{\n  "code": "x",\n  "name" {}\n}\n',
                                                  encoding="utf-8")
    problems = problems_of(catalog_dir)
    assert any(p.startswith("items/a.json: line 3, column 10: Expecting ':'") for p in problems), \
        problems


def test_not_utf8_and_not_an_object(catalog_dir: Path) -> None:
    (catalog_dir / "items" / "a.json").write_bytes(b'{"code": "\xff"}')
    write_json(catalog_dir / "policies" / "subsidy.json", [1, 2])
    problems = problems_of(catalog_dir)
    assert any(p.startswith("items/a.json: not UTF-8") for p in problems), problems
    assert "policies/subsidy.json: (top level): expected a JSON object" in problems


def test_duplicate_json_key(catalog_dir: Path) -> None:
    (catalog_dir / "catalog.json").write_text(
        json.dumps(make_header())[:-1] + ', "version": "again"}', encoding="utf-8")
    assert "catalog.json: duplicate key 'version'" in problems_of(catalog_dir)


def test_unknown_key_names_file_and_path(catalog_dir: Path) -> None:
    item = make_item()
    item["form"][0]["fields"][0]["colour"] = "red"
    write_json(catalog_dir / "items" / "a.json", item)
    assert problems_of(catalog_dir) == (
        "items/a.json: form.0.fields.0.colour: Extra inputs are not permitted",)


def test_bad_enum_names_file_and_path(catalog_dir: Path) -> None:
    item = make_item()
    item["form"][0]["fields"][0]["type"] = "colour"
    write_json(catalog_dir / "items" / "b.json", item | {"code": "44030400WJ-XK-0001"})
    (problem,) = problems_of(catalog_dir)
    assert problem.startswith("items/b.json: form.0.fields.0.type: Input should be 'text'")


def test_model_rule_violation_is_located(catalog_dir: Path) -> None:
    write_json(catalog_dir / "items" / "a.json", make_item(promised_days=30))
    (problem,) = problems_of(catalog_dir)
    assert problem.startswith("items/a.json: (top level): Value error, promised_days")


def test_header_problem_is_located_in_catalog_json(catalog_dir: Path) -> None:
    write_json(catalog_dir / "catalog.json", make_header(format_version=2, published="soon"))
    problems = problems_of(catalog_dir)
    assert any(p.startswith("catalog.json: format_version: Input should be 1") for p in problems)
    assert any(p.startswith("catalog.json: published: ") for p in problems)


def test_missing_category(catalog_dir: Path) -> None:
    write_json(catalog_dir / "items" / "a.json", make_item(category="nope"))
    assert problems_of(catalog_dir) == ("items/a.json: category: unknown category 'nope'",)


def test_dangling_linked_item(catalog_dir: Path) -> None:
    write_json(catalog_dir / "policies" / "subsidy.json",
               make_policy(linked_item="44030400KJ-JF-0009"))
    assert problems_of(catalog_dir) == (
        "policies/subsidy.json: linked_item: no item has code '44030400KJ-JF-0009'",)


def test_duplicate_item_code_names_both_files(catalog_dir: Path) -> None:
    write_json(catalog_dir / "items" / "c.json", make_item())
    assert problems_of(catalog_dir) == (
        "items/c.json: code: duplicate item code '44030400SC-XK-0001' (also in items/a.json)",)


def test_duplicate_policy_id_and_category(catalog_dir: Path) -> None:
    write_json(catalog_dir / "policies" / "again.json", make_policy())
    header = make_header()
    header["categories"].append(header["categories"][0])
    write_json(catalog_dir / "catalog.json", header)
    problems = problems_of(catalog_dir)
    assert "catalog.json: categories.2.id: duplicate category id 'enterprise'" in problems
    assert ("policies/subsidy.json: id: duplicate policy id 'subsidy' (also in "
            "policies/again.json)") in problems


def test_every_problem_is_reported_at_once(catalog_dir: Path) -> None:
    items = catalog_dir / "items"
    (items / "broken.json").write_text("{ not json", encoding="utf-8")
    unknown = make_item("44030400SC-XK-0002", colour="red")
    write_json(items / "c_unknown.json", unknown)
    bad_enum = make_item("44030400SC-XK-0003", channel="by_pigeon")
    write_json(items / "d_enum.json", bad_enum)
    write_json(items / "e_category.json", make_item("44030400SC-XK-0004", category="nope"))
    write_json(items / "f_duplicate.json", make_item())
    write_json(catalog_dir / "policies" / "subsidy.json",
               make_policy(linked_item="44030400KJ-JF-0009"))
    problems = problems_of(catalog_dir)
    expected_prefixes = [
        "items/broken.json: line 1, column 3:",
        "items/c_unknown.json: colour: Extra inputs are not permitted",
        "items/d_enum.json: channel: Input should be",
        "items/e_category.json: category: unknown category 'nope'",
        "items/f_duplicate.json: code: duplicate item code",
        "policies/subsidy.json: linked_item: no item has code",
    ]
    for prefix in expected_prefixes:
        assert any(p.startswith(prefix) for p in problems), (prefix, problems)
    assert len(problems) == len(expected_prefixes)


def test_items_in_catalog_json_are_rejected(catalog_dir: Path) -> None:
    write_json(catalog_dir / "catalog.json", make_header(items=[make_item()]))
    assert problems_of(catalog_dir) == (
        "catalog.json: items: belongs in items/*.json, one per file",)


def test_missing_files_and_directories(tmp_path: Path) -> None:
    problems = problems_of(tmp_path)
    assert any(p.startswith("catalog.json: file not found") for p in problems)
    assert any(p.startswith("items/: directory not found") for p in problems)
    assert problems_of(tmp_path / "absent") == (
        f"{tmp_path / 'absent'}: no such catalogue directory or file",)


def test_parse_catalog_document_locates_by_index() -> None:
    document = make_document([make_item(), make_item("44030400SC-XK-0002", visits=-1)],
                             [make_policy(linked_item="44030400SC-XK-0009")])
    with pytest.raises(CatalogError) as info:
        parse_catalog(document)
    problems = info.value.problems
    assert "catalog document: policies.0.linked_item: no item has code '44030400SC-XK-0009'" \
        in problems
    assert any(p.startswith("catalog document: items.1.visits: Input should be greater")
               for p in problems), problems
    assert len(problems) == 2


def test_parse_catalog_rejects_non_mapping() -> None:
    with pytest.raises(CatalogError):
        parse_catalog([])  # type: ignore[arg-type]


def test_single_document_file(tmp_path: Path) -> None:
    path = write_json(tmp_path / "catalog-2026.11.1.json",
                      make_document([make_item()], [make_policy()]))
    assert [i.code for i in load_catalog(path).items()] == ["44030400SC-XK-0001"]
    write_json(path, make_document([make_item(), make_item()]))
    assert problems_of(path) == (
        "catalog-2026.11.1.json: items.1.code: duplicate item code '44030400SC-XK-0001' "
        "(also in catalog-2026.11.1.json)",)


def test_decimal_amounts_are_exact(catalog_dir: Path) -> None:
    write_json(catalog_dir / "items" / "a.json", make_item())
    path = catalog_dir / "items" / "a.json"
    path.write_text(path.read_text(encoding="utf-8").replace(
        '"code"', '"fee": {"amount_cny": 0.1},\n  "code"', 1), encoding="utf-8")
    fee = load_catalog(catalog_dir).item("44030400SC-XK-0001").fee.amount_cny
    assert str(fee) == "0.1"
