"""The ESC/POS receipt driver on python-escpos transports (USB, serial, network, file).

One :class:`EscPosReceiptPrinter` drives any transport; a transport is a small class that makes
the python-escpos printer object and knows how to read one status reply from it with a timeout:

* network (``Network``, port 9100): bidirectional; the socket timeout bounds each status read.
* serial (``Serial``): bidirectional; the port's read timeout bounds each status read.
* USB (``Usb``): bidirectional where the printer has an IN endpoint; needs pyusb, which is not
  a project dependency — without it the driver reports OFFLINE naming the missing module.
* file (``File``, e.g. ``/dev/usb/lp0``): **write-only**. No status can be read, so
  :meth:`status` is always ``UNKNOWN`` with reason ``device.printer.unknown``, and jobs are sent
  without a paper check.

Status is ``DLE EOT 1/2/3/4`` decoded by :mod:`kiosk.devices.printer.realtime`. Before every
job the paper is checked: paper out, cover open, offline and fault refuse the job with the
matching :class:`~kiosk.devices.printer.port.PrinterError`; ``UNKNOWN`` (no reply) prints
anyway — the job may still succeed, and a write failure is reported as ``PrinterOffline``.
Library and OS exceptions are wrapped at this boundary (``raise PrinterOffline(...) from err``)
and drop the connection, so the next call reconnects (a printer power-cycled overnight).
"""

from __future__ import annotations

import functools
import logging
import socket
import threading
from pathlib import Path
from typing import Any, Protocol

from escpos.exceptions import Error as EscposLibraryError
from escpos.printer import File, Network, Serial, Usb

from kiosk.devices.config import EscPosFileConfig, EscPosNetworkConfig, EscPosSerialConfig, EscPosUsbConfig
from kiosk.devices.printer.port import CoverOpen, PaperOut, PrinterFault, PrinterOffline
from kiosk.devices.printer.realtime import decode_status, is_status_byte, query_bytes
from kiosk.devices.status import DeviceState, DeviceStatus
from kiosk.receipts.escpos import render_escpos
from kiosk.receipts.model import ReceiptModel

_log = logging.getLogger(__name__)

EscPosConfig = EscPosUsbConfig | EscPosSerialConfig | EscPosNetworkConfig | EscPosFileConfig

# what python-escpos and the OS raise for an unreachable / failing device
_IO_ERRORS: tuple[type[BaseException], ...] = (OSError, EscposLibraryError)


class Transport(Protocol):
    """Makes an opened python-escpos printer object and reads status replies from it."""

    description: str  # technician detail: "network 10.0.0.5:9100", "serial /dev/ttyS0"
    bidirectional: bool

    def open(self) -> Any: ...

    def drain(self, printer: Any) -> None:
        """Discard stale input (a late reply to an earlier, timed-out query)."""

    def read(self, printer: Any) -> bytes:
        """One read bounded by the status timeout; ``b""`` when nothing came."""
        ...


class NetworkTransport:
    bidirectional = True

    def __init__(self, config: EscPosNetworkConfig) -> None:
        self._config = config
        self.description = f"network {config.host}:{config.port}"

    def open(self) -> Any:
        printer = Network(self._config.host, self._config.port, timeout=self._config.timeout_s,
                          profile=self._config.profile)
        # connect ourselves: python-escpos's Network.open() leaks the socket when connect fails
        printer.device = socket.create_connection((self._config.host, self._config.port),
                                                  timeout=self._config.timeout_s)
        return printer

    def drain(self, printer: Any) -> None:
        sock: socket.socket = printer.device
        sock.setblocking(False)
        try:
            while True:
                try:
                    data = sock.recv(64)
                except BlockingIOError:
                    return
                if not data:
                    raise ConnectionResetError("printer closed the connection")
        finally:
            sock.settimeout(self._config.timeout_s)

    def read(self, printer: Any) -> bytes:
        sock: socket.socket = printer.device
        sock.settimeout(self._config.status_timeout_s)
        try:
            data = sock.recv(16)
        except TimeoutError:
            return b""
        finally:
            sock.settimeout(self._config.timeout_s)
        if not data:
            raise ConnectionResetError("printer closed the connection")
        return data


class SerialTransport:
    bidirectional = True

    def __init__(self, config: EscPosSerialConfig) -> None:
        self._config = config
        self.description = f"serial {config.port}"

    def open(self) -> Any:
        if not Path(self._config.port).exists():
            raise PrinterOffline(f"serial port {self._config.port} does not exist")
        printer = Serial(self._config.port, baudrate=self._config.baudrate,
                         timeout=self._config.status_timeout_s, profile=self._config.profile)
        printer.open()
        return printer

    def drain(self, printer: Any) -> None:
        printer.device.reset_input_buffer()

    def read(self, printer: Any) -> bytes:
        data: bytes = printer.device.read(1)  # pyserial returns b"" after the timeout
        return data


class UsbTransport:
    bidirectional = True

    def __init__(self, config: EscPosUsbConfig) -> None:
        self._config = config
        self.description = f"usb {config.usb_vendor:04x}:{config.usb_product:04x}"

    def open(self) -> Any:
        if not Usb.is_usable():
            raise PrinterOffline(f"{self.description}: pyusb is not installed")
        printer = Usb(self._config.usb_vendor, self._config.usb_product,
                      timeout=int(self._config.status_timeout_s * 1000), profile=self._config.profile)
        printer.open()
        return printer

    def drain(self, printer: Any) -> None:
        return None

    def read(self, printer: Any) -> bytes:
        try:
            return bytes(printer.device.read(printer.in_ep, 16,
                                             int(self._config.status_timeout_s * 1000)))
        except OSError as err:  # pyusb's USBError derives from IOError
            if type(err).__name__ == "USBTimeoutError":
                return b""
            raise


class FileTransport:
    """Write-only: a character device (``/dev/usb/lp0``) or a file."""

    bidirectional = False

    def __init__(self, config: EscPosFileConfig) -> None:
        self._config = config
        self.description = f"file {config.path}"

    def open(self) -> Any:
        # a missing device node must not become a regular file created by open("wb")
        if not self._config.path.exists():
            raise PrinterOffline(f"{self._config.path} does not exist")
        printer = File(str(self._config.path), profile=self._config.profile)
        printer.open()
        return printer

    def drain(self, printer: Any) -> None:
        return None

    def read(self, printer: Any) -> bytes:
        return b""


def transport_for(config: EscPosConfig) -> Transport:
    match config:
        case EscPosNetworkConfig():
            return NetworkTransport(config)
        case EscPosSerialConfig():
            return SerialTransport(config)
        case EscPosUsbConfig():
            return UsbTransport(config)
        case EscPosFileConfig():
            return FileTransport(config)


_REFUSALS: dict[DeviceState, type[PaperOut | CoverOpen | PrinterOffline | PrinterFault]] = {
    DeviceState.PAPER_OUT: PaperOut,
    DeviceState.COVER_OPEN: CoverOpen,
    DeviceState.OFFLINE: PrinterOffline,
    DeviceState.FAULT: PrinterFault,
}


class EscPosReceiptPrinter:
    """The real receipt driver. Thread-safe: the health monitor may poll :meth:`status` while
    the journey prints."""

    def __init__(self, config: EscPosConfig, transport: Transport | None = None) -> None:
        self._config = config
        self._transport = transport or transport_for(config)
        self._printer: Any = None
        self._lock = threading.Lock()

    @property
    def description(self) -> str:
        return self._transport.description

    # ------------------------------------------------------------------ connection
    def open(self) -> None:
        """Connect now (the factory checks that the device exists); raises PrinterOffline."""
        with self._lock:
            self._connected()

    def _connected(self) -> Any:
        if self._printer is None:
            try:
                self._printer = self._transport.open()
            except PrinterOffline:
                raise
            except _IO_ERRORS as err:
                raise PrinterOffline(f"{self._transport.description}: {err}") from err
            _log.debug("receipt printer connected (%s)", self._transport.description)
        return self._printer

    def _drop(self) -> None:
        printer, self._printer = self._printer, None
        if printer is not None:
            try:
                printer.close()
            except _IO_ERRORS as err:
                _log.debug("closing %s failed: %s", self._transport.description, err)

    def close(self) -> None:
        with self._lock:
            self._drop()

    # ------------------------------------------------------------------ status
    def status(self) -> DeviceStatus:
        with self._lock:
            return self._status_locked()

    def _status_locked(self) -> DeviceStatus:
        if not self._transport.bidirectional:
            return DeviceStatus(DeviceState.UNKNOWN, "device.printer.unknown",
                                f"{self._transport.description} is write-only: no status")
        # a connection kept from earlier may have died meanwhile (printer power-cycled): one
        # retry on a fresh connection before calling the printer offline
        for attempt in range(2):
            reused = self._printer is not None
            try:
                printer = self._connected()
                return decode_status(functools.partial(self._query, printer))
            except PrinterOffline as err:
                return DeviceStatus(DeviceState.OFFLINE, err.key, err.detail)
            except _IO_ERRORS as err:
                self._drop()
                if reused and attempt == 0:
                    _log.debug("stale printer connection, reconnecting: %s", err)
                    continue
                return DeviceStatus(DeviceState.OFFLINE, "device.printer.offline",
                                    f"{self._transport.description}: {err}")
        raise AssertionError("unreachable")  # pragma: no cover

    def _query(self, printer: Any, n: int) -> int | None:
        self._transport.drain(printer)
        printer._raw(query_bytes(n))
        reply = self._transport.read(printer)
        if not reply:
            return None
        # a reply is one byte; if more came, the last status-shaped byte is the answer
        for value in reversed(reply):
            if is_status_byte(value):
                return value
        return reply[-1]

    # ------------------------------------------------------------------ printing
    def print_receipt(self, receipt: ReceiptModel) -> None:
        with self._lock:
            status = self._status_locked()
            refusal = _REFUSALS.get(status.state)
            if refusal is not None:
                _log.info("receipt refused: printer %s (%s)", status.state, status.detail)
                raise refusal(status.detail)
            if status.state is DeviceState.UNKNOWN:
                _log.debug("printing without a paper status: %s", status.detail)
            try:
                printer = self._connected()
                render_escpos(receipt, printer, chinese_mode=self._config.chinese_mode,
                              columns=self._config.paper_width_chars, cut=self._config.cut)
            except PrinterOffline:
                self._drop()
                raise
            except _IO_ERRORS as err:
                self._drop()
                raise PrinterOffline(f"{self._transport.description}: {err}") from err
            _log.info("receipt %s printed (%s)", receipt.tracking_no, status.state)
