"""Identify with the government app's QR code: shown to the simulated camera, decoded by the
real scanner pipeline, checked on the terminal, resolved by a real back office on loopback
through the signed sync client (off the GUI thread); the identity prefills the form."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk import __version__
from kiosk.app import build_keyring
from kiosk.backoffice.local import LocalBackOffice
from kiosk.config import ASSETS_DIR
from kiosk.demo import simulated_card
from kiosk.devices.exercise import qr_image
from kiosk.identity.govapp import GovAppSimulator
from kiosk.journey import State
from kiosk.messages import translate
from kiosk.sync.client import SyncClient
from kiosk.sync.credentials import enrol
from tests.ui.harness import DeviceUi, loopback_backoffice, open_device_ui

pytestmark = pytest.mark.qt_log_ignore(r"^DelegateModel::cancel: index out range \d+ 0$")

APP = GovAppSimulator()  # the demo profile's issuer key


@pytest.fixture
def backoffice(tmp_path: Path) -> Iterator[LocalBackOffice]:
    with loopback_backoffice(tmp_path, gov_app_public_key=APP.public_key_b64) as server:
        identity = simulated_card("resident").as_dict()
        identity.pop("source")
        server.db.register_gov_app_identity("citizen-1", identity)
        yield server


def _to_identify(ui: DeviceUi) -> None:
    steps = json.loads((ASSETS_DIR / "demo" / "ui-business-licence.json").read_text("utf-8"))
    card_step = next(n for n, s in enumerate(steps) if s["do"] == "insert_card")
    assert ui.driver.run(steps[:card_step]) == 0
    assert ui.journey.state is State.IDENTIFY


def _show(ui: DeviceUi, qtbot: Any, payload: str, until: Any) -> None:
    camera = ui.devices.simulators["camera"]
    camera.show_image(qr_image(payload))
    try:
        qtbot.waitUntil(until, timeout=15000)
    finally:
        camera.show_image(None)


def test_the_gov_app_code_identifies_the_citizen_and_prefills_the_form(
        qapp: object, tmp_path: Path, backoffice: LocalBackOffice, qtbot: Any) -> None:
    ui = open_device_ui(qapp, tmp_path, extra=f'[sync]\nurl = "{backoffice.url}"\n')
    try:
        code, _ = backoffice.db.create_enrolment_code(ui.config.terminal.id)
        enrol(SyncClient(backoffice.url), code, build_keyring(ui.config), app_version=__version__)
        _to_identify(ui)
        assert ui.session.property("govAppOffered")
        lang = ui.session.property("language")

        # forged: refused on the terminal, said at the card step
        forged = GovAppSimulator(seed=b"\x05" * 32).token("citizen-1")
        _show(ui, qtbot, forged,
              lambda: ui.session.property("error") == translate("qr.bad_signature", lang))
        assert ui.journey.state is State.IDENTIFY

        _show(ui, qtbot, APP.token("citizen-1", audience=ui.config.terminal.code),
              lambda: ui.session.property("screen") == "form")  # the view model's snapshot
        assert not ui.session.property("error") and not ui.session.property("govAppChecking")
        person = simulated_card("resident")
        assert person.name in ui.journey.personal_values()
        assert ui.journey.view().id_masked.endswith(person.number[-4:])
    finally:
        ui.close()


def test_without_the_back_office_the_citizen_is_told_to_use_the_card(
        qapp: object, tmp_path: Path, qtbot: Any) -> None:
    # enrolled, but the back office is gone: nothing listens on the configured port
    ui = open_device_ui(qapp, tmp_path, extra='[sync]\nurl = "http://127.0.0.1:9"\n')
    try:
        from kiosk.sync.credentials import Credentials, save_credentials

        save_credentials(build_keyring(ui.config), Credentials("T-X", b"s" * 32))
        _to_identify(ui)
        lang = ui.session.property("language")
        _show(ui, qtbot, APP.token("citizen-1"),
              lambda: ui.session.property("error") == translate("identity.gov_app_offline", lang))
        assert ui.journey.state is State.IDENTIFY
    finally:
        ui.close()
