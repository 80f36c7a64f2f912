"""A private CUPS scheduler for tests: its own ServerRoot, spool, logs and a domain socket in a
temporary directory, so the system's CUPS (running or not) is never touched. Queues print to
``file:`` device URIs (``FileDevice Yes`` in the private cups-files.conf) through the
cups-filters "Generic PDF Printer" PPD, so each job leaves a PDF file behind to check."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

CUPSD = Path("/usr/sbin/cupsd")
PDF_PPD = "lsb/usr/cupsfilters/Generic-PDF_Printer-PDF.ppd"
PDF_PPD_FILE = Path("/usr/share/ppd/cupsfilters/Generic-PDF_Printer-PDF.ppd")


def unavailable_reason() -> str | None:
    if os.geteuid() != 0:
        return "a private cupsd needs root (filters run as user lp)"
    for tool in ("lp", "lpstat", "lpadmin", "cancel"):
        if shutil.which(tool) is None:
            return f"{tool} not installed (Debian package cups-client)"
    if not CUPSD.exists():
        return "cupsd not installed (Debian package cups-daemon)"
    if not PDF_PPD_FILE.exists():
        return f"{PDF_PPD_FILE} missing (Debian package cups-filters)"
    return None


class PrivateCups:
    def __init__(self) -> None:
        # not under pytest's tmp_path: that is 0700 and the filters run as user lp
        self.root = Path(tempfile.mkdtemp(prefix="kiosk-cups-"))
        self.root.chmod(0o755)
        self.socket = self.root / "cups.sock"
        self.out = self.root / "out"
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 20.0) -> None:
        conf = self.root / "conf"
        for sub in ("conf", "spool", "state", "cache", "log"):
            (self.root / sub).mkdir()
        tmp = self.root / "tmp"
        tmp.mkdir()
        tmp.chmod(0o1777)
        self.out.mkdir()
        self.out.chmod(0o777)
        (conf / "cupsd.conf").write_text(
            f"LogLevel info\nListen {self.socket}\nBrowsing No\nWebInterface No\n"
            "DefaultAuthType None\nErrorPolicy stop-printer\n"
            "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
            "<Policy default>\n  JobPrivateAccess all\n  JobPrivateValues none\n"
            "  SubscriptionPrivateAccess all\n  SubscriptionPrivateValues none\n"
            "  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n",
            encoding="utf-8",
        )
        (conf / "cups-files.conf").write_text(
            f"ServerRoot {conf}\nRequestRoot {self.root / 'spool'}\nStateDir {self.root / 'state'}\n"
            f"CacheDir {self.root / 'cache'}\nTempDir {tmp}\nServerBin /usr/lib/cups\n"
            f"DataDir /usr/share/cups\nErrorLog {self.root / 'log' / 'error_log'}\n"
            f"AccessLog {self.root / 'log' / 'access_log'}\nPageLog {self.root / 'log' / 'page_log'}\n"
            "FileDevice Yes\nSystemGroup root\nUser lp\nGroup lp\n",
            encoding="utf-8",
        )
        self._proc = subprocess.Popen(
            [str(CUPSD), "-f", "-c", str(conf / "cupsd.conf"), "-s", str(conf / "cups-files.conf")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"cupsd exited {self._proc.returncode}: {self.error_log()}")
            if self.socket.exists() and "is running" in self.lpstat("-r"):
                return
            time.sleep(0.1)  # the scheduler has no readiness signal we can wait on
        raise RuntimeError(f"cupsd did not start: {self.error_log()}")

    def lpstat(self, *args: str) -> str:
        result = subprocess.run(["lpstat", "-h", str(self.socket), *args],
                                capture_output=True, check=False, timeout=10)
        return (result.stdout + result.stderr).decode("utf-8", "replace")

    def admin(self, *args: str) -> None:
        subprocess.run(["lpadmin", "-h", str(self.socket), *args],
                       capture_output=True, check=True, timeout=30)

    def add_pdf_queue(self, output: Path | None = None) -> tuple[str, Path]:
        name = f"kiosk-test-{uuid.uuid4().hex[:8]}"
        target = output or self.out / f"{name}.pdf"
        self.admin("-p", name, "-E", "-v", f"file://{target}", "-m", PDF_PPD)
        return name, target

    def remove_queue(self, name: str) -> None:
        subprocess.run(["lpadmin", "-h", str(self.socket), "-x", name],
                       capture_output=True, check=False, timeout=30)

    def disable(self, name: str) -> None:
        subprocess.run(["cupsdisable", "-h", str(self.socket), name],
                       capture_output=True, check=True, timeout=30)

    def error_log(self) -> str:
        path = self.root / "log" / "error_log"
        return path.read_text(encoding="utf-8", errors="replace")[-2000:] if path.exists() else ""

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)
