"""The catalogue shipped in assets/catalog: loads, is complete, trilingual and consistent."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator

import pytest
from pydantic import BaseModel

from kiosk.catalog import DEFAULT_CATALOG_DIR, Catalog, load_catalog
from kiosk.config import ASSETS_DIR, Texts


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(DEFAULT_CATALOG_DIR)


def all_texts(model: BaseModel, path: str = "") -> Iterator[tuple[str, Texts]]:
    for name in type(model).model_fields:
        value = getattr(model, name)
        values = value if isinstance(value, tuple) else (value,)
        for n, v in enumerate(values):
            where = f"{path}.{name}" + (f".{n}" if isinstance(value, tuple) else "")
            if isinstance(v, Texts):
                yield where, v
            elif isinstance(v, BaseModel):
                yield from all_texts(v, where)


def test_default_dir_is_the_shipped_assets() -> None:
    assert DEFAULT_CATALOG_DIR == ASSETS_DIR / "catalog"
    assert (DEFAULT_CATALOG_DIR / "catalog.json").is_file()


def test_loads_with_enough_items_policies_and_categories(catalog: Catalog) -> None:
    assert catalog.version == "2026.11.1"
    assert len(catalog.items()) >= 15
    assert len(catalog.policies()) >= 5
    assert 5 <= len(catalog.categories()) <= 8
    used = {i.category for i in catalog.items()}
    assert used == {c.id for c in catalog.categories()}


def test_file_names_are_item_codes_and_policy_ids(catalog: Catalog) -> None:
    item_files = sorted(p.stem for p in (DEFAULT_CATALOG_DIR / "items").glob("*.json"))
    assert item_files == sorted(i.code for i in catalog.items())
    policy_files = sorted(p.stem for p in (DEFAULT_CATALOG_DIR / "policies").glob("*.json"))
    assert policy_files == sorted(p.id for p in catalog.policies())


def test_every_text_is_trilingual_and_names_are_really_traditional(catalog: Catalog) -> None:
    texts = [t for model in (*catalog.items(), *catalog.policies(), *catalog.categories())
             for t in all_texts(model)]
    assert len(texts) > 300
    for where, t in texts:
        assert t.zh_Hans and t.zh_Hant and t.en, where
        assert t.en.isascii() or "²" in t.en, where  # English is not left in Chinese
    for name in [*(i.name for i in catalog.items()), *(p.name for p in catalog.policies())]:
        assert name.zh_Hant != name.zh_Hans, name
    differing = sum(t.zh_Hant != t.zh_Hans for _, t in texts)
    assert differing / len(texts) > 0.8  # Traditional text is converted, not copied


def test_required_services_are_present(catalog: Catalog) -> None:
    names = {i.name.zh_Hans for i in catalog.items()}
    for fragment in ("公司设立登记", "公司变更登记", "个体工商户", "医师执业注册", "商业特许经营备案",
                     "孵化器后补助", "社保参保证明打印", "食品经营许可", "公共租赁住房", "高龄津贴",
                     "生育登记", "港澳台居民居住证"):
        assert any(fragment in n for n in names), fragment
    kinds = Counter(i.kind for i in catalog.items())
    assert kinds["status_query"] >= 1
    assert kinds["result_pickup"] >= 1
    assert catalog.item("44030400RS-GG-0001").kind == "self_print"


def test_field_types_are_all_exercised(catalog: Catalog) -> None:
    used = {f.type for i in catalog.items() for f in i.fields()}
    assert used >= {"text", "number", "date", "choice", "phone", "resident_id", "hkid", "uscc",
                    "address"}


def test_profiles_and_identity_documents(catalog: Catalog) -> None:
    assert all("demo" in i.profiles for i in catalog.items())
    hall = catalog.offered("hall")
    assert len(hall) >= len(catalog.items()) - 1
    remote = catalog.offered("remote")
    assert 5 <= len(remote) <= 7
    for item in remote:
        assert {"hkid", "home_return_permit"} <= set(item.accepted_ids), item.code
    assert {i.code for i in remote} >= {"44030400SC-XK-0001", "44030400SC-XK-0003",
                                        "44030400GA-QR-0001", "44030400SW-QT-0001",
                                        "44030400ZW-BM-0001", "44030400ZW-BM-0002"}


def test_applications_have_materials_and_consistent_devices(catalog: Catalog) -> None:
    for item in catalog.items():
        captures = {m.capture for m in item.materials}
        if item.kind == "application":
            assert item.materials, item.code
            assert any(m.required for m in item.materials), item.code
        if captures & {"document", "photo"}:
            assert "camera" in item.devices, item.code
        if "id_card" in captures:
            assert {"id_card_reader", "camera"} & set(item.devices), item.code
        if "self_print" in item.result.delivery and item.kind == "self_print":
            assert "a4_printer" in item.devices, item.code
        assert item.consult_phone, item.code
    assert any(m.original_required for i in catalog.items() for m in i.materials)


def test_fees_mostly_free_and_days_sensible(catalog: Catalog) -> None:
    assert sum(i.fee.amount_cny == 0 for i in catalog.items()) >= len(catalog.items()) - 2
    for item in catalog.items():
        if item.kind == "application":
            assert item.legal_days > 0, item.code


def test_policies_link_to_items_and_use_rules(catalog: Catalog) -> None:
    linked = [p for p in catalog.policies() if p.linked_item]
    assert len(linked) >= 3
    for policy in linked:
        assert catalog.item(policy.linked_item or "")  # KeyError if dangling
    assert catalog.item("44030400KJ-JF-0001") in [
        catalog.item(p.linked_item or "") for p in linked]
    rules = [p.eligibility for p in catalog.policies()]
    assert any(r.industries for r in rules)
    assert any(r.sizes for r in rules)
    assert any(r.min_age_years is not None for r in rules)
    assert any(r.max_age_years is not None for r in rules)
    assert all(r.districts for r in rules)


def test_item_lookup_and_allowlist(catalog: Catalog) -> None:
    with pytest.raises(KeyError):
        catalog.item("44030400SC-XK-9999")
    allow = ["44030400ZW-BM-0001", "44030400MZ-JF-0001", "44030400SC-XK-9999"]
    assert [i.code for i in catalog.offered("hall", allow)] == [
        "44030400MZ-JF-0001", "44030400ZW-BM-0001"]
    assert [i.code for i in catalog.offered("remote", allow)] == ["44030400ZW-BM-0001"]
    assert catalog.unknown_codes(allow) == ("44030400SC-XK-9999",)
    assert len(catalog.offered("demo")) == len(catalog.items())
    assert all(i.category == "enterprise" for i in catalog.items_in("enterprise"))


def test_files_are_formatted_utf8_json() -> None:
    for path in sorted(DEFAULT_CATALOG_DIR.rglob("*.json")):
        text = path.read_text(encoding="utf-8")
        assert "\\u" not in text, path  # Chinese stored as text, readable in review
        assert text.endswith("\n"), path
        json.loads(text)
