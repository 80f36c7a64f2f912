"""The reference back office in a background thread of this process (the demo profile's
"local back office", and tests): uvicorn serving :func:`create_app` on a loopback socket."""

from __future__ import annotations

import threading
import time

import uvicorn

from kiosk.backoffice.app import create_app
from kiosk.backoffice.db import BackOfficeDB
from kiosk.backoffice.server import bind
from kiosk.backoffice.settings import BackOfficeSettings


class LocalBackOffice:
    """``start()`` returns once uvicorn is listening; ``port`` 0 picks a free one."""

    def __init__(self, settings: BackOfficeSettings, *, host: str = "127.0.0.1", port: int = 0,
                 db: BackOfficeDB | None = None) -> None:
        self.settings = settings
        self.db = db or BackOfficeDB(settings.db_url, case_prefix=settings.case_prefix)
        self.app = create_app(settings, self.db)
        self.host = host
        self._sock = bind(host, port)  # OSError (EADDRINUSE) when something already listens
        self.port: int = self._sock.getsockname()[1]
        config = uvicorn.Config(self.app, log_level="warning", access_log=False, lifespan="off",
                                timeout_graceful_shutdown=1)
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(target=lambda: self.server.run(sockets=[self._sock]),
                                        name="backoffice", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> LocalBackOffice:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the local back office did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(10)
        self._sock.close()
        self.db.close()

    def __enter__(self) -> LocalBackOffice:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
