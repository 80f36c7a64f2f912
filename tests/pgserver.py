"""A throw-away PostgreSQL server for the back-office tests.

The back office runs on SQLite by default and on PostgreSQL by URL (a district-wide server).
The tests run the same back-office suite on both: this starts a private server from the
Debian ``postgresql`` package's binaries (``run.sh`` installs them) in a temporary directory,
listening on a Unix socket only (no TCP port, nothing shared with the machine), with ``fsync``
off (a test database need not survive a power cut). Each test gets a fresh database.

PostgreSQL refuses to run as root. CI runs as root, so there the server runs as the
``postgres`` system user the package creates (``runuser``). ``pytest-postgresql`` starts its
server as the current user and has no way to switch, hence these few lines.

``KIOSK_TEST_POSTGRES_URL`` points the tests at an existing server instead (a database the
tests may create databases on). Without binaries or the driver the PostgreSQL cases skip,
unless ``KIOSK_REQUIRE_POSTGRES=1`` (``run.sh test`` sets it): then they fail, so CI cannot
silently test SQLite alone.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["PgServer", "find_bindir", "unavailable"]

SYSTEM_USER = "postgres"  # the Debian package's; the server runs as it when we are root


def find_bindir() -> Path | None:
    """The newest installed PostgreSQL's binaries (Debian keeps them out of PATH)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def unavailable() -> str | None:
    """Why no server can be started here (``None``: one can)."""
    try:
        import psycopg  # noqa: F401 - the driver the URL names
    except ImportError:
        return "the psycopg driver is not installed (pip install -e '.[dev]')"
    if find_bindir() is None:
        return "no PostgreSQL server binaries (Debian package postgresql; run.sh installs it)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser"
    return None


class PgServer:
    """``start()``, then ``create_database()`` per test, ``stop()`` at the end."""

    def __init__(self) -> None:
        bindir = find_bindir()
        if bindir is None:
            raise RuntimeError(unavailable() or "no PostgreSQL binaries")
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="kiosk-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "run"
        self.port = 5432  # names the socket file in our private directory only
        self._as_user = ["runuser", "-u", SYSTEM_USER, "--"] if os.geteuid() == 0 else []
        self._names = itertools.count(1)

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as_user, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> PgServer:
        self.socket_dir.mkdir()
        if self._as_user:
            shutil.chown(self.root, SYSTEM_USER, SYSTEM_USER)
            shutil.chown(self.socket_dir, SYSTEM_USER, SYSTEM_USER)
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "kiosk", "-A", "trust",
                  "-E", "UTF8", "--locale=C.UTF-8")
        options = f"-k {self.socket_dir} -p {self.port} -F -c listen_addresses=''"
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"),
                  "-o", options, "-w", "-t", "60", "start")
        return self

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://kiosk@/{database}?host={self.socket_dir}&port={self.port}"

    def create_database(self) -> str:
        """A fresh, empty database; its SQLAlchemy URL."""
        import psycopg

        name = f"t{next(self._names)}"
        with psycopg.connect(host=str(self.socket_dir), port=self.port, user="kiosk",
                             dbname="postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
