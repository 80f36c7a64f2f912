"""The UI speed benchmark still runs in its quick mode (figures live in bench/UI_SPEED_RESULTS.md;
speed is the benchmark's business, never a timed assertion here)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_ui_speed_benchmark_quick_runs() -> None:
    # its own process: the benchmark starts a QGuiApplication and Qt's keyboard module logs
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software")
    proc = subprocess.run([sys.executable, "-m", "bench.ui_speed", "--quick"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert "| measurement | n | p50 | p99 | max | target |" in out
    assert "| cold start: bare QQuickView + InputPanel (baseline) |" in out
    assert "| cold start: kiosk → attract screen |" in out
    assert "| tick gap: bare event loop, nothing running (baseline) |" in out
    assert "| tick gap: kiosk UI + scanning + printing + syncing |" in out
    assert "errors:" not in out
