"""GA 467 SAM-module frame codec (``shared/reference/protocols.md``): pure, no I/O.

Request:  ``AA AA AA 96 69 | Len1 Len2 | CMD Para | Data | CHK``
Response: ``AA AA AA 96 69 | Len1 Len2 | SW1 SW2 SW3 | Data | CHK``

``Len`` (big-endian) counts every byte after itself, the checksum included; ``CHK`` is the XOR
of every byte after the preamble except itself.

:class:`FrameParser` is incremental and total: whatever bytes it is fed (garbage, fragments,
corrupt or absurd frames) it returns typed events and never raises.
"""

from __future__ import annotations

import dataclasses
from typing import Final

__all__ = [
    "MAX_LENGTH",
    "MIN_LENGTH",
    "PREAMBLE",
    "ChecksumError",
    "Discarded",
    "Frame",
    "FrameParser",
    "LengthError",
    "ParseEvent",
    "Truncated",
    "encode_frame",
    "encode_request",
    "encode_response",
    "xor_checksum",
]

PREAMBLE: Final = b"\xaa\xaa\xaa\x96\x69"
_HEADER: Final = len(PREAMBLE) + 2  # preamble + length
# CMD + Para + CHK is the shortest legal frame
MIN_LENGTH: Final = 3
# the longest reply in the protocol is "read text + photo + fingerprint" (2321 bytes on the
# wire, Len = 2314); anything much larger is noise or a corrupt length field
MAX_LENGTH: Final = 0x0A00


def xor_checksum(data: bytes | bytearray | memoryview) -> int:
    value = 0
    for byte in data:
        value ^= byte
    return value


def encode_frame(payload: bytes) -> bytes:
    """Wrap ``payload`` (CMD Para Data, or SW1 SW2 SW3 Data) in preamble, length and checksum."""
    length = len(payload) + 1
    if not MIN_LENGTH <= length <= MAX_LENGTH:
        raise ValueError(f"GA 467 payload of {len(payload)} bytes is out of range")
    body = length.to_bytes(2, "big") + payload
    return PREAMBLE + body + bytes([xor_checksum(body)])


def _byte(name: str, value: int) -> int:
    if not 0 <= value <= 0xFF:
        raise ValueError(f"{name} must be one byte, got {value}")
    return value


def encode_request(cmd: int, para: int, data: bytes = b"") -> bytes:
    """A host → reader frame, e.g. ``encode_request(0x20, 0x01)`` is *find card*."""
    return encode_frame(bytes([_byte("cmd", cmd), _byte("para", para)]) + bytes(data))


def encode_response(sw1: int, sw2: int, sw3: int, data: bytes = b"") -> bytes:
    """A reader → host frame (the simulator speaks these)."""
    return encode_frame(bytes([_byte("sw1", sw1), _byte("sw2", sw2), _byte("sw3", sw3)]) + bytes(data))


# ---------------------------------------------------------------- parse events


@dataclasses.dataclass(frozen=True, slots=True)
class Frame:
    """A complete frame whose length and checksum are right.

    ``payload`` is everything between the length field and the checksum. Read it as a request
    (:attr:`cmd`, :attr:`para`, :attr:`request_data`) or as a response (:attr:`sw`,
    :attr:`sw3`, :attr:`response_data`); a response needs at least three payload bytes, see
    :attr:`is_response`.
    """

    payload: bytes = dataclasses.field(repr=False)

    def __repr__(self) -> str:  # the payload can hold card text: show its size only
        return f"Frame(len={len(self.payload)}, head={self.payload[:3].hex(' ')})"

    @property
    def cmd(self) -> int:
        return self.payload[0]

    @property
    def para(self) -> int:
        return self.payload[1]

    @property
    def request_data(self) -> bytes:
        return self.payload[2:]

    @property
    def is_response(self) -> bool:
        return len(self.payload) >= 3

    @property
    def sw(self) -> tuple[int, int, int]:
        return self.payload[0], self.payload[1], self.payload[2]

    @property
    def sw3(self) -> int:
        return self.payload[2]

    @property
    def response_data(self) -> bytes:
        return self.payload[3:]


@dataclasses.dataclass(frozen=True, slots=True)
class ChecksumError:
    """A frame arrived whole but its XOR checksum is wrong (the bytes after its preamble are
    scanned again, so a real frame hidden in a mis-framed region is still found)."""

    length: int
    expected: int
    received: int


@dataclasses.dataclass(frozen=True, slots=True)
class LengthError:
    """A preamble followed by a length outside ``MIN_LENGTH..max_length``."""

    length: int


@dataclasses.dataclass(frozen=True, slots=True)
class Truncated:
    """Only reported by :meth:`FrameParser.flush`: a frame started but did not finish."""

    expected: int  # bytes on the wire the header announced
    received: int


@dataclasses.dataclass(frozen=True, slots=True)
class Discarded:
    """Bytes that could not belong to a frame (line noise, the tail of a late reply)."""

    count: int


ParseEvent = Frame | ChecksumError | LengthError | Truncated | Discarded


def _preamble_prefix_suffix(buf: bytearray) -> int:
    """Length of the longest suffix of ``buf`` that is a proper prefix of the preamble."""
    for keep in range(min(len(PREAMBLE) - 1, len(buf)), 0, -1):
        if buf.endswith(PREAMBLE[:keep]):
            return keep
    return 0


class FrameParser:
    """Incremental GA 467 frame parser: ``feed()`` bytes as they arrive, get events back.

    Resynchronises on the preamble after garbage, reassembles fragments, checks length bounds
    and the checksum. Never raises on any input.
    """

    def __init__(self, *, max_length: int = MAX_LENGTH) -> None:
        self._max_length = max(MIN_LENGTH, min(max_length, 0xFFFF))
        self._buf = bytearray()

    @property
    def pending(self) -> int:
        """Bytes buffered towards a frame not yet complete."""
        return len(self._buf)

    def expected_total(self) -> int | None:
        """Wire size of the frame being assembled, once its header has arrived."""
        if len(self._buf) >= _HEADER and self._buf.startswith(PREAMBLE):
            return _HEADER + int.from_bytes(self._buf[5:7], "big")
        return None

    def reset(self) -> None:
        self._buf.clear()

    def feed(self, data: bytes | bytearray | memoryview) -> list[ParseEvent]:
        self._buf += data
        return self._parse()

    def flush(self) -> list[ParseEvent]:
        """End of input (a read timed out): report a started frame as :class:`Truncated`, look
        for frames inside what it had collected, and leave the buffer empty."""
        events: list[ParseEvent] = []
        while self._buf:
            total = self.expected_total()
            if total is not None:
                events.append(Truncated(expected=total, received=len(self._buf)))
                del self._buf[: len(PREAMBLE)]
                events.extend(self._parse())
                continue
            # a bare or partial preamble (all _parse leaves behind): nothing can come of it
            events.append(Discarded(len(self._buf)))
            self._buf.clear()
        return events

    def _parse(self) -> list[ParseEvent]:
        events: list[ParseEvent] = []
        buf = self._buf
        discarded = 0

        def note_discarded() -> None:
            nonlocal discarded
            if discarded:
                events.append(Discarded(discarded))
                discarded = 0

        while buf:
            start = buf.find(PREAMBLE)
            if start < 0:
                keep = _preamble_prefix_suffix(buf)
                drop = len(buf) - keep
                discarded += drop
                del buf[:drop]
                break
            if start:
                discarded += start
                del buf[:start]
            if len(buf) < _HEADER:
                break
            length = int.from_bytes(buf[5:7], "big")
            if not MIN_LENGTH <= length <= self._max_length:
                note_discarded()
                events.append(LengthError(length))
                del buf[: len(PREAMBLE)]
                continue
            total = _HEADER + length
            if len(buf) < total:
                break
            body = memoryview(buf)[5 : total - 1]
            expected = xor_checksum(body)
            received = buf[total - 1]
            note_discarded()
            if expected == received:
                events.append(Frame(bytes(buf[_HEADER : total - 1])))
                body.release()
                del buf[:total]
            else:
                body.release()
                events.append(ChecksumError(length=length, expected=expected, received=received))
                del buf[: len(PREAMBLE)]
        note_discarded()
        return events
