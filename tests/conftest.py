"""Shared fixtures. A test fails on any unexpected WARNING (or worse) log record (DESIGN §7);
a test that provokes one on purpose takes the ``expect_logs`` fixture and asserts on it."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import pgserver
from tests.pgserver import PgServer

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--hardware", action="store_true", default=False,
                     help="run the tests marked hardware (real devices attached)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--hardware"):
        return
    skip = pytest.mark.skip(reason="needs real hardware: run with --hardware")
    for item in items:
        if item.get_closest_marker("hardware"):
            item.add_marker(skip)


class LogCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []
        self.allowed = False

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def messages(self) -> list[str]:
        return [r.getMessage() for r in self.records]


@pytest.fixture(autouse=True)
def _logfail() -> Iterator[LogCollector]:
    collector = LogCollector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        yield collector
    finally:
        root.removeHandler(collector)
    if collector.records and not collector.allowed:
        lines = "\n".join(f"{r.levelname} {r.name}: {r.getMessage()}" for r in collector.records)
        pytest.fail(f"unexpected warning/error log records:\n{lines}", pytrace=False)


@pytest.fixture
def expect_logs(_logfail: LogCollector) -> LogCollector:
    """Allow WARNING+ records in this test; assert on ``expect_logs.messages()``."""
    _logfail.allowed = True
    return _logfail


@pytest.fixture
def tmp_config_file(tmp_path: Path) -> Path:
    """A demo-profile config whose every path lies under ``tmp_path``."""
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f"""
profile = "demo"
[paths]
data_dir = "{tmp_path / 'data'}"
log_file = "{tmp_path / 'data' / 'logs' / 'kiosk.log'}"
[keyring]
file = "{tmp_path / 'data' / 'keyring' / 'kiosk-keyring.cfg'}"
master_secret_file = "{tmp_path / 'secret' / 'master.key'}"
""",
        encoding="utf-8",
    )
    return path


# ---------------------------------------------------------------- PostgreSQL (tests/pgserver.py)
@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer | None]:
    """A private PostgreSQL server for the session (``None`` with KIOSK_TEST_POSTGRES_URL)."""
    if os.environ.get("KIOSK_TEST_POSTGRES_URL"):
        yield None
        return
    why = pgserver.unavailable()
    if why is not None:
        if os.environ.get("KIOSK_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL required (KIOSK_REQUIRE_POSTGRES=1) but {why}", pytrace=False)
        pytest.skip(f"no PostgreSQL: {why}")
    server = PgServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: PgServer | None) -> str:
    """The SQLAlchemy URL of an empty PostgreSQL database for this test."""
    if pg_server is None:  # the caller's server: one database, emptied for each test
        import sqlalchemy as sa

        from kiosk.backoffice.db import metadata

        url = os.environ["KIOSK_TEST_POSTGRES_URL"]
        engine = sa.create_engine(url)
        try:
            metadata.drop_all(engine)
        finally:
            engine.dispose()
        return url
    return pg_server.create_database()
