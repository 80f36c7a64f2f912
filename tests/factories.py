"""Typed fakes and factories shared by store, integration and benchmark code."""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path

from kiosk.store.models import Attachment, Consent, NewSubmission


class StepClock:
    """A typed fake clock for the store: starts at a fixed instant, moved by tests."""

    def __init__(self) -> None:
        self.value = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.value

    def advance(self, **kwargs: float) -> None:
        self.value += dt.timedelta(**kwargs)



def make_submission(
    n_attachments: int = 2, size: int = 2000, name: str = "测试张三", number: str = "360426199101010071"
) -> NewSubmission:
    return NewSubmission(
        item_code="44030400SC-XK-0001",
        language="zh-Hans",
        identity={"kind": "resident_id", "number": number, "name": name},
        form={"company_name": "深圳市测试科技有限公司", "phone": "13800138000"},
        consent=Consent("v1", dt.datetime(2026, 11, 25, 9, 29, tzinfo=dt.UTC), "zh-Hans"),
        attachments=tuple(
            Attachment(f"doc_{i}", f"doc_{i}.pdf", "application/pdf", secrets.token_bytes(size), pages=1)
            for i in range(n_attachments)
        ),
    )


@contextlib.contextmanager
def small_tmpfs(parent: Path, size: str) -> Iterator[Path]:
    """A real size-limited file system (a tmpfs of ``size``, e.g. ``"3m"``) mounted under
    ``parent`` for disk-full tests; the test is skipped where mounting is not allowed."""
    import pytest

    mnt = parent / "mnt"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)
