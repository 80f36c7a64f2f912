"""The A4 document printer: a PDF through CUPS with the command-line client.

``lp -d QUEUE -t TITLE`` reads the PDF from stdin (no copy of a citizen's document lands in a
temporary file) and answers ``request id is QUEUE-N``; the job is then polled with
``lpstat -W not-completed -o QUEUE`` until it leaves the queue. While it waits, a queue that
becomes disabled (CUPS stops a printer whose backend failed) fails the job; past
``job_timeout_s`` the job is cancelled (so it cannot print later, for the next citizen) and
:class:`DocumentPrintTimeout` is raised. Status comes from ``lpstat -p QUEUE`` and
``lpstat -a QUEUE``: a missing queue, a disabled or rejecting one, or no scheduler is OFFLINE.

Limit: ``lpstat`` does not tell a completed job from one cancelled by an operator or aborted
by the ``abort-job`` error policy; a job that left the queue counts as done.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import time
from collections.abc import Callable, Sequence
from typing import Final

from kiosk.devices.config import CupsPrinterConfig
from kiosk.devices.printer.port import DocumentPrinterOffline, DocumentPrintFailed, DocumentPrintTimeout
from kiosk.devices.status import OK, DeviceState, DeviceStatus

_log = logging.getLogger(__name__)

_REQUEST_ID: Final = re.compile(r"request id is (\S+)")
Runner = Callable[..., "subprocess.CompletedProcess[bytes]"]


class CupsDocumentPrinter:
    def __init__(
        self,
        config: CupsPrinterConfig,
        *,
        poll_interval_s: float = 0.2,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        run: Runner = subprocess.run,
    ) -> None:
        self._config = config
        self._poll = poll_interval_s
        self._sleep = sleep
        self._clock = clock
        self._run = run
        # parseable English output whatever the terminal's locale
        self._env = {**os.environ, "LC_ALL": "C", "LANG": "C"}

    @property
    def queue(self) -> str:
        return self._config.queue

    def _cmd(self, program: str, *args: str, stdin: bytes | None = None,
             timeout: float | None = None) -> subprocess.CompletedProcess[bytes]:
        argv = [program]
        if self._config.server:
            argv += ["-h", self._config.server]
        argv += list(args)
        try:
            return self._run(argv, input=stdin, capture_output=True, check=False, env=self._env,
                             timeout=timeout or self._config.status_timeout_s)
        except FileNotFoundError as err:
            raise DocumentPrinterOffline(f"{program} not found: is the CUPS client installed?") from err
        except OSError as err:
            raise DocumentPrinterOffline(f"{program}: {err}") from err

    @staticmethod
    def _text(result: subprocess.CompletedProcess[bytes]) -> str:
        return (result.stdout + result.stderr).decode("utf-8", "replace").strip()

    # ------------------------------------------------------------------ status
    def status(self) -> DeviceStatus:
        try:
            printer = self._cmd("lpstat", "-p", self.queue)
            accepting = self._cmd("lpstat", "-a", self.queue)
        except subprocess.TimeoutExpired:
            return DeviceStatus(DeviceState.UNKNOWN, "device.a4.unknown", "lpstat did not answer")
        except DocumentPrinterOffline as err:
            return DeviceStatus(DeviceState.OFFLINE, err.key, err.detail)
        text = self._text(printer)
        if printer.returncode != 0 or not text.startswith(f"printer {self.queue} "):
            return DeviceStatus(DeviceState.OFFLINE, "device.a4.offline", _first_line(text))
        words = _first_line(text).split()  # "printer Q disabled since …" / "printer Q is idle. …"
        if len(words) > 2 and words[2] == "disabled":
            return DeviceStatus(DeviceState.OFFLINE, "device.a4.offline", _first_line(text))
        if accepting.returncode != 0 or "not accepting" in self._text(accepting):
            return DeviceStatus(DeviceState.OFFLINE, "device.a4.offline",
                                _first_line(self._text(accepting)))
        return DeviceStatus(OK.state, "", _first_line(text))

    # ------------------------------------------------------------------ printing
    def print_pdf(self, pdf: bytes, title: str) -> str:
        try:
            result = self._cmd("lp", "-d", self.queue, "-t", title, stdin=pdf,
                               timeout=max(self._config.status_timeout_s, 30.0))
        except subprocess.TimeoutExpired as err:
            raise DocumentPrintTimeout("lp did not answer") from err
        text = self._text(result)
        match = _REQUEST_ID.search(text)
        if result.returncode != 0 or match is None:
            status = self.status()
            if status.state is DeviceState.OFFLINE:
                raise DocumentPrinterOffline(status.detail or _first_line(text))
            raise DocumentPrintFailed(f"lp exit {result.returncode}: {_first_line(text)}")
        job = match.group(1)
        _log.info("A4 job %s submitted to %s", job, self.queue)
        self._wait(job)
        _log.info("A4 job %s done", job)
        return job

    def _wait(self, job: str) -> None:
        deadline = self._clock() + self._config.job_timeout_s
        while True:
            try:
                pending = self._jobs("-W", "not-completed")
            except subprocess.TimeoutExpired:
                pending = {job}  # no answer this round: keep waiting until the deadline
            if job not in pending:
                return
            status = self.status()
            if status.state is DeviceState.OFFLINE:
                self._cancel(job)
                raise DocumentPrinterOffline(f"job {job}: {status.detail}")
            if self._clock() >= deadline:
                self._cancel(job)
                raise DocumentPrintTimeout(f"job {job} not done after {self._config.job_timeout_s:g} s")
            self._sleep(self._poll)

    def _jobs(self, *which: str) -> set[str]:
        result = self._cmd("lpstat", *which, "-o", self.queue)
        if result.returncode != 0:
            raise DocumentPrintFailed(f"lpstat exit {result.returncode}: {_first_line(self._text(result))}")
        return _job_ids(result.stdout.decode("utf-8", "replace").splitlines())

    def _cancel(self, job: str) -> None:
        try:
            result = self._cmd("cancel", job)
        except (DocumentPrinterOffline, subprocess.TimeoutExpired) as err:
            _log.warning("could not cancel A4 job %s: %s", job, err)
            return
        if result.returncode != 0:
            _log.warning("could not cancel A4 job %s: %s", job, _first_line(self._text(result)))
        else:
            _log.info("A4 job %s cancelled", job)

    def close(self) -> None:
        return None


def _job_ids(lines: Sequence[str]) -> set[str]:
    """Job ids from ``lpstat -o`` output: the first word of each unindented line."""
    return {line.split()[0] for line in lines if line.strip() and not line[0].isspace()}


def _first_line(text: str) -> str:
    return text.splitlines()[0] if text else ""
