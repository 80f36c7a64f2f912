"""The script driver turns the event loop as the running kiosk does: what ``deleteLater()``
queued is deleted between steps (a scripted run never enters ``QCoreApplication.exec()``,
where Qt deletes it; ``processEvents()`` alone keeps it for good)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject

from kiosk.journey import State
from kiosk.ui.driver import find_item, walk_items
from tests.conftest import LogCollector
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


def test_a_failed_step_says_where_the_last_tap_landed_and_what_lies_there(
        ui: Ui, _logfail: LogCollector, tmp_path: Path) -> None:
    """A tap that changed nothing (here: the idle warning swallows it) makes the *next* step
    fail; its log line names the tapped item, the point, what takes a tap there and the
    screenshot."""
    ui.driver.failure_shots, ui.driver.failure_shots_left = tmp_path / "failed", 1
    steps: list[dict[str, Any]] = [
        {"do": "start"}, {"do": "choose_language", "language": "en"}, {"do": "choose_apply"},
        {"do": "select_item", "code": "44030400SC-XK-0003"}, {"do": "begin_application"},
        {"do": "wait", "seconds": 95},  # the "still there?" warning covers the card step
        {"do": "home"},  # lands on the warning's tap-swallowing area
        {"do": "expect", "screen": "home"}]
    assert ui.driver.run(steps) == 1
    _logfail.allowed = True
    [line] = _logfail.messages()
    assert line.startswith("step 8 (expect) failed: ")
    assert "(state idle_warning; last tap homeButton at (" in line
    assert "now taken there by QQuickMouseArea in idleOverlay, then " in line
    assert "idle warning shown; screenshot " in line
    [shot] = (tmp_path / "failed").iterdir()
    assert line.endswith(f"screenshot {shot})") and ui.driver.failure_shots_left == 0


def test_a_tap_lands_where_the_laid_out_screen_shows_the_item(ui: Ui) -> None:
    """Positioners (the home screen's Column and Grid) place their children in the polish pass
    before the next frame is drawn. Tapped right after the screen was built, an item may still
    sit where it was created: a tap computed from that place was lost (11 of 200 here without
    the driver's lay_out; the soak lost one "apply" tap in ~1,500 journeys). A citizen taps
    what a drawn frame shows, so the driver lays the screen out first."""
    driver = ui.driver
    lost = []
    for n in range(100):
        driver.perform("start", {})
        ui.window.session.chooseLanguage(("en", "zh-Hans", "zh-Hant")[n % 3])  # no settle
        while find_item(ui.window.root, "homeApply") is None:
            QCoreApplication.processEvents()
        driver.tap("homeApply")
        if ui.journey.state is not State.CATALOG:
            lost.append(n)
        driver.perform("cancel", {})
    assert lost == []
