"""Cold start (issue 6, "Threads and speed"): what ``run_kiosk`` does before the attract
screen's first frame, and what it leaves for the start-up thread after it. Each test runs the
real ``python -m kiosk.ui.run`` in its own process (a clean ``sys.modules``, its own
QGuiApplication). Speed itself is the benchmark's business (``bench/ui_speed.py``); these
tests pin the structure that makes it fast and the behaviour when the deferred part fails."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.ui.harness import write_config

REPO = Path(__file__).resolve().parents[2]

# Opened after the first frame on the start-up thread: the store (sqlite-utils, which imports
# numpy), the keyring, OpenCV and the devices' drivers, PDF and receipt rendering, the demo
# back office; imported when first used: the receipt QR, ID-number check digits, Ed25519
# verification. Importing any of them before the first frame costs the citizen time.
DEFERRED = ("numpy", "sqlite_utils", "keyring", "keyrings.alt", "cv2", "serial", "escpos",
            "reportlab", "img2pdf", "pypinyin", "fastapi", "sqlalchemy", "uvicorn",
            "qrcode", "stdnum", "cryptography.hazmat.primitives.asymmetric.ed25519",
            "kiosk.store.outbox", "kiosk.devices.camera.opencv", "kiosk.demo")

# a driver around the real entry point: at the first frame swapped on the attract screen, it
# prints which of DEFERRED are imported and whether the garbage collector runs, then the
# benchmark hook (KIOSK_EXIT_AFTER_FIRST_FRAME) ends the process
# benchmark hook (KIOSK_EXIT_AFTER_FIRST_FRAME) ends the process. It starts the kiosk as the
# terminal's unit does: the console script's launcher (kiosk.__main__), ``kiosk run``.
_DRIVER = """
import atexit, gc, json, sys
import kiosk.__main__ as launcher
import kiosk.ui.run as run
deferred = json.loads(sys.argv[1])
original = run._exit_after_first_frame

def hook(app, window):
    def swapped():
        if window.session.screen == "attract":
            window.view.frameSwapped.disconnect(swapped)
            loaded = sorted(m for m in deferred if m in sys.modules)
            print("LOADED_AT_FIRST_FRAME " + json.dumps(loaded), flush=True)
            print(f"GC_AT_FIRST_FRAME {gc.isenabled()}", flush=True)
    window.view.frameSwapped.connect(swapped)
    original(app, window)

run._exit_after_first_frame = hook
atexit.register(lambda: print(f"GC_AT_EXIT {gc.isenabled()} {gc.get_freeze_count() > 0}",
                              flush=True))
sys.argv = ["kiosk", "--config", sys.argv[2], "run", "--window"]
sys.exit(launcher.main())
"""


def _env(**extra: str) -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software",
                PYTHONPATH=str(REPO), **extra)


def _config(tmp_path: Path) -> Path:
    # a sync URL nobody listens on: the demo's own back office must not take port 8765
    write_config(tmp_path, extra='[sync]\nurl = "http://127.0.0.1:9"\n')
    return tmp_path / "kiosk.toml"


def test_the_first_frame_comes_before_the_store_keyring_and_drivers_load(tmp_path: Path) -> None:
    """``kiosk run`` as the terminal's unit starts it."""
    config = _config(tmp_path)
    proc = subprocess.run([sys.executable, "-c", _DRIVER, json.dumps(DEFERRED), str(config)],
                          cwd=REPO, env=_env(KIOSK_EXIT_AFTER_FIRST_FRAME="1"),
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    marks = [ln for ln in proc.stdout.splitlines() if ln.startswith("LOADED_AT_FIRST_FRAME ")]
    assert marks, proc.stdout + proc.stderr[-2000:]
    assert json.loads(marks[0].split(" ", 1)[1]) == []
    # the collector paused for the start (kiosk.__main__), on again after the first frame with
    # the start's objects frozen out of its scans
    assert "GC_AT_FIRST_FRAME False" in proc.stdout
    assert "GC_AT_EXIT True True" in proc.stdout
    # ... and they were opened after it: the store exists, the devices came up
    assert (tmp_path / "data" / "queue.sqlite3").is_file()
    assert "devices and admin services up" in proc.stderr


def test_a_store_that_cannot_open_after_the_first_frame_ends_out_of_service_and_non_zero(
        tmp_path: Path) -> None:
    config = _config(tmp_path)
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    (data / "queue.sqlite3").write_bytes(b"this is not an SQLite database" * 100)
    proc = subprocess.run([sys.executable, "-m", "kiosk.ui.run", "--config", str(config),
                           "--windowed"], cwd=REPO, env=_env(), capture_output=True, text=True,
                          timeout=120, check=False)
    # the out-of-service screen, then exit 70 for systemd to restart the unit (DESIGN §6)
    assert proc.returncode == 70, proc.stderr[-3000:]
    assert "kiosk-start failed" in proc.stderr
    assert "journey attract -out_of_service-> out_of_service" in proc.stderr
    # the damaged file is still there for a technician: nothing overwrote it
    assert (data / "queue.sqlite3").read_bytes().startswith(b"this is not an SQLite")
