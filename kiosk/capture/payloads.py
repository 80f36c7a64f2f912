"""What a scanned code means. :func:`parse_payload` never raises: any byte string gives one of
:class:`ReceiptCode`, :class:`LicenceCode`, :class:`GovAppToken`, :class:`PlainText` or
:class:`Rejected` (with a message key).

Formats
-------
Kiosk receipt / status code (printed by this terminal)::

    KSK1.<body>.<mac>
    body = base64url(JSON {"typ": "receipt"|"status", "tn": tracking number,
                           "sid": submission UUID, "term": terminal code, "iat": unix seconds})
    mac  = base64url(HMAC-SHA256(key, "KSK1." + body)[:16])          (no padding)

The HMAC key comes from configuration (suggested key: ``[receipts] qr_hmac_key``, 32 random
bytes, base64; the same key signs and verifies, so it is shared with the back office).
:func:`make_receipt_code` builds the string for the receipt printer.

Government-app login / authorisation token (shown by the citizen's app)::

    GOVAPP1.<claims>.<sig>
    claims = base64url(JSON {"sub": opaque subject, "scope": "login"|"authorize",
                             "iat": unix s, "exp": unix s, "nonce": str, "aud": terminal or "*"})
    sig    = base64url(Ed25519(private key, "GOVAPP1." + claims))

Ed25519 (``cryptography``): the kiosk holds only the app issuer's public key (from config,
suggested ``[identity] gov_app_public_key``, 32 bytes base64), so a stolen kiosk cannot mint
tokens. ``exp - iat`` is capped at 10 minutes; 30 s of clock leeway.

Business-licence code: the 营业执照 QR opens the national publicity system; we accept a URL whose
query carries ``uniscid`` / ``creditCode`` / ``uscc``, a text with a ``统一社会信用代码`` label, or a
bare 18-character code, and validate the USCC check character. Anything else that is valid UTF-8
is :class:`PlainText`.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import hmac
import json
import re
import urllib.parse
from typing import Any, Final, Literal

from kiosk.errors import KioskError
from kiosk.identity.numbers import validate_uscc

MALFORMED: Final = "qr.malformed"
BAD_SIGNATURE: Final = "qr.bad_signature"
EXPIRED: Final = "qr.expired"
NOT_YET_VALID: Final = "qr.not_yet_valid"
UNKNOWN_KIND: Final = "qr.unknown_kind"
BAD_USCC: Final = "qr.bad_uscc"

RECEIPT_PREFIX: Final = "KSK1."
TOKEN_PREFIX: Final = "GOVAPP1."  # noqa: S105 - a format prefix, not a secret
MAX_TOKEN_LIFETIME_S: Final = 600
LEEWAY_S: Final = 30
MAX_PAYLOAD_BYTES: Final = 4096
_FAMILY_RE: Final = re.compile(r"(KSK|GOVAPP)[0-9]+\.", re.ASCII)
_B64_RE: Final = re.compile(r"[A-Za-z0-9_-]+", re.ASCII)
_USCC_LABEL_RE: Final = re.compile(r"统一社会信用代码\s*[:：]?\s*([0-9A-Za-z]{18})")
_USCC_BARE_RE: Final = re.compile(r"[0-9A-Z]{18}", re.ASCII)
_USCC_PARAMS: Final = ("uniscid", "creditcode", "uscc", "credit_code")


@dataclasses.dataclass(frozen=True, slots=True)
class ReceiptCode:
    kind: Literal["receipt", "status"]
    tracking_no: str
    submission_id: str
    terminal: str
    issued_at: int


@dataclasses.dataclass(frozen=True, slots=True)
class LicenceCode:
    uscc: str
    url: str | None = dataclasses.field(default=None, repr=False)


@dataclasses.dataclass(frozen=True, slots=True)
class GovAppToken:
    subject: str = dataclasses.field(repr=False)
    scope: Literal["login", "authorize"]
    issued_at: int
    expires_at: int
    nonce: str = dataclasses.field(repr=False)


@dataclasses.dataclass(frozen=True, slots=True)
class PlainText:
    text: str = dataclasses.field(repr=False)


@dataclasses.dataclass(frozen=True, slots=True)
class Rejected:
    reason: str  # a message key: qr.malformed, qr.bad_signature, …


Payload = ReceiptCode | LicenceCode | GovAppToken | PlainText | Rejected


@dataclasses.dataclass(frozen=True, slots=True)
class PayloadKeys:
    """Verification material from config; a kind whose key is missing is rejected as unknown."""

    receipt_hmac_key: bytes | None = dataclasses.field(default=None, repr=False)
    gov_app_public_key: bytes | None = dataclasses.field(default=None, repr=False)  # raw Ed25519, 32 bytes
    terminal: str | None = None  # this terminal's code, for the token's "aud"
    # the back office re-verifying a token a terminal forwarded (that terminal checked "aud")
    any_audience: bool = False


def _b64decode(text: str) -> bytes:
    if not _B64_RE.fullmatch(text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _receipt_mac(key: bytes, signed: bytes) -> bytes:
    return hmac.new(key, signed, hashlib.sha256).digest()[:16]


def make_receipt_code(
    key: bytes,
    *,
    kind: Literal["receipt", "status"],
    tracking_no: str,
    submission_id: str,
    terminal: str,
    issued_at: int,
) -> str:
    """The signed string to print as the receipt's QR code."""
    body = _b64encode(
        json.dumps(
            {"typ": kind, "tn": tracking_no, "sid": submission_id, "term": terminal, "iat": issued_at},
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode()
    )
    mac = _receipt_mac(key, (RECEIPT_PREFIX + body).encode("ascii"))
    return f"{RECEIPT_PREFIX}{body}.{_b64encode(mac)}"


def receipt_submission_id(text: str) -> str | None:
    """The submission id a receipt code names — **not verified**: only for finding the key to
    verify it with (the back office holds one key per terminal and looks the submission up)."""
    parts = text.split(".")
    if len(parts) != 3 or f"{parts[0]}." != RECEIPT_PREFIX or len(text) > MAX_PAYLOAD_BYTES:
        return None
    try:
        sid = _json_object(_b64decode(parts[1])).get("sid")
    except (ValueError, UnicodeDecodeError, binascii.Error):
        return None
    return sid if isinstance(sid, str) and len(sid) <= 64 else None


def _json_object(data: bytes) -> dict[str, Any]:
    value = json.loads(data.decode("utf-8"))
    if not isinstance(value, dict):
        raise ValueError("not an object")
    return value


def _parse_receipt(text: str, key: bytes | None) -> Payload:
    if key is None:
        return Rejected(UNKNOWN_KIND)
    parts = text.split(".")
    if len(parts) != 3:
        return Rejected(MALFORMED)
    try:
        mac = _b64decode(parts[2])
        _b64decode(parts[1])
    except (ValueError, binascii.Error):
        return Rejected(MALFORMED)
    signed = f"{parts[0]}.{parts[1]}".encode("ascii")
    if not hmac.compare_digest(mac, _receipt_mac(key, signed)):
        return Rejected(BAD_SIGNATURE)
    try:
        body = _json_object(_b64decode(parts[1]))
        kind, tn, sid, term, iat = body["typ"], body["tn"], body["sid"], body["term"], body["iat"]
    except (ValueError, KeyError, UnicodeDecodeError, binascii.Error):
        return Rejected(MALFORMED)
    if kind not in ("receipt", "status"):
        return Rejected(UNKNOWN_KIND)
    if not all(isinstance(v, str) for v in (tn, sid, term)) or type(iat) is not int:
        return Rejected(MALFORMED)
    return ReceiptCode(kind, tn, sid, term, iat)


def _parse_token(text: str, keys: PayloadKeys, now: float) -> Payload:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if keys.gov_app_public_key is None:
        return Rejected(UNKNOWN_KIND)
    parts = text.split(".")
    if len(parts) != 3:
        return Rejected(MALFORMED)
    try:
        sig = _b64decode(parts[2])
        claims_raw = _b64decode(parts[1])
        public = Ed25519PublicKey.from_public_bytes(keys.gov_app_public_key)
    except (ValueError, binascii.Error):
        return Rejected(MALFORMED)
    try:
        public.verify(sig, f"{parts[0]}.{parts[1]}".encode("ascii"))
    except InvalidSignature:
        return Rejected(BAD_SIGNATURE)
    try:
        claims = _json_object(claims_raw)
        sub, scope, iat, exp, nonce = (
            claims["sub"],
            claims["scope"],
            claims["iat"],
            claims["exp"],
            claims["nonce"],
        )
        aud = claims.get("aud", "*")
    except (ValueError, KeyError, UnicodeDecodeError):
        return Rejected(MALFORMED)
    if (
        not isinstance(sub, str)
        or not isinstance(nonce, str)
        or scope not in ("login", "authorize")
        or type(iat) is not int
        or type(exp) is not int
        or not isinstance(aud, str)
        or exp <= iat
        or exp - iat > MAX_TOKEN_LIFETIME_S
    ):
        return Rejected(MALFORMED)
    if aud != "*" and aud != keys.terminal and not keys.any_audience:
        return Rejected(UNKNOWN_KIND)  # a token for another terminal
    if now < iat - LEEWAY_S:
        return Rejected(NOT_YET_VALID)
    if now > exp + LEEWAY_S:
        return Rejected(EXPIRED)
    return GovAppToken(sub, scope, iat, exp, nonce)


def _uscc_candidate(text: str) -> tuple[str, str | None] | None:
    """(candidate code, url or None) when the text looks like a licence code."""
    stripped = text.strip()
    if stripped.lower().startswith(("http://", "https://")):
        try:
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(stripped).query)
        except ValueError:
            return None
        for name, values in query.items():
            if name.lower() in _USCC_PARAMS and values:
                return values[0].strip(), stripped
        return None
    label = _USCC_LABEL_RE.search(stripped)
    if label:
        return label.group(1), None
    if _USCC_BARE_RE.fullmatch(stripped):
        return stripped, None
    return None


def parse_payload(raw: bytes, keys: PayloadKeys | None = None, now: float = 0.0) -> Payload:
    """Classify and validate one scanned payload. ``now`` is unix seconds (for token expiry)."""
    keys = keys or PayloadKeys()
    try:
        return _parse(raw, keys, now)
    except Exception:  # a parser bug must not take the scan screen down; the payload is not logged
        return Rejected(MALFORMED)


def _parse(raw: bytes, keys: PayloadKeys, now: float) -> Payload:
    if not raw or len(raw) > MAX_PAYLOAD_BYTES:
        return Rejected(MALFORMED)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Rejected(MALFORMED)
    if any(ord(c) < 0x20 and c not in "\t\r\n" for c in text):
        return Rejected(MALFORMED)
    if text.startswith(RECEIPT_PREFIX):
        return _parse_receipt(text, keys.receipt_hmac_key)
    if text.startswith(TOKEN_PREFIX):
        return _parse_token(text, keys, now)
    if _FAMILY_RE.match(text):
        return Rejected(UNKNOWN_KIND)  # a newer format version than this terminal knows
    candidate = _uscc_candidate(text)
    if candidate is not None:
        code, url = candidate
        try:
            return LicenceCode(validate_uscc(code), url)
        except KioskError:
            return Rejected(BAD_USCC)
    if not text.strip():
        return Rejected(MALFORMED)
    return PlainText(text)
