"""Scanners in USB-CDC / serial mode: each payload is a line ended by CR, LF or CRLF.

This is the channel for QR codes carrying Chinese text: the scanner sends the symbol's bytes
unchanged (UTF-8 or GB18030), which a keyboard wedge cannot. Lines are reassembled across reads;
a line longer than ``max_payload_bytes`` is dropped up to its terminator and reported as
``device.scanner.payload_too_large``, and the next line is read normally. A vanished port is
reopened with backoff.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any

import serial  # type: ignore[import-untyped, unused-ignore]

from kiosk.devices.scanner._util import ReaderThreadScanner, deliver, reject
from kiosk.devices.scanner.port import (
    OFFLINE_KEY,
    PAYLOAD_TOO_LARGE,
    ErrorCallback,
    ScanCallback,
    ScanError,
    ScanResult,
    decode_payload,
)
from kiosk.devices.status import OK, DeviceOffline, DeviceState, DeviceStatus

log = logging.getLogger(__name__)


class LineAssembler:
    """Bytes in, complete lines out. An over-long line yields a :class:`ScanError` in its place."""

    def __init__(self, max_bytes: int) -> None:
        self._max = max_bytes
        self._buf = bytearray()
        self._overflow = False

    def feed(self, chunk: bytes) -> list[bytes | ScanError]:
        out: list[bytes | ScanError] = []
        for piece in _split_keep(chunk):
            if piece in (b"\r", b"\n"):
                if self._overflow:
                    out.append(ScanError(PAYLOAD_TOO_LARGE, f"serial line > {self._max} bytes"))
                elif self._buf:  # CRLF's second half (and blank lines) end nothing
                    out.append(bytes(self._buf))
                self._buf.clear()
                self._overflow = False
                continue
            if self._overflow:
                continue
            self._buf += piece
            if len(self._buf) > self._max:
                self._buf.clear()
                self._overflow = True
        return out


def _split_keep(chunk: bytes) -> list[bytes]:
    """Split on CR and LF, keeping each terminator as its own item."""
    parts: list[bytes] = []
    start = 0
    for i, byte in enumerate(chunk):
        if byte in (0x0D, 0x0A):
            if i > start:
                parts.append(chunk[start:i])
            parts.append(chunk[i : i + 1])
            start = i + 1
    if start < len(chunk):
        parts.append(chunk[start:])
    return parts


def _open_serial(port: str, baudrate: int) -> Any:
    return serial.Serial(port, baudrate=baudrate, timeout=0.5)


class SerialScanner(ReaderThreadScanner):
    thread_name = "scanner-serial"

    def __init__(
        self,
        port: str,
        *,
        baudrate: int = 9600,
        max_payload_bytes: int = 4096,
        open_port: Callable[[str, int], Any] = _open_serial,
        reconnect_max_backoff_s: float = 10.0,
    ) -> None:
        super().__init__()
        self._port_name = port
        self._baudrate = baudrate
        self._max = max_payload_bytes
        self._open_port = open_port
        self._max_backoff = reconnect_max_backoff_s
        self._port: Any = None

    def _attach(self, device: Any) -> None:
        self._port = device

    def _wake(self) -> None:
        port = self._port
        if port is not None:
            # wake a blocking read at once (else it times out within 0.5 s anyway)
            with contextlib.suppress(AttributeError, OSError, serial.SerialException):
                port.cancel_read()

    def _open(self) -> Any:
        try:
            return self._open_port(self._port_name, self._baudrate)
        except (OSError, serial.SerialException) as err:
            raise DeviceOffline(OFFLINE_KEY, f"cannot open serial port {self._port_name}") from err

    def _close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except (OSError, serial.SerialException):
                log.debug("closing %s failed", self._port_name)

    def _run(self, callback: ScanCallback, on_error: ErrorCallback | None) -> None:
        lines = LineAssembler(self._max)
        backoff = 0.25
        while not self._stop.is_set():
            if self._port is None:
                try:
                    self._port = self._open()
                except DeviceOffline as err:
                    self._state = DeviceStatus(DeviceState.OFFLINE, OFFLINE_KEY, err.detail)
                    self._stop.wait(backoff)
                    backoff = min(backoff * 2, self._max_backoff)
                    continue
                log.info("serial scanner %s reconnected", self._port_name)
                self._state, backoff, lines = OK, 0.25, LineAssembler(self._max)
            try:
                chunk: bytes = self._port.read(max(1, self._port.in_waiting))
            except (OSError, serial.SerialException):
                if self._stop.is_set():
                    break
                log.warning("serial scanner %s lost", self._port_name)
                self._state = DeviceStatus(DeviceState.OFFLINE, OFFLINE_KEY, "port lost")
                self._close()
                continue
            for item in lines.feed(chunk):
                if isinstance(item, ScanError):
                    reject(on_error, item, "serial")
                    continue
                try:
                    text = decode_payload(item, self._max)
                except ScanError as err:
                    reject(on_error, err, "serial")
                    continue
                deliver(callback, ScanResult(text, item, "Unknown", "serial"))
