"""Fuzzing the frame parser: random bytes and mutated valid frames (bit flips, truncations,
insertions, concatenations, random split points) never raise, valid frames inside noise are
still found, and how the bytes are fragmented never changes what is found."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.devices.idcard.frames import (
    MAX_LENGTH,
    PREAMBLE,
    Discarded,
    Frame,
    FrameParser,
    ParseEvent,
    encode_frame,
)

FUZZ = settings(max_examples=300, deadline=None)

payloads = st.binary(min_size=2, max_size=300)
valid_frames = payloads.map(encode_frame)
# noise that cannot itself hold a preamble (so it cannot swallow a frame that follows)
noise = st.binary(max_size=200).filter(lambda b: PREAMBLE not in b)


def feed_in_chunks(parser: FrameParser, data: bytes, cuts: list[int]) -> list[ParseEvent]:
    events: list[ParseEvent] = []
    points = sorted({c % (len(data) + 1) for c in cuts})
    start = 0
    for point in [*points, len(data)]:
        events += parser.feed(data[start:point])
        start = point
    events += parser.flush()
    return events


def check_events(events: list[ParseEvent]) -> None:
    for event in events:
        if isinstance(event, Frame):
            assert 2 <= len(event.payload) <= MAX_LENGTH - 1
        elif isinstance(event, Discarded):
            assert event.count > 0


@st.composite
def mutated_streams(draw: st.DrawFn) -> bytes:
    """Valid frames glued together, then mutated."""
    data = bytearray(b"".join(draw(st.lists(valid_frames, min_size=1, max_size=4))))
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "duplicate", "preamble"]))
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "truncate":
            del data[at:]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 8))]
        elif op == "duplicate":
            data += data[at:]
        else:  # a stray preamble with a random length field
            data[at:at] = PREAMBLE + draw(st.binary(min_size=2, max_size=2))
    return bytes(data)


@FUZZ
@given(st.binary(max_size=3000), st.lists(st.integers(0, 4000), max_size=20))
def test_random_bytes_never_raise(data: bytes, cuts: list[int]) -> None:
    parser = FrameParser()
    check_events(feed_in_chunks(parser, data, cuts))
    assert parser.pending == 0


@FUZZ
@given(mutated_streams(), st.lists(st.integers(0, 4000), max_size=20))
def test_mutated_frames_never_raise(data: bytes, cuts: list[int]) -> None:
    parser = FrameParser()
    check_events(feed_in_chunks(parser, data, cuts))
    assert parser.pending == 0


@FUZZ
@given(
    st.lists(st.tuples(noise, valid_frames), min_size=1, max_size=5),
    noise,
    st.lists(st.integers(0, 4000), max_size=30),
)
def test_valid_frames_inside_noise_are_found(
    pieces: list[tuple[bytes, bytes]], tail: bytes, cuts: list[int]
) -> None:
    wire = b"".join(n + f for n, f in pieces) + tail
    found = [e for e in feed_in_chunks(FrameParser(), wire, cuts) if isinstance(e, Frame)]
    wanted = [f[7:-1] for _, f in pieces]
    # every frame is found, in order (noise may, rarely, also form a frame of its own)
    it = iter(e.payload for e in found)
    assert all(any(p == w for p in it) for w in wanted)


@FUZZ
@given(mutated_streams(), st.lists(st.integers(0, 4000), max_size=20))
def test_fragmentation_does_not_change_the_result(data: bytes, cuts: list[int]) -> None:
    whole = FrameParser().feed(data)
    split = FrameParser()
    events: list[ParseEvent] = []
    points = sorted({c % (len(data) + 1) for c in cuts})
    start = 0
    for point in [*points, len(data)]:
        events += split.feed(data[start:point])
        start = point

    def significant(evs: list[ParseEvent]) -> list[ParseEvent]:
        return [e for e in evs if not isinstance(e, Discarded)]

    assert significant(events) == significant(whole)
