"""The benchmarks still run (figures are recorded in the README, not asserted here)."""

from __future__ import annotations

import pytest

from bench import commit_latency


def test_commit_latency_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert commit_latency.main(["--n", "5"]) == 0
    out = capsys.readouterr().out
    assert "enqueue, 5 × 300 KB attachments" in out
    assert "raw write 4 KB + fsync (baseline)" in out


def test_idle_cpu_benchmark_runs_both_variants(capsys: pytest.CaptureFixture[str]) -> None:
    from bench import idle_cpu

    assert idle_cpu.main(["--seconds", "2", "--runs", "1"]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| ") and "variant" not in line]
    assert [r.split(" | ")[0] for r in rows] == [
        "| camera decoder on every frame (baseline: before the gate)",
        "| kiosk: decoder on code screens only"]
    ungated, gated = (float(r.split(" | ")[2]) for r in rows)  # frames decoded per second
    assert ungated > 5 and gated < ungated / 5  # the gate is what the two runs differ in
