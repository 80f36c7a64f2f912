"""Idle CPU (issue 7, "24/7 hardening"): what the kiosk costs while nobody uses it — the real UI
over the demo profile's simulated devices (the camera on 1280 × 720 frames at 15 fps, the code
scanner's decoder behind it) sitting on the attract screen — beside the plain baseline in the
same run: the same kiosk with the camera's code decoder on every frame, as it was before the
decoder was gated to the screens that take a code.

    python -m bench.idle_cpu [--seconds S] [--runs N]

Each variant runs in a fresh subprocess (offscreen, software Qt Quick): the event loop turns for
5 s to settle, then for ``--seconds``; CPU time is read per thread from /proc/self/task before
and after. The table gives CPU seconds per wall second (1.0 = one core busy) and the busiest
thread, median over ``--runs``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VARIANTS = {"ungated": "camera decoder on every frame (baseline: before the gate)",
            "gated": "kiosk: decoder on code screens only"}


def _cpu_by_thread() -> dict[int, tuple[str, float]]:
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[int, tuple[str, float]] = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            stat = (task / "stat").read_text()
            comm = (task / "comm").read_text().strip()
        except OSError:
            continue  # the thread ended meanwhile
        fields = stat.rsplit(")", 1)[1].split()
        out[int(task.name)] = (comm, (int(fields[11]) + int(fields[12])) / tick)
    return out


def child(variant: str, seconds: float) -> dict[str, object]:
    """In the subprocess: the kiosk idle on the attract screen; CPU per thread over ``seconds``."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_QUICK_BACKEND", "software")
    from PySide6.QtCore import QCoreApplication, QEventLoop  # noqa: TID251 - hosts the real UI

    import kiosk.app
    from bench.soak import Soak

    if variant == "ungated":
        kiosk.app.Devices.gate_codes = lambda self, wanted: None  # type: ignore[method-assign]

    def turn(until: float) -> None:
        while time.monotonic() < until:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
            time.sleep(0.01)

    with tempfile.TemporaryDirectory(prefix="kiosk-idle-cpu-") as tmp:
        soak = Soak(Path(tmp), 7)
        soak.open()
        if soak.ui.journey.state.value != "attract":
            raise RuntimeError(f"not idle: {soak.ui.journey.state.value}")
        turn(time.monotonic() + 5)
        before, start = _cpu_by_thread(), time.monotonic()
        turn(start + seconds)
        after, wall = _cpu_by_thread(), time.monotonic() - start
        names = {t.native_id: t.name for t in threading.enumerate()}
        used = {names.get(tid) or comm: cpu - before.get(tid, (comm, 0.0))[1]
                for tid, (comm, cpu) in after.items()}
        decoded = int(getattr(soak.ui.devices.scanner, "frames_decoded", 0))
        busiest = max(used, key=lambda k: used[k])
        result = {"cores": sum(used.values()) / wall, "busiest": busiest,
                  "busiest_cores": used[busiest] / wall, "decoded_per_s": decoded / (wall + 5)}
    print(json.dumps(result), flush=True)
    os._exit(0)  # the soak rig's threads are daemons; nothing to flush


def run_variant(variant: str, seconds: float) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-m", "bench.idle_cpu", "--child", variant,
                          "--seconds", str(seconds)], cwd=REPO, capture_output=True, text=True,
                         check=True, timeout=seconds + 120)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.idle_cpu", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="measured window (default 20)")
    parser.add_argument("--runs", type=int, default=3, help="runs per variant (default 3)")
    parser.add_argument("--child", choices=sorted(VARIANTS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.seconds)
        return 0
    rows = []
    for variant, label in VARIANTS.items():
        results = [run_variant(variant, args.seconds) for _ in range(args.runs)]
        cores = statistics.median(float(r["cores"]) for r in results)  # type: ignore[arg-type]
        decoded = statistics.median(float(r["decoded_per_s"]) for r in results)  # type: ignore[arg-type]
        top = max(results, key=lambda r: float(r["busiest_cores"]))  # type: ignore[arg-type]
        rows.append(f"| {label} | {cores:.3f} | {decoded:.1f} | {top['busiest']} "
                    f"({float(top['busiest_cores']):.3f}) |")  # type: ignore[arg-type]
    print(f"Kiosk idle on the attract screen, {args.seconds:.0f} s windows, median of {args.runs} "
          f"runs ({os.cpu_count()} CPUs):\n")
    print("| variant | CPU (cores) | frames decoded per s | busiest thread (cores) |")
    print("|---|---:|---:|---|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
