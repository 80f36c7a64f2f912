"""Factories, start-time failures that name the device, and the simulators' job files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from kiosk.devices.config import (
    CupsPrinterConfig,
    EscPosFileConfig,
    EscPosNetworkConfig,
    EscPosSerialConfig,
    EscPosUsbConfig,
    SimulatedA4PrinterConfig,
    SimulatedReceiptPrinterConfig,
)
from kiosk.devices.printer import (
    CupsDocumentPrinter,
    DocumentPrinter,
    DocumentPrinterOffline,
    DocumentPrintFailed,
    EscPosReceiptPrinter,
    PrinterOffline,
    ReceiptPrinter,
    SimulatedA4Printer,
    SimulatedReceiptPrinter,
    build_a4_printer,
    build_receipt_printer,
)
from kiosk.devices.status import DeviceOffline, DeviceState
from kiosk.receipts.pdf import render_summary_pdf
from tests.unit.receipts.samples import ITEM_ZH, TRACKING_NO, sample_receipt, sample_summary


def test_simulated_receipt_printer_writes_escpos_and_pdf(tmp_path: Path) -> None:
    printer, sim = build_receipt_printer(
        SimulatedReceiptPrinterConfig(driver="simulated", status_timeout_s=0.3), tmp_path
    )
    try:
        assert isinstance(sim, SimulatedReceiptPrinter) and printer is sim
        printer.print_receipt(sample_receipt())
        printer.print_receipt(sample_receipt())
        out = tmp_path / "printer-sim"
        assert sorted(p.name for p in out.iterdir()) == ["1.escpos", "1.pdf", "2.escpos", "2.pdf"]
        assert (out / "1.escpos").read_bytes() == sim.simulator.jobs[0]
        assert ITEM_ZH.encode("gb18030") in (out / "1.escpos").read_bytes()
        text = PdfReader(io.BytesIO((out / "2.pdf").read_bytes())).pages[0].extract_text()
        assert ITEM_ZH in text and TRACKING_NO in text
    finally:
        printer.close()


def test_a_simulated_printer_printing_all_day_keeps_only_its_latest_jobs_and_live_connections(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk.devices.printer import simulated

    monkeypatch.setattr(simulated, "KEPT", 2)
    printer, _ = build_receipt_printer(
        SimulatedReceiptPrinterConfig(driver="simulated", status_timeout_s=2.0), tmp_path)
    assert isinstance(printer, SimulatedReceiptPrinter)
    try:
        for _ in range(5):
            printer.print_receipt(sample_receipt())
            printer.driver.close()  # the next job connects again (as after a power cycle)
        sim = printer.simulator
        # (a status reply late on a loaded machine makes the driver resend on a fresh connection)
        assert sim.job_count >= 5 and len(sim.jobs) == 2 and len(sim.queries) == 2
        out = tmp_path / "printer-sim"
        assert (out / "5.escpos").read_bytes() in (sim.job(sim.job_count - 1), sim.jobs[0])
        with pytest.raises(IndexError):
            sim.job(0)  # printed, written to its file, no longer held
        assert len(printer.server._threads) <= 3  # the accept loop, the last connection, one ending
    finally:
        printer.close()


def test_simulated_output_dir_from_config(tmp_path: Path) -> None:
    config = SimulatedReceiptPrinterConfig(driver="simulated", output_dir=tmp_path / "jobs")
    printer, _ = build_receipt_printer(config, tmp_path / "data")
    try:
        printer.print_receipt(sample_receipt())
        assert (tmp_path / "jobs" / "1.escpos").exists()
    finally:
        printer.close()


def test_missing_device_node_fails_at_start_naming_it(tmp_path: Path) -> None:
    node = tmp_path / "usb" / "lp0"
    with pytest.raises(PrinterOffline) as info:
        build_receipt_printer(EscPosFileConfig(driver="escpos_file", path=node), tmp_path)
    assert isinstance(info.value, DeviceOffline)
    assert str(node) in info.value.detail and info.value.key == "device.printer.offline"
    assert not node.exists()  # never created as a regular file


def test_missing_serial_port_fails_at_start_naming_it(tmp_path: Path) -> None:
    with pytest.raises(PrinterOffline) as info:
        build_receipt_printer(EscPosSerialConfig(driver="escpos_serial", port="/dev/ttyNOPE9"), tmp_path)
    assert "/dev/ttyNOPE9" in info.value.detail


def test_missing_usb_device_fails_at_start_naming_it(tmp_path: Path) -> None:
    config = EscPosUsbConfig(driver="escpos_usb", usb_vendor=0x0416, usb_product=0x5011)
    with pytest.raises(PrinterOffline) as info:
        build_receipt_printer(config, tmp_path)
    assert "0416:5011" in info.value.detail


def test_network_printer_down_is_a_runtime_state(tmp_path: Path) -> None:
    config = EscPosNetworkConfig(driver="escpos_network", host="127.0.0.1", port=9, timeout_s=1,
                                 status_timeout_s=0.3)
    printer, sim = build_receipt_printer(config, tmp_path)
    assert sim is None and isinstance(printer, EscPosReceiptPrinter)
    status = printer.status()
    assert status.state is DeviceState.OFFLINE and "127.0.0.1:9" in status.detail
    with pytest.raises(PrinterOffline):
        printer.print_receipt(sample_receipt())
    printer.close()


def test_file_transport_prints_without_status(tmp_path: Path) -> None:
    node = tmp_path / "lp0"
    node.touch()
    printer, _ = build_receipt_printer(EscPosFileConfig(driver="escpos_file", path=node), tmp_path)
    assert isinstance(printer, ReceiptPrinter)
    assert printer.status().state is DeviceState.UNKNOWN
    printer.print_receipt(sample_receipt())
    printer.close()
    assert node.read_bytes().startswith(b"\x1b@\x1c&")


def test_simulated_a4_printer(tmp_path: Path) -> None:
    printer, sim = build_a4_printer(SimulatedA4PrinterConfig(driver="simulated"), tmp_path)
    assert isinstance(sim, SimulatedA4Printer) and isinstance(printer, DocumentPrinter)
    job = printer.print_pdf(render_summary_pdf(sample_summary()), "summary")
    assert job == "sim-1" and (tmp_path / "a4-sim" / "1.pdf").read_bytes().startswith(b"%PDF-")
    with pytest.raises(DocumentPrintFailed):
        printer.print_pdf(b"not a pdf", "x")
    sim.offline()
    assert printer.status().state is DeviceState.OFFLINE
    with pytest.raises(DocumentPrinterOffline):
        printer.print_pdf(b"%PDF-1.4", "x")
    sim.recover()
    assert printer.status().state is DeviceState.OK


def test_cups_factory(tmp_path: Path) -> None:
    printer, sim = build_a4_printer(CupsPrinterConfig(driver="cups", queue="kiosk-a4"), tmp_path)
    assert sim is None and isinstance(printer, CupsDocumentPrinter)
