"""The benchmarks still run (figures are recorded in the README, not asserted here)."""

from __future__ import annotations

import pytest

from bench import commit_latency


def test_commit_latency_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert commit_latency.main(["--n", "5"]) == 0
    out = capsys.readouterr().out
    assert "enqueue, 5 × 300 KB attachments" in out
    assert "raw write 4 KB + fsync (baseline)" in out
