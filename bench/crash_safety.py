"""Crash safety of the outbox under SIGKILL at random moments.

Each trial forks a writer that opens the store and enqueues submissions with attachments in a
loop, reporting on a pipe ``B i`` before and ``A i uuid`` after each ``enqueue`` returns; the
parent kills it with SIGKILL after a random delay, reopens the store (as a restarted kiosk
would) and checks:

* every acknowledged submission is present, queued, and its personal data and every attachment
  decrypt to exactly what was written;
* any other new row is the one submission whose commit raced the kill, and it is complete too
  (no half-written submission is ever visible);
* ``PRAGMA integrity_check`` is ok and no orphan attachment file survives the sweep.

The test suite runs 200 trials; ``python -m bench.crash_safety --trials 1000`` runs more and
prints a table.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import random
import secrets
import signal
import sys
import tempfile
import time
from pathlib import Path

from kiosk.store.crypto import DataKey, load_or_create_data_key
from kiosk.store.keyring_backend import KioskFileKeyring
from kiosk.store.models import Attachment, Consent, NewSubmission
from kiosk.store.outbox import Outbox


def expected_submission(trial_seed: int, i: int) -> NewSubmission:
    rng = random.Random(trial_seed * 1_000_003 + i)
    n = rng.choice([0, 1, 2, 5])
    return NewSubmission(
        item_code="44030400SC-XK-0001",
        language="zh-Hans",
        identity={"kind": "resident_id", "number": f"{rng.randrange(10**17):018d}", "name": f"测试{i}"},
        form={"i": i, "company": f"深圳市第{i}测试有限公司", "note": "x" * rng.randrange(0, 2000)},
        consent=Consent("v1", dt.datetime(2026, 11, 25, tzinfo=dt.UTC), "zh-Hans"),
        attachments=tuple(
            Attachment(f"m{k}", f"m{k}.pdf", "application/pdf",
                       rng.randbytes(rng.choice([1_000, 40_000, 300_000])))
            for k in range(n)
        ),
    )


def _open(data_dir: Path, ring: KioskFileKeyring) -> Outbox:
    def provider(create: bool) -> DataKey:
        return load_or_create_data_key(ring, create=create)

    return Outbox.open(data_dir, provider, terminal_id="crash-test", terminal_code="CT1")


def _writer(data_dir: Path, ring_path: Path, master: bytes, trial_seed: int, fd: int) -> None:
    ring = KioskFileKeyring(ring_path, master)
    box = _open(data_dir, ring)
    i = 0
    while True:
        os.write(fd, f"B {i}\n".encode())
        receipt = box.enqueue(expected_submission(trial_seed, i))
        os.write(fd, f"A {i} {receipt.uuid}\n".encode())
        i += 1


@dataclasses.dataclass
class TrialResult:
    acked: int
    raced: int  # committed but killed before the ack
    delay_ms: float


class CrashSafetyError(AssertionError):
    pass


def _check(box: Outbox, uid: str, expected: NewSubmission) -> None:
    row = box.get(uid)
    if row.status != "queued" or len(row.attachments) != len(expected.attachments):
        raise CrashSafetyError(f"{uid}: status {row.status}, {len(row.attachments)} attachments")
    personal = box.read_personal(uid)
    if personal is None or personal["form"] != expected.form or personal["identity"] != expected.identity:
        raise CrashSafetyError(f"{uid}: personal data differs")
    for seq, att in enumerate(expected.attachments):
        if box.read_attachment(uid, seq) != att.data:
            raise CrashSafetyError(f"{uid}: attachment {seq} differs")


def run_trial(data_dir: Path, ring_path: Path, master: bytes, trial_seed: int,
              known: set[str], max_delay: float) -> TrialResult:
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the writer: never returns
        os.close(rfd)
        code = 0
        try:
            _writer(data_dir, ring_path, master, trial_seed, wfd)
        except BaseException:
            code = 3
        os._exit(code)
    os.close(wfd)
    delay = random.Random(trial_seed).uniform(0.0, max_delay)
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    chunks = []
    while chunk := os.read(rfd, 65536):
        chunks.append(chunk)
    os.close(rfd)
    if not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL):
        raise CrashSafetyError(f"writer ended by itself (status {status}) instead of being killed")
    acked: dict[str, int] = {}
    last_begun = -1
    for line in b"".join(chunks).decode().splitlines():
        parts = line.split()
        if parts[0] == "B":
            last_begun = int(parts[1])
        elif parts[0] == "A" and len(parts) == 3:
            acked[parts[2]] = int(parts[1])

    box = _open(data_dir, KioskFileKeyring(ring_path, master))  # sweeps orphans, as a restart does
    try:
        if box.integrity_check() != "ok":
            raise CrashSafetyError("integrity_check failed")
        for uid, i in acked.items():
            _check(box, uid, expected_submission(trial_seed, i))
        current = {r[0] for r in box.db.execute("SELECT uuid FROM submissions")}
        missing = (known | set(acked)) - current
        if missing:
            raise CrashSafetyError(f"{len(missing)} acknowledged submission(s) lost")
        extra = current - known - set(acked)
        if len(extra) > 1:
            raise CrashSafetyError(f"{len(extra)} unacknowledged rows appeared")
        for uid in extra:  # the commit that raced the kill must be whole
            _check(box, uid, expected_submission(trial_seed, last_begun))
        referenced = {r[0] for r in box.db.execute("SELECT blob FROM attachments")}
        on_disk = box.blobs.names()
        if on_disk != referenced:
            raise CrashSafetyError(f"{len(on_disk - referenced)} orphan / "
                                   f"{len(referenced - on_disk)} missing attachment file(s)")
        leftovers = [p for p in box.blobs.dir.iterdir() if p.name.endswith(".tmp")]
        if leftovers:
            raise CrashSafetyError(f"{len(leftovers)} temp file(s) left after the sweep")
    finally:
        box.close()
    known.update(current)
    return TrialResult(acked=len(acked), raced=len(extra), delay_ms=delay * 1000)


def run_trials(trials: int, workdir: Path, *, seed: int = 1, max_delay: float = 0.25) -> list[TrialResult]:
    data_dir = workdir / "data"
    ring_path = workdir / "keyring.cfg"
    master = secrets.token_bytes(32)
    known: set[str] = set()
    return [run_trial(data_dir, ring_path, master, seed * 100_000 + t, known, max_delay)
            for t in range(trials)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-delay", type=float, default=0.25, help="seconds before SIGKILL")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        results = run_trials(args.trials, Path(tmp), seed=args.seed, max_delay=args.max_delay)
    elapsed = time.perf_counter() - started
    acked = sum(r.acked for r in results)
    raced = sum(r.raced for r in results)
    print("| trials | submissions acknowledged | committed but unacknowledged | lost | "
          "half-written visible | integrity failures | seconds |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {len(results)} | {acked} | {raced} | 0 | 0 | 0 | {elapsed:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
