"""glibc malloc settings for a process that runs for months (issue 7's soak).

The kiosk allocates and frees buffers of 1–12 MB on several threads: camera frames, the live
capture's working images, captured pages, the materials' PDFs (commit pool), receipts (print
pool), pushes (sync). glibc's defaults keep that memory. The first such buffer freed raises
the mmap threshold to its size (dynamically, up to 32 MB) and the trim threshold to twice
that, so from then on these buffers come from malloc's arenas, one per thread up to 8 per
core. Each arena keeps up to the trim threshold of freed memory at its top, and
``malloc_trim()`` does not release the top of the per-thread arenas.

Measured with the soak benchmark (``bench/soak.py --mix licence_card``, 16 application
journeys, RSS after warm-up): glibc's defaults +16 MB per journey while malloc's bytes in use
stayed flat (~160 MB). With the mmap threshold fixed at 1 MiB the growth was flat
(484 → 495 MB, noise). With only the arenas capped at 2, RSS was also flat, but at a level
60 MB higher. With both, it was flat at the lower level. Wall time per journey was the same
in all four runs.

:func:`tune_malloc` (called first thing by the launcher, :mod:`kiosk.__main__`) sets both
values. A fixed threshold also stops the dynamic one and the trim threshold's rise. Buffers
from 1 MiB up are then mapped and unmapped, so memory goes back to the system on ``free()``.
An operator's ``MALLOC_MMAP_THRESHOLD_`` / ``MALLOC_ARENA_MAX`` or the matching
``GLIBC_TUNABLES`` take precedence. Not glibc (e.g. musl): nothing is done.
"""

from __future__ import annotations

import ctypes
import dataclasses
import logging
import os
from collections.abc import Mapping
from typing import Any, Final

__all__ = ["ARENA_MAX", "MMAP_THRESHOLD", "MallocInfo", "glibc", "mallinfo", "tune_malloc"]

log = logging.getLogger(__name__)

MMAP_THRESHOLD: Final = 1 << 20  # bytes: frames, page images and PDFs are mapped, unmapped on free
ARENA_MAX: Final = 2
_M_MMAP_THRESHOLD: Final = -3  # <malloc.h>
_M_ARENA_MAX: Final = -8
# (mallopt parameter, value, the environment variable and the tunable that override it)
_SETTINGS: Final = (
    ("mmap_threshold", _M_MMAP_THRESHOLD, MMAP_THRESHOLD, "MALLOC_MMAP_THRESHOLD_"),
    ("arena_max", _M_ARENA_MAX, ARENA_MAX, "MALLOC_ARENA_MAX"),
)


def glibc() -> Any | None:
    """The C library when it is glibc (``mallopt``/``mallinfo2`` callable), else ``None``."""
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return None
        libc = ctypes.CDLL("libc.so.6")
    except (ValueError, OSError):  # no such confstr name (not glibc), no libc.so.6
        return None
    return libc if hasattr(libc, "mallopt") else None


def tune_malloc(environ: Mapping[str, str] | None = None, libc: Any | None = None) -> dict[str, int]:
    """Fix the mmap threshold and cap the arenas (see the module doc); returns what was set.
    Call it before the process starts its threads."""
    env = os.environ if environ is None else environ
    lib = glibc() if libc is None else libc
    if lib is None:
        log.debug("not glibc: malloc left as it is")
        return {}
    tunables = env.get("GLIBC_TUNABLES", "")
    applied: dict[str, int] = {}
    for name, param, value, variable in _SETTINGS:
        if variable in env or f"glibc.malloc.{name}=" in tunables:
            continue  # the operator's setting stands
        if lib.mallopt(param, value) == 1:
            applied[name] = value
        else:
            log.warning("mallopt %s=%d refused", name, value)
    return applied


@dataclasses.dataclass(frozen=True)
class MallocInfo:
    """glibc's ``mallinfo2()`` (all arenas), in bytes."""

    arena: int  # obtained from the system by brk/arena heaps (not counting mapped chunks)
    in_use: int  # allocated in arenas
    free: int  # free in arenas (held, not necessarily resident)
    mapped_chunks: int  # chunks served by mmap
    mapped: int  # bytes in them

    @property
    def allocated(self) -> int:
        return self.in_use + self.mapped


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


def mallinfo(libc: Any | None = None) -> MallocInfo | None:
    """What malloc holds now (glibc ≥ 2.33), or ``None`` elsewhere."""
    lib = glibc() if libc is None else libc
    if lib is None or not hasattr(lib, "mallinfo2"):
        return None
    lib.mallinfo2.restype = _MallInfo2
    info = lib.mallinfo2()
    return MallocInfo(arena=int(info.arena), in_use=int(info.uordblks), free=int(info.fordblks),
                      mapped_chunks=int(info.hblks), mapped=int(info.hblkhd))
