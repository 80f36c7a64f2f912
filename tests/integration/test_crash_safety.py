"""kill -9 a process enqueuing submissions with attachments, many times (issue: Foundation)."""

from __future__ import annotations

from pathlib import Path

from bench.crash_safety import run_trials


def test_outbox_survives_sigkill_at_random_moments(tmp_path: Path) -> None:
    results = run_trials(200, tmp_path, seed=7, max_delay=0.2)
    assert len(results) == 200
    # the kills must actually land mid-stream: many trials acknowledged work, and some
    # trials were killed before their first acknowledgement
    assert sum(r.acked for r in results) > 200
    assert any(r.acked == 0 for r in results)
    assert any(r.acked > 0 for r in results)
