"""GA 467 frame codec against the frames in shared/reference/protocols.md, and the parser's
handling of fragments, garbage, bad checksums and bad lengths."""

from __future__ import annotations

import pytest

from kiosk.devices.idcard.frames import (
    MAX_LENGTH,
    PREAMBLE,
    ChecksumError,
    Discarded,
    Frame,
    FrameParser,
    LengthError,
    ParseEvent,
    Truncated,
    encode_frame,
    encode_request,
    encode_response,
    xor_checksum,
)

# full frames from the protocols.md command table
REFERENCE_REQUESTS = [
    ((0x10, 0xFF, b""), "AA AA AA 96 69 00 03 10 FF EC"),
    ((0x11, 0xFF, b""), "AA AA AA 96 69 00 03 11 FF ED"),
    ((0x12, 0xFF, b""), "AA AA AA 96 69 00 03 12 FF EE"),
    ((0x20, 0x01, b""), "AA AA AA 96 69 00 03 20 01 22"),
    ((0x20, 0x02, b""), "AA AA AA 96 69 00 03 20 02 21"),
    ((0x30, 0x01, b""), "AA AA AA 96 69 00 03 30 01 32"),
    ((0x30, 0x10, b""), "AA AA AA 96 69 00 03 30 10 23"),
    ((0x30, 0x03, b""), "AA AA AA 96 69 00 03 30 03 30"),
    ((0x61, 0xFF, b"\x50"), "AA AA AA 96 69 00 04 61 FF 50 CA"),
]
FIND_OK = bytes.fromhex("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97")


def frames(events: list[ParseEvent]) -> list[Frame]:
    return [e for e in events if isinstance(e, Frame)]


def not_discarded(events: list[ParseEvent]) -> list[ParseEvent]:
    return [e for e in events if not isinstance(e, Discarded)]


@pytest.mark.parametrize(("args", "wire"), REFERENCE_REQUESTS, ids=[w[15:20] for _, w in REFERENCE_REQUESTS])
def test_requests_match_the_reference_frames(args: tuple[int, int, bytes], wire: str) -> None:
    assert encode_request(*args) == bytes.fromhex(wire)


def test_find_ok_response_matches_the_reference() -> None:
    assert encode_response(0x00, 0x00, 0x9F, bytes(4)) == FIND_OK


def test_select_ok_response_shape() -> None:
    wire = encode_response(0, 0, 0x90, bytes(8))
    assert wire[5:7] == b"\x00\x0c"
    assert wire[-1] == 0x9C  # "... 00 0C 00 00 90 <8 bytes> 9C" in protocols.md


def test_read_response_is_1295_bytes_with_len_0508() -> None:
    data = b"\x01\x00\x04\x00" + bytes(256) + bytes(1024)
    wire = encode_response(0, 0, 0x90, data)
    assert len(wire) == 1295
    assert wire[5:7] == b"\x05\x08"


def test_checksum_is_xor_after_the_preamble() -> None:
    wire = encode_request(0x20, 0x01)
    assert wire[-1] == xor_checksum(wire[5:-1]) == 0x00 ^ 0x03 ^ 0x20 ^ 0x01


def test_encode_rejects_out_of_range_values() -> None:
    with pytest.raises(ValueError, match="cmd"):
        encode_request(0x100, 0)
    with pytest.raises(ValueError, match="sw3"):
        encode_response(0, 0, -1)
    with pytest.raises(ValueError, match="out of range"):
        encode_frame(bytes(MAX_LENGTH))
    with pytest.raises(ValueError, match="out of range"):
        encode_frame(b"\x01")


def test_parser_reads_a_whole_frame() -> None:
    [frame] = FrameParser().feed(FIND_OK)
    assert isinstance(frame, Frame)
    assert frame.is_response
    assert frame.sw == (0, 0, 0x9F)
    assert frame.sw3 == 0x9F
    assert frame.response_data == bytes(4)


def test_parser_reads_requests_too() -> None:
    [frame] = FrameParser().feed(encode_request(0x61, 0xFF, b"\x50"))
    assert isinstance(frame, Frame)
    assert (frame.cmd, frame.para, frame.request_data) == (0x61, 0xFF, b"\x50")


def test_frame_repr_hides_the_payload() -> None:
    frame = Frame(b"\x00\x00\x90" + "李思远".encode("utf-16-le"))
    assert "李" not in repr(frame)
    assert "len=9" in repr(frame)


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 64])
def test_parser_reassembles_fragments(size: int) -> None:
    wire = encode_response(0, 0, 0x90, bytes(range(256)) * 5) + FIND_OK
    parser = FrameParser()
    events: list[ParseEvent] = []
    for i in range(0, len(wire), size):
        events += parser.feed(wire[i : i + size])
    assert [f.sw3 for f in frames(events)] == [0x90, 0x9F]
    assert not_discarded(events) == frames(events)
    assert parser.pending == 0


def test_parser_waits_for_the_rest_of_a_frame() -> None:
    parser = FrameParser()
    assert parser.feed(FIND_OK[:9]) == []
    assert parser.pending == 9
    assert parser.expected_total() == len(FIND_OK)
    assert frames(parser.feed(FIND_OK[9:]))[0].sw3 == 0x9F


def test_parser_resynchronises_after_garbage() -> None:
    garbage = b"\x00\xff\xaa\xaa\x96\x69\x13\xaa\xaa\xaa\x96"
    events = FrameParser().feed(garbage + FIND_OK + b"\x01\x02" + FIND_OK)
    assert len(frames(events)) == 2
    assert sum(e.count for e in events if isinstance(e, Discarded)) == len(garbage) + 2


def test_parser_keeps_a_partial_preamble_across_feeds() -> None:
    parser = FrameParser()
    assert not frames(parser.feed(b"\x55\x55" + FIND_OK[:3]))
    assert parser.pending == 3
    assert frames(parser.feed(FIND_OK[3:]))[0].sw3 == 0x9F


def test_parser_reports_a_bad_checksum_and_recovers() -> None:
    bad = FIND_OK[:-1] + bytes([FIND_OK[-1] ^ 0x01])
    events = FrameParser().feed(bad + FIND_OK)
    assert events[0] == ChecksumError(length=8, expected=0x97, received=0x96)
    assert len(frames(events)) == 1


def test_a_frame_hidden_inside_a_corrupt_one_is_found() -> None:
    # the corrupt frame's (wrong) length swallows the next frame: after the checksum fails,
    # the bytes behind its preamble are scanned again
    corrupt = PREAMBLE + b"\x00\x20" + b"\x00\x00\x90"
    wire = corrupt + FIND_OK + bytes(40)
    events = FrameParser().feed(wire)
    assert isinstance(events[0], ChecksumError)
    assert [f.sw3 for f in frames(events)] == [0x9F]


@pytest.mark.parametrize("length", [0, 1, 2, MAX_LENGTH + 1, 0xFFFF])
def test_parser_rejects_impossible_lengths(length: int) -> None:
    wire = PREAMBLE + length.to_bytes(2, "big") + b"\x00" * 8
    events = FrameParser().feed(wire + FIND_OK)
    assert events[0] == LengthError(length)
    assert len(frames(events)) == 1


def test_max_length_is_configurable() -> None:
    events = FrameParser(max_length=16).feed(encode_response(0, 0, 0x90, bytes(32)))
    assert events[0] == LengthError(36)


def test_flush_reports_a_truncated_frame_and_finds_frames_inside() -> None:
    parser = FrameParser()
    read = encode_response(0, 0, 0x90, bytes(1284))
    assert parser.feed(read[:600] + FIND_OK) == []  # still waiting for the long frame
    events = parser.flush()
    assert events[0] == Truncated(expected=1295, received=600 + len(FIND_OK))
    assert [f.sw3 for f in frames(events)] == [0x9F]
    assert parser.pending == 0


def test_flush_drops_a_bare_preamble() -> None:
    parser = FrameParser()
    parser.feed(PREAMBLE + b"\x00")
    assert parser.flush() == [Discarded(6)]
    assert parser.flush() == []


def test_reset_forgets_buffered_bytes() -> None:
    parser = FrameParser()
    parser.feed(FIND_OK[:10])
    parser.reset()
    assert parser.pending == 0
    assert parser.feed(FIND_OK[10:]) == [Discarded(len(FIND_OK) - 10)]
