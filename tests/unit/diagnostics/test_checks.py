"""run_checks → DiagReport: levels, exit code, redaction, table/JSON renderings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.devices.status import DeviceState, DeviceStatus
from kiosk.diagnostics import (
    DeviceErrorHistory,
    Level,
    LinkResult,
    Thresholds,
    exit_code,
    link_test_from,
    render_table,
    run_checks,
    to_json,
)
from kiosk.diagnostics.checks import DiskUsage, check_sync, read_meminfo, tail_lines
from kiosk.diagnostics.report import from_dict
from kiosk.errors import KnownError
from kiosk.log import SessionSecrets
from kiosk.store.outbox import Outbox
from tests.conftest import LogCollector
from tests.factories import StepClock, make_submission
from tests.unit.diagnostics.conftest import FakeDevices

GB = 1024**3
ID_NUMBER = "360426199101010071"


def plenty(_: Path) -> DiskUsage:
    return DiskUsage(100 * GB, 50 * GB, 50 * GB)


def meminfo() -> dict[str, int]:
    return {"MemTotal": 4 * GB, "MemAvailable": 2 * GB}


def ok_link() -> LinkResult:
    return LinkResult(True, 12.5)


def base(**kw: object) -> dict[str, object]:
    args: dict[str, object] = {"terminal_id": "hall-1", "disk_usage": plenty, "meminfo": meminfo,
                               "rss": lambda: 150 * 1024 * 1024, "catalog_version": "2026.11.1",
                               "link_test": ok_link}
    args.update(kw)
    return args


def test_all_green(devices: FakeDevices, outbox: Outbox, tmp_path: Path) -> None:
    report = run_checks(**base(health=devices.health, outbox=outbox, data_dir=tmp_path,
                               sync_status={"last_ok_at": "2026-11-25T09:00:00+00:00", "last_error": None}))
    assert exit_code(report) == 0 and report.ok
    ids = [c.id for c in report.checks]
    assert ids[:4] == ["device.id_card_reader", "device.camera", "device.receipt_printer",
                       "device.a4_printer"]
    assert {"queue", "store.integrity", "sync", "link", "disk", "memory", "versions"} <= set(ids)
    assert all(c.level is Level.OK for c in report.checks), [(c.id, c.level) for c in report.checks]
    table = render_table(report)
    assert "all required checks passed" in table and "catalogue 2026.11.1" in table
    # JSON for machines, and it reads back to the same report
    assert from_dict(json.loads(to_json(report))) == report


def test_required_device_down_fails_optional_only_warns(devices: FakeDevices, outbox: Outbox,
                                                        tmp_path: Path, expect_logs: LogCollector) -> None:
    devices.sources["a4_printer"][0].current = DeviceStatus(DeviceState.OFFLINE, "device.printer.offline")
    report = run_checks(**base(health=devices.health, outbox=outbox, data_dir=tmp_path))
    a4 = report.check("device.a4_printer")
    assert a4 is not None and a4.level is Level.WARN and not a4.required
    assert exit_code(report) == 0
    devices.sources["camera"][0].current = DeviceStatus(DeviceState.UNKNOWN, "device.status_timeout",
                                                        "no frame")
    report = run_checks(**base(health=devices.health, outbox=outbox, data_dir=tmp_path))
    assert exit_code(report) == 1
    assert [c.id for c in report.failures] == ["device.camera"]
    assert "OUT OF SERVICE: device.camera" in render_table(report)


def test_paper_low_is_a_warning() -> None:
    from tests.unit.diagnostics.conftest import FakeDevice

    devs = FakeDevices({"receipt_printer": (FakeDevice(DeviceStatus(DeviceState.PAPER_LOW,
                                                                     "device.printer.paper_low")), True)})
    report = run_checks(**base(health=devs.health))
    check = report.check("device.receipt_printer")
    assert check is not None and check.level is Level.WARN and check.key == "device.printer.paper_low"
    assert exit_code(report) == 0


def test_link_failure_fails(devices: FakeDevices) -> None:
    def offline() -> object:
        raise KnownError("sync.offline", "connection refused")

    report = run_checks(**base(health=devices.health, link_test=link_test_from(offline)))
    link = report.check("link")
    assert link is not None and link.level is Level.FAIL and link.value("error") == "sync.offline"
    assert exit_code(report) == 1
    ticks = iter([1.0, 1.25])
    timed = link_test_from(lambda: True, clock=lambda: next(ticks))()
    assert timed == LinkResult(True, 250.0)
    assert not link_test_from(lambda: False)().ok
    assert run_checks(**base(health=devices.health, link_test=None)).check("link").level is Level.SKIPPED


def test_queue_depth_and_oldest_unsent(devices: FakeDevices, outbox: Outbox, clock: StepClock) -> None:
    outbox.enqueue(make_submission(1))
    clock.advance(minutes=30)
    outbox.enqueue(make_submission(0))
    clock.advance(hours=1)
    report = run_checks(**base(health=devices.health, outbox=outbox, now=clock))
    queue = report.check("queue")
    assert queue is not None
    assert queue.value("unsent") == 2 and queue.value("oldest_unsent_age_s") == 5400.0
    assert queue.level is Level.WARN and queue.key == "diag.queue_stale"
    assert queue.value("status.queued") == 2
    assert report.generated_at == "2026-11-25T11:00:00+00:00"


def test_store_unavailable_is_required(devices: FakeDevices) -> None:
    report = run_checks(**base(health=devices.health, outbox=None,
                               outbox_error=KnownError("store.key_unavailable", "no key")))
    store = report.check("store")
    assert store is not None and store.failed_required and store.key == "store.key_unavailable"


def test_integrity_failure(devices: FakeDevices) -> None:
    class Corrupt:
        def stats(self) -> dict[str, object]:
            return {"unsent": 0, "parked": 0, "oldest_unsent_age_s": None, "by_status": {}}

        def integrity_check(self) -> str:
            return "*** in database main ***\nPage 5: btreeInitPage() returns error code 11"

    report = run_checks(**base(health=devices.health, outbox=Corrupt()))
    check = report.check("store.integrity")
    assert check is not None and check.failed_required and check.key == "diag.integrity_failed"


@pytest.mark.parametrize(("free_gb", "level"), [(50, Level.OK), (0.5, Level.WARN), (0.1, Level.FAIL)])
def test_disk_thresholds(tmp_path: Path, free_gb: float, level: Level) -> None:
    def usage(_: Path) -> DiskUsage:
        free = int(free_gb * GB)
        return DiskUsage(100 * GB, 100 * GB - free, free)

    report = run_checks(**base(data_dir=tmp_path / "not" / "yet", disk_usage=usage,
                               thresholds=Thresholds(disk_fail_mb=200, disk_warn_mb=1024)))
    disk = report.check("disk")
    assert disk is not None and disk.level is level and disk.value("path") == str(tmp_path)
    assert [c.id for c in report.failures] == (["devices", "disk"] if level is Level.FAIL else ["devices"])


def test_memory_from_proc_format(tmp_path: Path) -> None:
    fake = tmp_path / "meminfo"
    fake.write_text("MemTotal:        4000000 kB\nMemFree:  100 kB\nMemAvailable:     200000 kB\n")
    info = read_meminfo(fake)
    assert info["MemAvailable"] == 200000 * 1024
    report = run_checks(**base(meminfo=lambda: info))
    memory = report.check("memory")
    assert memory is not None and memory.level is Level.WARN and memory.key == "diag.memory_low"
    assert read_meminfo(tmp_path / "missing") == {}
    assert run_checks(**base(meminfo=dict)).check("memory").level is Level.SKIPPED
    assert read_meminfo()["MemTotal"] > 0  # the real /proc works here


def test_sync_status_levels() -> None:
    assert check_sync(None, None).level is Level.SKIPPED
    assert check_sync({}, None).level is Level.WARN
    ok = check_sync({"last_ok_at": "2026-11-25T10:00:00+00:00",
                     "last_error": "2026-11-25T09:00:00+00:00 sync.offline"}, None)
    assert ok.level is Level.OK
    bad = check_sync({"last_ok_at": "2026-11-25T08:00:00+00:00",
                      "last_error": "2026-11-25T09:00:00+00:00 sync.offline"}, None)
    assert bad.level is Level.WARN and "sync.offline" in bad.summary


def test_everything_is_redacted(devices: FakeDevices, expect_logs: LogCollector) -> None:
    secrets = SessionSecrets()
    secrets.add(["张三丰"])
    devices.sources["camera"][0].current = DeviceStatus(
        DeviceState.FAULT, "device.camera.fault", f"card {ID_NUMBER} stuck, call 13800138000")
    report = run_checks(**base(
        health=devices.health, secrets=secrets,
        sync_status={"last_ok_at": None, "last_error": f"2026-11-25 rejected {ID_NUMBER}"},
        log_lines=[f"INFO kiosk.journey: read card {ID_NUMBER} of 张三丰", "INFO ok line"]))
    rendered = to_json(report) + render_table(report)
    for value in (ID_NUMBER, "13800138000", "张三丰"):
        assert value not in rendered
    assert report.log_lines[1] == "INFO ok line" and "[redacted]" in report.log_lines[0]


def test_last_error_survives_recovery(devices: FakeDevices, clock: StepClock,
                                      expect_logs: LogCollector) -> None:
    history = DeviceErrorHistory(now=clock).attach(devices.health)
    reader = devices.sources["id_card_reader"][0]
    reader.current = DeviceStatus(DeviceState.OFFLINE, "device.idcard.offline", "/dev/kiosk-idcard missing")
    devices.health.poll_all()
    clock.advance(minutes=5)
    reader.current = DeviceStatus(DeviceState.OK)
    report = run_checks(**base(health=devices.health, history=history))
    check = report.check("device.id_card_reader")
    assert check is not None and check.level is Level.OK
    assert check.value("last_error") == "offline device.idcard.offline"
    assert check.value("last_error_at") == "2026-11-25T09:30:00+00:00"


def test_tail_lines(tmp_path: Path) -> None:
    log = tmp_path / "kiosk.log"
    log.write_text("".join(f"line {i}\n" for i in range(1000)))
    assert tail_lines(log, 3) == ["line 997", "line 998", "line 999"]
    assert tail_lines(tmp_path / "none.log", 3) == []
    assert tail_lines(None, 3) == []
