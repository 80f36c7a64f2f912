"""Remote config end to end with real processes (issue 7): ``kiosk backoffice`` serves, ``kiosk
backoffice publish-config`` publishes, ``kiosk sync --once`` pulls and stages, ``kiosk run`` (the
real Qt UI, offscreen) restarts itself into the new config and promotes it once healthy; a start
killed before promotion is rolled back by the next start, which keeps serving; an invalid
document is refused; a kill -9 in the middle of staging leaves the previous state.

The test plays systemd: it receives READY on a notify socket and restarts a killed kiosk.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.sync_harness import REPO, BackOfficeProcess, wait_until
from kiosk.backoffice.db import BackOfficeDB
from kiosk.config import load_config
from kiosk.devices.printer.simulated import EscPosSimulator, LoopbackPrinterServer
from kiosk.remote_config import Overlay, RemoteConfigStore

UI_START_S = 120  # a cold start of the real UI on a loaded 2-core machine, with margin


def kiosk_cmd(config: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "kiosk.cli", "--config", str(config), *args]


def run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=120, check=False)


class FakeSystemd:
    """The receiving end of ``$NOTIFY_SOCKET`` (a short path: unix socket names are limited)."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="rc-", dir="/tmp"))
        self.address = self.dir / "notify"
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(self.address))
        self.sock.setblocking(False)
        self.messages: list[str] = []

    def readies(self) -> int:
        while True:
            try:
                self.messages.append(self.sock.recv(4096).decode())
            except BlockingIOError:
                break
        return sum(1 for m in self.messages if "READY=1" in m.splitlines())

    def close(self) -> None:
        self.sock.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class KioskProcess:
    """``kiosk run`` offscreen, with the fake systemd's socket."""

    def __init__(self, config: Path, systemd: FakeSystemd, log: Path) -> None:
        self.config = config
        self.systemd = systemd
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> KioskProcess:
        env = dict(os.environ, NOTIFY_SOCKET=str(self.systemd.address), QT_QPA_PLATFORM="offscreen",
                   QT_QUICK_BACKEND="software")
        env.pop("WATCHDOG_USEC", None)
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(kiosk_cmd(self.config, "run", "--window"), cwd=REPO, env=env,
                                         stdout=out, stderr=subprocess.STDOUT)
        return self

    def wait_ready(self, count: int) -> None:
        def ready() -> bool:
            assert self.proc is not None and self.proc.poll() is None, self.tail()
            return self.systemd.readies() >= count

        wait_until(ready, UI_START_S, interval=0.1, what=f"READY #{count}")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        assert self.proc.wait(30) == -signal.SIGKILL

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def tail(self, n: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-n:] if self.log.exists() else ""


class Terminal:
    """A terminal's config and data (demo profile: simulated devices), enrolled with a back office
    process; documents published through ``kiosk backoffice publish-config``. (``kiosk run`` on
    the demo profile also tries to start its own local back office on ``[sync] url``: that port
    is the back office process's, so it logs "demo back office not started" and runs without.)"""

    def __init__(self, root: Path, backoffice: BackOfficeProcess, *, healthy_s: float,
                 devices: str = "") -> None:
        self.root = root
        self.backoffice = backoffice
        self.config = root / "kiosk.toml"
        self.devices = devices  # [devices.*] tables of the local file (default: the demo's simulators)
        secret = root / "secret" / "master.key"
        secret.parent.mkdir(parents=True, mode=0o700)
        secret.write_bytes(os.urandom(32))
        secret.chmod(0o600)
        self.write_config(healthy_s)
        code, _ = self.db().create_enrolment_code("rc-terminal-01", created_by="test")
        enrolled = run(kiosk_cmd(self.config, "enroll", "--code", code))
        assert enrolled.returncode == 0, enrolled.stderr

    def write_config(self, healthy_s: float) -> None:
        data = self.root / "data"
        self.config.write_text(f"""profile = "demo"
[terminal]
id = "rc-terminal-01"
[paths]
data_dir = "{data}"
log_file = "{data / 'logs' / 'kiosk.log'}"
[keyring]
file = "{data / 'keyring' / 'kiosk-keyring.cfg'}"
master_secret_file = "{self.root / 'secret' / 'master.key'}"
[sync]
url = "http://127.0.0.1:{self.backoffice.port}"
connect_timeout_s = 5
read_timeout_s = 20
[remote_config]
healthy_s = {healthy_s}
{self.devices}""", encoding="utf-8")

    def db(self) -> BackOfficeDB:
        return BackOfficeDB(self.backoffice.db_url)

    def store(self) -> RemoteConfigStore:
        return RemoteConfigStore.for_config(load_config(self.config))

    def publish(self, content: dict[str, Any]) -> subprocess.CompletedProcess[str]:
        path = self.root / "published.json"
        path.write_text(json.dumps(content), encoding="utf-8")
        return run(kiosk_cmd(self.config, "backoffice", "--db", self.backoffice.db_url, "--staff", "alice",
                             "publish-config", str(path)))

    def sync_once(self) -> subprocess.CompletedProcess[str]:
        return run(kiosk_cmd(self.config, "sync", "--once"))

    def heartbeat_config(self) -> tuple[str, str]:
        db = self.db()
        try:
            [terminal] = [t for t in db.list_terminals() if t.id == "rc-terminal-01"]
        finally:
            db.close()
        assert terminal.last_heartbeat is not None
        return terminal.last_heartbeat.config_version, terminal.last_heartbeat.config_state

    def kiosk(self, systemd: FakeSystemd) -> KioskProcess:
        return KioskProcess(self.config, systemd, self.root / "kiosk-run.log")


@pytest.fixture
def backoffice(tmp_path: Path) -> Iterator[BackOfficeProcess]:
    server = BackOfficeProcess(f"sqlite:///{tmp_path / 'backoffice.sqlite3'}", tmp_path)
    server.start()
    yield server
    server.kill()


@pytest.fixture
def systemd() -> Iterator[FakeSystemd]:
    fake = FakeSystemd()
    yield fake
    fake.close()


@pytest.fixture
def kiosks() -> Iterator[list[KioskProcess]]:
    started: list[KioskProcess] = []
    yield started
    for k in started:
        k.stop()


def test_published_config_is_pulled_applied_by_a_self_restart_and_promoted(
        tmp_path: Path, backoffice: BackOfficeProcess, systemd: FakeSystemd,
        kiosks: list[KioskProcess]) -> None:
    term = Terminal(tmp_path / "kiosk", backoffice, healthy_s=1)
    kiosk = term.kiosk(systemd).start()
    kiosks.append(kiosk)
    kiosk.wait_ready(1)
    pid = kiosk.proc.pid  # type: ignore[union-attr]
    assert term.store().good() is None

    published = term.publish({"settings": {"session": {"idle_timeout_s": 75}, "sync": {"poll_s": 12}}})
    assert published.returncode == 0 and "config v1 published" in published.stdout, published.stderr
    synced = term.sync_once()
    assert synced.returncode == 0 and "documents config" in synced.stdout, synced.stdout + synced.stderr
    pending = term.store().read_pending()
    assert pending is not None and pending.version == 1

    # the running kiosk (no session active) restarts itself into it: a second READY, same PID
    kiosk.wait_ready(2)
    assert kiosk.alive() and kiosk.proc.pid == pid  # type: ignore[union-attr]

    def promoted() -> bool:
        # the decision (state.json) is written first, the pending file cleared after it
        good = term.store().good()
        return good is not None and good.version == 1 and term.store().read_pending() is None

    wait_until(promoted, 60, interval=0.1, what="promotion after a healthy start")
    assert kiosk.alive()
    log = (tmp_path / "kiosk" / "data" / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "restarting to apply remote config v1" in log
    assert "starting on remote config v1" in log and "promoted to last-known-good" in log

    shown = run(kiosk_cmd(term.config, "config", "show", "--json", "--effective"))
    assert shown.returncode == 0, shown.stderr
    status = json.loads(shown.stdout)
    assert status["state"] == "good" and status["effective"]["session"]["idle_timeout_s"] == 75
    assert status["effective"]["sync"]["poll_s"] == 12

    assert term.sync_once().returncode == 0  # a fresh sync process: its heartbeat goes out at once
    version, state = term.heartbeat_config()
    assert version.startswith("v1 ") and state == "good"


def test_a_start_killed_before_promotion_is_rolled_back_and_the_kiosk_keeps_serving(
        tmp_path: Path, backoffice: BackOfficeProcess, systemd: FakeSystemd,
        kiosks: list[KioskProcess]) -> None:
    term = Terminal(tmp_path / "kiosk", backoffice, healthy_s=1)
    # a last-known-good v1, tried and promoted by a real start
    assert term.publish({"settings": {"session": {"idle_timeout_s": 75}}}).returncode == 0
    assert term.sync_once().returncode == 0
    first = term.kiosk(systemd).start()
    kiosks.append(first)
    first.wait_ready(1)
    wait_until(lambda: term.store().good() is not None, 60, interval=0.1, what="v1 promoted")
    first.stop()

    # v2 is valid by schema; this time the start dies before it is promoted
    term.write_config(healthy_s=600)
    assert term.publish({"settings": {"session": {"idle_timeout_s": 95}}}).returncode == 0
    assert term.sync_once().returncode == 0
    pending = term.store().read_pending()
    assert pending is not None and pending.version == 2
    second = term.kiosk(systemd).start()
    kiosks.append(second)
    second.wait_ready(2)
    assert term.store().read_state()["trial"]["attempts"] == 1  # counted before it ran
    second.kill9()

    # systemd restarts it: the next start rolls back to v1 and serves
    third = term.kiosk(systemd).start()
    kiosks.append(third)
    third.wait_ready(3)
    store = term.store()
    good = store.good()
    assert good is not None and good.version == 1 and store.read_pending() is None
    assert store.read_state()["rolled_back"]["version"] == 2 and third.alive()
    log = (tmp_path / "kiosk" / "data" / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "remote config v2" in log and "rolled back to v1" in log and "running on remote config v1" in log

    # reported: heartbeat, `kiosk config show` (exit 1: a warning for technicians)
    synced = term.sync_once()
    assert synced.returncode == 0, synced.stdout + synced.stderr  # v2 is not fetched or staged again
    assert term.store().read_pending() is None
    version, state = term.heartbeat_config()
    assert version.startswith("v1 ") and "rolled back v2: no healthy start in 1 attempt(s)" in state
    shown = run(kiosk_cmd(term.config, "config", "show"))
    assert shown.returncode == 1 and "rolled back   v2" in shown.stdout

    # a newer publication is staged again
    assert term.publish({"settings": {"session": {"idle_timeout_s": 96}}}).returncode == 0
    assert term.sync_once().returncode == 0
    pending = term.store().read_pending()
    assert pending is not None and pending.version == 3


def test_a_config_that_breaks_a_required_device_is_rolled_back_but_one_down_before_does_not_block(
        tmp_path: Path, backoffice: BackOfficeProcess, systemd: FakeSystemd,
        kiosks: list[KioskProcess]) -> None:
    # the terminal's receipt printer is a network ESC/POS printer (the simulator, on loopback in
    # this process); its ID-card reader's serial port does not exist (down before any remote
    # config: the real GA 467 driver fails to open it)
    printer = LoopbackPrinterServer(EscPosSimulator())
    printer.start()
    try:
        with socket.socket() as probe:  # a port nothing listens on
            probe.bind(("127.0.0.1", 0))
            dead_port = probe.getsockname()[1]
        devices = f"""[devices.receipt_printer]
driver = "escpos_network"
host = "127.0.0.1"
port = {printer.port}
timeout_s = 2
[devices.idcard]
driver = "ga467_serial"
port = "{tmp_path / 'no-such-tty'}"
"""
        term = Terminal(tmp_path / "kiosk", backoffice, healthy_s=3, devices=devices)
        kiosk = term.kiosk(systemd).start()
        kiosks.append(kiosk)
        kiosk.wait_ready(1)
        pid = kiosk.proc.pid  # type: ignore[union-attr]

        def baseline_has_printer() -> bool:
            baseline = term.store().read_baseline()
            return baseline is not None and "receipt_printer" in baseline.healthy

        wait_until(baseline_has_printer, 60, interval=0.2, what="the running config's device baseline")
        baseline = term.store().read_baseline()
        assert baseline is not None and "id_card_reader" not in baseline.healthy
        assert "id_card_reader" in baseline.required

        # v1 points the printer at a dead port: valid by schema, staged, the kiosk restarts into it
        broken = {"settings": {"devices": {"receipt_printer": {"port": dead_port}}}}
        assert term.publish(broken).returncode == 0
        assert term.sync_once().returncode == 0
        pending = term.store().read_pending()
        assert pending is not None and pending.version == 1
        kiosk.wait_ready(2)
        # healthy_s later the printer is offline on trial: rolled back, and a restart onto the local file
        kiosk.wait_ready(3)
        assert kiosk.alive() and kiosk.proc.pid == pid  # type: ignore[union-attr]
        store = term.store()
        rolled = store.read_state()["rolled_back"]
        assert rolled["version"] == 1 and rolled["reason"] == (
            "required device(s) down on trial, healthy before: "
            "receipt_printer offline device.printer.offline")
        assert store.read_pending() is None and store.good() is None
        log = (tmp_path / "kiosk" / "data" / "logs" / "kiosk.log").read_text(encoding="utf-8")
        assert "starting on remote config v1" in log and "promoted to last-known-good" not in log
        assert "rolled back to the local config file: required device(s) down on trial" in log
        assert "restarting on the last-known-good config" in log
        # reported: the heartbeat (the staff pages flag it), `kiosk config show`
        assert term.sync_once().returncode == 0
        version, state = term.heartbeat_config()
        assert version == "" and state.startswith("local; rolled back v1: required device(s) down on trial")
        shown = run(kiosk_cmd(term.config, "config", "show"))
        assert shown.returncode == 1 and "rolled back   v1" in shown.stdout
        # the kiosk serves on the local file again: its printer answers (the published health)
        wait_until(lambda: (term.root / "data" / "health.json").exists(), 60, interval=0.2,
                   what="the restarted kiosk's device health")
        wait_until(lambda: json.loads((term.root / "data" / "health.json").read_text())["devices"]
                   .get("receipt_printer") == "ok", 60, interval=0.2, what="the printer answering again")

        # v2 leaves the devices alone: promoted, although the reader is still down
        assert term.publish({"settings": {"session": {"idle_timeout_s": 75}}}).returncode == 0
        assert term.sync_once().returncode == 0
        kiosk.wait_ready(4)

        def promoted() -> bool:
            good = term.store().good()
            return good is not None and good.version == 2

        wait_until(promoted, 60, interval=0.1, what="promotion with the reader down as before")
        assert term.store().read_state()["rolled_back"]["version"] == 1 and kiosk.alive()
    finally:
        printer.stop_listening()


def test_a_systemd_stop_during_a_trial_is_a_clean_exit_and_not_a_failed_start(
        tmp_path: Path, backoffice: BackOfficeProcess, systemd: FakeSystemd,
        kiosks: list[KioskProcess]) -> None:
    term = Terminal(tmp_path / "kiosk", backoffice, healthy_s=600)  # no promotion in this test
    assert term.publish({"settings": {"session": {"idle_timeout_s": 75}}}).returncode == 0
    assert term.sync_once().returncode == 0
    first = term.kiosk(systemd).start()
    kiosks.append(first)
    first.wait_ready(1)
    assert term.store().read_state()["trial"]["attempts"] == 1
    assert first.proc is not None
    first.proc.send_signal(signal.SIGTERM)  # `systemctl stop`, a reboot
    assert first.proc.wait(60) == 0, first.tail()  # the devices and the outbox closed, exit 0

    # the next start tries v1 again instead of rolling it back
    second = term.kiosk(systemd).start()
    kiosks.append(second)
    second.wait_ready(2)
    store = term.store()
    assert store.read_pending() is not None and store.read_pending().version == 1  # type: ignore[union-attr]
    assert "rolled_back" not in store.read_state()


def test_an_invalid_document_is_refused_and_nothing_changes(tmp_path: Path, backoffice: BackOfficeProcess
                                                            ) -> None:
    term = Terminal(tmp_path / "kiosk", backoffice, healthy_s=1)
    # the back office refuses what its allow-list forbids, naming the key path
    secret = term.publish({"settings": {"keyring": {"master_secret_file": "/tmp/x"}}})
    assert secret.returncode == 2 and "settings.keyring: not remotely configurable" in secret.stderr
    # this one passes key by key, but not over the terminal's file (backoff base above its cap)
    assert term.publish({"settings": {"sync": {"backoff_base_s": 500}}}).returncode == 0
    synced = term.sync_once()
    assert synced.returncode == 1 and "(refused: config)" in synced.stdout
    store = term.store()
    assert store.read_pending() is None and store.good() is None
    refused = store.read_refused()
    assert refused is not None and refused["key_path"] == "settings.sync"
    version, state = term.heartbeat_config()
    assert version == "" and state == "local; config refused: settings.sync (v1)"
    diag = run(kiosk_cmd(term.config, "diag", "--json"))
    [check] = [c for c in json.loads(diag.stdout)["checks"] if c["id"] == "config.remote"]
    assert check["level"] == "warn" and "config refused: settings.sync" in check["summary"]
    shown = run(kiosk_cmd(term.config, "config", "show"))
    assert shown.returncode == 1 and "settings.sync: Value error, backoff_cap_s" in shown.stdout


WRITER = r"""
import sys
from pathlib import Path
from kiosk.remote_config import Overlay, RemoteConfigStore

store = RemoteConfigStore(Path(sys.argv[1]))
version = int(sys.argv[2])
while True:
    version += 1
    codes = [f"{version:06d}-{i:06d}" for i in range(60_000)]  # ~1 MB of JSON
    store.write_pending(Overlay(version, f'"e{version}"', {"terminal": {"services": codes}}))
    sys.stdout.write(f"{version}\n")
    sys.stdout.flush()
"""


def test_kill_9_while_staging_leaves_the_previous_or_the_new_pending_never_a_torn_one(tmp_path: Path) -> None:
    directory = tmp_path / "remote-config"
    store = RemoteConfigStore(directory)
    rng = random.Random(7)
    acknowledged = 0
    torn_writes = 0
    for _ in range(10):
        left_before = set(directory.glob(".*.tmp"))  # temp files of writers killed earlier
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(directory), str(acknowledged)],
                                  cwd=REPO, stdout=subprocess.PIPE, text=True)
        assert writer.stdout is not None
        for _ in range(rng.randrange(1, 3)):
            acknowledged = int(writer.stdout.readline())

        def writing(w: subprocess.Popen[str] = writer, known: set[Path] = left_before) -> bool:
            return bool(set(directory.glob(".*.tmp")) - known) or w.poll() is not None

        wait_until(writing, 30, interval=0.001, what="the next write under way")
        time.sleep(rng.uniform(0, 0.004))  # the kill moment: inside that write or just after it
        writer.send_signal(signal.SIGKILL)
        writer.wait(10)
        writer.stdout.close()
        torn_writes += bool(set(directory.glob(".*.tmp")) - left_before)
        pending = store.read_pending()
        assert pending is not None and pending.version >= acknowledged
        expected = [f"{pending.version:06d}-{i:06d}" for i in range(60_000)]
        assert pending == Overlay(pending.version, f'"e{pending.version}"',
                                  {"terminal": {"services": expected}})
        acknowledged = pending.version
    assert torn_writes >= 3, "the kills never landed in the middle of a write"
    # the next start sweeps what the killed writers left behind and runs on the complete file
    _, run_info = store.load_for_run(load_config(None, "demo"))
    assert run_info.mode == "trial" and run_info.overlay is not None
    assert run_info.overlay.version == acknowledged and not list(directory.glob(".*.tmp"))
