"""The terminal's back-office credential, kept in the keyring next to the data key.

The receipt QR key is derived from the terminal secret (:func:`receipt_code_key`, HKDF), so
the back office, which holds the same secret, verifies a terminal's receipt codes without a
second key to distribute.

Enrolment trades a one-time code (issued by staff for this terminal) for a terminal id and a
32-byte secret. Both go into the same :class:`~kiosk.store.crypto.KeyringLike` the store uses,
under service ``smarthall-kiosk``, names ``terminal-id`` and ``terminal-secret``.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
from typing import TYPE_CHECKING, Final

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kiosk.errors import KnownError
from kiosk.store.crypto import SERVICE, KeyringLike

if TYPE_CHECKING:
    from kiosk.sync.client import SyncClient

log = logging.getLogger(__name__)

TERMINAL_ID_NAME: Final = "terminal-id"
SECRET_NAME: Final = "terminal-secret"  # noqa: S105 - a keyring entry name


_RECEIPT_KEY_INFO: Final = b"smarthall-kiosk receipt-qr v1"


def receipt_code_key(secret: bytes) -> bytes:
    """The HMAC key for a terminal's receipt QR codes, derived from its sync secret (HKDF-SHA256,
    a label of its own: a receipt key that leaks does not sign sync requests)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=_RECEIPT_KEY_INFO).derive(secret)


@dataclasses.dataclass(frozen=True)
class Credentials:
    terminal_id: str
    secret: bytes = dataclasses.field(repr=False)


def load_credentials(keyring: KeyringLike) -> Credentials | None:
    """The stored credential, or None when this terminal was never enrolled."""
    try:
        terminal_id = keyring.get_password(SERVICE, TERMINAL_ID_NAME)
        secret = keyring.get_password(SERVICE, SECRET_NAME)
    except Exception as err:  # any backend failure (wrong master secret, unreadable file)
        raise KnownError("store.key_unavailable", f"keyring read failed: {type(err).__name__}") from err
    if not terminal_id or not secret:
        return None
    return Credentials(terminal_id, bytes.fromhex(secret))


def save_credentials(keyring: KeyringLike, credentials: Credentials) -> None:
    # the secret first: a crash between the two leaves "not enrolled", never a half credential
    keyring.set_password(SERVICE, SECRET_NAME, credentials.secret.hex())
    keyring.set_password(SERVICE, TERMINAL_ID_NAME, credentials.terminal_id)


def enrol(client: SyncClient, code: str, keyring: KeyringLike, *, app_version: str = "",
          attempts: int = 3) -> Credentials:
    """Trade ``code`` for a credential and store it. A lost answer is retried with the same
    request id, which the back office answers with the same credential."""
    from kiosk.sync.client import RejectedError, TransientError

    request_id = secrets.token_hex(16)
    for attempt in range(max(1, attempts)):
        try:
            answer = client.enrol(code.strip(), request_id, app_version)
            break
        except RejectedError as err:
            raise KnownError("sync.enrol_failed", err.detail) from err
        except TransientError:
            if attempt + 1 >= attempts:
                raise
    credentials = Credentials(answer.terminal_id, bytes.fromhex(answer.secret))
    save_credentials(keyring, credentials)
    log.info("enrolled as terminal %s", credentials.terminal_id)
    return credentials
