"""The soak benchmark still runs in its quick mode: the table comes out and the journeys complete
(the memory, fd and thread figures are the benchmark's business, never asserted here)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_soak_benchmark_quick_runs() -> None:
    # its own process: the benchmark hosts a QGuiApplication, the demo back office and devices
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software")
    proc = subprocess.run([sys.executable, "-m", "bench.soak", "--quick", "--journeys", "6"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert "| run | metric | after warm-up | end | max | growth | slope per 1,000 | target |" in out
    for metric in ("RSS (MB)", "open fds", "threads", "Python modules imported"):
        assert re.search(rf"^\| kiosk idle on the attract screen \(baseline\) .* \| {re.escape(metric)} \|",
                         out, re.M), metric
        assert re.search(rf"^\| kiosk, journeys \(6 journeys, .* \| {re.escape(metric)} \|",
                         out, re.M), metric
    assert re.search(r"^journeys: 6 in ", out, re.M)
    assert "journeys with a failed step: 0;" in out, out
    assert "sync errors" not in out
