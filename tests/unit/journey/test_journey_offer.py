"""Greyed-out items and their reason keys; catalogue listing, search and replacement."""

from __future__ import annotations

import re
from pathlib import Path

from kiosk.catalog import Catalog, parse_catalog
from kiosk.config import Config
from kiosk.journey import ItemOption, State
from kiosk.messages import LANGS, MESSAGES
from tests.unit.journey.conftest import (
    ITEM_A,
    ITEM_A4,
    ITEM_B,
    ITEM_HALL_ONLY,
    Ctx,
    catalog_document,
    make_ctx,
    to_home,
)


def test_reasons(ctx: Ctx) -> None:
    ctx.devices.down.add("a4_printer")
    assert ctx.journey.item_options() == (
        ItemOption(ITEM_A, None),
        ItemOption(ITEM_B, None),
        ItemOption(ITEM_HALL_ONLY, "journey.service_unavailable"),
        ItemOption(ITEM_A4, "journey.device_unavailable.a4_printer"),
    )  # the status-query item is never listed: HOME leads to it


def test_remote_terminal_cannot_take_resident_id_only_items(config: Config,
                                                            catalog: Catalog) -> None:
    terminal = config.terminal.model_copy(update={"identification": ("hkid",
                                                                     "home_return_permit")})
    c = make_ctx(config.model_copy(update={"terminal": terminal}), catalog)
    reasons = dict((o.code, o.reason) for o in c.journey.item_options())
    assert reasons[ITEM_A] is None
    assert reasons[ITEM_B] == "journey.no_accepted_id"


def test_service_allowlist(config: Config, catalog: Catalog) -> None:
    terminal = config.terminal.model_copy(update={"services": (ITEM_B,)})
    c = make_ctx(config.model_copy(update={"terminal": terminal}), catalog)
    reasons = dict((o.code, o.reason) for o in c.journey.item_options())
    assert reasons[ITEM_B] is None
    assert reasons[ITEM_A] == "journey.service_unavailable"


def test_listing_follows_category_and_search(ctx: Ctx) -> None:
    to_home(ctx)
    j = ctx.journey
    j.choose_apply()
    assert [o.code for o in j.view().items] == [ITEM_A, ITEM_B, ITEM_HALL_ONLY, ITEM_A4]
    j.browse_category("family")
    assert [o.code for o in j.view().items] == [ITEM_B, ITEM_A4]
    j.search("营业执照")
    assert [o.code for o in j.view().items] == [ITEM_A]
    j.browse_category(None)  # clears the search
    assert j.view().query == "" and len(j.view().items) == 4
    j.search("营业执照")
    j.search("")
    assert len(j.view().items) == 4


def test_device_going_down_greys_out_and_blocks(ctx: Ctx) -> None:
    to_home(ctx)
    j = ctx.journey
    j.choose_apply()
    events = len(ctx.events)
    ctx.devices.down.add("camera")
    j.devices_changed()
    assert len(ctx.events) == events + 1
    assert dict((o.code, o.reason) for o in j.view().items)[ITEM_A] == (
        "journey.device_unavailable.camera")
    assert j.select_item(ITEM_A) == "journey.device_unavailable.camera"
    assert j.state is State.CATALOG
    ctx.devices.down.clear()
    assert j.select_item(ITEM_A) is None
    ctx.devices.down.add("id_card_reader")
    assert j.begin_application() == "journey.device_unavailable.id_card_reader"
    assert j.state is State.SERVICE_DETAIL


def test_catalogue_replacement_waits_for_the_session_to_end(ctx: Ctx) -> None:
    doc = catalog_document()
    doc["version"] = "test-2"
    del doc["items"][1]  # ITEM_B withdrawn
    new = parse_catalog(doc)
    to_home(ctx)
    ctx.journey.replace_catalog(new)
    assert ctx.journey.catalog.version == "test-1"
    ctx.journey.cancel()
    assert ctx.journey.catalog.version == "test-2"
    assert ITEM_B not in [o.code for o in ctx.journey.item_options()]
    ctx.journey.replace_catalog(parse_catalog(catalog_document()))  # idle: at once
    assert ctx.journey.catalog.version == "test-1"


def test_every_journey_message_key_is_translated() -> None:
    package = Path(__file__).resolve().parents[3] / "kiosk" / "journey"
    keys: set[str] = set()
    for path in package.glob("*.py"):
        keys |= set(re.findall(r"""["']((?:journey|store|id|form|policy)\.[a-z_.]+)["']""",
                               path.read_text(encoding="utf-8")))
    keys |= {f"journey.device_unavailable.{d}" for d in
             ("id_card_reader", "camera", "code_scanner", "receipt_printer", "a4_printer")}
    assert "journey.identity_mismatch" in keys
    for key in keys:
        assert key in MESSAGES, key
        assert set(MESSAGES[key]) == set(LANGS), key
