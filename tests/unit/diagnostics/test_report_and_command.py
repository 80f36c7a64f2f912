"""The PDF report (Chinese extracts, font embedded, redacted) and diag_main end to end."""

from __future__ import annotations

import io
import json
from pathlib import Path

from pypdf import PdfReader

from kiosk.admin import AuditLog
from kiosk.config import Config, load_config
from kiosk.devices.status import DeviceState, DeviceStatus
from kiosk.diagnostics import LinkResult, diag_main, render_pdf, run_checks, write_pdf
from kiosk.errors import KnownError
from tests.conftest import LogCollector
from tests.unit.diagnostics.conftest import FakeDevices

ID_NUMBER = "360426199101010071"


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_report_extracts_chinese_and_is_redacted(devices: FakeDevices, tmp_path: Path,
                                                      expect_logs: LogCollector) -> None:
    devices.sources["camera"][0].current = DeviceStatus(DeviceState.OFFLINE, "device.camera.offline",
                                                        "/dev/video0 gone")
    report = run_checks(terminal_id="hall-1", health=devices.health, catalog_version="2026.11.1",
                        log_lines=[f"WARNING kiosk.x: card {ID_NUMBER} read", "INFO 设备已恢复"])
    path = write_pdf(report, tmp_path / "reports" / "diag.pdf")
    assert path.stat().st_mode & 0o777 == 0o640
    reader, text = pdf_text(path.read_bytes())
    compact = text.replace(" ", "").replace("\n", "")
    assert "终端诊断报告" in compact and "设备已恢复" in compact and "暂停服务" in compact
    assert "device.camera" in text and "hall-1" in text
    assert ID_NUMBER not in compact
    fonts = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                fonts.add(str(font["/BaseFont"]))
    assert fonts, "the CJK font must be embedded"


def test_pdf_of_a_healthy_report(devices: FakeDevices) -> None:
    _, text = pdf_text(render_pdf(run_checks(terminal_id="t", health=devices.health)))
    assert "全部必需检查通过" in text.replace(" ", "").replace("\n", "")


def _config(tmp_config_file: Path) -> Config:
    return load_config(tmp_config_file)


def test_diag_main_table_json_pdf_and_exit_codes(tmp_config_file: Path, tmp_path: Path,
                                                  devices: FakeDevices, expect_logs: LogCollector) -> None:
    from kiosk.app import open_catalog, open_outbox

    config = _config(tmp_config_file)
    config.paths.log_file.parent.mkdir(parents=True)  # type: ignore[union-attr]
    config.paths.log_file.write_text(f"INFO kiosk: hello\nINFO kiosk: id {ID_NUMBER}\n")  # type: ignore[union-attr]
    audit = AuditLog(tmp_path / "audit.jsonl")
    out = io.StringIO()
    code = diag_main(
        config, as_json=False, report=tmp_path / "r.pdf",
        devices_factory=lambda c: devices,
        outbox_factory=lambda c: open_outbox(c, sweep=False),
        catalog_factory=open_catalog,
        link_test_factory=lambda c: lambda: LinkResult(True, 3.0),
        audit=audit, out=out,
    )
    text = out.getvalue()
    assert code == 0, text
    assert "all required checks passed" in text and "report written to" in text
    assert ID_NUMBER not in text and "hello" in text
    assert devices.closed
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert audit.entries()[-1]["action"] == "admin.diagnostics_report"

    out = io.StringIO()
    code = diag_main(
        config, as_json=True, report=None,
        devices_factory=lambda c: devices,
        outbox_factory=lambda c: open_outbox(c, sweep=False),
        link_test_factory=lambda c: lambda: LinkResult(False, None, "sync.offline"),
        out=out,
    )
    data = json.loads(out.getvalue())
    assert code == 1 and data["ok"] is False
    assert [c["id"] for c in data["checks"] if c["level"] == "fail"] == ["link"]


def test_diag_main_survives_what_cannot_be_opened(tmp_config_file: Path) -> None:
    config = _config(tmp_config_file)

    def no_devices(c: Config) -> object:
        raise KnownError("device.idcard.offline", "/dev/kiosk-idcard missing")

    def no_store(c: Config) -> object:
        raise KnownError("store.key_unavailable", "the data key is missing")

    out = io.StringIO()
    code = diag_main(config, devices_factory=no_devices, outbox_factory=no_store, out=out)
    assert code == 1
    text = out.getvalue()
    assert "devices.open" in text and "store.key_unavailable" in text


def test_disk_full_makes_diag_fail(tmp_config_file: Path, devices: FakeDevices) -> None:
    from kiosk.diagnostics import Thresholds

    config = _config(tmp_config_file)
    out = io.StringIO()
    huge = Thresholds(disk_fail_mb=10**12)  # any real disk is "nearly full" against this
    def read_only(c: Config) -> object:
        raise KnownError("store.read_only", "read-only file system")

    code = diag_main(config, devices_factory=lambda c: devices, outbox_factory=read_only,
                     thresholds=huge, out=out)
    text = out.getvalue()
    assert code == 1 and "OUT OF SERVICE: store, disk" in text
