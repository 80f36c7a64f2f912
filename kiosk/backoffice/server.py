"""Run the back office under uvicorn (``kiosk backoffice``)."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import uvicorn

from kiosk.atomicfile import atomic_write
from kiosk.backoffice.app import create_app
from kiosk.backoffice.settings import BackOfficeSettings

log = logging.getLogger(__name__)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket (``port`` 0 = a free one, see ``getsockname()``)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # accepted connections inherit it: without it, an answer written as head + body waits
    # for the client's delayed ACK (Nagle), ~40 ms per request
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def serve(settings: BackOfficeSettings, host: str = "127.0.0.1", port: int = 8765,
          port_file: Path | None = None, log_level: str = "warning") -> None:
    """Serve until interrupted. With ``port_file`` the bound port is written there once
    listening (how tests and scripts find a server started on port 0)."""
    sock = bind(host, port)
    actual = sock.getsockname()[1]
    app = create_app(settings)
    # http/loop "auto": httptools and uvloop (dependencies for this) when installed, about 15 %
    # less CPU per sync request than h11 on asyncio (bench/SYNC_RESULTS.md); h11 otherwise
    config = uvicorn.Config(app, log_level=log_level, access_log=False, timeout_graceful_shutdown=2,
                            lifespan="on", http="auto", loop="auto")
    server = uvicorn.Server(config)
    if port_file is not None:
        atomic_write(port_file, f"{actual}\n".encode())
    log.info("back office listening on %s:%d", host, actual)
    server.run(sockets=[sock])
