"""Signing string, signature checks and framed bodies."""

from __future__ import annotations

import random
import secrets

from kiosk.sync import signing
from kiosk.sync.backoff import Backoff

SECRET = bytes(range(32))


def test_string_to_sign_is_the_documented_seven_lines() -> None:
    text = signing.string_to_sign("put", "/api/v1/x?offset=0", "1764063000", "ab" * 16, "T-1", "e3" * 32)
    assert text.decode().split("\n") == [
        "KIOSK-HMAC-SHA256", "PUT", "/api/v1/x?offset=0", "1764063000", "ab" * 16, "T-1", "e3" * 32]


def test_signature_depends_on_every_signed_part() -> None:
    base = signing.signed_headers(SECRET, "T-1", "PUT", "/p", "0" * 64, 1000, "a" * 32)
    assert signing.signature_matches(SECRET, base, "PUT", "/p")
    assert not signing.signature_matches(SECRET, base, "POST", "/p")
    assert not signing.signature_matches(SECRET, base, "PUT", "/p?x=1")
    assert not signing.signature_matches(secrets.token_bytes(32), base, "PUT", "/p")
    for header, value in [(signing.H_TIMESTAMP, "1001"), (signing.H_NONCE, "b" * 32),
                          (signing.H_TERMINAL, "T-2"), (signing.H_CONTENT, "1" * 64)]:
        assert not signing.signature_matches(SECRET, {**base, header: value}, "PUT", "/p")


def test_frames_round_trip_in_any_chunking() -> None:
    data = secrets.token_bytes(100_000)
    body = b"".join(signing.encode_frames(SECRET, "cd" * 32, 5000, data, 4096))
    rng = random.Random(3)
    reader = signing.FrameReader(SECRET, "cd" * 32, 5000)
    out, pos = [], 0
    while pos < len(body):
        step = rng.randrange(1, 9000)
        out += reader.feed(body[pos:pos + step])
        pos += step
    assert b"".join(out) == data and reader.finished and reader.error is None
    assert reader.offset == 105_000


def test_a_truncated_body_yields_the_complete_frames_only() -> None:
    data = secrets.token_bytes(10_000)
    body = b"".join(signing.encode_frames(SECRET, "cd" * 32, 0, data, 1000))
    reader = signing.FrameReader(SECRET, "cd" * 32, 0)
    got = b"".join(reader.feed(body[:3500]))
    assert got == data[:3000] and not reader.finished


def test_frames_bound_to_signature_and_offset() -> None:
    data = secrets.token_bytes(3000)
    body = b"".join(signing.encode_frames(SECRET, "cd" * 32, 0, data, 1000))
    for signature, offset in [("ce" * 32, 0), ("cd" * 32, 1000)]:
        reader = signing.FrameReader(SECRET, signature, offset)
        assert reader.feed(body) == [] and reader.error == "frame MAC does not verify"


def test_full_jitter_backoff_is_bounded_and_grows() -> None:
    backoff = Backoff(1.0, 30.0, random.Random(1))
    assert [backoff.ceiling(n) for n in range(7)] == [1, 2, 4, 8, 16, 30, 30]
    delays = [backoff.delay(10) for _ in range(500)]
    assert min(delays) >= 0 and max(delays) <= 30
    assert min(delays) < 5 and max(delays) > 25  # spread over the whole range
    assert backoff.ceiling(10_000) == 30
