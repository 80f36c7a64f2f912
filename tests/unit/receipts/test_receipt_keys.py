"""ReceiptKeys: a local key before enrolment, the key shared with the back office after."""

from __future__ import annotations

import secrets
from pathlib import Path

from kiosk.capture.payloads import PayloadKeys, ReceiptCode, make_receipt_code, parse_payload
from kiosk.receipts.keys import LOCAL_KEY_NAME, ReceiptKeys
from kiosk.store.crypto import SERVICE
from kiosk.store.keyring_backend import KioskFileKeyring
from kiosk.sync.credentials import Credentials, receipt_code_key, save_credentials


def _code(key: bytes) -> str:
    return make_receipt_code(key, kind="receipt", tracking_no="DM1-1", submission_id="s-1",
                             terminal="DM1", issued_at=1)


def test_local_key_until_enrolled_then_the_shared_one_and_both_verify(tmp_path: Path) -> None:
    ring = KioskFileKeyring(tmp_path / "k.cfg", secrets.token_bytes(32))
    now = [0.0]
    keys = ReceiptKeys(ring, monotonic=lambda: now[0])
    local = keys.signing()
    assert len(local) == 32 and ring.get_password(SERVICE, LOCAL_KEY_NAME)
    assert not keys.shared and keys.verifying() == (local,)
    assert ReceiptKeys(ring).signing() == local  # kept in the keyring across restarts

    save_credentials(ring, Credentials("T-ONE", b"s" * 32))
    now[0] += 30
    assert keys.signing() == local  # looked again only once a minute
    now[0] += 31
    shared = keys.signing()
    assert shared == receipt_code_key(b"s" * 32) != local and keys.shared
    assert keys.verifying() == (shared, local)  # receipts printed before enrolment still scan
    for key in keys.verifying():
        parsed = parse_payload(_code(key).encode(), PayloadKeys(receipt_hmac_key=key))
        assert isinstance(parsed, ReceiptCode) and parsed.tracking_no == "DM1-1"
