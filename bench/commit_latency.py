"""Submission commit latency: ``Outbox.enqueue`` p50/p99, without and with 5 × 300 KB
attachments, beside the raw latency of ``write + fsync`` on the same disk (the floor any
durable commit pays).

    python -m bench.commit_latency [--n 200] [--dir PATH]
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kiosk.store.crypto import DataKey, load_or_create_data_key
from kiosk.store.keyring_backend import KioskFileKeyring
from kiosk.store.outbox import Outbox
from tests.factories import make_submission


def _percentiles(samples: list[float]) -> tuple[float, float, float]:
    qs = statistics.quantiles(samples, n=100, method="inclusive")
    return qs[49], qs[98], max(samples)


def _time(fn: Callable[[], object], n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def raw_fsync(path: Path, size: int) -> Callable[[], None]:
    payload = secrets.token_bytes(size)

    def run() -> None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, payload)
            os.fsync(fd)
        finally:
            os.close(fd)

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="outbox commit latency")
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--dir", type=Path, default=None, help="a directory on the disk to measure")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        root = Path(tmp)
        ring = KioskFileKeyring(root / "ring.cfg", secrets.token_bytes(32))

        def provider(create: bool) -> DataKey:
            return load_or_create_data_key(ring, create=create)

        box = Outbox.open(root / "data", provider, terminal_id="bench", terminal_code="BN1")
        plain = make_submission(0)
        heavy = make_submission(5, size=300_000)
        rows = [
            ("raw write 4 KB + fsync (baseline)", _time(raw_fsync(root / "raw.bin", 4096), args.n)),
            ("raw write 1.5 MB + fsync (baseline)", _time(raw_fsync(root / "raw2.bin", 1_500_000), args.n)),
            ("enqueue, no attachments", _time(lambda: box.enqueue(plain), args.n)),
            ("enqueue, 5 × 300 KB attachments", _time(lambda: box.enqueue(heavy), args.n)),
        ]
        box.close()
    print(f"commit latency, n = {args.n} each (ms)")
    print("| operation | p50 | p99 | max |")
    print("|---|---:|---:|---:|")
    for name, samples in rows:
        p50, p99, worst = _percentiles(samples)
        print(f"| {name} | {p50:.2f} | {p99:.2f} | {worst:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
