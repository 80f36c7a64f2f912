"""Each thread gets its own requests.Session; a thread that ends (the sync worker's push threads
end after every round) must not leave its session and keep-alive socket open until close()."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest
import requests

from kiosk.sync.client import SyncClient


class _KeepAlive(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def url() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _KeepAlive)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _pooled(session: requests.Session) -> int:
    return len(session.get_adapter("http://").poolmanager.pools)  # type: ignore[attr-defined]


def test_a_finished_threads_session_is_closed(url: str) -> None:
    client = SyncClient(url)
    sessions: list[requests.Session] = []

    def push() -> None:
        session = client._session()
        session.get(f"{url}/ping", timeout=5).close()
        assert _pooled(session) == 1  # the keep-alive connection, while the thread lives
        sessions.append(session)

    try:
        for _ in range(3):
            thread = threading.Thread(target=push)
            thread.start()
            thread.join()
        assert len(sessions) == 3
        assert [_pooled(s) for s in sessions] == [0, 0, 0]
    finally:
        client.close()
