"""A real full disk and a real read-only file system under the store: a small tmpfs.

Mounting needs root (CI and the dev machines run as root); elsewhere the tests skip and say so.
"""

from __future__ import annotations

import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.errors import StoreError
from kiosk.store.crypto import DataKey, load_or_create_data_key
from kiosk.store.keyring_backend import KioskFileKeyring
from kiosk.store.outbox import Outbox
from tests.factories import make_submission, small_tmpfs


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    with small_tmpfs(tmp_path, "3m") as mnt:
        yield mnt


def _open(data: Path, ring: KioskFileKeyring) -> Outbox:
    def provider(create: bool) -> DataKey:
        return load_or_create_data_key(ring, create=create)

    return Outbox.open(data, provider, terminal_id="t", terminal_code="DF1")


def test_disk_full_gives_a_clear_key_and_keeps_the_queue(
    small_fs: Path, tmp_path: Path, expect_logs: object
) -> None:
    ring = KioskFileKeyring(tmp_path / "ring.cfg", secrets.token_bytes(32))
    box = _open(small_fs / "data", ring)
    saved: list[tuple[str, bytes]] = []
    with pytest.raises(StoreError) as info:
        for _ in range(100):
            sub = make_submission(1, size=300_000)
            saved.append((box.enqueue(sub).uuid, sub.attachments[0].data))
    assert info.value.key == "store.disk_full"
    assert 2 <= len(saved) < 20
    # what was acknowledged is intact, no partial row is visible, no stray file is left
    assert box.integrity_check() == "ok"
    assert {r.uuid for r in box.list_rows(limit=1000)} == {u for u, _ in saved}
    for uid, data in saved:
        assert box.read_attachment(uid, 0) == data
    referenced = {a.blob for r in box.list_rows(limit=1000) for a in r.attachments}
    assert box.blobs.names() == referenced
    # free some space (retention would do this) and the kiosk takes submissions again
    box.transition(saved[0][0], "sending")
    box.transition(saved[0][0], "accepted", case_no="C")
    box.purge_expired(0)
    box.enqueue(make_submission(1, size=100_000))
    box.close()


def test_read_only_file_system_gives_a_clear_key(small_fs: Path, tmp_path: Path, expect_logs: object) -> None:
    # a terminal whose data file system came up read-only (e.g. ext4 errors=remount-ro)
    ring = KioskFileKeyring(tmp_path / "ring.cfg", secrets.token_bytes(32))
    box = _open(small_fs / "data", ring)
    kept = box.enqueue(make_submission(1, size=10_000)).uuid
    box.close()
    subprocess.run(["mount", "-o", "remount,ro", str(small_fs)], check=True)
    try:
        with pytest.raises(StoreError) as info:
            _open(small_fs / "data", ring).close()
        assert info.value.key == "store.read_only"
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_fs)], check=True)
    box = _open(small_fs / "data", ring)
    assert box.get(kept).status == "queued"
    assert box.read_attachment(kept, 0)
    box.close()
