"""The pieces behind fault detection (issue 7): the data-disk monitor, monitors added after
listeners subscribed, the health file the app publishes for ``kiosk sync``, and the sync
check's last-success age."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import NamedTuple

from kiosk.devices.health import (
    DISK,
    DISK_LOW_KEY,
    DeviceHealth,
    HealthMonitor,
    HealthPublisher,
    disk_monitor,
    read_published,
)
from kiosk.devices.status import DeviceState, DeviceStatus
from kiosk.diagnostics import Level, run_checks
from kiosk.diagnostics.checks import check_sync
from tests.conftest import LogCollector
from tests.unit.diagnostics.conftest import FakeDevice

MB = 1024 * 1024


class Usage(NamedTuple):
    total: int
    used: int
    free: int


class FakeDisk:
    """A typed ``shutil.disk_usage`` stand-in the test fills and empties."""

    def __init__(self, free_mb: int) -> None:
        self.free_mb = free_mb

    def __call__(self, _path: Path) -> Usage:
        return Usage(10_000 * MB, (10_000 - self.free_mb) * MB, self.free_mb * MB)


def test_disk_monitor_fails_below_the_threshold_and_recovers(tmp_path: Path,
                                                              expect_logs: LogCollector) -> None:
    disk = FakeDisk(500)
    monitor = disk_monitor(tmp_path / "data", fail_mb=200, usage=disk)
    assert monitor.required and monitor.name == DISK
    assert monitor.poll_once().state is DeviceState.OK
    disk.free_mb = 150
    low = monitor.poll_once()
    assert low.state is DeviceState.FAULT and low.reason == DISK_LOW_KEY and not low.usable
    assert "200 MB" in low.detail
    assert expect_logs.messages() == ["device disk is fault (device.disk.low) below 200 MB free"]
    disk.free_mb = 149  # the detail names the threshold, not the figure: no new change
    seen: list[str] = []
    monitor.subscribe(lambda name, old, new: seen.append(new.state.value))
    monitor.poll_once()
    assert seen == []
    disk.free_mb = 800
    assert monitor.poll_once().usable and seen == ["ok"]


def test_a_monitor_added_later_gets_every_listener(tmp_path: Path, expect_logs: LogCollector) -> None:
    health = DeviceHealth({"camera": HealthMonitor("camera", FakeDevice(), interval_s=60)})
    changes: list[tuple[str, str]] = []
    health.subscribe(lambda name, old, new: changes.append((name, new.state.value)))
    disk = FakeDisk(50)
    health.add(disk_monitor(tmp_path, fail_mb=200, usage=disk))
    health.poll_all()
    assert ("disk", "fault") in changes and ("camera", "ok") in changes
    assert health.required_down() == [DISK]
    assert health.summary()[DISK] == f"fault {DISK_LOW_KEY}"
    assert any("device disk is fault" in m for m in expect_logs.messages())


def test_published_health_reaches_another_process_with_its_age(tmp_path: Path,
                                                                expect_logs: LogCollector) -> None:
    wall = [1000.0]
    camera = FakeDevice()
    health = DeviceHealth({"camera": HealthMonitor("camera", camera, interval_s=60)})
    publisher = HealthPublisher(health, tmp_path, wall=lambda: wall[0])
    health.poll_all()  # NOT_POLLED -> ok: a change, written
    camera.current = DeviceStatus(DeviceState.OFFLINE, "device.camera.offline", "/dev/video0 gone")
    health.poll_all()
    wall[0] = 1012.5
    published = read_published(tmp_path, wall=lambda: wall[0])
    assert published is not None
    devices, age = published
    assert devices == {"camera": "offline device.camera.offline"}  # no detail: it may name paths
    assert age == 12.5
    raw = json.loads((tmp_path / "health.json").read_text())
    assert "/dev/video0" not in json.dumps(raw)
    assert any("camera is offline" in m for m in expect_logs.messages())
    publisher.stop()
    assert read_published(tmp_path) is None  # the app stopped: nothing stale is reported


def test_sync_check_shows_the_outage_and_the_last_success_age() -> None:
    now = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
    down = check_sync({"last_ok_at": "2026-11-25T09:50:00+00:00",
                       "last_error": "2026-11-25T09:59:30+00:00 sync.offline"}, None, now)
    assert down.level is Level.WARN and down.key == "diag.sync_error"
    assert "sync.offline" in down.summary and "10 min ago" in down.summary
    assert down.value("last_ok_age_s") == 600.0
    back = check_sync({"last_ok_at": "2026-11-25T09:59:50+00:00",
                       "last_error": "2026-11-25T09:59:30+00:00 sync.offline"}, None, now)
    assert back.level is Level.OK
    assert "last failure 30 s ago: sync.offline" in back.summary


def test_disk_check_says_new_applications_stopped(tmp_path: Path, expect_logs: LogCollector) -> None:
    report = run_checks(terminal_id="t", data_dir=tmp_path, disk_usage=FakeDisk(100),
                        meminfo=lambda: {}, rss=lambda: None)
    disk = report.check("disk")
    assert disk is not None and disk.level is Level.FAIL and disk.required
    assert "new applications stopped" in disk.summary
    assert not report.ok
    # the disk monitor is not listed twice (as a device too)
    health = DeviceHealth({})
    health.add(disk_monitor(tmp_path, fail_mb=200, usage=FakeDisk(100)))
    both = run_checks(terminal_id="t", health=health, data_dir=tmp_path, disk_usage=FakeDisk(100),
                      meminfo=lambda: {}, rss=lambda: None)
    assert [c.id for c in both.checks if c.id.startswith("device.")] == []
    assert any("device disk is fault" in m for m in expect_logs.messages())
