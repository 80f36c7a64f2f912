"""The data key: AES-256-GCM for personal fields and attachment files.

The key is generated once per terminal and kept in the keyring (never on disk in the clear).
The database records a key check value so that a lost or swapped keyring is detected at start
(``store.key_unavailable``) instead of silently creating a new key that cannot read the queue.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kiosk.errors import KnownError, StoreError

SERVICE = "smarthall-kiosk"
DATA_KEY_NAME = "data-key"
_NONCE = 12


class KeyringLike(Protocol):
    def get_password(self, service: str, username: str) -> str | None: ...
    def set_password(self, service: str, username: str, password: str) -> None: ...


class DataKey:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("data key must be 32 bytes")
        self._aead = AESGCM(key)
        self.check_value = hmac.new(key, b"smarthall-kiosk key check", hashlib.sha256).hexdigest()[:32]

    @classmethod
    def generate(cls) -> DataKey:
        return cls(secrets.token_bytes(32))

    def encrypt(self, plaintext: bytes, aad: bytes) -> bytes:
        nonce = secrets.token_bytes(_NONCE)
        return nonce + self._aead.encrypt(nonce, plaintext, aad)

    def decrypt(self, blob: bytes, aad: bytes) -> bytes:
        try:
            return self._aead.decrypt(blob[:_NONCE], blob[_NONCE:], aad)
        except (InvalidTag, ValueError) as err:
            raise StoreError("store.corrupt", "authenticated decryption failed") from err

    def encrypt_json(self, value: Any, aad: bytes) -> bytes:
        return self.encrypt(json.dumps(value, ensure_ascii=False).encode("utf-8"), aad)

    def decrypt_json(self, blob: bytes, aad: bytes) -> Any:
        return json.loads(self.decrypt(blob, aad))


def load_or_create_data_key(keyring: KeyringLike, *, create: bool) -> DataKey:
    """The terminal's data key from ``keyring``; a new one only when ``create`` is true."""
    try:
        stored = keyring.get_password(SERVICE, DATA_KEY_NAME)
    except Exception as err:  # any backend failure (wrong master secret, unreadable file)
        raise KnownError("store.key_unavailable", f"keyring read failed: {type(err).__name__}") from err
    if stored:
        return DataKey(base64.b64decode(stored))
    if not create:
        raise KnownError("store.key_unavailable", "the data key is missing from the keyring")
    raw = secrets.token_bytes(32)
    keyring.set_password(SERVICE, DATA_KEY_NAME, base64.b64encode(raw).decode("ascii"))
    return DataKey(raw)
