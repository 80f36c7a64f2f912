"""Printer ports (DESIGN §4): the receipt printer and the A4 document printer, and their errors.

Every error is a :class:`~kiosk.devices.status.DeviceError` whose ``key`` is a translated
message (``device.printer.*`` for the receipt printer, ``device.a4.*`` for the A4 printer);
``detail`` is for technicians and never holds personal data.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from kiosk.devices.status import DeviceError, DeviceOffline, DeviceStatus, DeviceTimeout
from kiosk.receipts.model import ReceiptModel


class PrinterError(DeviceError):
    """A receipt-printer failure."""


class PaperOut(PrinterError):
    def __init__(self, detail: str = "") -> None:
        super().__init__("device.printer.paper_out", detail)


class CoverOpen(PrinterError):
    def __init__(self, detail: str = "") -> None:
        super().__init__("device.printer.cover_open", detail)


class PrinterFault(PrinterError):
    """The printer answers but reports an error (cutter jam, unrecoverable error)."""

    def __init__(self, detail: str = "") -> None:
        super().__init__("device.printer.fault", detail)


class PrinterOffline(PrinterError, DeviceOffline):
    """Unplugged, port missing, connection refused, or the printer itself reports offline."""

    def __init__(self, detail: str = "") -> None:
        super().__init__("device.printer.offline", detail)


class PrintFailed(PrinterError):
    """The job could not be sent (I/O error mid-job)."""

    def __init__(self, detail: str = "") -> None:
        super().__init__("device.printer.failed", detail)


class DocumentPrintFailed(DeviceError):
    """The A4 job failed (CUPS error, aborted job, command failed)."""

    def __init__(self, detail: str = "") -> None:
        super().__init__("device.a4.failed", detail)


class DocumentPrinterOffline(DeviceOffline):
    """The CUPS queue does not exist, is disabled, or the CUPS server is not running."""

    def __init__(self, detail: str = "") -> None:
        super().__init__("device.a4.offline", detail)


class DocumentPrintTimeout(DeviceTimeout):
    """The job did not finish within ``job_timeout_s``; it has been cancelled."""

    def __init__(self, detail: str = "") -> None:
        super().__init__("device.a4.timeout", detail)


@runtime_checkable
class ReceiptPrinter(Protocol):
    def status(self) -> DeviceStatus:
        """Poll the printer (bounded by the configured status timeout). No reply → ``UNKNOWN``."""
        ...

    def print_receipt(self, receipt: ReceiptModel) -> None:
        """Print one receipt. Checks the paper first and refuses with :class:`PaperOut`,
        :class:`CoverOpen`, :class:`PrinterOffline` or :class:`PrinterFault`; an I/O failure
        mid-job raises :class:`PrinterOffline` or :class:`PrintFailed`."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class DocumentPrinter(Protocol):
    def status(self) -> DeviceStatus: ...

    def print_pdf(self, pdf: bytes, title: str) -> str:
        """Print ``pdf`` and wait until the job is done; return the job id. Raises
        :class:`DocumentPrintFailed`, :class:`DocumentPrinterOffline` or
        :class:`DocumentPrintTimeout` (the job is cancelled first)."""
        ...

    def close(self) -> None: ...
