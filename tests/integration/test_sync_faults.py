"""Sync through a fault-injecting proxy while the sync process and the back office are killed
(issue 5): every submission exactly once, byte-identical, accepted on the kiosk — with one
back office on SQLite, and with two on one PostgreSQL database."""

from __future__ import annotations

from pathlib import Path

from bench.sync_bench import run_chaos, run_resume, run_throughput


def test_no_loss_no_duplicates_under_faults_and_kills(tmp_path: Path) -> None:
    # an inline push (protocol revision 2) is one exchange where the resumable path takes four
    # or five: a higher rate keeps the number and variety of faults per submission
    result = run_chaos(tmp_path, 60, seed=3, fault_rate=0.2, sync_kills=6, backoffice_restarts=3,
                       timeout_s=150)
    assert result.submissions == 60 and result.attachments > 60
    assert result.sync_kills >= 6 and result.backoffice_restarts == 3
    # the proxy really did inject a variety of faults
    assert sum(result.faults.values()) >= 10 and len(result.faults) >= 4, result.faults


def test_no_loss_no_duplicates_with_two_backoffice_servers_on_postgresql(tmp_path: Path, pg_url: str) -> None:
    """A district's deployment: two back-office servers on one PostgreSQL database behind a
    load balancer (the proxy hands connections to each in turn), faults on the link, the sync
    process and the servers killed. A retry often reaches the other server while the first
    still works on the same request: still every submission exactly once."""
    result = run_chaos(tmp_path, 40, seed=5, fault_rate=0.2, sync_kills=4, backoffice_restarts=4,
                       timeout_s=150, db_url=pg_url, servers=2)
    assert result.submissions == 40 and result.attachments > 40
    assert result.sync_kills >= 4 and result.backoffice_restarts == 4
    assert sum(result.faults.values()) >= 8 and len(result.faults) >= 4, result.faults


def test_resumable_upload_of_20_mb_with_the_link_cut_every_256_kb(tmp_path: Path) -> None:
    result = run_resume(tmp_path, 20 * 1024 * 1024, 256 * 1024)
    assert result.cuts >= 70  # the link really was cut all the way through
    assert result.overhead <= 0.10, f"{result.overhead:.1%} extra bytes"


def test_backlog_drains_with_sync_once(tmp_path: Path) -> None:
    # small version of the 1,000 × 2 × 200 KB benchmark (bench/SYNC_RESULTS.md)
    result = run_throughput(tmp_path, 40)
    assert result.submissions == 40 and result.seconds < 60
