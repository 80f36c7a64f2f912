"""The CUPS A4 driver: against a private, real cupsd (file-backed PDF queue) where the machine
allows it, and against a scripted ``run`` for the failure paths that need a stuck job."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from kiosk.devices.config import CupsPrinterConfig
from kiosk.devices.printer.cups import CupsDocumentPrinter
from kiosk.devices.printer.port import DocumentPrinterOffline, DocumentPrintFailed, DocumentPrintTimeout
from kiosk.devices.status import DeviceState
from kiosk.receipts.pdf import render_summary_pdf
from tests.unit.devices.printer.cups_server import PrivateCups, unavailable_reason
from tests.unit.receipts.samples import ITEM_ZH, TRACKING_NO, sample_summary


@pytest.fixture(scope="module")
def cups() -> Iterator[PrivateCups]:
    reason = unavailable_reason()
    if reason:
        pytest.skip(f"real CUPS test: {reason}")
    server = PrivateCups()
    try:
        server.start()
    except (RuntimeError, OSError) as err:
        server.stop()
        pytest.skip(f"a private cupsd could not start here: {err}")
    yield server
    server.stop()


@pytest.fixture
def queue(cups: PrivateCups) -> Iterator[tuple[str, Path]]:
    name, target = cups.add_pdf_queue()
    yield name, target
    cups.remove_queue(name)


def driver_for(cups: PrivateCups, queue: str, **kwargs: Any) -> CupsDocumentPrinter:
    config = CupsPrinterConfig(driver="cups", queue=queue, server=str(cups.socket), **kwargs)
    return CupsDocumentPrinter(config, poll_interval_s=0.05)


def test_real_cups_prints_the_summary_to_a_pdf_file(cups: PrivateCups, queue: tuple[str, Path]) -> None:
    name, target = queue
    printer = driver_for(cups, name, job_timeout_s=60)
    assert printer.status().state is DeviceState.OK
    job = printer.print_pdf(render_summary_pdf(sample_summary()), "application summary")
    assert job.startswith(f"{name}-")
    assert job in cups.lpstat("-W", "completed", "-o", name)
    assert target.exists(), cups.error_log()
    raw = target.read_bytes()
    # the Generic PDF Printer PPD wraps the PDF in PJL (job name, EOJ) like a real PDF printer
    start, end = raw.find(b"%PDF-"), raw.rfind(b"%%EOF")
    assert 0 <= start < end, raw[:200]
    data = raw[start : end + 5]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert ITEM_ZH in text and "受理编号" in text and TRACKING_NO in text


def test_real_cups_missing_queue_is_offline(cups: PrivateCups) -> None:
    printer = driver_for(cups, "kiosk-no-such-queue")
    status = printer.status()
    assert status.state is DeviceState.OFFLINE
    assert status.reason == "device.a4.offline"
    with pytest.raises(DocumentPrinterOffline):
        printer.print_pdf(b"%PDF-1.4\n", "x")


def test_real_cups_disabled_queue_is_offline_and_the_job_is_cancelled(
    cups: PrivateCups, queue: tuple[str, Path]
) -> None:
    name, target = queue
    cups.disable(name)
    printer = driver_for(cups, name, job_timeout_s=30)
    assert printer.status().state is DeviceState.OFFLINE
    with pytest.raises(DocumentPrinterOffline):
        printer.print_pdf(render_summary_pdf(sample_summary()), "application summary")
    assert cups.lpstat("-W", "not-completed", "-o", name).strip() == ""  # cancelled, not left
    assert not target.exists()


def test_no_scheduler_is_offline(tmp_path: Path) -> None:
    if shutil.which("lpstat") is None:
        pytest.skip("CUPS client not installed (Debian package cups-client)")
    config = CupsPrinterConfig(driver="cups", queue="kiosk-a4", server=str(tmp_path / "none.sock"))
    assert CupsDocumentPrinter(config).status().state is DeviceState.OFFLINE


# ---------------------------------------------------------------- scripted run (no CUPS needed)
class FakeCups:
    """Answers lp/lpstat/cancel like CUPS would for one queue whose job never finishes."""

    def __init__(self, *, disabled: bool = False, lp_fails: bool = False) -> None:
        self.calls: list[list[str]] = []
        self.disabled = disabled
        self.lp_fails = lp_fails
        self.cancelled = False

    def __call__(self, argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        self.calls.append(argv)
        out = b""
        rc = 0
        match argv[0], argv[1:]:
            case "lp", _:
                if self.lp_fails:
                    return subprocess.CompletedProcess(argv, 1, b"", b"lp: Unable to connect")
                assert kwargs["input"].startswith(b"%PDF")
                out = b"request id is q-7 (0 file(s))\n"
            case "lpstat", ["-p", _]:
                state = "disabled since Mon" if self.disabled else "is idle.  enabled since Mon"
                out = f"printer q {state}\n".encode()
            case "lpstat", ["-a", _]:
                out = b"q accepting requests since Mon\n"
            case "lpstat", ["-W", "not-completed", "-o", _]:
                out = b"" if self.cancelled else b"q-7   root   2048   Mon\n"
            case "cancel", ["q-7"]:
                self.cancelled = True
        return subprocess.CompletedProcess(argv, rc, out, b"")


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def fake_driver(fake: FakeCups, clock: FakeClock, timeout: float = 5.0) -> CupsDocumentPrinter:
    config = CupsPrinterConfig(driver="cups", queue="q", job_timeout_s=timeout)
    return CupsDocumentPrinter(config, poll_interval_s=1.0, sleep=clock.sleep, clock=clock, run=fake)


def test_stuck_job_times_out_and_is_cancelled() -> None:
    fake, clock = FakeCups(), FakeClock()
    with pytest.raises(DocumentPrintTimeout) as info:
        fake_driver(fake, clock, timeout=5).print_pdf(b"%PDF-1.7 ...", "t")
    assert info.value.key == "device.a4.timeout"
    assert fake.cancelled and ["cancel", "q-7"] in fake.calls
    assert 5 <= clock.now <= 6


def test_queue_disabled_while_waiting_fails_and_cancels() -> None:
    fake, clock = FakeCups(disabled=True), FakeClock()
    with pytest.raises(DocumentPrinterOffline):
        fake_driver(fake, clock).print_pdf(b"%PDF-1.7 ...", "t")
    assert fake.cancelled


def test_lp_failure_is_wrapped() -> None:
    fake, clock = FakeCups(lp_fails=True), FakeClock()
    with pytest.raises(DocumentPrintFailed) as info:
        fake_driver(fake, clock).print_pdf(b"%PDF-1.7 ...", "t")
    assert "Unable to connect" in info.value.detail


def test_missing_cups_client_is_offline() -> None:
    def missing(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        raise FileNotFoundError(argv[0])

    config = CupsPrinterConfig(driver="cups", queue="q")
    printer = CupsDocumentPrinter(config, run=missing)
    assert printer.status().state is DeviceState.OFFLINE
    with pytest.raises(DocumentPrinterOffline) as info:
        printer.print_pdf(b"%PDF-1.7", "t")
    assert isinstance(info.value.__cause__, FileNotFoundError)
