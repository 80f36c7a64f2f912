"""After the idle wipe no seeded personal value remains anywhere on screen: in any QML item's
text-like property (fields, labels, the keyboard's candidates), in the view model, in the
drafts or the page previews."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication, QInputMethodEvent

from kiosk.demo import simulated_card
from kiosk.journey import State
from kiosk.ui.driver import walk_items
from tests.ui.harness import Ui, item_texts

COMPANY = "深圳市福田区晨曦科技有限公司"
ADDRESS = "广东省深圳市福田区福华三路100号"
SCOPE = "软件开发；信息技术咨询服务"
PHONE = "13912345678"
PREEDIT = "chenxikeji"


def _seeds() -> list[str]:
    return [*simulated_card("resident").personal_values(), COMPANY, ADDRESS, SCOPE, PHONE, PREEDIT]


def _strings(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)




def _model_texts(ui: Ui) -> list[str]:
    session = ui.session
    meta = session.metaObject()
    return [_strings(meta.property(i).read(session)) for i in range(meta.propertyCount())]


def _seed_a_session(ui: Ui) -> None:
    d = ui.driver
    d.perform("start", {})
    d.perform("choose_language", {"language": "zh-Hans"})
    d.perform("choose_apply", {})
    d.perform("search", {"query": "gssldj"})
    d.perform("select_item", {"code": "44030400SC-XK-0001"})
    d.perform("begin_application", {})
    d.perform("insert_card", {"card": "resident"})
    d.perform("fill", {"values": {"company_name": COMPANY, "company_type": "llc",
                                  "registered_capital": "100", "business_address": ADDRESS,
                                  "business_scope": SCOPE}})
    d.perform("fill", {"values": {"contact_phone": PHONE}})
    assert ui.journey.state is State.CAPTURE
    d.tap("capturePage")
    assert len(ui.session.previews) == 1
    d.perform("back", {})  # to the contact page: the card's name and the phone on screen
    assert ui.journey.state is State.FORM
    field = d.item("field_contact_phone")
    field.forceActiveFocus()
    composing = QInputMethodEvent(PREEDIT, [])  # a word still being composed on the keyboard
    QGuiApplication.sendEvent(field, composing)
    QCoreApplication.processEvents()
    on_screen = "".join(t for item in walk_items(ui.window.root) for t in item_texts(item))
    assert PHONE in on_screen and "王小明" in on_screen and PREEDIT in on_screen  # seeded


def test_idle_wipe_leaves_no_personal_value(ui: Ui) -> None:
    _seed_a_session(ui)
    assert ui.journey.personal_values()
    ui.driver.perform("wait", {"seconds": 90})
    assert ui.journey.state is State.IDLE_WARNING
    assert ui.driver.item("idleOverlay").isVisible()
    ui.driver.perform("wait", {"seconds": 20})
    assert ui.journey.state is State.ATTRACT
    QCoreApplication.processEvents()

    assert ui.journey.personal_values() == []
    assert dict(ui.session.draft()) == {}
    assert len(ui.session.previews) == 0
    assert ui.session.previews.image("application_form/0/1") is None
    texts = [t for item in walk_items(ui.window.view.contentItem()) for t in item_texts(item)]
    texts += _model_texts(ui)
    leaks = {seed for seed in _seeds() if any(seed in t for t in texts)}
    assert leaks == set()


def test_home_wipes_the_task_but_keeps_language(ui: Ui) -> None:
    _seed_a_session(ui)
    ui.driver.tap("homeButton")
    assert ui.journey.state is State.HOME and ui.session.language == "zh-Hans"
    texts = [t for item in walk_items(ui.window.view.contentItem()) for t in item_texts(item)]
    texts += _model_texts(ui)
    assert {seed for seed in _seeds() if any(seed in t for t in texts)} == set()
