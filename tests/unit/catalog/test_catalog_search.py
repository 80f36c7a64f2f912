"""Search: three languages, pinyin (full and initials), ranking, and robustness."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.catalog import Catalog, load_catalog, parse_catalog
from kiosk.catalog import search as search_module
from kiosk.catalog.model import ServiceItem

from ._catalog_builders import make_document, make_item, texts


def _item(serial: int, hans: str, hant: str, en: str, *, keywords: tuple[str, ...] = (),
          description: str = "无") -> dict[str, object]:
    return make_item(f"44030400SC-XK-{serial:04d}", name=texts(hans, hant, en),
                     description=texts(description, description, "none"),
                     keywords=list(keywords))


@pytest.fixture(scope="module")
def ranked() -> Catalog:
    """Items listed worst-first for the query 公司, so ranking cannot be catalogue order."""
    return parse_catalog(make_document([
        _item(1, "开店指南", "開店指南", "Opening a shop", description="设立公司的流程"),
        _item(2, "注册指引", "註冊指引", "Registration guide", keywords=("公司", "gongsi")),
        _item(3, "工伤认定", "工傷認定", "Work injury recognition"),
        _item(4, "分公司登记", "分公司登記", "Branch office registration"),
        _item(5, "公司设立登记", "公司設立登記", "Company establishment registration"),
        _item(6, "公司", "公司", "Company"),
        _item(7, "银行账户变更", "銀行賬戶變更", "Bank account change"),
        _item(8, "重新申领证件", "重新申領證件", "Certificate reissue"),
    ]))


def codes(items: list[ServiceItem]) -> list[int]:
    return [int(i.code[-4:]) for i in items]


def test_rank_exact_then_prefix_then_substring_then_keyword_then_description(
        ranked: Catalog) -> None:
    assert codes(ranked.search("公司")) == [6, 5, 4, 2, 1]


def test_pinyin_ranks_above_keyword(ranked: Catalog) -> None:
    # 5 and 6 start with gongsi (6 exactly), 3 工伤 is gong-shang: no; 2 has the keyword
    assert codes(ranked.search("gongsi")) == [6, 5, 4, 2]


def test_full_pinyin_with_spaces_and_tone_marks(ranked: Catalog) -> None:
    assert codes(ranked.search("gong si she li")) == [5]
    assert codes(ranked.search("GōngSī SHÈLÌ")) == [5]
    assert codes(ranked.search("shelidengji")) == [5]  # from a later syllable


def test_initials(ranked: Catalog) -> None:
    assert codes(ranked.search("gssldj")) == [5]
    assert codes(ranked.search("gsdj")) == [4]  # fen-gong-si-deng-ji: from the 2nd syllable
    # exact initials, then initials prefix (工伤认定 too), then later syllable, then keyword 公司
    assert codes(ranked.search("gs")) == [6, 3, 5, 4, 2]


def test_pinyin_does_not_match_across_syllables(ranked: Catalog) -> None:
    # gONGSI only from a syllable start: only the literal keyword "gongsi" contains it
    assert codes(ranked.search("ongsi")) == [2]
    assert ranked.search("z") == []  # one letter is too short to mean pinyin…
    assert codes(ranked.search("zj")) == [8]  # …two are enough (chong-xin-shen-ling-Zheng-Jian)


def test_polyphonic_characters_use_phrase_readings(ranked: Catalog) -> None:
    assert codes(ranked.search("yinhang")) == [7]
    assert ranked.search("yinxing") == []
    assert codes(ranked.search("chongxin")) == [8]
    assert ranked.search("zhongxin") == []


def test_traditional_and_english_case_insensitive(ranked: Catalog) -> None:
    assert codes(ranked.search("設立登記")) == [5]
    assert codes(ranked.search("COMPANY")) == [6, 5]
    assert codes(ranked.search("branch")) == [4]
    assert codes(ranked.search("ｃｏｍｐａｎｙ")) == [6, 5]  # full-width IME input


def test_empty_query_limit_and_subset(ranked: Catalog) -> None:
    assert ranked.search("") == []
    assert ranked.search("   ") == []
    assert codes(ranked.search("公司", limit=2)) == [6, 5]
    assert ranked.search("公司", limit=0) == []
    subset = [ranked.item("44030400SC-XK-0004"), ranked.item("44030400SC-XK-0001")]
    assert codes(ranked.search("公司", items=subset)) == [4, 1]


def test_index_is_built_once_per_catalog(ranked: Catalog, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    ranked.search("warm-up")

    def fail(item: ServiceItem) -> None:
        raise AssertionError("index entry rebuilt during a query")

    monkeypatch.setattr(search_module, "_entry", fail)
    assert codes(ranked.search("公司")) == [6, 5, 4, 2, 1]


def test_items_outside_the_catalog_are_still_searchable(ranked: Catalog) -> None:
    outsider = ServiceItem.model_validate(make_item(
        "44030400ZZ-XK-0001", name=texts("公司注销", "公司註銷", "Company deregistration")))
    assert ranked.search("gszx", items=[outsider]) == [outsider]


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    from kiosk.catalog import DEFAULT_CATALOG_DIR

    return load_catalog(DEFAULT_CATALOG_DIR)


@pytest.mark.parametrize(("query", "expected_first"), [
    ("公司设立", "44030400SC-XK-0001"),
    ("公司設立", "44030400SC-XK-0001"),
    ("company establishment", "44030400SC-XK-0001"),
    ("yyzz", "44030400SC-XK-0001"),  # keyword 营业执照 by its initials
    ("gtgsh", "44030400SC-XK-0003"),
    ("getigongshanghu", "44030400SC-XK-0003"),
    ("医师", "44030400WJ-XK-0001"),
    ("醫師", "44030400WJ-XK-0001"),
    ("physician", "44030400WJ-XK-0001"),
    ("gaoling", "44030400MZ-JF-0001"),
    ("sbcbzm", "44030400RS-GG-0001"),
    ("居住證", "44030400GA-QR-0001"),
    ("franchise", "44030400SW-QT-0001"),
    ("进度", "44030400ZW-BM-0001"),
])
def test_shipped_catalogue_search(shipped: Catalog, query: str, expected_first: str) -> None:
    results = shipped.search(query)
    assert results, query
    assert results[0].code == expected_first


@settings(max_examples=300, deadline=None)
@given(query=st.text(max_size=60), limit=st.integers(min_value=-2, max_value=30))
def test_search_never_raises_and_respects_limit(ranked: Catalog, query: str, limit: int) -> None:
    results = ranked.search(query, limit=limit)
    assert len(results) <= max(limit, 0)
    assert len({i.code for i in results}) == len(results)
    assert all(i in ranked.items() for i in results)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["公司设立登记", "分公司登记", "银行账户变更", "重新申领证件"]),
       st.data())
def test_every_substring_of_a_name_finds_its_item(ranked: Catalog, name: str,
                                                  data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(name) - 1))
    end = data.draw(st.integers(start + 1, len(name)))
    found = [i.name.zh_Hans for i in ranked.search(name[start:end], limit=50)]
    assert name in found
