"""Printers (DESIGN §4): the receipt printer (ESC/POS) and the A4 document printer (CUPS).

``build_receipt_printer`` / ``build_a4_printer`` map a validated config model to a driver;
``app.py`` calls them. A simulated driver comes back with its simulator (for scripting hooks),
a real one with ``None``. A device node or USB device that is missing at start raises
:class:`PrinterOffline` naming it; a network printer or CUPS queue that is down is a runtime
state reported by ``status()`` (the health monitor's business), not a start failure.
"""

from __future__ import annotations

from pathlib import Path

# before python-escpos is imported (kiosk.devices.printer.escpos): its capabilities cache
from kiosk.devices.printer import _escpos_cache  # noqa: F401  # isort: skip

from kiosk.devices.config import (
    A4PrinterConfig,
    CupsPrinterConfig,
    EscPosFileConfig,
    EscPosNetworkConfig,
    EscPosSerialConfig,
    EscPosUsbConfig,
    ReceiptPrinterConfig,
    SimulatedA4PrinterConfig,
    SimulatedReceiptPrinterConfig,
)
from kiosk.devices.printer.cups import CupsDocumentPrinter
from kiosk.devices.printer.escpos import EscPosReceiptPrinter
from kiosk.devices.printer.port import (
    CoverOpen,
    DocumentPrinter,
    DocumentPrinterOffline,
    DocumentPrintFailed,
    DocumentPrintTimeout,
    PaperOut,
    PrinterError,
    PrinterFault,
    PrinterOffline,
    PrintFailed,
    ReceiptPrinter,
)
from kiosk.devices.printer.simulated import SimulatedA4Printer, SimulatedReceiptPrinter

__all__ = [
    "CoverOpen",
    "CupsDocumentPrinter",
    "DocumentPrintFailed",
    "DocumentPrintTimeout",
    "DocumentPrinter",
    "DocumentPrinterOffline",
    "EscPosReceiptPrinter",
    "PaperOut",
    "PrintFailed",
    "PrinterError",
    "PrinterFault",
    "PrinterOffline",
    "ReceiptPrinter",
    "SimulatedA4Printer",
    "SimulatedReceiptPrinter",
    "build_a4_printer",
    "build_receipt_printer",
]


def build_receipt_printer(
    config: ReceiptPrinterConfig, data_dir: Path
) -> tuple[ReceiptPrinter, SimulatedReceiptPrinter | None]:
    match config:
        case SimulatedReceiptPrinterConfig():
            sim = SimulatedReceiptPrinter(config, config.output_dir or data_dir / "printer-sim")
            return sim, sim
        case EscPosNetworkConfig():
            return EscPosReceiptPrinter(config), None
        case EscPosSerialConfig() | EscPosUsbConfig() | EscPosFileConfig():
            printer = EscPosReceiptPrinter(config)
            printer.open()  # a missing device node / USB device fails at start, named
            return printer, None


def build_a4_printer(
    config: A4PrinterConfig, data_dir: Path
) -> tuple[DocumentPrinter, SimulatedA4Printer | None]:
    match config:
        case SimulatedA4PrinterConfig():
            sim = SimulatedA4Printer(config.output_dir or data_dir / "a4-sim")
            return sim, sim
        case CupsPrinterConfig():
            return CupsDocumentPrinter(config), None
