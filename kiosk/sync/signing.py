"""Request signing (HMAC-SHA256) and framed uploads.

Every signed request carries five headers:

=========================  =======================================================
``X-Kiosk-Terminal``       the terminal id received at enrolment
``X-Kiosk-Timestamp``      Unix time in whole seconds (the server allows a skew)
``X-Kiosk-Nonce``          32 lower-case hex characters, never reused (the server
                           remembers nonces for twice the allowed skew)
``X-Kiosk-Content-SHA256`` hex SHA-256 of the body (of ``b""`` when there is none),
                           or :data:`STREAMING` for a framed upload
``X-Kiosk-Signature``      hex HMAC-SHA256 of the string to sign, keyed with the
                           terminal secret (32 bytes, the hex decoded)
=========================  =======================================================

The string to sign is seven lines joined by ``\\n``::

    KIOSK-HMAC-SHA256
    PUT
    /api/v1/submissions/0190…?offset=0      (path and query exactly as sent)
    1764063000
    9f86d081884c7d659a2feaa0c55ad015
    T-3F7KQ2
    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855

**Framed uploads.** An attachment chunk is sent as frames so that a connection cut in the
middle of a large request still leaves the server every complete frame it received, each one
authenticated: ``length (4 bytes, big endian) ‖ mac (32 bytes) ‖ data``, where
``mac = HMAC(secret, "KIOSK-FRAME" ‖ previous mac ‖ offset (8 bytes, big endian) ‖ SHA-256(data))``,
the first "previous mac" is the request signature and ``offset`` is the position of ``data`` in
the attachment. A frame of length 0 ends the body. Frames cannot be moved to another request
(the chain starts at a signature covering a fresh nonce), reordered, or shifted.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import struct
from collections.abc import Iterator, Mapping
from typing import Final

SCHEME: Final = "KIOSK-HMAC-SHA256"
STREAMING: Final = "STREAMING-FRAMES"
H_TERMINAL: Final = "X-Kiosk-Terminal"
H_TIMESTAMP: Final = "X-Kiosk-Timestamp"
H_NONCE: Final = "X-Kiosk-Nonce"
H_CONTENT: Final = "X-Kiosk-Content-SHA256"
H_SIGNATURE: Final = "X-Kiosk-Signature"
H_SERVER_TIME: Final = "X-Kiosk-Server-Time"  # on every answer: the server's Unix time
SIGNED_HEADERS: Final = (H_TERMINAL, H_TIMESTAMP, H_NONCE, H_CONTENT, H_SIGNATURE)
FRAMES_MEDIA_TYPE: Final = "application/vnd.smarthall.frames"

_FRAME_HEAD = struct.Struct(">I32s")
MAX_FRAME: Final = 1024 * 1024


def body_sha256(body: bytes | None) -> str:
    return hashlib.sha256(body or b"").hexdigest()


def new_nonce() -> str:
    return secrets.token_hex(16)


def string_to_sign(method: str, path: str, timestamp: str, nonce: str, terminal_id: str,
                   content_sha256: str) -> bytes:
    return "\n".join(
        (SCHEME, method.upper(), path, timestamp, nonce, terminal_id, content_sha256)
    ).encode("utf-8")


def sign(secret: bytes, method: str, path: str, timestamp: str, nonce: str, terminal_id: str,
         content_sha256: str) -> str:
    message = string_to_sign(method, path, timestamp, nonce, terminal_id, content_sha256)
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def signed_headers(secret: bytes, terminal_id: str, method: str, path: str, content_sha256: str,
                   timestamp: int, nonce: str | None = None) -> dict[str, str]:
    """The five signature headers for one request (a fresh nonce unless one is given)."""
    nonce = nonce or new_nonce()
    ts = str(int(timestamp))
    return {
        H_TERMINAL: terminal_id,
        H_TIMESTAMP: ts,
        H_NONCE: nonce,
        H_CONTENT: content_sha256,
        H_SIGNATURE: sign(secret, method, path, ts, nonce, terminal_id, content_sha256),
    }


def signature_matches(secret: bytes, headers: Mapping[str, str], method: str, path: str) -> bool:
    expected = sign(secret, method, path, headers[H_TIMESTAMP], headers[H_NONCE],
                    headers[H_TERMINAL], headers[H_CONTENT])
    return hmac.compare_digest(expected, headers[H_SIGNATURE].lower())


def _frame_mac(secret: bytes, previous: bytes, offset: int, data: bytes) -> bytes:
    message = b"KIOSK-FRAME" + previous + struct.pack(">Q", offset) + hashlib.sha256(data).digest()
    return hmac.new(secret, message, hashlib.sha256).digest()


def encode_frames(secret: bytes, signature: str, offset: int, data: bytes | memoryview,
                  frame_size: int) -> Iterator[bytes]:
    """The framed body for ``data`` (starting at attachment ``offset``), end frame included."""
    if not 0 < frame_size <= MAX_FRAME:
        raise ValueError("frame size out of range")
    previous = bytes.fromhex(signature)
    view = memoryview(data)
    pos = 0
    while pos < len(view):
        piece = bytes(view[pos:pos + frame_size])
        mac = _frame_mac(secret, previous, offset + pos, piece)
        yield _FRAME_HEAD.pack(len(piece), mac) + piece
        previous = mac
        pos += len(piece)
    yield _FRAME_HEAD.pack(0, _frame_mac(secret, previous, offset + pos, b""))


class FrameReader:
    """Incremental decoder: feed received bytes, get back verified data pieces in order.

    A bad frame ends decoding: ``feed`` still returns the pieces verified before it and sets
    ``error``; the caller keeps those and refuses the rest.
    """

    def __init__(self, secret: bytes, signature: str, offset: int) -> None:
        self._secret = secret
        self._previous = bytes.fromhex(signature)
        self.offset = offset  # attachment position of the next frame's data
        self._buf = bytearray()
        self.finished = False
        self.error: str | None = None

    def feed(self, chunk: bytes) -> list[bytes]:
        if self.error is not None:
            return []
        if self.finished:
            if chunk:
                self.error = "data after the end frame"
            return []
        self._buf += chunk
        out: list[bytes] = []
        while len(self._buf) >= _FRAME_HEAD.size and not self.finished:
            length, mac = _FRAME_HEAD.unpack_from(self._buf)
            if length > MAX_FRAME:
                self.error = "frame too large"
                break
            end = _FRAME_HEAD.size + length
            if len(self._buf) < end:
                break
            data = bytes(self._buf[_FRAME_HEAD.size:end])
            if not hmac.compare_digest(mac, _frame_mac(self._secret, self._previous, self.offset, data)):
                self.error = "frame MAC does not verify"
                break
            del self._buf[:end]
            self._previous = mac
            if length == 0:
                self.finished = True
                if self._buf:
                    self.error = "data after the end frame"
            else:
                self.offset += length
                out.append(data)
        if self.error is not None:
            self._buf.clear()
        return out
