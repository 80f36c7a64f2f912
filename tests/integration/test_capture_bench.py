"""The capture benchmark still runs in its quick mode (figures live in bench/CAPTURE_RESULTS.md)."""

from __future__ import annotations

import pytest

from bench import capture


def test_capture_benchmark_quick_runs(capsys: pytest.CaptureFixture[str]) -> None:
    # speed is the benchmark's business (its tables), never a timed assertion here
    assert capture.main(["--quick"]) == 0
    out = capsys.readouterr().out
    assert "QR read rate (%) per condition" in out
    assert "| **all hard conditions** |" in out
    assert "QR decode latency per frame" in out
    assert "corner IoU, mean (combined detector" in out
    assert "(pyzbar on the first" in out
    assert "blur gate rejects sharp frames" in out
