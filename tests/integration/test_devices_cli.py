"""`kiosk devices` on the demo profile: every simulator exercised once through its real driver."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from kiosk.cli import main
from tests.conftest import LogCollector


def test_kiosk_devices_lists_and_exercises_every_simulator(
    tmp_config_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], expect_logs: LogCollector
) -> None:
    assert main(["--config", str(tmp_config_file), "devices"]) == 0
    out = capsys.readouterr().out
    for name in ("id_card_reader", "camera", "code_scanner", "receipt_printer", "a4_printer"):
        assert f"\n{name} " in out
    assert "read a resident_id card through the GA 467 driver on /dev/pts/" in out
    assert "decoded by the real pipeline" in out
    receipt_dir = tmp_path / "data" / "printer-sim"
    assert f"into {receipt_dir}" in out
    escpos = (receipt_dir / "1.escpos").read_bytes()
    assert escpos.startswith(b"\x1b@") and b"DIAG-TEST" in escpos
    text = PdfReader(receipt_dir / "1.pdf").pages[0].extract_text()
    assert "演示终端" in text and "DIAG-TEST" in text
    assert list((tmp_path / "data" / "a4-sim").glob("*.pdf"))


def test_kiosk_devices_reports_a_missing_device_node(
    tmp_path: Path, tmp_config_file: Path, capsys: pytest.CaptureFixture[str], expect_logs: LogCollector
) -> None:
    cfg = tmp_config_file.read_text(encoding="utf-8")
    cfg += '\n[devices.idcard]\ndriver = "ga467_serial"\nport = "/dev/ttyNOPE9"\n'
    tmp_config_file.write_text(cfg, encoding="utf-8")
    assert main(["--config", str(tmp_config_file), "devices", "--no-exercise"]) == 1
    out = capsys.readouterr().out
    assert "device.idcard.offline" in out and "/dev/ttyNOPE9" in out
    assert "required device(s) not usable: id_card_reader" in out
