"""Which key signs a receipt's QR code, and which keys verify a scanned one.

A receipt code (:func:`kiosk.capture.payloads.make_receipt_code`) is HMAC-signed. Once the
terminal is enrolled the key is derived from its sync secret
(:func:`kiosk.sync.credentials.receipt_code_key`), which the back office also holds: staff can
verify a citizen's printed receipt at a window. Before enrolment (a terminal installed
offline) the terminal signs with a local key kept in the keyring — only this terminal can
verify those codes, and it keeps accepting them after enrolment.
"""

from __future__ import annotations

import base64
import logging
import secrets
import threading
import time
from collections.abc import Callable
from typing import Final

from kiosk.errors import KioskError
from kiosk.store.crypto import SERVICE, KeyringLike
from kiosk.sync.credentials import load_credentials, receipt_code_key

__all__ = ["LOCAL_KEY_NAME", "ReceiptKeys"]

log = logging.getLogger(__name__)

LOCAL_KEY_NAME: Final = "receipt-qr-hmac-key"
_RECHECK_S: Final = 60.0  # how often an unenrolled terminal looks for its credential again


class ReceiptKeys:
    """Thread-safe; reads the keyring at most once a minute until the terminal is enrolled."""

    def __init__(self, keyring: KeyringLike, *,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._keyring = keyring
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._shared: bytes | None = None
        self._local: bytes | None = None
        self._checked_at: float | None = None

    def signing(self) -> bytes:
        """The key for a new receipt: the shared one when enrolled, else the local one."""
        with self._lock:
            return self._shared_locked() or self._local_locked()

    def verifying(self) -> tuple[bytes, ...]:
        """Every key a receipt of this terminal may carry (shared first)."""
        with self._lock:
            shared = self._shared_locked()
            local = self._local_locked()
        return (shared, local) if shared is not None else (local,)

    @property
    def shared(self) -> bool:
        with self._lock:
            return self._shared_locked() is not None

    def _shared_locked(self) -> bytes | None:
        if self._shared is not None:
            return self._shared
        now = self._monotonic()
        if self._checked_at is not None and now - self._checked_at < _RECHECK_S:
            return None
        self._checked_at = now
        try:
            credentials = load_credentials(self._keyring)
        except KioskError as err:
            log.warning("receipt key: terminal credential unreadable (%s)", err.key)
            return None
        if credentials is None:
            return None
        self._shared = receipt_code_key(credentials.secret)
        log.info("receipt codes are signed with the key shared with the back office")
        return self._shared

    def _local_locked(self) -> bytes:
        if self._local is not None:
            return self._local
        stored = self._keyring.get_password(SERVICE, LOCAL_KEY_NAME)
        key = b""
        if stored:
            try:
                key = base64.b64decode(stored, validate=True)
            except ValueError:
                key = b""
            if len(key) < 16:
                log.warning("receipt QR key in the keyring is unusable; creating a new one")
        if len(key) < 16:
            key = secrets.token_bytes(32)
            self._keyring.set_password(SERVICE, LOCAL_KEY_NAME, base64.b64encode(key).decode("ascii"))
            log.info("created the terminal's local receipt QR key in the keyring")
        self._local = key
        return key
