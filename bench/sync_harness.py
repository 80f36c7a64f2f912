"""Test and benchmark machinery for sync: a real back office (thread or subprocess), a
fault-injecting TCP proxy on loopback, and a kiosk data directory with an enrolled terminal.

Everything binds 127.0.0.1 on port 0; every wait is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import random
import secrets
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from kiosk.app import build_keyring, open_outbox
from kiosk.backoffice.db import BackOfficeDB
from kiosk.backoffice.local import LocalBackOffice
from kiosk.backoffice.settings import BackOfficeSettings
from kiosk.config import Config, load_config
from kiosk.store.models import Attachment, Consent, NewSubmission
from kiosk.store.outbox import Outbox
from kiosk.sync.client import SyncClient
from kiosk.sync.credentials import Credentials, enrol

REPO = Path(__file__).resolve().parent.parent


def wait_until(condition: Callable[[], bool], timeout: float, interval: float = 0.02,
               what: str = "condition") -> None:
    """Poll ``condition`` until true; AssertionError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


# ---------------------------------------------------------------- back office in a thread
class ThreadedBackOffice(LocalBackOffice):
    """uvicorn serving ``create_app`` in a background thread on a free loopback port."""

    def __init__(self, settings: BackOfficeSettings, db: BackOfficeDB | None = None) -> None:
        super().__init__(settings, db=db)


# ---------------------------------------------------------------- back office in a subprocess
class BackOfficeProcess:
    """``kiosk backoffice`` as a real process (so it can be SIGKILLed and restarted)."""

    def __init__(self, db_url: str, workdir: Path, clock_skew_s: int = 300) -> None:
        self.db_url = db_url
        self.workdir = workdir
        self.clock_skew_s = clock_skew_s
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.starts = 0

    def start(self) -> int:
        port_file = self.workdir / f"backoffice-port-{self.starts}"
        port_file.unlink(missing_ok=True)
        log = (self.workdir / "backoffice.log").open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk.cli", "backoffice", "--host", "127.0.0.1", "--port", "0",
             "--db", self.db_url, "--port-file", str(port_file), "--clock-skew", str(self.clock_skew_s)],
            cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()
        self.starts += 1
        wait_until(lambda: port_file.exists() or self.proc is None or self.proc.poll() is not None,
                   30, what="back office start")
        if not port_file.exists():
            raise AssertionError(f"back office did not start: {self.log_tail()}")
        self.port = int(port_file.read_text().strip())
        wait_until(self._accepts, 10, what="back office accepting")
        return self.port

    def _accepts(self) -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 0.5):
            return True
        return False

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None

    def log_tail(self, n: int = 3000) -> str:
        path = self.workdir / "backoffice.log"
        return path.read_text(errors="replace")[-n:] if path.exists() else ""


# ---------------------------------------------------------------- fault-injecting proxy
FAULTS = ("reset_request", "lose_response", "truncate_response", "server_error", "delay", "drop")


@dataclasses.dataclass
class FaultPlan:
    """Per request exchange: with probability ``rate`` one of ``kinds`` happens.

    ``cut_every``: additionally cut every connection after that many client→server bytes
    (RST to the client; the server side is closed a moment later, as after a real link cut,
    so bytes already forwarded are delivered).
    """

    rate: float = 0.0
    kinds: tuple[str, ...] = FAULTS
    delay_s: tuple[float, float] = (0.05, 0.3)
    drop_s: float = 1.5  # a dropped exchange hangs this long, then the connection closes
    cut_every: int | None = None
    linger_s: float = 0.1  # after a cut, the server side closes this much later
    seed: int = 0


@dataclasses.dataclass
class ProxyStats:
    connections: int = 0
    upstream_bytes: int = 0  # client → server bytes forwarded
    downstream_bytes: int = 0
    faults: dict[str, int] = dataclasses.field(default_factory=dict)
    cuts: int = 0


_503 = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
        b"Content-Length: 58\r\nConnection: close\r\n\r\n"
        b'{"detail": {"code": "proxy.fault", "message": "injected"}}')


class FaultProxy:
    """A TCP proxy on 127.0.0.1 (asyncio in a thread) that injects faults per exchange.

    An *exchange* is a client burst followed by the server's answer (HTTP/1.1 without
    pipelining). Faults: ``reset_request`` (forward part of the request, then RST),
    ``lose_response`` (forward the request, swallow the answer, RST: the server committed,
    the client does not know), ``truncate_response`` (forward part of the answer, close),
    ``server_error`` (answer 503 without forwarding), ``delay`` and ``drop`` (hang).
    """

    def __init__(self, target_port: int | Sequence[int], plan: FaultPlan | None = None) -> None:
        # several targets: servers behind a load balancer, one per connection in turn
        self.targets = [target_port] if isinstance(target_port, int) else list(target_port)
        self.plan = plan or FaultPlan()
        self.stats = ProxyStats()
        self._rng = random.Random(self.plan.seed)
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.base_events.Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="fault-proxy", daemon=True)
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Future[Any]] = set()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        self._thread.start()
        fut = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._handle, "127.0.0.1", 0), self._loop)
        self._server = fut.result(10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def retarget(self, port: int, index: int = 0) -> None:
        """Target ``index`` now listens on ``port`` (a restarted server)."""
        self.targets[index] = port

    def stop(self) -> None:
        async def _close() -> None:
            if self._server is not None:
                self._server.close()
            for w in list(self._writers):
                w.transport.abort()
            tasks = [t for t in self._tasks if not t.done()]
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(_close(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _count(self, kind: str) -> None:
        self.stats.faults[kind] = self.stats.faults.get(kind, 0) + 1

    @staticmethod
    def _rst(writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()

    def _later(self, writer: asyncio.StreamWriter, after: float) -> None:
        task = asyncio.ensure_future(self._close_later(writer, after))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _close_later(self, writer: asyncio.StreamWriter, after: float) -> None:
        await asyncio.sleep(after)
        writer.transport.close()

    async def _handle(self, c_reader: asyncio.StreamReader, c_writer: asyncio.StreamWriter) -> None:
        target = self.targets[self.stats.connections % len(self.targets)]
        self.stats.connections += 1
        me = asyncio.current_task()
        if me is not None:
            self._tasks.add(me)
            me.add_done_callback(self._tasks.discard)
        try:
            s_reader, s_writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", target), 5)
        except (OSError, TimeoutError):
            self._rst(c_writer)
            return
        self._writers.update((c_writer, s_writer))
        state = {"conn_bytes": 0, "fault": None, "answering": False, "done": False}
        plan = self.plan

        def new_exchange() -> None:
            state["answering"] = False
            state["fault"] = (self._rng.choice(plan.kinds)
                              if plan.rate and self._rng.random() < plan.rate else None)

        async def upstream() -> None:
            new_exchange()
            while not state["done"]:
                data = await c_reader.read(65536)
                if not data:
                    break
                if state["answering"]:
                    new_exchange()
                fault = state["fault"]
                if fault == "server_error":
                    self._count(fault)
                    c_writer.write(_503)
                    with contextlib.suppress(OSError):
                        await c_writer.drain()
                    break
                if fault == "reset_request":
                    self._count(fault)
                    part = data[: self._rng.randrange(0, len(data) + 1)]
                    s_writer.write(part)
                    self.stats.upstream_bytes += len(part)
                    self._rst(c_writer)
                    self._later(s_writer, self.plan.linger_s)
                    state["done"] = True
                    return
                if fault in ("delay", "drop"):
                    self._count(fault)
                    state["fault"] = None
                    if fault == "drop":
                        await asyncio.sleep(plan.drop_s)
                        break
                    await asyncio.sleep(self._rng.uniform(*plan.delay_s))
                if plan.cut_every is not None and state["conn_bytes"] + len(data) >= plan.cut_every:
                    part = data[: plan.cut_every - state["conn_bytes"]]
                    s_writer.write(part)
                    self.stats.upstream_bytes += len(part)
                    self.stats.cuts += 1
                    self._rst(c_writer)
                    self._later(s_writer, self.plan.linger_s)
                    state["done"] = True
                    return
                state["conn_bytes"] += len(data)
                self.stats.upstream_bytes += len(data)
                s_writer.write(data)
                await s_writer.drain()
            state["done"] = True
            s_writer.transport.close()
            c_writer.transport.close()

        async def downstream() -> None:
            while not state["done"]:
                data = await s_reader.read(65536)
                if not data:
                    break
                state["answering"] = True
                fault = state["fault"]
                if fault == "lose_response":
                    self._count(fault)
                    self._rst(c_writer)
                    break
                if fault == "truncate_response":
                    self._count(fault)
                    c_writer.write(data[: self._rng.randrange(0, max(1, len(data) - 1))])
                    with contextlib.suppress(OSError):
                        await c_writer.drain()
                    c_writer.transport.close()
                    break
                self.stats.downstream_bytes += len(data)
                c_writer.write(data)
                await c_writer.drain()
            state["done"] = True
            c_writer.transport.close()
            s_writer.transport.close()

        try:
            await asyncio.gather(upstream(), downstream())
        except (OSError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            for w in (c_writer, s_writer):
                w.transport.close()
                self._writers.discard(w)


# ---------------------------------------------------------------- a kiosk with an enrolled terminal
def write_kiosk_config(root: Path, url: str, **sync: float | int | str) -> Path:
    """A demo-profile config under ``root`` syncing with ``url``."""
    lines = [f"{k} = {v!r}" if isinstance(v, str) else f"{k} = {v}" for k, v in sync.items()]
    root.mkdir(parents=True, exist_ok=True)
    secret = root / "secret" / "master.key"
    if not secret.exists():  # as the installer would (a first start logs a warning otherwise)
        secret.parent.mkdir(mode=0o700)
        secret.write_bytes(secrets.token_bytes(32))
        secret.chmod(0o600)
    path = root / "kiosk.toml"
    sync_block = "\n".join([f'url = "{url}"', *[ln.replace("'", '"') for ln in lines]])
    path.write_text(
        f"""profile = "demo"
[paths]
data_dir = "{root / 'data'}"
log_file = "{root / 'data' / 'logs' / 'kiosk.log'}"
[keyring]
file = "{root / 'data' / 'keyring' / 'kiosk-keyring.cfg'}"
master_secret_file = "{root / 'secret' / 'master.key'}"
[sync]
{sync_block}
""",
        encoding="utf-8",
    )
    return path


@dataclasses.dataclass
class Kiosk:
    config_path: Path
    config: Config
    outbox: Outbox
    credentials: Credentials

    def close(self) -> None:
        self.outbox.close()


def enrolled_kiosk(root: Path, backoffice: BackOfficeDB, url: str, terminal_id: str | None = None,
                   **sync: float | int | str) -> Kiosk:
    """Config, outbox and keyring under ``root``; enrolled through ``url`` with a fresh code."""
    path = write_kiosk_config(root, url, **sync)
    config = load_config(path)
    ring = build_keyring(config)
    code, _tid = backoffice.create_enrolment_code(terminal_id, created_by="test")
    client = SyncClient(url)
    try:
        creds = enrol(client, code, ring)
    finally:
        client.close()
    return Kiosk(path, config, open_outbox(config, ring), creds)


def make_submission(i: int, rng: random.Random, sizes: tuple[int, ...] = (200_000, 200_000)) -> NewSubmission:
    return NewSubmission(
        item_code="44030400SC-XK-0001",
        language="zh-Hans",
        identity={"kind": "resident_id", "number": f"{rng.randrange(10**17):018d}", "name": f"测试{i}"},
        form={"i": i, "company_name": f"深圳市第{i}测试有限公司"},
        consent=Consent("v1", dt.datetime(2026, 11, 25, tzinfo=dt.UTC), "zh-Hans"),
        attachments=tuple(Attachment(f"m{k}", f"m{k}.pdf", "application/pdf", rng.randbytes(size))
                          for k, size in enumerate(sizes)),
    )

