"""kiosk.memory: glibc's malloc as the launcher sets it (a fixed mmap threshold, capped arenas)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.memory import ARENA_MAX, MMAP_THRESHOLD, glibc, mallinfo, tune_malloc
from tests.conftest import LogCollector

REPO = Path(__file__).resolve().parents[2]

needs_glibc = pytest.mark.skipif(glibc() is None, reason="glibc's malloc only")


class FakeLibc:
    def __init__(self, answer: int = 1) -> None:
        self.calls: list[tuple[int, int]] = []
        self.answer = answer

    def mallopt(self, param: int, value: int) -> int:
        self.calls.append((param, value))
        return self.answer


def test_sets_the_mmap_threshold_and_the_arena_cap() -> None:
    libc = FakeLibc()
    assert tune_malloc({}, libc) == {"mmap_threshold": MMAP_THRESHOLD, "arena_max": ARENA_MAX}
    assert libc.calls == [(-3, MMAP_THRESHOLD), (-8, ARENA_MAX)]  # M_MMAP_THRESHOLD, M_ARENA_MAX


def test_the_operators_environment_and_tunables_stand() -> None:
    libc = FakeLibc()
    assert tune_malloc({"MALLOC_ARENA_MAX": "4"}, libc) == {"mmap_threshold": MMAP_THRESHOLD}
    libc = FakeLibc()
    assert tune_malloc({"GLIBC_TUNABLES": "glibc.malloc.mmap_threshold=65536"}, libc) == {
        "arena_max": ARENA_MAX}
    assert libc.calls == [(-8, ARENA_MAX)]


def test_a_refused_setting_is_not_reported_as_set(expect_logs: LogCollector) -> None:
    assert tune_malloc({}, FakeLibc(answer=0)) == {}
    assert expect_logs.messages() == ["mallopt mmap_threshold=1048576 refused",
                                      "mallopt arena_max=2 refused"]


# in a fresh interpreter: free an 8 MB block (under glibc's defaults that raises the mmap
# threshold to 8 MB), then allocate 2 MB on a thread; report whether it was mapped (returned
# to the system on free) or carved from an arena (kept there after free)
_PROBE = """
import ctypes, json, sys, threading
from kiosk.memory import mallinfo, tune_malloc
applied = tune_malloc() if sys.argv[1] == "tuned" else {}
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
out = {"applied": applied}
def frames():
    big = libc.malloc(8 << 20)
    libc.free(big)
    before = mallinfo().mapped_chunks
    frame = libc.malloc(2 << 20)
    out["mapped"] = mallinfo().mapped_chunks - before
    libc.free(frame)
worker = threading.Thread(target=frames)
worker.start()
worker.join()
print(json.dumps(out))
"""


def _probe(mode: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("MALLOC_") and k != "GLIBC_TUNABLES"}
    env["PYTHONPATH"] = str(REPO)
    proc = subprocess.run([sys.executable, "-c", _PROBE, mode], env=env, capture_output=True,
                          text=True, timeout=60, check=True)
    result: dict[str, object] = json.loads(proc.stdout)
    return result


@needs_glibc
def test_frame_sized_buffers_are_mapped_after_a_larger_one_was_freed() -> None:
    # glibc's default: the 2 MB buffer comes from the thread's arena, which keeps it once freed
    assert _probe("default")["mapped"] == 0
    tuned = _probe("tuned")
    assert tuned["applied"] == {"mmap_threshold": MMAP_THRESHOLD, "arena_max": ARENA_MAX}
    assert tuned["mapped"] == 1  # mapped: unmapped again on free


@needs_glibc
def test_mallinfo_counts_an_allocation() -> None:
    info = mallinfo()
    assert info is not None
    assert info.allocated > 0
