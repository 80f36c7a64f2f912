"""The script driver turns the event loop as the running kiosk does: what ``deleteLater()``
queued is deleted between steps (a scripted run never enters ``QCoreApplication.exec()``,
where Qt deletes it; ``processEvents()`` alone keeps it for good)."""

from __future__ import annotations

from PySide6.QtCore import QObject

from kiosk.ui.driver import find_item, walk_items
from tests.ui.harness import Ui


def _keyboard_layouts(ui: Ui) -> list[QObject]:
    keyboard = find_item(ui.window.root, "keyboard", visible=False)
    assert keyboard is not None
    return [item for item in walk_items(keyboard)
            if item.metaObject().className().startswith("KeyboardLayout_")]


def test_a_keyboard_layout_replaced_by_typing_is_deleted(ui: Ui) -> None:
    driver = ui.driver
    driver.perform("start", {})
    driver.perform("choose_language", {"language": "en"})
    driver.perform("choose_policy_lookup", {})
    driver.type("usccField", "91440300")  # the letters layout
    layouts = _keyboard_layouts(ui)
    assert layouts
    deleted: list[str] = []
    for layout in layouts:
        layout.destroyed.connect(lambda *_: deleted.append("layout"))
    # a digits-only field: the keyboard loads its digits layout and drops the letters one
    # (deleteLater, from the focus change the driver made outside any event handler)
    driver.type("yearField", "2001")
    assert _keyboard_layouts(ui) and set(_keyboard_layouts(ui)).isdisjoint(layouts)
    assert deleted == ["layout"] * len(layouts)


def test_a_deletion_queued_outside_an_event_runs_at_the_next_step(ui: Ui) -> None:
    orphan = QObject()
    deleted: list[str] = []
    orphan.destroyed.connect(lambda *_: deleted.append("orphan"))
    orphan.deleteLater()
    ui.driver.perform("start", {})
    assert deleted == ["orphan"]
