"""Remote config (issue 7): allow-list, validation over the local file, staging, trial,
promotion, rollback, restart policy — on real files in a temp dir, with the real sync worker
and back office where a document travels."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.sync_harness import Kiosk, ThreadedBackOffice, enrolled_kiosk
from kiosk.app import build_keyring, build_sync_worker
from kiosk.backoffice.settings import BackOfficeSettings
from kiosk.cli import main
from kiosk.config import Config, load_config
from kiosk.devices.health import DeviceHealth, HealthMonitor, HealthPublisher, PublishedHealth
from kiosk.devices.offline import UnavailableDevice
from kiosk.devices.printer import build_receipt_printer
from kiosk.devices.printer.simulated import EscPosSimulator, LoopbackPrinterServer
from kiosk.devices.status import STARTING_KEY, DeviceState, DeviceStatus
from kiosk.errors import ConfigError
from kiosk.maintenance import MaintenanceWindow, SessionFlag
from kiosk.remote_config import (
    ENV_VAR,
    ConfigRuntime,
    DeviceBaseline,
    DeviceCheck,
    RemoteConfigStore,
    check_settings,
    check_trial_devices,
    diagnostic_check,
)
from kiosk.sync.protocol import document_etag
from tests.conftest import LogCollector


def doc(version: int, **settings: Any) -> dict[str, Any]:
    return {"version": version, "settings": settings}


def stage(store: RemoteConfigStore, local: Config, content: dict[str, Any]) -> str | None:
    return store.stage(content, document_etag(content), local)


@pytest.fixture
def local(tmp_config_file: Path) -> Config:
    return load_config(tmp_config_file)


@pytest.fixture
def store(local: Config) -> RemoteConfigStore:
    return RemoteConfigStore.for_config(local)


# ---------------------------------------------------------------- allow-list
def test_allowed_settings_pass_and_every_other_key_is_named() -> None:
    assert check_settings({"session": {"idle_timeout_s": 60, "idle_warning_s": 15},
                           "sync": {"poll_s": 20}, "logging": {"level": "DEBUG"},
                           "terminal": {"name": {"en": "Hall 7"}, "services": ["A", "B"]},
                           "devices": {"receipt_printer": {"host": "10.0.0.9", "paper_width_chars": 48}},
                           "maintenance": {"window_start": "01:00"}, "store": {"retention_days": 14}}) == []
    problems = check_settings({
        "keyring": {"file": "/tmp/k"}, "sync": {"url": "https://evil.example", "poll_s": 20},
        "terminal": {"id": "other"}, "devices": {"idcard": {"driver": "simulated"}},
        "remote_config": {"max_attempts": 5}, "paths": {"data_dir": "/"}, "identity": {},
    })
    assert sorted(p.split(":")[0] for p in problems) == [
        "devices.idcard.driver", "identity", "keyring", "paths", "remote_config", "sync.url", "terminal.id"]
    assert all("not remotely configurable" in p for p in problems)


def test_values_are_checked_against_their_field_with_the_key_path() -> None:
    assert check_settings({"session": {"idle_timeout_s": 4}}) == [
        "session.idle_timeout_s: Input should be greater than 5"]
    [level] = check_settings({"logging": {"level": "TRACE"}})
    assert level.startswith("logging.level: Input should be 'DEBUG'")
    assert check_settings({"session": {"nap_s": 1}}) == ["session.nap_s: Extra inputs are not permitted"]
    assert check_settings({"devices": {"camera": {"fps": 0}}})[0].startswith("devices.camera.fps:")


# ---------------------------------------------------------------- staging
def test_a_valid_document_is_staged_as_pending_with_version_and_etag(
        store: RemoteConfigStore, local: Config) -> None:
    content = doc(3, session={"idle_timeout_s": 60})
    assert stage(store, local, content) is None
    pending = store.read_pending()
    assert pending is not None and pending.version == 3 and pending.etag == document_etag(content)
    assert pending.settings == {"session": {"idle_timeout_s": 60}}
    assert store.good() is None  # nothing runs on it before a start
    assert store.summary()[1] == "local; pending v3"


def test_refused_documents_leave_everything_as_it_was(store: RemoteConfigStore, local: Config) -> None:
    assert stage(store, local, doc(1, session={"idle_timeout_s": 60})) is None
    before = store.pending_path.read_bytes()
    # allow-list
    problem = stage(store, local, doc(2, keyring={"file": "/tmp/stolen"}))
    assert problem is not None and problem.startswith("settings.keyring: not remotely configurable")
    # valid key by key, invalid over this terminal's file: backoff base above the local cap (60)
    problem = stage(store, local, doc(3, sync={"backoff_base_s": 500}))
    assert problem is not None and problem.startswith("settings.sync: Value error, backoff_cap_s")
    assert store.pending_path.read_bytes() == before
    refused = store.read_refused()
    assert refused is not None and refused["version"] == 3 and refused["key_path"] == "settings.sync"
    version, state, warn = store.summary()
    assert warn and state.endswith("config refused: settings.sync (v3)") and version == ""
    # the next valid document clears the refusal
    assert stage(store, local, doc(4, session={"idle_timeout_s": 70})) is None
    assert store.read_refused() is None and not store.summary()[2]


def test_remote_settings_switched_off_locally_are_refused(tmp_config_file: Path) -> None:
    with tmp_config_file.open("a", encoding="utf-8") as fh:
        fh.write("[remote_config]\nenabled = false\n")
    local = load_config(tmp_config_file)
    store = RemoteConfigStore.for_config(local)
    problem = stage(store, local, doc(1, session={"idle_timeout_s": 60}))
    assert problem is not None and problem.startswith("remote_config.enabled")
    assert store.load_for_run(local)[1].mode == "local"


# ---------------------------------------------------------------- trial, promotion, rollback
def test_a_start_counts_the_trial_before_use_and_a_healthy_start_promotes(
        store: RemoteConfigStore, local: Config) -> None:
    stage(store, local, doc(1, session={"idle_timeout_s": 60}))
    config, run = store.load_for_run(local)
    assert run.mode == "trial" and run.attempt == 1 and config.session.idle_timeout_s == 60
    # counted on disk before the config was handed out
    assert store.read_state()["trial"]["attempts"] == 1
    assert store.summary()[1] == "local; trial v1 (start 1)"
    assert store.confirm(run.etag)
    assert store.read_pending() is None and store.good() == run.overlay
    config, run2 = store.load_for_run(local)
    assert run2.mode == "good" and config.session.idle_timeout_s == 60
    assert store.load_current(local).session.idle_timeout_s == 60
    assert store.summary() == (run.overlay.label, "good", False)  # type: ignore[union-attr]


def test_a_start_that_never_became_healthy_is_rolled_back_and_not_retried(
        store: RemoteConfigStore, local: Config, expect_logs: LogCollector) -> None:
    stage(store, local, doc(1, session={"idle_timeout_s": 60}))
    store.confirm(store.load_for_run(local)[1].etag)
    bad = doc(2, session={"idle_timeout_s": 61})
    stage(store, local, bad)
    _, run = store.load_for_run(local)
    assert run.mode == "trial"
    # ... the app is killed before promotion; the next start:
    config, after = store.load_for_run(local)
    assert after.mode == "good" and after.overlay is not None and after.overlay.version == 1
    assert config.session.idle_timeout_s == 60
    assert store.read_pending() is None
    rolled = store.read_state()["rolled_back"]
    assert rolled["version"] == 2 and "no healthy start in 1 attempt" in rolled["reason"]
    assert any("rolled back to v1" in m for m in expect_logs.messages())
    _, state, warn = store.summary()
    assert warn and "rolled back v2" in state
    assert diagnostic_check(store).level == "warn"
    # the same document again (a sync that lost its ETag) is not staged
    again = stage(store, local, bad)
    assert again is not None and "was rolled back" in again and store.read_pending() is None
    # a newer publication is
    assert stage(store, local, doc(3, session={"idle_timeout_s": 62})) is None
    assert store.read_pending() is not None


def test_a_config_invalid_at_start_is_rolled_back_at_once(
        tmp_config_file: Path, expect_logs: LogCollector) -> None:
    local = load_config(tmp_config_file)
    store = RemoteConfigStore.for_config(local)
    assert stage(store, local, doc(1, sync={"backoff_cap_s": 100})) is None  # fits: base is 1
    # a technician raised the local backoff base since: the staged cap is below it now
    with tmp_config_file.open("a", encoding="utf-8") as fh:
        fh.write("[sync]\nbackoff_base_s = 200\nbackoff_cap_s = 300\n")
    local = load_config(tmp_config_file)
    config, run = store.load_for_run(local)
    assert run.mode == "local" and config == local and store.read_pending() is None
    assert store.read_state()["rolled_back"]["reason"].startswith("invalid at start: sync: Value error")
    assert any("rolled back to the local config file" in m for m in expect_logs.messages())


def test_more_attempts_allow_a_second_start_and_a_clean_exit_does_not_count(
        tmp_config_file: Path, expect_logs: LogCollector) -> None:
    with tmp_config_file.open("a", encoding="utf-8") as fh:
        fh.write("[remote_config]\nmax_attempts = 2\n")
    local = load_config(tmp_config_file)
    store = RemoteConfigStore.for_config(local)
    stage(store, local, doc(1, session={"idle_timeout_s": 60}))
    _, run = store.load_for_run(local)
    runtime = ConfigRuntime(store, run, healthy_s=1)
    runtime.finish(0)  # a technician closed the kiosk cleanly before promotion
    assert store.read_state()["trial"]["attempts"] == 0
    assert store.load_for_run(local)[1].attempt == 1  # killed
    assert store.load_for_run(local)[1].attempt == 2  # killed again
    assert store.load_for_run(local)[1].mode == "local"  # rolled back to the local file
    assert "rolled back v1" in store.summary()[1]


def test_a_newer_document_staged_during_a_trial_waits_for_the_next_start(
        store: RemoteConfigStore, local: Config) -> None:
    stage(store, local, doc(1, session={"idle_timeout_s": 60}))
    _, run = store.load_for_run(local)
    stage(store, local, doc(2, session={"idle_timeout_s": 70}))
    assert store.confirm(run.etag)  # v1 was the one tried
    good, pending = store.good(), store.read_pending()
    assert good is not None and good.version == 1 and pending is not None and pending.version == 2
    assert store.load_for_run(local)[1].overlay.version == 2  # type: ignore[union-attr]


def test_the_running_settings_under_a_new_label_need_no_restart(store: RemoteConfigStore, local: Config
                                                                ) -> None:
    stage(store, local, doc(1, session={"idle_timeout_s": 60}))
    store.confirm(store.load_for_run(local)[1].etag)
    assert stage(store, local, {"version": 2, "settings": {"session": {"idle_timeout_s": 60}},
                                "notice": {"en": "Closed on Monday"}}) is None
    good = store.good()
    assert store.read_pending() is None and good is not None and good.version == 2
    # and an older version than the one running is refused
    problem = stage(store, local, doc(1, session={"idle_timeout_s": 99}))
    assert problem is not None and problem.startswith("version: 1 is older than the running v2")


def test_technician_rollback(store: RemoteConfigStore, local: Config, expect_logs: LogCollector) -> None:
    for v in (1, 2):
        stage(store, local, doc(v, session={"idle_timeout_s": 60 + v}))
        store.confirm(store.load_for_run(local)[1].etag)
    stage(store, local, doc(3, session={"idle_timeout_s": 90}))
    assert store.rollback().startswith("pending v3")
    assert store.read_pending() is None
    assert "v2" in store.rollback() and store.good().version == 1  # type: ignore[union-attr]
    assert store.load_current(local).session.idle_timeout_s == 61
    assert "local config file alone" in store.rollback(to_local=True)
    assert store.good() is None and store.load_current(local) == local


def test_damaged_files_are_ignored_and_temp_files_swept(store: RemoteConfigStore, local: Config,
                                                        expect_logs: LogCollector) -> None:
    stage(store, local, doc(1, session={"idle_timeout_s": 60}))
    store.pending_path.write_text("{not json", encoding="utf-8")
    (store.dir / ".pending.json.4242.tmp").write_bytes(b"half")
    assert store.load_for_run(local) == (local, store.load_for_run(local)[1])
    assert not list(store.dir.glob(".*.tmp"))


# ---------------------------------------------------------------- the running app
def test_runtime_restarts_only_when_idle_after_its_own_trial(store: RemoteConfigStore, local: Config,
                                                             tmp_path: Path) -> None:
    clock = [0.0]
    flag = SessionFlag(tmp_path / "session.active")
    stage(store, local, doc(1, session={"idle_timeout_s": 60}))
    _, run = store.load_for_run(local)
    runtime = ConfigRuntime(store, run, healthy_s=5, session_flag=flag, clock=lambda: clock[0])
    stage(store, local, doc(2, session={"idle_timeout_s": 70}))
    assert not runtime.restart_due()  # its own trial is not confirmed yet
    assert runtime.confirm_started() and not runtime.confirm_started()
    flag.set_active(True)
    assert not runtime.restart_due()  # a citizen is using the terminal
    flag.set_active(False)
    assert not runtime.restart_due()  # rate-limited: the next look is 5 s later
    clock[0] += 5
    assert runtime.restart_due()


def test_runtime_in_maintenance_window_mode_waits_for_the_window(store: RemoteConfigStore, local: Config
                                                                 ) -> None:
    now = [dt.datetime(2026, 11, 25, 14, 0).astimezone()]
    clock = [0.0]
    runtime = ConfigRuntime(store, store.load_for_run(local)[1], healthy_s=1, apply="maintenance_window",
                            window=MaintenanceWindow(dt.time(2), dt.time(5)), clock=lambda: clock[0],
                            now=lambda: now[0], check_every_s=0)
    stage(store, local, doc(1, session={"idle_timeout_s": 60}))
    assert not runtime.restart_due()
    now[0] = dt.datetime(2026, 11, 26, 2, 30).astimezone()
    assert runtime.restart_due()


def test_runtime_travels_through_the_environment(store: RemoteConfigStore, local: Config) -> None:
    stage(store, local, doc(1, session={"idle_timeout_s": 60}))
    _, run = store.load_for_run(local)
    runtime = ConfigRuntime.for_run(local, store, run)
    back = ConfigRuntime.from_env({ENV_VAR: runtime.to_env()})
    assert back is not None and back.run == run and back.healthy_s == local.remote_config.healthy_s
    assert back.session_flag is not None and back.session_flag.path == local.paths.data_dir / "session.active"
    assert back.health_dir == local.paths.data_dir
    assert ConfigRuntime.from_env({}) is None
    assert back.confirm_started() and store.good() == run.overlay


# ---------------------------------------------------------------- through the real sync worker
@pytest.fixture
def backoffice(tmp_path: Path) -> Iterator[ThreadedBackOffice]:
    with ThreadedBackOffice(BackOfficeSettings(db_url=f"sqlite:///{tmp_path / 'bo.sqlite3'}")) as server:
        yield server


@pytest.fixture
def kiosk(tmp_path: Path, backoffice: ThreadedBackOffice) -> Iterator[Kiosk]:
    k = enrolled_kiosk(tmp_path / "kiosk", backoffice.db, backoffice.url, connect_timeout_s=2,
                       read_timeout_s=5)
    yield k
    k.close()


def test_worker_stages_a_published_config_and_reports_it_in_the_heartbeat(
        kiosk: Kiosk, backoffice: ThreadedBackOffice, expect_logs: LogCollector) -> None:
    from kiosk.backoffice.config_docs import publish_config

    worker = build_sync_worker(kiosk.config, kiosk.outbox, build_keyring(kiosk.config))
    store = RemoteConfigStore.for_config(kiosk.config)
    etag, version = publish_config(backoffice.db, {"settings": {"session": {"idle_timeout_s": 45}}}, "admin")
    report = worker.run_once()
    assert report.ok and report.documents_updated == ["config"]
    pending = store.read_pending()
    assert pending is not None and (pending.etag, pending.version) == (etag, version)
    [terminal] = [t for t in backoffice.db.list_terminals() if t.id == kiosk.credentials.terminal_id]
    assert terminal.last_heartbeat is not None and terminal.last_heartbeat.config_state == "local; pending v1"
    # a document the server-side check would refuse, put straight into the database
    backoffice.db.publish_document("config", {"version": 5, "settings": {"sync": {"backoff_base_s": 500}}},
                                   "admin")
    report = worker.run_once(push=False, heartbeat=False)
    assert report.documents_refused == ["config"] and "sync.config_invalid" in report.errors
    assert any("settings.sync" in m for m in expect_logs.messages())
    assert store.read_pending() == pending  # untouched
    worker.send_heartbeat()
    [terminal] = [t for t in backoffice.db.list_terminals() if t.id == kiosk.credentials.terminal_id]
    assert terminal.last_heartbeat is not None
    assert "config refused: settings.sync (v5)" in terminal.last_heartbeat.config_state


# ---------------------------------------------------------------- back office
def test_back_office_refuses_settings_outside_the_allow_list_and_numbers_versions(
        backoffice: ThreadedBackOffice) -> None:
    from kiosk.backoffice.config_docs import publish_config, validate_config_document

    content, problems = validate_config_document({"settings": {"sync": {"url": "https://x.example"}}})
    assert content is None and problems[0].startswith("settings.sync.url: not remotely configurable")
    content, problems = validate_config_document({"settings": {"session": {"idle_timeout_s": 1}}})
    assert content is None and problems == ["settings.session.idle_timeout_s: Input should be greater than 5"]
    assert publish_config(backoffice.db, {"settings": {}}, "admin")[1] == 1
    assert publish_config(backoffice.db, {"version": 1, "settings": {}}, "admin", "t-9")[1] == 2
    assert publish_config(backoffice.db, {"version": 10, "settings": {}}, "admin")[1] == 10


# ---------------------------------------------------------------- CLI
def test_cli_show_pending_check_and_rollback(tmp_config_file: Path, local: Config, store: RemoteConfigStore,
                                             tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             expect_logs: LogCollector) -> None:
    cfg = ["--config", str(tmp_config_file)]
    assert main([*cfg, "config", "show"]) == 0
    assert "the local config file alone" in capsys.readouterr().out
    good = tmp_path / "good.json"
    good.write_text(json.dumps(doc(4, session={"idle_timeout_s": 60})), encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc(5, keyring={"file": "/x"})), encoding="utf-8")
    assert main([*cfg, "config", "check", str(good)]) == 0
    assert main([*cfg, "config", "check", str(bad)]) == 1
    assert "settings.keyring: not remotely configurable" in capsys.readouterr().err
    stage(store, local, json.loads(good.read_text(encoding="utf-8")))
    assert main([*cfg, "config", "pending"]) == 0
    assert "session.idle_timeout_s = 60" in capsys.readouterr().out
    store.confirm(store.load_for_run(local)[1].etag)
    assert main([*cfg, "config", "show", "--json", "--effective"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["good"]["version"] == 4 and shown["effective"]["session"]["idle_timeout_s"] == 60
    # every other command runs on local file + last-known-good
    assert main([*cfg, "config", "rollback"]) == 0
    assert "v4" in capsys.readouterr().out and store.good() is None
    assert main([*cfg, "config", "show"]) == 1  # a rollback is a warning for technicians
    assert "rolled back   v4" in capsys.readouterr().out


def test_the_sync_loop_is_told_when_the_app_promotes_another_config(tmp_config_file: Path) -> None:
    import threading

    from kiosk.cli import _watch_remote_config

    with tmp_config_file.open("a", encoding="utf-8") as fh:
        fh.write("[sync]\npoll_s = 0.5\n")
    local = load_config(tmp_config_file)
    store = RemoteConfigStore.for_config(local)
    stop = threading.Event()
    changed = _watch_remote_config(local, stop)
    try:
        stage(store, local, doc(1, session={"idle_timeout_s": 60}))
        _, run = store.load_for_run(local)
        assert not changed.is_set()  # staged or on trial is not what the sync loop runs on
        store.confirm(run.etag)
        assert changed.wait(10) and stop.is_set()
    finally:
        stop.set()


def test_a_start_that_cannot_count_its_trial_does_not_try_the_pending_config(
        store: RemoteConfigStore, local: Config, expect_logs: LogCollector) -> None:
    stage(store, local, doc(1, session={"idle_timeout_s": 60}))
    store.confirm(store.load_for_run(local)[1].etag)
    stage(store, local, doc(2, session={"idle_timeout_s": 70}))
    (store.dir / ".lock").unlink()
    (store.dir / ".lock").mkdir()  # the state cannot be locked or written (as on a read-only disk)
    config, run = store.load_for_run(local)
    assert run.mode == "good" and run.overlay is not None and run.overlay.version == 1
    assert config.session.idle_timeout_s == 60
    assert store.read_state().get("trial") is None
    assert any("starting without trying a pending config" in m for m in expect_logs.messages())


# ---------------------------------------------------------------- devices on trial
REQUIRED = frozenset({"receipt_printer", "id_card_reader", "camera", "disk"})


def test_a_trial_is_judged_by_the_required_devices_that_were_healthy_before_it() -> None:
    # before the switch the reader was down already (a broken cable): it must not count
    before = DeviceBaseline("", frozenset({"receipt_printer", "camera", "disk", "a4_printer"}), REQUIRED)

    def now(**changed: str) -> PublishedHealth:
        devices = {"receipt_printer": "ok", "id_card_reader": "offline device.idcard.offline",
                   "camera": "ok", "disk": "ok", "a4_printer": "ok"}
        return PublishedHealth(0.0, {**devices, **changed}, REQUIRED)

    assert check_trial_devices(before, now(), final=False).healthy  # the reader was down before
    assert check_trial_devices(before, now(receipt_printer="paper_low device.printer.paper_low"),
                               final=True).healthy  # still usable
    broken = check_trial_devices(before, now(receipt_printer="offline device.printer.offline"), final=False)
    assert broken == DeviceCheck(("receipt_printer",), (), "receipt_printer offline device.printer.offline")
    # an optional device (the A4 printer) that breaks does not count
    assert check_trial_devices(before, now(a4_printer="offline device.printer.offline"), final=True).healthy
    # a device the trial made optional does not count either; "required" is the trial's
    relaxed = PublishedHealth(0.0, {"receipt_printer": "offline x", "camera": "ok", "disk": "ok"},
                              frozenset({"camera", "disk"}))
    assert check_trial_devices(before, relaxed, final=True).healthy
    # not read yet: waited for, then down once the grace is over
    starting = now(camera=f"unknown {STARTING_KEY}", disk="unknown device.not_polled")
    assert check_trial_devices(before, starting, final=False) == DeviceCheck((), ("camera", "disk"))
    late = check_trial_devices(before, starting, final=True)
    assert late.down == ("camera", "disk") and late.detail.startswith("camera unknown device.starting")
    # a status timeout is an answer (unknown, not usable): down without waiting
    assert check_trial_devices(before, now(camera="unknown device.status_timeout"), final=False
                               ).down == ("camera",)
    # nothing published by the trial yet: waited for, then down
    assert check_trial_devices(before, None, final=False).waiting == ("camera", "disk", "receipt_printer")
    assert check_trial_devices(before, None, final=True).detail == "device health not published on trial"
    # without a baseline devices are not judged; with nothing healthy before, nothing counts
    assert check_trial_devices(None, now(receipt_printer="offline x"), final=True).healthy
    assert check_trial_devices(DeviceBaseline("", frozenset(), REQUIRED), None, final=True).healthy


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Running:
    """What ``kiosk run`` keeps of its devices for this test: the real receipt-printer driver
    built from the (effective) config, a reader that could not be opened (the app's
    UnavailableDevice), their monitors, and the health publisher the heartbeat reads."""

    def __init__(self, config: Config) -> None:
        self.printer, _ = build_receipt_printer(config.devices.receipt_printer, config.paths.data_dir)
        reader = UnavailableDevice("device.idcard.offline", "/dev/ttyUSB9: no such port")
        self.health = DeviceHealth({
            "receipt_printer": HealthMonitor("receipt_printer", self.printer, timeout_s=3),
            "id_card_reader": HealthMonitor("id_card_reader", reader),
        })
        self.publisher = HealthPublisher(self.health, config.paths.data_dir)
        self.health.poll_all()  # changes: published

    def stop(self) -> None:
        self.publisher.stop()
        self.printer.close()


@pytest.fixture
def printer_server() -> Iterator[LoopbackPrinterServer]:
    server = LoopbackPrinterServer(EscPosSimulator())
    server.start()
    yield server
    server.stop_listening()


def test_a_trial_that_breaks_a_required_device_is_rolled_back_and_one_down_before_does_not_block(
        tmp_config_file: Path, tmp_path: Path, printer_server: LoopbackPrinterServer,
        expect_logs: LogCollector) -> None:
    with tmp_config_file.open("a", encoding="utf-8") as fh:
        fh.write(f'[devices.receipt_printer]\ndriver = "escpos_network"\nhost = "127.0.0.1"\n'
                 f"port = {printer_server.port}\ntimeout_s = 2\n")
    local = load_config(tmp_config_file)
    store = RemoteConfigStore.for_config(local)
    flag = SessionFlag(tmp_path / "session.active")

    def runtime(run: Any) -> ConfigRuntime:
        return ConfigRuntime(store, run, healthy_s=1, health_dir=local.paths.data_dir, session_flag=flag,
                             check_every_s=0)

    # the running terminal (local file): printer answering, reader down; its ticks keep the baseline
    config, run = store.load_for_run(local)
    first = runtime(run)
    running = _Running(config)
    assert running.health.summary()["receipt_printer"] == "ok"
    assert not first.restart_due()
    baseline = store.read_baseline()
    assert baseline is not None and baseline.healthy == {"receipt_printer"}
    assert baseline.required == {"receipt_printer", "id_card_reader"}
    # a pushed config points the printer at a port nothing answers on: staged, the app restarts
    assert stage(store, local, doc(1, devices={"receipt_printer": {"port": _free_port()}})) is None
    assert first.restart_due()
    running.stop()

    config, run = store.load_for_run(local)
    assert run.mode == "trial" and config.devices.receipt_printer.port != printer_server.port  # type: ignore[union-attr]
    trial = runtime(run)
    running = _Running(config)
    assert running.health.summary()["receipt_printer"] == "offline device.printer.offline"
    assert trial.settle() == "rolled_back" and trial.settle() == "none"
    rolled = store.read_state()["rolled_back"]
    assert rolled["version"] == 1 and rolled["reason"] == (
        "required device(s) down on trial, healthy before: receipt_printer offline device.printer.offline")
    assert store.read_pending() is None and store.good() is None
    assert any("rolled back to the local config file: required device(s) down" in m
               for m in expect_logs.messages())
    _, state, warn = store.summary()  # the heartbeat's config_state
    assert warn and state.startswith("local; rolled back v1: required device(s) down on trial")
    # the rolled-back run keeps no baseline, and restarts onto the good config when idle
    assert not trial.record_baseline() and store.read_baseline() == baseline
    flag.set_active(True)
    assert not trial.restart_due()
    flag.set_active(False)
    assert trial.restart_due()
    running.stop()
    config, run = store.load_for_run(local)
    assert run.mode == "local" and config == local

    # a config that leaves the printer alone is promoted although the reader is still down
    assert stage(store, local, doc(2, session={"idle_timeout_s": 75})) is None
    config, run = store.load_for_run(local)
    assert run.mode == "trial"
    trial = runtime(run)
    running = _Running(config)
    assert trial.settle() == "promoted"
    good = store.good()
    assert good is not None and good.version == 2
    running.stop()


class _Scripted:
    def __init__(self, status: DeviceStatus) -> None:
        self.current = status

    def status(self) -> DeviceStatus:
        return self.current


def test_a_device_not_read_yet_is_waited_for_within_a_grace_then_counts_as_down(
        store: RemoteConfigStore, local: Config, expect_logs: LogCollector) -> None:
    data_dir = local.paths.data_dir
    camera = _Scripted(DeviceStatus(DeviceState.OK))
    health = DeviceHealth({"camera": HealthMonitor("camera", camera)})
    publisher = HealthPublisher(health, data_dir)
    health.poll_all()
    clock = [0.0]
    _, run = store.load_for_run(local)
    ConfigRuntime(store, run, healthy_s=1, health_dir=data_dir).record_baseline()
    assert store.read_baseline() is not None
    publisher.stop()

    stage(store, local, doc(1, session={"idle_timeout_s": 60}))
    _, run = store.load_for_run(local)
    trial = ConfigRuntime(store, run, healthy_s=1, health_dir=data_dir, device_grace_s=30,
                          clock=lambda: clock[0])
    assert trial.settle() == "wait"  # the trial has published nothing yet
    (data_dir / "health.json").write_text(json.dumps({  # a killed predecessor's file is not this run's
        "at": trial._started_wall - 120, "devices": {"camera": "ok"}, "required": ["camera"]}))
    assert trial.settle() == "wait"
    camera.current = DeviceStatus(DeviceState.UNKNOWN, STARTING_KEY, "no frame yet")
    publisher = HealthPublisher(health, data_dir)
    health.poll_all()
    clock[0] = 29.0
    assert trial.settle() == "wait" and trial.awaiting_confirmation
    clock[0] = 30.0
    assert trial.settle() == "rolled_back"
    assert "camera unknown device.starting" in store.read_state()["rolled_back"]["reason"]
    publisher.stop()

    # and one that comes up within the grace is promoted
    stage(store, local, doc(2, session={"idle_timeout_s": 61}))
    _, run = store.load_for_run(local)
    clock[0] = 0.0
    trial = ConfigRuntime(store, run, healthy_s=1, health_dir=data_dir, device_grace_s=30,
                          clock=lambda: clock[0])
    publisher = HealthPublisher(health, data_dir)
    health.poll_all()
    assert trial.settle() == "wait"
    camera.current = DeviceStatus(DeviceState.OK)
    health.poll_all()
    clock[0] = 5.0
    assert trial.settle() == "promoted"
    publisher.stop()


def test_the_device_grace_is_the_local_config_s_and_reaches_the_ui_process(
        tmp_config_file: Path) -> None:
    text = tmp_config_file.read_text("utf-8")
    if "[remote_config]" in text:
        text = text.replace("[remote_config]", "[remote_config]\ndevice_grace_s = 15")
    else:
        text += "\n[remote_config]\ndevice_grace_s = 15\n"
    tmp_config_file.write_text(text, "utf-8")
    config = load_config(tmp_config_file)
    store = RemoteConfigStore.for_config(config)
    _, run = store.load_for_run(config)
    runtime = ConfigRuntime.for_run(config, store, run)
    assert runtime.device_grace_s == 15
    passed = ConfigRuntime.from_env({ENV_VAR: runtime.to_env()})
    assert passed is not None and passed.device_grace_s == 15
    with pytest.raises(ConfigError, match="device_grace_s"):
        load_config(_with(tmp_config_file, "device_grace_s = 15", "device_grace_s = -1"))


def _with(path: Path, old: str, new: str) -> Path:
    path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")
    return path
