"""Printer simulators.

:class:`EscPosSimulator` is a byte-level model of an ESC/POS printer: it splits the incoming
stream into jobs (``ESC @`` … cut) and answers ``DLE EOT n`` from scripted sensor states.
:class:`LoopbackPrinterServer` serves it on a loopback TCP port (like a printer's port 9100),
so :class:`SimulatedReceiptPrinter` is the **real** :class:`EscPosReceiptPrinter` over a real
python-escpos ``Network`` transport — the channel the contract suite exercises. It writes each
job to its folder as ``<n>.escpos`` (the bytes that crossed the socket) and ``<n>.pdf`` (the
reportlab rendering), and has scripting hooks: ``paper_low()``, ``paper_out()``,
``cover_open()``, ``fault()``, ``offline()`` (stops listening: connection refused),
``no_reply()`` (takes jobs, never answers status) and ``recover()``.

:class:`SimulatedA4Printer` writes each PDF to its folder.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import logging
import select
import socket
import threading
from pathlib import Path
from typing import Final

from kiosk.devices.config import EscPosNetworkConfig, SimulatedReceiptPrinterConfig
from kiosk.devices.printer.escpos import EscPosReceiptPrinter
from kiosk.devices.printer.port import DocumentPrinterOffline, DocumentPrintFailed, PrintFailed
from kiosk.devices.printer.realtime import (
    COVER_OPEN_BIT,
    ERROR_BIT,
    FIXED_VALUE,
    OFFLINE_BIT,
    PAPER_END_BITS,
    PAPER_END_STOP_BIT,
    PAPER_NEAR_END_BITS,
)
from kiosk.devices.status import OK, DeviceState, DeviceStatus
from kiosk.receipts.model import ReceiptModel
from kiosk.receipts.pdf import render_receipt_pdf

_log = logging.getLogger(__name__)

KEPT: Final = 200  # the latest jobs and status queries a simulator keeps
_ESC_INIT: Final = b"\x1b\x40"
_AUTOCUTTER_ERROR_BIT: Final = 0x08


@dataclasses.dataclass
class SensorState:
    paper: str = "ok"  # ok | low | out
    cover_open: bool = False
    fault: bool = False
    replies: bool = True


@dataclasses.dataclass
class Stream:
    """One connection's parse state."""

    pending: bytearray = dataclasses.field(default_factory=bytearray)  # an incomplete command
    job: bytearray = dataclasses.field(default_factory=bytearray)  # the job being received


class EscPosSimulator:
    """Parses an ESC/POS byte stream: records jobs, answers real-time status queries."""

    def __init__(self) -> None:
        self.state = SensorState()
        # the latest jobs and status queries, in order (bounded: a demo terminal prints all day)
        self.jobs: collections.deque[bytes] = collections.deque(maxlen=KEPT)
        self.queries: collections.deque[int] = collections.deque(maxlen=KEPT)
        self.job_count = 0  # jobs received since the start
        self._stream = Stream()  # the bytes fed without a connection of their own
        self._changed = threading.Condition()

    # ------------------------------------------------------------------ replies
    def reply(self, n: int) -> bytes:
        s = self.state
        if not s.replies:
            return b""
        out = s.paper == "out"
        value = FIXED_VALUE
        if n == 1 and (s.cover_open or out or s.fault):
            value |= OFFLINE_BIT
        elif n == 2:
            value |= (COVER_OPEN_BIT if s.cover_open else 0) | (PAPER_END_STOP_BIT if out else 0)
            value |= ERROR_BIT if s.fault else 0
        elif n == 3 and s.fault:
            value |= _AUTOCUTTER_ERROR_BIT
        elif n == 4:
            value |= PAPER_END_BITS if out else PAPER_NEAR_END_BITS if s.paper == "low" else 0
        return bytes([value])

    # ------------------------------------------------------------------ stream parsing
    def feed(self, data: bytes, stream: Stream | None = None) -> bytes:
        """Take bytes from the host (on ``stream``: one per connection, so that a connection
        ending never cuts another's job short); return the bytes the printer sends back."""
        s = stream or self._stream
        with self._changed:
            s.pending += data
            out = bytearray()
            buf = s.pending
            i = 0
            while i < len(buf):
                size = self._command_size(buf, i)
                if size == 0:  # incomplete: wait for more bytes
                    break
                chunk = bytes(buf[i : i + size])
                i += size
                if chunk[:2] == b"\x10\x04" and size == 3:
                    self.queries.append(chunk[2])
                    out += self.reply(chunk[2])
                    continue
                if chunk == _ESC_INIT and s.job:
                    self._finish_job(s)
                s.job += chunk
                if chunk[:2] == b"\x1dV":
                    self._finish_job(s)
            del buf[:i]
            return bytes(out)

    def end_of_stream(self, stream: Stream | None = None) -> None:
        """The connection closed: whatever was sent on it is a job (e.g. no cut configured)."""
        s = stream or self._stream
        with self._changed:
            s.pending.clear()
            if s.job:
                self._finish_job(s)

    @staticmethod
    def _command_size(buf: bytearray, i: int) -> int:
        """Length of the command starting at ``i`` (1 for plain data); 0 when incomplete."""
        rest = len(buf) - i
        b = buf[i]
        if b == 0x10:  # DLE EOT n
            if rest < 3:
                return 0 if rest < 2 or buf[i + 1] == 0x04 else 1
            return 3 if buf[i + 1] == 0x04 and 1 <= buf[i + 2] <= 4 else 1
        if b == 0x1D:  # GS
            if rest < 2:
                return 0
            if buf[i + 1] == ord("("):  # GS ( k pL pH data: skip the payload whole
                if rest < 5:
                    return 0
                size = 5 + buf[i + 3] + 256 * buf[i + 4]
                return size if rest >= size else 0
            if buf[i + 1] == ord("V"):
                if rest < 3:
                    return 0
                size = 4 if buf[i + 2] in (65, 66, 97, 98, 103, 104) else 3
                return size if rest >= size else 0
            return 1
        if b == 0x1B and rest >= 2 and buf[i + 1] == 0x40:
            return 2
        if b == 0x1B and rest < 2:
            return 0
        return 1

    def _finish_job(self, stream: Stream) -> None:
        self.jobs.append(bytes(stream.job))
        self.job_count += 1
        stream.job.clear()
        self._changed.notify_all()

    def wait_for_jobs(self, count: int, timeout: float) -> bool:
        """Wait until ``count`` jobs have been received since the start."""
        with self._changed:
            return self._changed.wait_for(lambda: self.job_count >= count, timeout)

    def job(self, ordinal: int) -> bytes:
        """The job received ``ordinal``-th (0-based, since the start), if still kept."""
        with self._changed:
            index = ordinal - (self.job_count - len(self.jobs))
            if not 0 <= index < len(self.jobs):
                raise IndexError(f"job {ordinal} is not kept (received {self.job_count})")
            return self.jobs[index]


class LoopbackPrinterServer:
    """Serves an :class:`EscPosSimulator` on ``127.0.0.1:<ephemeral port>``, one thread per
    connection. ``stop_listening()`` closes the port and every connection (connection refused,
    like an unplugged network printer); ``start()`` listens again on the same port."""

    def __init__(self, simulator: EscPosSimulator, port: int = 0) -> None:
        self.simulator = simulator
        self.host = "127.0.0.1"
        self.port = port
        self._listener: socket.socket | None = None
        self._connections: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()

    @property
    def listening(self) -> bool:
        return self._listener is not None

    def start(self) -> None:
        with self._lock:
            if self._listener is not None:
                return
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((self.host, self.port))
            listener.listen(4)
            self.port = listener.getsockname()[1]
            self._listener = listener
            self._stop = threading.Event()
            thread = threading.Thread(target=self._accept_loop, args=(listener, self._stop),
                                      name=f"printer-sim-{self.port}", daemon=True)
            self._threads = [thread]
            thread.start()

    def stop_listening(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            self._stop.set()
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if listener is not None:
            listener.close()
        with self._lock:
            threads, self._threads = self._threads, []
        for thread in threads:
            thread.join(timeout=5)

    close = stop_listening

    def _accept_loop(self, listener: socket.socket, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                ready, _, _ = select.select([listener], [], [], 0.05)
                if not ready:
                    continue
                conn, _ = listener.accept()
            except (OSError, ValueError):
                return
            with self._lock:
                self._connections.add(conn)
            thread = threading.Thread(target=self._serve, args=(conn, stop), daemon=True,
                                      name=f"printer-sim-conn-{self.port}")
            with self._lock:  # a driver reconnects after every drop: forget the connections that ended
                self._threads = [t for t in self._threads if t.is_alive()]
                self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket, stop: threading.Event) -> None:
        stream = Stream()
        try:
            while not stop.is_set():
                ready, _, _ = select.select([conn], [], [], 0.05)
                if not ready:
                    continue
                data = conn.recv(65536)
                if not data:
                    break
                reply = self.simulator.feed(data, stream)
                if reply:
                    conn.sendall(reply)
        except OSError as err:
            _log.debug("printer simulator connection ended: %s", err)
        finally:
            self.simulator.end_of_stream(stream)
            with self._lock:
                self._connections.discard(conn)
            conn.close()


class SimulatedReceiptPrinter:
    """The real ESC/POS driver over loopback TCP to an :class:`EscPosSimulator`, plus files."""

    JOB_WAIT_S: Final = 5.0

    def __init__(self, config: SimulatedReceiptPrinterConfig, output_dir: Path) -> None:
        self.config = config
        self.output_dir = output_dir
        output_dir.mkdir(parents=True, exist_ok=True)
        self.simulator = EscPosSimulator()
        self.server = LoopbackPrinterServer(self.simulator)
        self.server.start()
        self.driver = EscPosReceiptPrinter(EscPosNetworkConfig(
            driver="escpos_network", host=self.server.host, port=self.server.port,
            timeout_s=max(config.status_timeout_s, 1.0), status_timeout_s=config.status_timeout_s,
            profile=config.profile, chinese_mode=config.chinese_mode,
            paper_width_chars=config.paper_width_chars, cut=config.cut,
            required=config.required, poll_interval_s=config.poll_interval_s,
        ))
        self._next = 1 + len(list(output_dir.glob("*.escpos")))
        self.last_files: tuple[Path, Path] | None = None

    # ------------------------------------------------------------------ ReceiptPrinter
    def status(self) -> DeviceStatus:
        return self.driver.status()

    def print_receipt(self, receipt: ReceiptModel) -> None:
        before = self.simulator.job_count
        self.driver.print_receipt(receipt)
        if not self.simulator.wait_for_jobs(before + 1, self.JOB_WAIT_S):
            raise PrintFailed("simulator received no complete job")
        n, self._next = self._next, self._next + 1
        escpos_path = self.output_dir / f"{n}.escpos"
        pdf_path = self.output_dir / f"{n}.pdf"
        escpos_path.write_bytes(self.simulator.job(before))
        pdf_path.write_bytes(render_receipt_pdf(receipt))
        self.last_files = (escpos_path, pdf_path)
        _log.info("simulated receipt %s written to %s", receipt.tracking_no, escpos_path)

    def close(self) -> None:
        self.driver.close()
        self.server.stop_listening()

    # ------------------------------------------------------------------ scripting hooks
    def paper_low(self) -> None:
        self.simulator.state.paper = "low"

    def paper_out(self) -> None:
        self.simulator.state.paper = "out"

    def cover_open(self) -> None:
        self.simulator.state.cover_open = True

    def fault(self) -> None:
        self.simulator.state.fault = True

    def no_reply(self) -> None:
        self.simulator.state.replies = False

    def offline(self) -> None:
        self.server.stop_listening()

    def recover(self) -> None:
        self.simulator.state = SensorState()
        self.server.start()


class SimulatedA4Printer:
    """Writes each PDF to ``output_dir`` as ``<n>.pdf``; ``offline()``/``recover()`` script it."""

    def __init__(self, output_dir: Path) -> None:
        self.output_dir = output_dir
        output_dir.mkdir(parents=True, exist_ok=True)
        self._next = 1 + len(list(output_dir.glob("*.pdf")))
        self._offline = False
        self.last_file: Path | None = None

    def status(self) -> DeviceStatus:
        if self._offline:
            return DeviceStatus(DeviceState.OFFLINE, "device.a4.offline", "simulated offline")
        return OK

    def print_pdf(self, pdf: bytes, title: str) -> str:
        if self._offline:
            raise DocumentPrinterOffline("simulated offline")
        if not pdf.startswith(b"%PDF-"):
            raise DocumentPrintFailed("not a PDF document")
        n, self._next = self._next, self._next + 1
        path = self.output_dir / f"{n}.pdf"
        path.write_bytes(pdf)
        self.last_file = path
        _log.info("simulated A4 job sim-%s written to %s", n, path)
        return f"sim-{n}"

    def close(self) -> None:
        return None

    def offline(self) -> None:
        self._offline = True

    def recover(self) -> None:
        self._offline = False
