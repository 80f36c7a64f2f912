"""Real faults, detected, reported and recovered from without a restart (issue 7).

One test per fault, each injected for real: the camera stops delivering frames (FileCamera
``stop_frames``, the simulated unplug), the receipt printer's loopback socket closes (the
simulator goes offline), the ID-card reader's pseudo-terminal is closed and its stable name
removed (as udev does on unplug; a new pty under the same name is the replug), the loopback
back office is stopped, and a small tmpfs under the data directory fills up.

For each: the fault shows in the health monitor, in ``kiosk diag --json`` (``diag_main``, the
command's code, over the same open devices) and in the heartbeat the back office received —
sent by a sync worker that, like ``kiosk sync`` beside the app, knows the devices only through
the health file the app publishes; then the fault is removed and everything reads ok again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.sync_harness import Kiosk, ThreadedBackOffice, enrolled_kiosk
from kiosk.app import Devices, build_keyring, build_sync_worker, open_devices
from kiosk.backoffice.local import LocalBackOffice
from kiosk.backoffice.settings import BackOfficeSettings
from kiosk.config import load_config
from kiosk.devices.health import DISK, HealthPublisher
from kiosk.devices.idcard.simulated import SimulatedReader
from kiosk.devices.status import DeviceState
from kiosk.diagnostics import LinkTest, diag_main, link_test_from
from kiosk.diagnostics.runtime import AppOperations
from kiosk.journey import FakeClock, Journey, State
from kiosk.messages import translate
from kiosk.sync.client import SyncClient
from kiosk.sync.protocol import Heartbeat
from kiosk.sync.worker import SyncWorker
from kiosk.ui.bridge import CardWanted
from kiosk.ui.devices import DeviceLink
from tests.conftest import LogCollector
from tests.factories import make_submission, small_tmpfs


def wait_for(condition: Callable[[], bool], timeout: float = 20.0, what: str = "condition") -> None:
    """Poll a condition that a device thread makes true (bounded; never a timed assertion)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


class Borrowed:
    """Hands the test's open devices / outbox to ``diag_main``, which closes what it opened."""

    def __init__(self, thing: Any) -> None:
        self._thing = thing

    def __getattr__(self, name: str) -> Any:
        return getattr(self._thing, name)

    def close(self) -> None:
        return None


@dataclasses.dataclass
class Rig:
    backoffice: ThreadedBackOffice
    kiosk: Kiosk
    devices: Devices
    publisher: HealthPublisher
    worker: SyncWorker

    def diag(self, link_test: LinkTest | None = None) -> dict[str, Any]:
        """What ``kiosk diag --json`` prints, for the devices and outbox the app holds."""
        out = io.StringIO()
        diag_main(self.kiosk.config, as_json=True,
                  devices_factory=lambda _c: Borrowed(self.devices),
                  outbox_factory=lambda _c: Borrowed(self.kiosk.outbox),
                  link_test_factory=(lambda _c: link_test) if link_test is not None else None,
                  out=out)
        return dict(json.loads(out.getvalue()))

    def heartbeat(self) -> Heartbeat:
        """One sync cycle's heartbeat, as the back office stored it."""
        self.worker.heartbeat_s = 0  # due every cycle
        report = self.worker.run_once()
        assert report.heartbeat_sent, report.errors
        return self.last_heartbeat()

    def last_heartbeat(self) -> Heartbeat:
        [terminal] = [t for t in self.backoffice.db.list_terminals()
                      if t.id == self.kiosk.credentials.terminal_id]
        assert terminal.last_heartbeat is not None
        return terminal.last_heartbeat


def check(report: dict[str, Any], check_id: str) -> dict[str, Any]:
    return next(dict(c) for c in report["checks"] if c["id"] == check_id)


def _config_extra(kiosk_root: Path, extra: str) -> None:
    path = kiosk_root / "kiosk.toml"
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")


@contextlib.contextmanager
def rig_for(tmp_path: Path, *, root: Path | None = None, extra: str = "") -> Iterator[Rig]:
    settings = BackOfficeSettings(db_url=f"sqlite:///{tmp_path / 'bo.sqlite3'}")
    with ThreadedBackOffice(settings) as backoffice:
        kiosk_root = root or tmp_path / "kiosk"
        kiosk = enrolled_kiosk(kiosk_root, backoffice.db, backoffice.url, connect_timeout_s=1,
                               read_timeout_s=5, backoff_base_s=0.05, backoff_cap_s=0.5)
        if extra:
            _config_extra(kiosk_root, extra)
            kiosk = dataclasses.replace(kiosk, config=load_config(kiosk.config_path))
        devices = open_devices(kiosk.config, strict=False)
        publisher = HealthPublisher(devices.health, kiosk.config.paths.data_dir)
        worker = build_sync_worker(kiosk.config, kiosk.outbox, build_keyring(kiosk.config))
        try:
            devices.health.poll_all()
            yield Rig(backoffice, kiosk, devices, publisher, worker)
        finally:
            publisher.stop()
            worker.client.close()
            devices.close()
            kiosk.close()


def assert_all_ok(rig: Rig, device: str) -> None:
    assert rig.devices.health.monitors[device].poll_once().state is DeviceState.OK
    assert check(rig.diag(), f"device.{device}")["level"] == "ok"
    beat = rig.heartbeat()
    assert beat.devices[device] == "ok", beat.devices
    assert beat.devices_age_s is not None  # from the app's published health, not this process


# ---------------------------------------------------------------- camera


def test_camera_unplug_and_replug(tmp_path: Path, expect_logs: LogCollector) -> None:
    with rig_for(tmp_path) as rig:
        camera = rig.devices.simulators["camera"]
        wait_for(lambda: rig.devices.health.monitors["camera"].poll_once().usable, what="frames")
        assert_all_ok(rig, "camera")

        camera.stop_frames()  # unplugged: no frames at all
        status = rig.devices.health.monitors["camera"].poll_once()
        assert status.state is DeviceState.OFFLINE and status.reason == "device.camera.offline"
        report = rig.diag()
        cam = check(report, "device.camera")
        assert cam["level"] == "fail" and cam["data"]["state"] == "offline"
        assert not report["ok"]  # a required device: out of service
        assert rig.heartbeat().devices["camera"] == "offline device.camera.offline"
        assert any("device camera is offline" in m for m in expect_logs.messages())

        camera.resume()  # plugged back in: frames flow again, no restart
        wait_for(lambda: rig.devices.health.monitors["camera"].poll_once().usable, what="replug")
        assert_all_ok(rig, "camera")


# ---------------------------------------------------------------- receipt printer


def test_receipt_printer_offline_and_back(tmp_path: Path, expect_logs: LogCollector) -> None:
    with rig_for(tmp_path) as rig:
        printer = rig.devices.simulators["receipt_printer"]
        assert_all_ok(rig, "receipt_printer")

        printer.offline()  # the printer's socket closes: connection refused
        status = rig.devices.health.monitors["receipt_printer"].poll_once()
        assert not status.usable and status.state in (DeviceState.OFFLINE, DeviceState.UNKNOWN)
        entry = check(rig.diag(), "device.receipt_printer")
        assert entry["level"] == "fail" and entry["data"]["state"] == status.state.value
        beat = rig.heartbeat()
        assert beat.devices["receipt_printer"].startswith(status.state.value)
        assert any("device receipt_printer is" in m for m in expect_logs.messages())

        printer.recover()  # listening again on the same port: the driver reconnects by itself
        wait_for(lambda: rig.devices.health.monitors["receipt_printer"].poll_once().usable,
                 what="printer back")
        assert_all_ok(rig, "receipt_printer")


# ---------------------------------------------------------------- ID-card reader


def test_reader_unplugged_and_replugged(tmp_path: Path, expect_logs: LogCollector) -> None:
    node = tmp_path / "kiosk-idcard"  # the stable name udev gives the reader
    first = SimulatedReader()
    node.symlink_to(first.device_path)
    second: SimulatedReader | None = None
    extra = f'\n[devices.idcard]\ndriver = "ga467_serial"\nport = "{node}"\ntimeout_s = 1\n'
    try:
        with rig_for(tmp_path, extra=extra) as rig:
            monitor = rig.devices.health.monitors["id_card_reader"]
            assert_all_ok(rig, "id_card_reader")

            first.close()  # unplugged: the pty is gone ...
            node.unlink()  # ... and udev removes its name
            status = monitor.poll_once()
            assert status.state is DeviceState.OFFLINE and status.reason == "device.idcard.offline"
            entry = check(rig.diag(), "device.id_card_reader")
            assert entry["level"] == "fail" and entry["data"]["state"] == "offline"
            assert rig.heartbeat().devices["id_card_reader"] == "offline device.idcard.offline"
            assert any("device id_card_reader is offline" in m for m in expect_logs.messages())

            second = SimulatedReader()  # plugged in again: a new tty under the same name
            node.symlink_to(second.device_path)
            wait_for(lambda: monitor.poll_once().usable, what="reader back")
            assert_all_ok(rig, "id_card_reader")
    finally:
        first.close()
        if second is not None:
            second.close()


# ---------------------------------------------------------------- network


def test_network_loss_is_shown_once_the_link_is_back(tmp_path: Path) -> None:
    with rig_for(tmp_path) as rig:
        rig.kiosk.outbox.enqueue(make_submission(1, size=1000))
        assert rig.heartbeat().last_sync_error == ""
        config = rig.kiosk.config
        port = rig.backoffice.port
        client = SyncClient(config.sync.url, rig.kiosk.credentials, connect_timeout_s=1, read_timeout_s=5)
        link = link_test_from(client.whoami)
        try:
            assert check(rig.diag(link), "link")["level"] == "ok"

            rig.backoffice.stop()  # the back office is gone: connection refused
            report = rig.worker.run_once()
            assert report.link_down and "sync.offline" in report.errors
            seen = rig.diag(link)
            assert check(seen, "link")["level"] == "fail"
            sync = check(seen, "sync")
            assert sync["level"] == "warn" and "sync.offline" in sync["summary"]
            assert "last success" in sync["summary"]
            rig.kiosk.outbox.enqueue(make_submission(1, size=1000))  # the kiosk keeps taking them

            # the link is back (same address, same database)
            back = LocalBackOffice(BackOfficeSettings(db_url=f"sqlite:///{tmp_path / 'bo.sqlite3'}"),
                                   port=port)
            rig.backoffice = back.start()  # type: ignore[assignment]
            beat = rig.heartbeat()
            assert beat.last_sync_error.startswith("sync.offline"), beat
            assert beat.last_sync_ok_age_s is not None and beat.last_sync_error_age_s is not None
            assert beat.last_sync_ok_age_s >= beat.last_sync_error_age_s  # the outage in between
            assert beat.queue_depth == 0  # both pushed in the recovery cycle
            seen = rig.diag(link)
            assert check(seen, "link")["level"] == "ok"
            sync = check(seen, "sync")
            assert sync["level"] == "ok" and "last failure" in sync["summary"]
            assert "sync.offline" in sync["summary"]
        finally:
            client.close()
            rig.backoffice.stop()


# ---------------------------------------------------------------- disk nearly full


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    with small_tmpfs(tmp_path, "24m") as mnt:
        yield mnt


class LinkToJourney:
    """The UI bridge's part DeviceLink uses, straight into a journey (no Qt here)."""

    def __init__(self, journey: Journey) -> None:
        self.journey = journey
        self.card_wanted = CardWanted()
        self.codes_wanted = threading.Event()
        self.out_of_service: list[str] = []

    def deliver_card(self, document: Any) -> None:
        return None

    def deliver_code(self, payload: str) -> None:
        return None

    def on_device_status(self, *change: object) -> None:
        return None

    def deliver_out_of_service(self, key: str) -> None:
        self.out_of_service.append(key)
        self.journey.out_of_service(key)

    def deliver_back_in_service(self) -> None:
        self.journey.resume_service()


def test_disk_nearly_full_stops_new_applications_and_recovers(
        tmp_path: Path, small_fs: Path, expect_logs: LogCollector) -> None:
    extra = "\n[diagnostics]\ndisk_fail_mb = 8\ndisk_warn_mb = 12\n"
    with rig_for(tmp_path, root=small_fs / "kiosk", extra=extra) as rig:
        config = rig.kiosk.config
        journey = Journey(config=config, catalog=_catalog(), outbox=rig.kiosk.outbox, clock=FakeClock(),
                          devices=rig.devices.health)
        bridge = LinkToJourney(journey)
        link = DeviceLink(rig.devices)
        ops = AppOperations(config, rig.kiosk.outbox, journey, health=rig.devices.health)
        link.start(bridge)  # type: ignore[arg-type]
        try:
            disk = rig.devices.health.monitors[DISK]
            assert disk.poll_once().state is DeviceState.OK
            assert check(rig.diag(), "disk")["level"] in ("ok", "warn")
            assert rig.heartbeat().devices[DISK] == "ok"
            journey.start()
            assert journey.state is State.LANGUAGE

            # fill the disk to below the threshold (logs, a runaway file, a stuck upload ...)
            filler = small_fs / "filler"
            free = _free(small_fs)
            filler.write_bytes(b"\0" * (free - 6 * 1024 * 1024))
            status = disk.poll_once()
            assert status.state is DeviceState.FAULT and status.reason == "device.disk.low"
            # new applications stop, with a translated reason, before the outbox meets ENOSPC
            assert bridge.out_of_service == ["journey.device_unavailable.disk"]
            assert journey.state is State.OUT_OF_SERVICE
            reason = journey.view().out_of_service_key
            assert reason is not None and "storage" in translate(reason, "en")
            assert rig.kiosk.outbox.enqueue(make_submission(1, size=100_000)).uuid  # room left
            seen = rig.diag()
            entry = check(seen, "disk")
            assert entry["level"] == "fail" and "new applications stopped" in entry["summary"]
            assert not seen["ok"]
            beat = rig.heartbeat()
            assert beat.devices[DISK] == "fault device.disk.low"
            assert beat.disk_free_bytes < 8 * 1024 * 1024

            filler.unlink()  # a technician (or retention) frees space
            assert disk.poll_once().usable
            assert journey.state is State.ATTRACT  # back in service by itself
            assert check(rig.diag(), "disk")["level"] in ("ok", "warn")
            assert rig.heartbeat().devices[DISK] == "ok"
            assert any("device disk is fault" in m for m in expect_logs.messages())
        finally:
            link.close()
            ops.stop()


def _free(path: Path) -> int:
    return shutil.disk_usage(path).free


def _catalog() -> Any:
    from kiosk.catalog import DEFAULT_CATALOG_DIR, load_catalog

    return load_catalog(DEFAULT_CATALOG_DIR)

