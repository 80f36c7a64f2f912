"""The real kiosk UI for tests: a KioskWindow over a real journey, catalogue and encrypted
outbox under ``tmp_path``, a FakeClock (idle timeouts without sleeping) and the script driver
for taps and typing."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMetaType
from PySide6.QtQuick import QQuickItem

from kiosk.app import Core, Devices, build_core, build_keyring, open_devices, signed_client_for
from kiosk.backoffice.local import LocalBackOffice
from kiosk.backoffice.settings import BackOfficeSettings
from kiosk.catalog.model import Device
from kiosk.config import Config, load_config
from kiosk.demo import simulated_card, synthetic_page
from kiosk.identity.govapp import GovAppIdentifier
from kiosk.journey import FakeClock, Journey, OutboxPort
from kiosk.receipts.keys import ReceiptKeys
from kiosk.store.outbox import Outbox
from kiosk.sync.staff_call import StaffCall
from kiosk.ui.devices import DeviceLink, ReceiptOutput
from kiosk.ui.driver import ScriptDriver
from kiosk.ui.window import KioskWindow


class FakeDevices:
    """Device availability the test sets: everything works unless listed in ``down``."""

    def __init__(self) -> None:
        self.down: set[str] = set()

    def available(self, device: Device) -> bool:
        return device not in self.down


def write_config(tmp_path: Path, profile: str = "demo", extra: str = "") -> Config:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f"""
profile = "{profile}"
[paths]
data_dir = "{tmp_path / 'data'}"
log_file = "{tmp_path / 'data' / 'logs' / 'kiosk.log'}"
[keyring]
file = "{tmp_path / 'data' / 'keyring' / 'kiosk-keyring.cfg'}"
master_secret_file = "{tmp_path / 'secret' / 'master.key'}"
{extra}
""",
        encoding="utf-8",
    )
    # an existing master secret: a fresh one is announced with a warning
    secret = tmp_path / "secret" / "master.key"
    secret.parent.mkdir(mode=0o700, exist_ok=True)
    secret.write_bytes(secrets.token_bytes(32))
    os.chmod(secret, 0o600)  # noqa: PTH101
    return load_config(path)


@dataclasses.dataclass
class Ui:
    config: Config
    core: Core
    clock: FakeClock
    devices: FakeDevices
    journey: Journey
    window: KioskWindow
    driver: ScriptDriver

    @property
    def session(self):  # type: ignore[no-untyped-def]
        return self.window.session

    def close(self) -> None:
        self.window.close()
        self.core.close()


def open_ui(qapp: object, tmp_path: Path, *, profile: str = "demo",
            wrap_outbox: Callable[[Outbox], OutboxPort] | None = None,
            orientation: str = "portrait", screenshots: Path | None = None,
            speak: Callable[[str, str], None] | None = None) -> Ui:
    config = write_config(tmp_path, profile)
    core = build_core(config, log_to_stderr=False)
    outbox = wrap_outbox(core.outbox) if wrap_outbox is not None else None
    clock = FakeClock()
    devices = FakeDevices()
    journey = Journey(config=config, catalog=core.catalog, outbox=outbox or core.outbox,
                      clock=clock, devices=devices, secrets=core.secrets,
                      owner_verifier=core.outbox)
    window = KioskWindow(qapp, config=config, journey=journey,  # type: ignore[arg-type]
                         outbox=outbox or core.outbox, page_source=synthetic_page,
                         orientation=orientation, tick_ms=0,  # type: ignore[arg-type]
                         speak=speak)
    window.show(fullscreen=False)
    driver = ScriptDriver(window, journey, clock, screenshots=screenshots,
                          card_factory=simulated_card)
    driver.settle()
    return Ui(config, core, clock, devices, journey, window, driver)


@dataclasses.dataclass
class DeviceUi:
    """The real UI over :func:`kiosk.app.open_devices` (the simulators behind the real
    drivers), wired as ``run_kiosk`` wires them: :class:`~kiosk.ui.devices.DeviceLink`
    threads and the receipt output."""

    config: Config
    core: Core
    clock: FakeClock
    devices: Devices
    link: DeviceLink
    journey: Journey
    window: KioskWindow
    driver: ScriptDriver

    @property
    def session(self):  # type: ignore[no-untyped-def]
        return self.window.session

    def close(self) -> None:
        self.link.close()
        self.window.close()
        self.devices.close()
        self.core.close()


def open_device_ui(qapp: object, tmp_path: Path, *, extra: str = "",
                   screenshots: Path | None = None) -> DeviceUi:
    config = write_config(tmp_path, "demo", extra)
    core = build_core(config, log_to_stderr=False)
    devices = open_devices(config, strict=False)
    link = DeviceLink(devices)
    devices.health.start()
    try:
        assert link.wait_ready(10), "a device did not answer its first status poll"
        clock = FakeClock()
        journey = Journey(config=config, catalog=core.catalog, outbox=core.outbox, clock=clock,
                          devices=devices.health, secrets=core.secrets,
                          owner_verifier=core.outbox)
        window = KioskWindow(qapp, config=config, journey=journey,  # type: ignore[arg-type]
                             outbox=core.outbox, page_source=synthetic_page,
                             orientation="portrait", tick_ms=0)
    except BaseException:
        link.close()
        devices.close()
        core.close()
        raise
    window.session.attach_output(ReceiptOutput(
        devices.receipt_printer, devices.a4_printer,
        qr_keys=ReceiptKeys(build_keyring(config)), terminal_code=config.terminal.code))
    signed_client = signed_client_for(config, build_keyring(config))
    window.session.attach_gov_app(GovAppIdentifier(
        config.identity.gov_app_public_key, config.terminal.code, signed_client))
    window.session.attach_staff_call(StaffCall(signed_client))
    link.start(window.bridge)
    # the capture screen's live camera, as run_kiosk wires it (the FileCamera shows scenes)
    window.attach_camera(devices.camera, devices.simulators.get("camera"))
    window.show(fullscreen=False)
    driver = ScriptDriver(window, journey, clock, screenshots=screenshots,
                          card_factory=simulated_card,
                          card_reader=devices.simulators["id_card_reader"])
    driver.settle()
    return DeviceUi(config, core, clock, devices, link, journey, window, driver)


def item_texts(item: QQuickItem) -> list[str]:
    """Every string-like property of ``item`` (what a PII scan of the screen looks at)."""
    out = []
    meta = item.metaObject()
    for i in range(meta.propertyCount()):
        prop = meta.property(i)
        if prop.metaType().id() not in (QMetaType.Type.QString.value, QMetaType.Type.QUrl.value,
                                        QMetaType.Type.QVariant.value):
            continue
        try:
            value = prop.read(item)
        except (RuntimeError, TypeError):
            continue
        if value:
            out.append(json.dumps(value, ensure_ascii=False, default=str))
    return out


@contextlib.contextmanager
def loopback_backoffice(root: Path, **settings: Any) -> Iterator[LocalBackOffice]:
    """A real back office (API + staff pages) on a free loopback port, its database under
    ``root``; ``settings`` are extra :class:`BackOfficeSettings` fields."""
    db_dir = root / "backoffice"
    db_dir.mkdir()
    with LocalBackOffice(BackOfficeSettings(db_url=f"sqlite:///{db_dir / 'backoffice.sqlite3'}",
                                            **settings), port=0) as server:
        yield server
