from __future__ import annotations

import base64
import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.capture.payloads import (
    BAD_SIGNATURE,
    BAD_USCC,
    EXPIRED,
    MALFORMED,
    NOT_YET_VALID,
    UNKNOWN_KIND,
    GovAppToken,
    LicenceCode,
    PayloadKeys,
    PlainText,
    ReceiptCode,
    Rejected,
    make_receipt_code,
    parse_payload,
)
from kiosk.messages import MESSAGES

HMAC_KEY = b"k" * 32
PRIVATE = Ed25519PrivateKey.from_private_bytes(b"\x01" * 32)
PUBLIC = PRIVATE.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
KEYS = PayloadKeys(receipt_hmac_key=HMAC_KEY, gov_app_public_key=PUBLIC, terminal="SZ-FT-001")
NOW = 1_750_000_000


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(claims: dict[str, object], key: Ed25519PrivateKey = PRIVATE) -> bytes:
    body = _b64(json.dumps(claims).encode())
    sig = key.sign(f"GOVAPP1.{body}".encode())
    return f"GOVAPP1.{body}.{_b64(sig)}".encode()


def claims(**over: object) -> dict[str, object]:
    base: dict[str, object] = {
        "sub": "u-1",
        "scope": "login",
        "iat": NOW - 10,
        "exp": NOW + 110,
        "nonce": "n",
    }
    base.update(over)
    return base


def receipt() -> str:
    return make_receipt_code(
        HMAC_KEY,
        kind="receipt",
        tracking_no="SZ2024000123",
        submission_id="0190-abc",
        terminal="SZ-FT-001",
        issued_at=NOW,
    )


def test_receipt_round_trip() -> None:
    parsed = parse_payload(receipt().encode(), KEYS, NOW)
    assert parsed == ReceiptCode("receipt", "SZ2024000123", "0190-abc", "SZ-FT-001", NOW)


def test_forged_receipt_is_rejected() -> None:
    code = receipt()
    body, mac = code.split(".")[1:]
    forged_body = _b64(json.dumps({"typ": "receipt", "tn": "X", "sid": "s", "term": "t", "iat": 1}).encode())
    assert parse_payload(f"KSK1.{forged_body}.{mac}".encode(), KEYS, NOW) == Rejected(BAD_SIGNATURE)
    other_key = make_receipt_code(
        b"x" * 32, kind="status", tracking_no="1", submission_id="2", terminal="3", issued_at=4
    )
    assert parse_payload(other_key.encode(), KEYS, NOW) == Rejected(BAD_SIGNATURE)
    assert parse_payload(f"KSK1.{body}".encode(), KEYS, NOW) == Rejected(MALFORMED)
    assert parse_payload(receipt().encode(), PayloadKeys(), NOW) == Rejected(UNKNOWN_KIND)


def test_gov_token_valid_expired_forged() -> None:
    ok = parse_payload(token(claims()), KEYS, NOW)
    assert isinstance(ok, GovAppToken) and ok.scope == "login"
    assert parse_payload(token(claims(iat=NOW - 700, exp=NOW - 100)), KEYS, NOW) == Rejected(EXPIRED)
    assert parse_payload(token(claims(iat=NOW + 100, exp=NOW + 200)), KEYS, NOW) == Rejected(NOT_YET_VALID)
    assert parse_payload(token(claims(exp=NOW + 3600)), KEYS, NOW) == Rejected(MALFORMED)  # too long-lived
    other = Ed25519PrivateKey.from_private_bytes(b"\x02" * 32)
    assert parse_payload(token(claims(), other), KEYS, NOW) == Rejected(BAD_SIGNATURE)
    assert parse_payload(token(claims(aud="OTHER")), KEYS, NOW) == Rejected(UNKNOWN_KIND)
    assert parse_payload(token(claims(scope="pay")), KEYS, NOW) == Rejected(MALFORMED)


def test_licence_codes() -> None:
    url = b"http://www.gsxt.gov.cn/index.html?uniscid=91440300708461136T"
    assert parse_payload(url) == LicenceCode("91440300708461136T", url.decode())
    text = "名称:深圳市腾讯计算机系统有限公司\n统一社会信用代码:91440300708461136T".encode()
    assert parse_payload(text) == LicenceCode("91440300708461136T")
    assert parse_payload(b"91440300708461136X") == Rejected(BAD_USCC)
    assert parse_payload(b"http://www.gsxt.gov.cn/?uniscid=123") == Rejected(BAD_USCC)


def test_plain_text_and_malformed() -> None:
    assert parse_payload("北京市海淀区中关村大街1号".encode()) == PlainText("北京市海淀区中关村大街1号")
    assert parse_payload(b"\xff\xfe\x00") == Rejected(MALFORMED)
    assert parse_payload("深圳".encode("gb18030")) == Rejected(MALFORMED)
    assert parse_payload(b"") == Rejected(MALFORMED)
    assert parse_payload(b"KSK7.abc.def") == Rejected(UNKNOWN_KIND)
    assert parse_payload(b"x" * 5000) == Rejected(MALFORMED)


def test_every_reason_has_a_message() -> None:
    for key in (MALFORMED, BAD_SIGNATURE, EXPIRED, NOT_YET_VALID, UNKNOWN_KIND, BAD_USCC):
        assert set(MESSAGES[key]) == {"zh-Hans", "zh-Hant", "en"}


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=600))
def test_arbitrary_bytes_never_raise(raw: bytes) -> None:
    parse_payload(raw, KEYS, NOW)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["KSK1.", "GOVAPP1.", "KSK2.", "http://x/?uniscid=", "统一社会信用代码:"]),
    st.text(max_size=200),
)
def test_prefixed_garbage_never_raises(prefix: str, rest: str) -> None:
    result = parse_payload((prefix + rest).encode("utf-8", "surrogatepass"), KEYS, NOW)
    assert not isinstance(result, ReceiptCode | GovAppToken)
