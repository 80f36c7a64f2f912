"""Sync under faults: no loss, no duplicates, resumable uploads, backlog throughput.

Three trials, each against a real back office (``kiosk backoffice`` in a subprocess) on loopback:

* **chaos**: N queued submissions with attachments go through a fault-injecting proxy (reset
  mid-request, lost answer after the server committed, truncated answer, 503, delay, drop),
  while the kiosk's sync process (``kiosk sync``, a real subprocess) is SIGKILLed and restarted
  and the back office is SIGKILLed and restarted at random moments. At the end the back office
  holds every submission exactly once (one commit each), every attachment byte-identical
  (SHA-256), and the kiosk shows each as accepted with the back office's case number;
* **resume**: one 20 MB attachment with the link cut every 256 KB; the extra bytes the proxy
  forwarded, relative to the file size;
* **throughput**: a backlog of N submissions × 2 × 200 KB drained by ``kiosk sync --once``.

``python -m bench.sync_bench`` runs 1,000 / 20 MB / 1,000 and prints a table; the test suite runs
smaller versions of the same functions.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.sync_harness import (
    REPO,
    BackOfficeProcess,
    FaultPlan,
    FaultProxy,
    Kiosk,
    enrolled_kiosk,
    make_submission,
    wait_until,
)
from kiosk.backoffice.db import BackOfficeDB, status_events

SYNC_SETTINGS: dict[str, float | int | str] = {
    "backoff_base_s": 0.05, "backoff_cap_s": 1.0, "poll_s": 0.5, "connect_timeout_s": 2,
    "read_timeout_s": 5, "heartbeat_s": 5, "push_concurrency": 2,
}


class SyncProcess:
    """``kiosk --config X sync`` as a subprocess that can be SIGKILLed and restarted."""

    def __init__(self, config_path: Path, log_path: Path, once: bool = False) -> None:
        self.config_path = config_path
        self.log_path = log_path
        self.once = once
        self.proc: subprocess.Popen[bytes] | None = None
        self.kills = 0

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "kiosk.cli", "--config", str(self.config_path), "sync",
                 *(["--once"] if self.once else [])],
                cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
            self.kills += 1
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None


@dataclasses.dataclass
class ChaosResult:
    submissions: int
    attachments: int
    bytes: int
    seconds: float
    sync_kills: int
    backoffice_restarts: int
    faults: dict[str, int]


def _verify(kiosk: Kiosk, db: BackOfficeDB, uuids: list[str]) -> int:
    """Every submission once on the back office, byte-identical, accepted on the kiosk."""
    held = sorted(db.submission_uuids())
    if held != sorted(uuids):
        raise AssertionError(f"back office holds {len(held)} submissions, expected {len(uuids)}")
    with db.engine.connect() as conn:
        commits = conn.execute(status_events.select().where(status_events.c.status == "accepted")).all()
    if sorted(r.submission_uuid for r in commits) != sorted(uuids):
        raise AssertionError("a submission was committed more or less than once")
    n_att = 0
    for uid in uuids:
        row = kiosk.outbox.get(uid)
        detail = db.get_submission(uid)
        if row.status != "accepted" or not row.case_no or row.case_no != detail.summary.case_no:
            raise AssertionError(f"{uid}: kiosk {row.status}/{row.case_no}, "
                                 f"back office {detail.summary.case_no}")
        if detail.body["personal"] != kiosk.outbox.read_personal(uid):
            raise AssertionError(f"{uid}: personal data differs")
        for seq, att in enumerate(row.attachments):
            data = db.read_attachment(uid, seq)
            if len(data) != att.size or hashlib.sha256(data).hexdigest() != att.sha256:
                raise AssertionError(f"{uid}/{seq}: attachment differs")
            n_att += 1
    return n_att


def run_chaos(root: Path, n: int, *, seed: int = 1, fault_rate: float = 0.08, sync_kills: int = 6,
              backoffice_restarts: int = 3, timeout_s: float = 240.0, db_url: str | None = None,
              servers: int = 1) -> ChaosResult:
    """``servers`` back-office processes on one database (``db_url``; default a SQLite file)
    behind the fault proxy, which hands each new connection to the next one in turn; a
    back-office restart kills one of them (at random) and starts it again."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    db_url = db_url or f"sqlite:///{root / 'backoffice.sqlite3'}"
    db = BackOfficeDB(db_url)
    db.create_schema()
    backoffices = []
    for i in range(servers):
        (root / f"backoffice-{i}").mkdir(exist_ok=True)
        backoffices.append(BackOfficeProcess(db_url, root / f"backoffice-{i}"))
    ports = [b.start() for b in backoffices]
    proxy = FaultProxy(ports, FaultPlan(rate=0.0, seed=seed, drop_s=1.0)).start()
    kiosk = enrolled_kiosk(root / "kiosk", db, proxy.url, **SYNC_SETTINGS)
    sync = SyncProcess(kiosk.config_path, root / "sync.log")
    try:
        # mostly small (inline pushes, protocol revision 2); one attachment in 17 is above the
        # inline limit, so the resumable upload goes through the same faults
        sizes, weights = (0, 1_000, 40_000, 300_000, 1_200_000), (4, 4, 4, 4, 1)
        uuids = []
        total = 0
        for i in range(n):
            att = tuple(rng.choices(sizes, weights)[0] for _ in range(rng.choice((1, 2, 2, 3))))
            total += sum(att)
            uuids.append(kiosk.outbox.enqueue(make_submission(i, rng, att)).uuid)
        proxy.plan.rate = fault_rate
        started = time.monotonic()
        sync.start()
        # the disruptions, at random moments while the queue drains
        actions = ["sync"] * sync_kills + ["backoffice"] * backoffice_restarts
        rng.shuffle(actions)
        restarts = 0
        for action in actions:
            wait_s = rng.uniform(0.2, 1.5)
            deadline = time.monotonic() + wait_s
            while time.monotonic() < deadline:
                time.sleep(0.05)
            if action == "sync":
                sync.kill()
                sync.start()
            else:
                which = rng.randrange(servers)
                backoffices[which].kill()
                proxy.retarget(backoffices[which].start(), which)
                restarts += 1

        def drained() -> bool:
            if sync.proc is None or sync.proc.poll() is not None:
                sync.start()  # a sync process never stays down (systemd would restart it)
            return kiosk.outbox.stats()["by_status"]["accepted"] == n

        wait_until(drained, timeout_s, interval=0.2, what=f"{n} submissions accepted")
        seconds = time.monotonic() - started
        sync.stop()
        proxy.plan.rate = 0.0
        n_att = _verify(kiosk, db, uuids)
        return ChaosResult(n, n_att, total, seconds, sync.kills, restarts, dict(proxy.stats.faults))
    finally:
        sync.stop()
        proxy.stop()
        for backoffice in backoffices:
            backoffice.kill()
        kiosk.close()
        db.close()


@dataclasses.dataclass
class ResumeResult:
    size: int
    forwarded: int
    cuts: int
    seconds: float

    @property
    def overhead(self) -> float:
        return self.forwarded / self.size - 1.0


def run_resume(root: Path, size: int = 20 * 1024 * 1024, cut_every: int = 256 * 1024) -> ResumeResult:
    """Upload one ``size`` attachment with every connection cut after ``cut_every`` bytes."""
    from kiosk.app import build_keyring, build_sync_worker

    root.mkdir(parents=True, exist_ok=True)
    db_url = f"sqlite:///{root / 'backoffice.sqlite3'}"
    backoffice = BackOfficeProcess(db_url, root)
    db = BackOfficeDB(db_url)
    db.create_schema()
    port = backoffice.start()
    proxy = FaultProxy(port, FaultPlan(cut_every=cut_every, linger_s=0.05)).start()
    kiosk = enrolled_kiosk(root / "kiosk", db, f"http://127.0.0.1:{port}", **SYNC_SETTINGS)
    try:
        uid = kiosk.outbox.enqueue(make_submission(0, random.Random(5), (size,))).uuid
        worker = build_sync_worker(kiosk.config, kiosk.outbox, build_keyring(kiosk.config))
        worker.client.base_url = proxy.url
        before = proxy.stats.upstream_bytes
        started = time.monotonic()
        wait_until(lambda: bool(worker.run_once(pull=False, heartbeat=False).accepted), 300, interval=0.05,
                   what="the upload")
        seconds = time.monotonic() - started
        _verify(kiosk, db, [uid])
        worker.client.close()
        return ResumeResult(size, proxy.stats.upstream_bytes - before, proxy.stats.cuts, seconds)
    finally:
        proxy.stop()
        backoffice.kill()
        kiosk.close()
        db.close()


@dataclasses.dataclass
class ThroughputResult:
    submissions: int
    bytes: int
    seconds: float

    @property
    def mb_per_s(self) -> float:
        return self.bytes / self.seconds / 1e6


def run_throughput(root: Path, n: int = 1000, size: int = 200 * 1024, concurrency: int = 2
                   ) -> ThroughputResult:
    """Drain a backlog of ``n`` submissions × 2 × ``size`` with ``kiosk sync --once``."""
    root.mkdir(parents=True, exist_ok=True)
    db_url = f"sqlite:///{root / 'backoffice.sqlite3'}"
    backoffice = BackOfficeProcess(db_url, root)
    db = BackOfficeDB(db_url)
    db.create_schema()
    port = backoffice.start()
    kiosk = enrolled_kiosk(root / "kiosk", db, f"http://127.0.0.1:{port}",
                           **{**SYNC_SETTINGS, "push_concurrency": concurrency})
    try:
        rng = random.Random(9)
        uuids = [kiosk.outbox.enqueue(make_submission(i, rng, (size, size))).uuid for i in range(n)]
        sync = SyncProcess(kiosk.config_path, root / "sync.log", once=True)
        started = time.monotonic()
        sync.start()
        assert sync.proc is not None
        code = sync.proc.wait(600)
        seconds = time.monotonic() - started
        if code != 0:
            tail = (root / "sync.log").read_text()[-2000:]
            raise AssertionError(f"kiosk sync --once exited {code}: {tail}")
        _verify(kiosk, db, uuids)
        return ThroughputResult(n, n * 2 * size, seconds)
    finally:
        backoffice.kill()
        kiosk.close()
        db.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chaos", type=int, default=1000, help="submissions in the chaos trial")
    parser.add_argument("--resume-mb", type=int, default=20)
    parser.add_argument("--backlog", type=int, default=1000, help="submissions × 2 × 200 KB")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="sync-bench-") as tmp:
        base = Path(tmp)
        if args.chaos:
            c = run_chaos(base / "chaos", args.chaos, seed=args.seed,
                          sync_kills=max(6, args.chaos // 25), backoffice_restarts=max(3, args.chaos // 60),
                          timeout_s=1800)
            rows.append((f"chaos: {c.submissions} submissions, {c.attachments} attachments, "
                         f"{c.bytes / 1e6:.0f} MB",
                         f"{c.seconds:.1f} s",
                         f"exactly once, byte-identical, all accepted; {c.sync_kills} sync SIGKILLs, "
                         f"{c.backoffice_restarts} back-office SIGKILL+restarts, faults "
                         + ", ".join(f"{k} {v}" for k, v in sorted(c.faults.items()))))
        if args.resume_mb:
            r = run_resume(base / "resume", args.resume_mb * 1024 * 1024)
            rows.append((f"resume: {args.resume_mb} MB attachment, link cut every 256 KB",
                         f"{r.seconds:.1f} s",
                         f"{r.cuts} cuts, {r.overhead * 100:.1f} % extra bytes (limit 10 %)"))
        if args.backlog:
            t = run_throughput(base / "throughput", args.backlog)
            rows.append((f"throughput: backlog {t.submissions} × 2 × 200 KB ({t.bytes / 1e6:.0f} MB)",
                         f"{t.seconds:.1f} s", f"{t.mb_per_s:.1f} MB/s, {t.submissions / t.seconds:.0f} "
                         "submissions/s (limit 60 s)"))
    width = max(len(r[0]) for r in rows)
    print(f"{'trial':<{width}}  {'time':>8}  result")
    print(f"{'-' * width}  {'-' * 8}  {'-' * 40}")
    for name, took, result in rows:
        print(f"{name:<{width}}  {took:>8}  {result}")
    print(f"\npython -m bench.sync_bench --chaos {args.chaos} --resume-mb {args.resume_mb} "
          f"--backlog {args.backlog} --seed {args.seed}; {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
