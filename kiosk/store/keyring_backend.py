"""A keyring backend for headless terminals (DESIGN §5).

A kiosk has no desktop wallet, so its secrets (the data key, later the terminal credential)
live in an encrypted file. We reuse keyrings.alt's file storage (INI file, escaping) and supply:

* the cipher: AES-256-GCM (``cryptography``) with the service/user name as associated data,
  so an entry cannot be moved to another name undetected;
* the master secret, never stored beside the file: a systemd credential
  (``$CREDENTIALS_DIRECTORY/<name>``, TPM-bound where the terminal has a TPM), else a root-only
  file outside the data directory, created with mode 0600 on first start;
* atomic writes (temp file, fsync, rename): keyrings.alt truncates the file in place, and a
  power cut then would lose the data key and with it every queued submission.
"""

from __future__ import annotations

import configparser
import hashlib
import io
import logging
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from keyrings.alt.file_base import Keyring

from kiosk.atomicfile import atomic_write
from kiosk.errors import KnownError

log = logging.getLogger(__name__)

_NONCE = 12


def load_master_secret(credential_name: str, fallback_file: Path) -> bytes:
    """The file backend's master secret: systemd credential first, then a root-only file."""
    cred_dir = os.environ.get("CREDENTIALS_DIRECTORY")
    if cred_dir:
        cred = Path(cred_dir) / credential_name
        if cred.is_file():
            data = cred.read_bytes()
            if len(data) < 32:
                raise KnownError("store.key_unavailable", "systemd credential is shorter than 32 bytes")
            log.info("keyring master secret from systemd credential %s", credential_name)
            return hashlib.sha256(data).digest()
    try:
        data = fallback_file.read_bytes()
    except FileNotFoundError:
        fallback_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = secrets.token_bytes(32)
        atomic_write(fallback_file, data, 0o600)
        log.warning("created a new keyring master secret at %s", fallback_file)
        return hashlib.sha256(data).digest()
    except OSError as err:
        raise KnownError("store.key_unavailable", f"cannot read {fallback_file}: {err.strerror}") from err
    if fallback_file.stat().st_mode & 0o077:
        raise KnownError(
            "store.key_unavailable", f"{fallback_file} is readable by group/others; chmod 600 it"
        )
    if len(data) < 32:
        raise KnownError("store.key_unavailable", f"{fallback_file} is shorter than 32 bytes")
    return hashlib.sha256(data).digest()


class KioskFileKeyring(Keyring):  # type: ignore[misc]
    """keyrings.alt file storage with an AES-GCM cipher keyed by the master secret."""

    priority = 0.1  # never chosen automatically; app.py wires it explicitly
    scheme = "AES-256-GCM (kiosk master secret)"
    version = "1.0"
    filename = "kiosk-keyring.cfg"

    def __init__(self, file_path: Path, master_secret: bytes) -> None:
        super().__init__()
        self.file_path = str(file_path)
        self._aead = AESGCM(master_secret)

    def encrypt(self, password: bytes, assoc: bytes | None = None) -> bytes:
        nonce = secrets.token_bytes(_NONCE)
        return nonce + self._aead.encrypt(nonce, password, assoc)

    def decrypt(self, password_encrypted: bytes, assoc: bytes | None = None) -> bytes:
        # InvalidTag (wrong master secret or tampering) is deliberately not a ValueError,
        # so keyrings.alt does not retry without associated data
        return self._aead.decrypt(password_encrypted[:_NONCE], password_encrypted[_NONCE:], assoc)

    def _write_config_value(self, service: str, key: str, value: str) -> None:
        from keyrings.alt.escape import escape as escape_for_ini

        path = Path(self.file_path)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        config = configparser.RawConfigParser()
        if path.exists():
            config.read(path, encoding="utf-8")
        section, option = escape_for_ini(service), escape_for_ini(key)
        if not config.has_section(section):
            config.add_section(section)
        config.set(section, option, value)
        buf = io.StringIO()
        config.write(buf)
        atomic_write(path, buf.getvalue().encode("utf-8"))
