"""Every receipt-printer implementation, wired to something that records its bytes and (where
the transport is bidirectional) answers its status queries, with the same scripting hooks."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import select
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

from kiosk.devices.config import (
    EscPosFileConfig,
    EscPosNetworkConfig,
    EscPosSerialConfig,
    SimulatedReceiptPrinterConfig,
)
from kiosk.devices.printer import EscPosReceiptPrinter, ReceiptPrinter, SimulatedReceiptPrinter
from kiosk.devices.printer.simulated import EscPosSimulator, LoopbackPrinterServer, SensorState

STATUS_TIMEOUT_S = 0.3


class Script(Protocol):
    def paper_low(self) -> None: ...
    def paper_out(self) -> None: ...
    def cover_open(self) -> None: ...
    def offline(self) -> None: ...
    def no_reply(self) -> None: ...
    def recover(self) -> None: ...


@dataclasses.dataclass
class Rig:
    name: str
    printer: ReceiptPrinter
    # the jobs recorded so far, waiting (briefly) until at least ``expect`` have arrived
    jobs: Callable[[int], list[bytes]]
    script: Script | None  # None: write-only transport, no status to script
    can_go_offline: bool = True


class SimScript:
    """Scripting hooks over a bare simulator + loopback server (what SimulatedReceiptPrinter
    offers, for rigs that use the driver directly)."""

    def __init__(self, sim: EscPosSimulator, server: LoopbackPrinterServer | None) -> None:
        self.sim = sim
        self.server = server

    def paper_low(self) -> None:
        self.sim.state.paper = "low"

    def paper_out(self) -> None:
        self.sim.state.paper = "out"

    def cover_open(self) -> None:
        self.sim.state.cover_open = True

    def no_reply(self) -> None:
        self.sim.state.replies = False

    def offline(self) -> None:
        assert self.server is not None
        self.server.stop_listening()

    def recover(self) -> None:
        self.sim.state = SensorState()
        if self.server is not None:
            self.server.start()


class PtyLink:
    """A pseudo-terminal pair: the driver opens the slave as its serial port, the simulator
    serves the master side, so the real python-escpos ``Serial`` transport is exercised."""

    def __init__(self, sim: EscPosSimulator) -> None:
        self.sim = sim
        self.master, self.slave = os.openpty()
        self.path = os.ttyname(self.slave)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True, name="printer-pty-sim")
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            reply = self.sim.feed(data)
            if reply:
                os.write(self.master, reply)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for fd in (self.master, self.slave):
            with contextlib.suppress(OSError):
                os.close(fd)


def waiter(sim: EscPosSimulator) -> Callable[[int], list[bytes]]:
    def jobs(expect: int) -> list[bytes]:
        sim.wait_for_jobs(expect, 2.0)  # the simulator's thread reads the channel asynchronously
        return list(sim.jobs)

    return jobs


def network_rig(tmp_path: Path) -> Iterator[Rig]:
    sim = EscPosSimulator()
    server = LoopbackPrinterServer(sim)
    server.start()
    printer = EscPosReceiptPrinter(EscPosNetworkConfig(
        driver="escpos_network", host=server.host, port=server.port, timeout_s=2.0,
        status_timeout_s=STATUS_TIMEOUT_S,
    ))
    try:
        yield Rig("escpos-network-loopback", printer, waiter(sim), SimScript(sim, server))
    finally:
        printer.close()
        server.stop_listening()


def serial_pty_rig(tmp_path: Path) -> Iterator[Rig]:
    sim = EscPosSimulator()
    link = PtyLink(sim)
    printer = EscPosReceiptPrinter(EscPosSerialConfig(
        driver="escpos_serial", port=link.path, baudrate=115200, status_timeout_s=STATUS_TIMEOUT_S,
    ))

    try:
        yield Rig("escpos-serial-pty", printer, waiter(sim), SimScript(sim, None), can_go_offline=False)
    finally:
        printer.close()
        link.close()


def file_rig(tmp_path: Path) -> Iterator[Rig]:
    path = tmp_path / "lp0"
    path.touch()
    printer = EscPosReceiptPrinter(EscPosFileConfig(driver="escpos_file", path=path))

    def jobs(expect: int) -> list[bytes]:
        data = path.read_bytes()  # written and flushed synchronously
        return [data] if data else []

    try:
        yield Rig("escpos-file", printer, jobs, None)
    finally:
        printer.close()


def simulated_rig(tmp_path: Path) -> Iterator[Rig]:
    printer = SimulatedReceiptPrinter(
        SimulatedReceiptPrinterConfig(driver="simulated", status_timeout_s=STATUS_TIMEOUT_S),
        tmp_path / "printer-sim",
    )
    try:
        yield Rig("simulated", printer, waiter(printer.simulator), printer)
    finally:
        printer.close()


RIGS = {
    "escpos-network-loopback": network_rig,
    "escpos-serial-pty": serial_pty_rig,
    "escpos-file": file_rig,
    "simulated": simulated_rig,
}
