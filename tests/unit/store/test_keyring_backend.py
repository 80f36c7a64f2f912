from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

import pytest

from kiosk.errors import KnownError
from kiosk.store.keyring_backend import KioskFileKeyring, load_master_secret


def test_round_trip_and_ciphertext_only_on_disk(tmp_path: Path) -> None:
    ring = KioskFileKeyring(tmp_path / "k" / "ring.cfg", secrets.token_bytes(32))
    ring.set_password("smarthall-kiosk", "data-key", "very-secret-value")
    assert ring.get_password("smarthall-kiosk", "data-key") == "very-secret-value"
    raw = (tmp_path / "k" / "ring.cfg").read_bytes()
    assert b"very-secret-value" not in raw
    assert stat.S_IMODE((tmp_path / "k" / "ring.cfg").stat().st_mode) == 0o600
    assert ring.get_password("smarthall-kiosk", "missing") is None


def test_wrong_master_secret_cannot_read(tmp_path: Path) -> None:
    KioskFileKeyring(tmp_path / "r.cfg", b"a" * 32).set_password("s", "u", "v")
    with pytest.raises(Exception) as info:
        KioskFileKeyring(tmp_path / "r.cfg", b"b" * 32).get_password("s", "u")
    assert type(info.value).__name__ == "InvalidTag"


def test_entry_cannot_be_moved_to_another_name(tmp_path: Path) -> None:
    path = tmp_path / "r.cfg"
    ring = KioskFileKeyring(path, b"a" * 32)
    ring.set_password("svc", "alpha", "v")
    path.write_text(path.read_text().replace("alpha", "beta"))
    with pytest.raises(Exception):  # noqa: B017 - any decryption failure is right
        ring.get_password("svc", "beta")


def test_master_secret_file_created_root_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              expect_logs: object) -> None:
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    path = tmp_path / "etc" / "master.key"
    first = load_master_secret("kiosk-master", path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_master_secret("kiosk-master", path) == first
    os.chmod(path, 0o644)  # noqa: PTH101
    with pytest.raises(KnownError) as info:
        load_master_secret("kiosk-master", path)
    assert info.value.key == "store.key_unavailable"


def test_systemd_credential_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "kiosk-master").write_bytes(b"x" * 64)
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(creds))
    fallback = tmp_path / "none" / "master.key"
    secret = load_master_secret("kiosk-master", fallback)
    assert len(secret) == 32 and not fallback.exists()
