"""Identification with the government app's login QR code (扫码核身).

The citizen opens the government app (e.g. 粤省事 / i深圳), which shows a short-lived login
token as a QR code: ``GOVAPP1.<claims>.<Ed25519 signature>`` (format in
:mod:`kiosk.capture.payloads`). The token names an opaque subject, not a person, so
identification takes two steps:

1. on the kiosk, :meth:`GovAppIdentifier.check` verifies the token offline against the app
   issuer's public key (``[identity] gov_app_public_key``): signature, lifetime, audience (this
   terminal or any) — a forged, expired or foreign token is refused at once with its ``qr.*``
   key, and no network call is made;
2. :meth:`GovAppIdentifier.resolve` asks the back office (a signed sync request,
   ``POST /identity/gov-app``), which verifies the token again, accepts it once (its nonce) and
   returns the identity its platform vouches for. The result is an
   :class:`~kiosk.identity.models.IdentityDocument` with ``source="gov_app_qr"``.

Without a network the second step cannot happen: ``identity.gov_app_offline`` tells the
citizen to use their ID card instead. :class:`GovAppSimulator` stands in for the app in the
demo and tests: it mints tokens with a private key (the demo profile's public key matches
:data:`DEMO_ISSUER_SEED`, a demo-only key; real terminals are configured with the issuer's).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any, Final, Protocol

from kiosk.capture.payloads import TOKEN_PREFIX, GovAppToken, PayloadKeys, Rejected, parse_payload
from kiosk.errors import KnownError
from kiosk.identity.models import IdentityDocument

__all__ = ["DEMO_ISSUER_SEED", "GovAppIdentifier", "GovAppSimulator", "is_gov_app_token"]

log = logging.getLogger(__name__)

# the demo profile's gov-app issuer: a published, demo-only key (never a real issuer's)
DEMO_ISSUER_SEED: Final = hashlib.sha256(b"smarthall-kiosk demo gov-app issuer").digest()


def is_gov_app_token(payload: str) -> bool:
    return payload.startswith(TOKEN_PREFIX)


class _Resolver(Protocol):
    def resolve_gov_app(self, token: str) -> Any: ...


class GovAppIdentifier:
    """Check a scanned token here, then resolve it through the back office."""

    def __init__(self, public_key_b64: str | None, terminal_code: str,
                 client: Callable[[], _Resolver | None], *,
                 now: Callable[[], float] = time.time) -> None:
        self._key = base64.b64decode(public_key_b64) if public_key_b64 else None
        self._terminal = terminal_code
        self._client = client
        self._now = now

    @property
    def enabled(self) -> bool:
        return self._key is not None

    def check(self, payload: str) -> str | None:
        """The refusal's message key for a token that fails offline checks, else ``None``."""
        if self._key is None:
            return "identity.gov_app_off"
        parsed = parse_payload(payload.encode("utf-8"),
                               PayloadKeys(gov_app_public_key=self._key, terminal=self._terminal),
                               now=self._now())
        if isinstance(parsed, Rejected):
            return parsed.reason
        if not isinstance(parsed, GovAppToken):
            return "qr.unknown_kind"
        return None

    def resolve(self, payload: str) -> IdentityDocument:
        """Blocking (network): call off the GUI thread. Raises KnownError with the key to show."""
        refused = self.check(payload)
        if refused is not None:
            raise KnownError(refused, "gov-app token refused on the terminal")
        from kiosk.sync.client import AuthError, RejectedError, SyncError, TransientError

        client = self._client()
        if client is None:
            raise KnownError("identity.gov_app_offline", "this terminal is not enrolled")
        try:
            answer = client.resolve_gov_app(payload)
        except TransientError as err:
            raise KnownError("identity.gov_app_offline", f"gov-app resolve: {err.key}") from err
        except (RejectedError, AuthError) as err:
            key = ("identity.gov_app_unknown" if err.code == "identity.gov_app_unknown"
                   else "identity.gov_app_refused")
            raise KnownError(key, f"gov-app resolve refused: {err.code or err.status}") from err
        except SyncError as err:
            raise KnownError("identity.gov_app_offline", f"gov-app resolve: {err.key}") from err
        try:
            data = dict(answer.identity)
            data["source"] = "gov_app_qr"
            document = IdentityDocument.from_dict(data)
        except (TypeError, ValueError) as err:
            raise KnownError("identity.gov_app_refused", "unusable identity answer") from err
        log.info("identified through the government app (%s)", document.kind)
        return document


@dataclasses.dataclass
class GovAppSimulator:
    """The government app's token issuer, for the demo and tests (a private key)."""

    seed: bytes = DEMO_ISSUER_SEED
    lifetime_s: int = 120

    @property
    def public_key_b64(self) -> str:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        public = Ed25519PrivateKey.from_private_bytes(self.seed).public_key()
        return base64.b64encode(public.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode("ascii")

    def token(self, subject: str, *, audience: str = "*", now: float | None = None,
              lifetime_s: int | None = None) -> str:
        """A fresh login token, as the app's QR code shows it."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        iat = int(time.time() if now is None else now)
        claims = {"sub": subject, "scope": "login", "iat": iat,
                  "exp": iat + (self.lifetime_s if lifetime_s is None else lifetime_s),
                  "nonce": secrets.token_hex(12), "aud": audience}
        body = _b64(json.dumps(claims, separators=(",", ":")).encode("utf-8"))
        signed = f"{TOKEN_PREFIX}{body}"
        signature = Ed25519PrivateKey.from_private_bytes(self.seed).sign(signed.encode("ascii"))
        return f"{signed}.{_b64(signature)}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
