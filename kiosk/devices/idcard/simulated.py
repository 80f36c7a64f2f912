"""A GA 467 reader simulated on a pseudo-terminal pair.

:class:`SimulatedReader` owns both ends of a pty; a thread answers on the master side with
the same frames a real SAM module sends, and :attr:`SimulatedReader.device_path` is the slave
device the real :class:`~kiosk.devices.idcard.ga467.Ga467Reader` opens with pyserial. The
demo, the UI tests and the contract suite therefore exercise the real driver through a real
serial line.

Scripting hooks reach every state: :meth:`insert_card`, :meth:`remove_card`,
:meth:`remove_mid_read`, :meth:`corrupt_next_checksum`, :meth:`split_frames`, :meth:`stall`,
:meth:`inject_garbage`, :meth:`sam_fault`, :meth:`fail_next`. The default cards carry fictional people whose
numbers pass their checks.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import itertools
import logging
import os
import select
import threading
import time
import tty
from collections.abc import Iterator, Sequence
from typing import Final, Literal

from kiosk.devices.idcard.frames import (
    ChecksumError,
    Frame,
    FrameParser,
    LengthError,
    encode_response,
)
from kiosk.devices.idcard.text import CardExtras, CardKind, encode_text_block
from kiosk.identity.models import IdentityDocument, IdKind
from kiosk.identity.numbers import resident_id_birth_date, resident_id_sex, validate_resident_id

__all__ = ["SimulatedCard", "SimulatedReader", "default_card", "default_photo", "gb11643_number"]

_log = logging.getLogger(__name__)

_POLL_S: Final = 0.02
REQUESTS_KEPT: Final = 1000  # the latest requests kept in order (requests())
_DEFAULT_SPLIT: Final = (1, 2, 5, 7, 64)
_CHUNK_DELAY_S: Final = 0.002
_CHECK_CHARS: Final = "10X98765432"
_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def gb11643_number(first17: str) -> str:
    """Append the ISO 7064 MOD 11-2 check character and validate the result (kiosk.identity)."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return validate_resident_id(first17 + _CHECK_CHARS[total % 11])


def default_photo() -> bytes:
    """1024 bytes standing in for a WLT photo (not a real WLT image: no decoder ships)."""
    return (b"WLT-SIMULATED\x00" + bytes(range(256)) * 4)[:1024]


@dataclasses.dataclass(frozen=True, slots=True)
class SimulatedCard:
    kind: CardKind
    text: bytes  # the 256-byte text block as the card holds it
    photo: bytes = dataclasses.field(default_factory=default_photo)

    def __repr__(self) -> str:
        return f"SimulatedCard(kind={self.kind!r})"


def _resident_doc(
    number: str, kind: IdKind, name: str, address: str, issuer: str, valid: tuple[dt.date, dt.date]
) -> IdentityDocument:
    return IdentityDocument(
        kind=kind, number=number, source="id_card", name=name, sex=resident_id_sex(number),
        birth_date=resident_id_birth_date(number), address=address, issuer=issuer,
        valid_from=valid[0], valid_to=valid[1],
    )


def default_card(kind: CardKind) -> tuple[IdentityDocument, CardExtras]:
    """A fictional person for each card kind (numbers computed and checked with kiosk.identity)."""
    if kind == "resident":
        doc = _resident_doc(
            gb11643_number("44030419900307231"), "resident_id", "李思远",
            "广东省深圳市福田区福中三路1号测试大厦101室", "深圳市公安局福田分局",
            (dt.date(2015, 6, 1), dt.date(2035, 6, 1)),
        )
        return doc, CardExtras(nation_code="01")
    if kind == "permit":
        doc = _resident_doc(
            gb11643_number("81000019951120002"), "hk_macao_taiwan_permit", "陈嘉欣",
            "广东省深圳市南山区科技园测试路8号", "深圳市公安局南山分局",
            (dt.date(2021, 9, 1), dt.date(2031, 8, 31)),
        )
        return doc, CardExtras(pass_number="H00000000", issue_count="01")  # noqa: S106 - not a password
    doc = IdentityDocument(
        kind="foreigner_pr", number="DEU440385081201", source="id_card", name="艾丽卡",
        name_en="MUSTERMANN, ERIKA", sex="female", birth_date=dt.date(1985, 8, 12),
        nationality="DEU", valid_from=dt.date(2020, 5, 1), valid_to=dt.date(2030, 4, 30),
    )
    return doc, CardExtras(version="01", authority_code="1500")


class SimulatedReader:
    """A GA 467 SAM module on the master side of a pty. Start it, open :attr:`device_path`.

    Scripting hooks are thread-safe and take effect from the next request. Stop with
    :meth:`close` (or use it as a context manager): the thread ends, both fds close.
    """

    def __init__(self, *, card: Literal["none", "resident", "permit", "foreigner"] = "none") -> None:
        master, slave = os.openpty()
        try:
            tty.setraw(master)
            tty.setraw(slave)
            os.set_blocking(master, False)
            self.device_path: str = os.ttyname(slave)
        except OSError:
            os.close(master)
            os.close(slave)
            raise
        self._master = master
        # held open so the master never sees EIO while the driver closes and reopens the port
        self._slave = slave
        self._state = threading.Condition()
        self._card: SimulatedCard | None = None
        self._found = False
        self._selected = False
        self._sam_fault = False
        self._remove_mid_read = False
        self._corrupt: tuple[bool, int | None] = (False, None)
        self._split: tuple[int, ...] | None = None
        self._chunk_delay_s = _CHUNK_DELAY_S
        self._stall_until = 0.0
        self._stall_mid: tuple[int, float, int | None] | None = None
        self._garbage = b""
        self._fail: dict[tuple[int, int], int] = {}
        # what arrived, for tests and diagnostics: counted by (CMD, Para) and the latest in order
        # (bounded: a demo terminal's reader is polled all day)
        self._counts: collections.Counter[tuple[int, int]] = collections.Counter()
        self._requests: collections.deque[tuple[int, int]] = collections.deque(maxlen=REQUESTS_KEPT)
        self._stop = threading.Event()
        self._closed = False
        if card != "none":
            self.insert_card(card)
        self._thread = threading.Thread(target=self._run, name="idcard-simulator", daemon=True)
        self._thread.start()
        _log.debug("GA 467 simulator on %s", self.device_path)

    def __repr__(self) -> str:
        return f"SimulatedReader(device_path={self.device_path!r})"

    def __enter__(self) -> SimulatedReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        with self._state:
            self._state.notify_all()
        self._thread.join(timeout=5)
        os.close(self._master)
        os.close(self._slave)

    # ------------------------------------------------------------ scripting hooks
    def insert_card(
        self,
        kind: CardKind = "resident",
        *,
        identity: IdentityDocument | None = None,
        extras: CardExtras | None = None,
        text: bytes | None = None,
        photo: bytes | None = None,
    ) -> SimulatedCard:
        """Place a card: the default fictional person of ``kind``, ``identity`` written in
        ``kind``'s layout, or a raw 256-byte ``text`` block (to present broken cards)."""
        if text is None:
            if identity is None:
                identity, default_extras = default_card(kind)
                extras = extras or default_extras
            text = encode_text_block(identity, extras=extras, card=kind)
        card = SimulatedCard(kind, bytes(text), default_photo() if photo is None else bytes(photo))
        with self._state:
            self._card = card
            self._found = self._selected = False
        return card

    def remove_card(self) -> None:
        with self._state:
            self._card = None
            self._found = self._selected = False

    @property
    def card(self) -> SimulatedCard | None:
        with self._state:
            return self._card

    def remove_mid_read(self) -> None:
        """The next *read* reply stops halfway and the card is gone afterwards."""
        with self._state:
            self._remove_mid_read = True

    def corrupt_next_checksum(self, *, command: int | None = None) -> None:
        """Flip the checksum of the next reply (or of the next reply to ``command``, e.g. 0x30)."""
        with self._state:
            self._corrupt = (True, command)

    def split_frames(self, chunks: Sequence[int] | bool = True, *, delay_s: float = _CHUNK_DELAY_S) -> None:
        """Send replies in fragments (sizes cycle; ``True``: a default 1/2/5/7/64 pattern),
        ``delay_s`` apart; ``False`` sends whole frames again."""
        if chunks is True:
            sizes: tuple[int, ...] | None = _DEFAULT_SPLIT
        elif chunks is False:
            sizes = None
        else:
            sizes = tuple(int(size) for size in chunks)
            if not sizes or min(sizes) < 1:
                raise ValueError("chunk sizes must be positive")
        with self._state:
            self._split = sizes
            self._chunk_delay_s = delay_s

    def stall(self, seconds: float, *, after_bytes: int | None = None, command: int | None = None) -> None:
        """Hang. Without ``after_bytes``: requests that arrive in the next ``seconds`` get no
        reply at all. With it: the next reply (to ``command``, e.g. 0x30, if given) stops after
        ``after_bytes`` bytes for ``seconds`` and then sends its late tail."""
        with self._state:
            if after_bytes is None:
                self._stall_until = time.monotonic() + seconds
            else:
                self._stall_mid = (after_bytes, seconds, command)

    def inject_garbage(self, data: bytes) -> None:
        """Line noise sent in front of the next reply."""
        with self._state:
            self._garbage += bytes(data)

    def fail_next(self, cmd: int, para: int, sw3: int) -> None:
        """Answer the next (``cmd``, ``para``) request, e.g. (0x30, 0x01) read, with a bare
        ``sw3`` status such as 0x41 (read failed) or 0x66 (reader not authorised)."""
        with self._state:
            self._fail[(cmd, para)] = sw3

    def sam_fault(self, on: bool = True) -> None:
        """The SAM module fails its self-test: every command answers SW3 0x60."""
        with self._state:
            self._sam_fault = on

    # ------------------------------------------------------------ observation
    def requests(self) -> list[tuple[int, int]]:
        """(CMD, Para) of the latest :data:`REQUESTS_KEPT` requests answered or dropped, in order."""
        with self._state:
            return list(self._requests)

    def count(self, cmd: int, para: int) -> int:
        """Requests (``cmd``, ``para``) answered or dropped since the start."""
        with self._state:
            return self._counts[(cmd, para)]

    def wait_for(self, cmd: int, para: int, count: int = 1, *, timeout: float = 5.0) -> bool:
        """Wait until ``count`` requests (``cmd``, ``para``) have arrived."""
        with self._state:
            return self._state.wait_for(
                lambda: self._counts[(cmd, para)] >= count or self._stop.is_set(), timeout
            ) and not self._stop.is_set()

    # ------------------------------------------------------------ the SAM module
    def _run(self) -> None:
        parser = FrameParser()
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self._master], [], [], _POLL_S)
                if not ready:
                    continue
                data = os.read(self._master, 4096)
            except BlockingIOError:
                continue
            except OSError as err:  # the line went away; idle until closed
                _log.debug("simulator read failed: %s", type(err).__name__)
                self._stop.wait(_POLL_S)
                continue
            for event in parser.feed(data):
                if isinstance(event, Frame):
                    self._handle(event)
                elif isinstance(event, ChecksumError):
                    self._send(encode_response(0, 0, 0x10))
                elif isinstance(event, LengthError):
                    self._send(encode_response(0, 0, 0x11))

    def _handle(self, frame: Frame) -> None:
        with self._state:
            request = (frame.cmd, frame.para) if len(frame.payload) >= 2 else (-1, -1)
            self._requests.append(request)
            self._counts[request] += 1
            self._state.notify_all()
            if time.monotonic() < self._stall_until:
                _log.debug("simulator stalled: request dropped")
                return
            reply = self._reply(frame)
            if self._corrupt[0] and self._corrupt[1] in (None, frame.cmd):
                reply = reply[:-1] + bytes([reply[-1] ^ 0xFF])
                self._corrupt = (False, None)
            reply = self._garbage + reply
            self._garbage = b""
            split = self._split
            delay = self._chunk_delay_s
            mid = None
            if self._stall_mid is not None and self._stall_mid[2] in (None, frame.cmd):
                mid, self._stall_mid = self._stall_mid[:2], None
        self._send(reply, split, mid, delay)

    def _reply(self, frame: Frame) -> bytes:
        command = (frame.cmd, frame.para)
        if self._sam_fault:
            return encode_response(0, 0, 0x60)
        if command in self._fail:
            return encode_response(0, 0, self._fail.pop(command))
        if command in ((0x11, 0xFF), (0x10, 0xFF)):  # SAM status, SAM reset
            if command == (0x10, 0xFF):
                self._found = self._selected = False
            return encode_response(0, 0, 0x90)
        if command == (0x12, 0xFF):  # SAM id
            return encode_response(0, 0, 0x90, bytes(16))
        if command == (0x20, 0x01):  # find
            self._selected = False
            self._found = self._card is not None
            return encode_response(0, 0, 0x9F, bytes(4)) if self._found else encode_response(0, 0, 0x80)
        if command == (0x20, 0x02):  # select
            if self._card is None:
                return encode_response(0, 0, 0x80)
            if not self._found:
                return encode_response(0, 0, 0x81)
            self._selected = True
            return encode_response(0, 0, 0x90, bytes(8))
        if command == (0x30, 0x01):  # read text + photo: must follow find + select
            card = self._card
            if card is None or not self._selected:
                return encode_response(0, 0, 0x41)
            self._found = self._selected = False
            data = len(card.text).to_bytes(2, "big") + len(card.photo).to_bytes(2, "big")
            reply = encode_response(0, 0, 0x90, data + card.text + card.photo)
            if self._remove_mid_read:
                self._remove_mid_read = False
                self._card = None
                return reply[: len(reply) // 2]
            return reply
        return encode_response(0, 0, 0x21)

    # ------------------------------------------------------------ the line
    def _send(
        self,
        data: bytes,
        split: tuple[int, ...] | None = None,
        mid: tuple[int, float] | None = None,
        delay_s: float = _CHUNK_DELAY_S,
    ) -> None:
        for piece in self._pieces(data, split, mid, delay_s):
            if isinstance(piece, float):
                self._stop.wait(piece)
            else:
                self._write_all(piece)
            if self._stop.is_set():
                return

    @staticmethod
    def _pieces(
        data: bytes, split: tuple[int, ...] | None, mid: tuple[int, float] | None, delay_s: float
    ) -> Iterator[bytes | float]:
        if mid is not None:
            head, pause = mid
            yield data[:head]
            yield pause
            data = data[head:]
        if split is None:
            yield data
            return
        offset = 0
        for size in itertools.cycle(split):
            if offset >= len(data):
                return
            yield data[offset : offset + size]
            offset += size
            if delay_s > 0:
                yield delay_s

    def _write_all(self, data: bytes) -> None:
        view = memoryview(data)
        while view and not self._stop.is_set():
            try:
                written = os.write(self._master, view)
            except BlockingIOError:
                select.select([], [self._master], [], _POLL_S)
                continue
            except OSError as err:
                _log.debug("simulator write failed: %s", type(err).__name__)
                return
            view = view[written:]

