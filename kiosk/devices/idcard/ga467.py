"""GA 467 SAM-module ID-card reader over a serial port (pyserial).

One ``poll()`` is one turn of the reader's poll loop: *find* (20 01) → *select* (20 02) →
*read text + photo* (30 01). A card is reported once; while it stays on the reader, later
polls return ``None`` until a *find* answers "no card" (0x80) — some readers cannot read the
same card twice without it being lifted, and the kiosk must not re-run a step on it anyway —
however long the gaps between polls (a poll thread held up under load does not read it again).
A lift is only seen while someone polls, so a new request for a card calls :meth:`rearm`: the
card on the reader is then read again — the next citizen's card laid down just after the
previous one was taken away while nobody polled, or the same citizen's card at a later step
(result pickup). The UI's poll thread re-arms each time a screen starts wanting a card
(:class:`kiosk.ui.devices.DeviceLink`).

Every reply is awaited with a deadline; bytes go through :class:`FrameParser`, so garbage,
fragments and corrupt frames become typed errors. pyserial exceptions are wrapped here
(``IdCardOffline``), and a lost port is reopened on the next call. Logs carry SW codes,
lengths and states only — never card bytes or the decoded text.
"""

from __future__ import annotations

import datetime as dt
import logging
import termios
import threading
import time
from typing import Final

import serial  # type: ignore[import-untyped]  # pyserial ships no type hints

from kiosk.devices.config import Ga467SerialConfig
from kiosk.devices.idcard.frames import (
    ChecksumError,
    Discarded,
    Frame,
    FrameParser,
    LengthError,
    Truncated,
    encode_request,
)
from kiosk.devices.idcard.port import (
    CardRead,
    CardReadFailed,
    CardRemoved,
    ChecksumMismatch,
    IdCardError,
    IdCardOffline,
    IdCardProtocolError,
    IdCardTimeout,
    InvalidCardNumber,
    ReaderFault,
    ShortFrame,
    UnsupportedCard,
)
from kiosk.devices.idcard.text import TEXT_BLOCK_SIZE, decode_text_block
from kiosk.devices.status import OK, DeviceState, DeviceStatus

__all__ = ["DRIVER_NAMES", "SW3", "Ga467Reader"]

_log = logging.getLogger(__name__)

DRIVER_NAMES: Final = ("ga467_serial", "simulated")

# commands (CMD, Para)
SAM_STATUS: Final = (0x11, 0xFF)
FIND_CARD: Final = (0x20, 0x01)
SELECT_CARD: Final = (0x20, 0x02)
READ_TEXT_PHOTO: Final = (0x30, 0x01)

# SW3 codes and what they mean to a technician
SW3: Final[dict[int, str]] = {
    0x90: "ok", 0x9F: "card found", 0x10: "checksum error", 0x11: "length error",
    0x21: "command error", 0x24: "unrecognised error", 0x31: "card authenticates reader failed",
    0x32: "reader authenticates card failed", 0x33: "info verification error",
    0x40: "wrong card", 0x41: "read failed", 0x47: "random-number failure",
    0x60: "self-test failed", 0x66: "reader not authorised", 0x80: "no card found",
    0x81: "select failed",
}
_OK: Final = 0x90
_FOUND: Final = 0x9F
_NO_CARD: Final = 0x80
_FAULT_CODES: Final = frozenset({0x60, 0x66})
_CARD_CODES: Final = frozenset({0x31, 0x32, 0x33, 0x40, 0x41, 0x47, 0x81})
_REJECTED_CODES: Final = frozenset({0x10, 0x11, 0x21, 0x24})
# serial read slice: how late a deadline can be noticed
_READ_SLICE_S: Final = 0.05
# a reply that keeps trickling in (or a line that keeps babbling) still ends at this many
# timeouts after the request
_TOTAL_TIMEOUTS: Final = 4
# what pyserial raises on a vanished device: SerialException (an OSError), plain OSError, and
# termios.error from tcflush/tcsetattr on a pty whose master has gone
_LINE_ERRORS: Final = (serial.SerialException, OSError, termios.error)


def _sw(sw3: int) -> str:
    return f"SW3=0x{sw3:02X} ({SW3.get(sw3, 'undocumented')})"


def _answers_another_command(command: tuple[int, int], frame: Frame) -> bool:
    """A success reply whose shape belongs to a different command (find OK is 0x9F + 4
    bytes, select OK 0x90 + 8, read OK 0x90 + lengths, text and photo, SAM status 0x90)."""
    size = len(frame.response_data)
    if frame.sw3 == _FOUND:
        return command != FIND_CARD
    if frame.sw3 != _OK:
        return False  # error replies carry no data: they cannot be told apart
    if command == FIND_CARD:
        return True
    if command == SELECT_CARD:
        return size >= 4 + TEXT_BLOCK_SIZE
    if command == READ_TEXT_PHOTO:
        return size < 4 + TEXT_BLOCK_SIZE
    return command == SAM_STATUS and size > 0


class Ga467Reader:
    """The real driver. ``port`` is a device path (``/dev/ttyUSB0``, a simulator's pty) or
    a pyserial URL. Opening happens here: a missing port raises :class:`IdCardOffline`.

    Thread-safe: ``status()`` (health monitor) and ``poll()`` (journey) may run on different
    threads; one command/reply exchange runs at a time.
    """

    def __init__(
        self,
        port: str,
        *,
        baudrate: int = 115200,
        timeout_s: float = 5.0,
        today: dt.date | None = None,
    ) -> None:
        self._port = port
        self._baudrate = baudrate
        self._timeout_s = timeout_s
        self._today = today
        self._serial: serial.SerialBase | None = None
        self._parser = FrameParser()
        self._lock = threading.Lock()
        self._card_reported = False  # the card on the reader was reported; wait for a lift
        self._last_status = DeviceStatus(DeviceState.UNKNOWN, "device.idcard.timeout", "not polled yet")
        self._closed = False
        self._open()

    @classmethod
    def from_config(cls, config: Ga467SerialConfig) -> Ga467Reader:
        return cls(config.port, baudrate=config.baudrate, timeout_s=config.timeout_s)

    @property
    def port(self) -> str:
        return self._port

    @property
    def timeout_s(self) -> float:
        return self._timeout_s

    def __repr__(self) -> str:
        state = "open" if self._serial is not None else "closed"
        return f"Ga467Reader(port={self._port!r}, {state})"

    def __enter__(self) -> Ga467Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ port handling
    def _open(self) -> serial.SerialBase:
        if self._closed:
            raise IdCardOffline(f"reader on {self._port} was closed")
        if self._serial is not None:
            return self._serial
        try:
            port = serial.serial_for_url(
                self._port, baudrate=self._baudrate, timeout=_READ_SLICE_S, write_timeout=self._timeout_s,
                exclusive=True,
            )
        except (*_LINE_ERRORS, ValueError) as err:
            raise IdCardOffline(
                f"cannot open serial port {self._port}: {type(err).__name__}: {err}; "
                f"ID-card drivers: {', '.join(DRIVER_NAMES)}"
            ) from err
        _log.info("ID-card reader port %s open at %s baud", self._port, self._baudrate)
        self._serial = port
        self._parser.reset()
        return port

    def _drop_port(self) -> None:
        port, self._serial = self._serial, None
        self._card_reported = False
        if port is not None:
            try:
                port.close()
            except _LINE_ERRORS as err:  # pragma: no cover - best effort
                _log.debug("closing %s failed: %s", self._port, type(err).__name__)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._drop_port()

    # ------------------------------------------------------------ one exchange
    def _exchange(self, command: tuple[int, int], data: bytes = b"") -> Frame:
        """Send one request and wait for one valid response frame, or raise."""
        port = self._open()
        cmd, para = command
        started = time.monotonic()
        hard_deadline = started + _TOTAL_TIMEOUTS * self._timeout_s
        deadline = started + self._timeout_s  # moves on while bytes keep arriving
        noise: list[str] = []
        try:
            # a late reply to an earlier (timed-out) command must not answer this one
            port.reset_input_buffer()
            self._parser.reset()
            port.write(encode_request(cmd, para, data))
            port.flush()
            while True:
                chunk = port.read(max(1, port.in_waiting))
                now = time.monotonic()
                if chunk:
                    deadline = min(now + self._timeout_s, hard_deadline)
                for event in self._parser.feed(chunk):
                    frame = self._judge(event, command, noise)
                    if frame is not None:
                        return frame
                if now >= deadline:
                    break
        except serial.SerialTimeoutException as err:
            raise IdCardTimeout(f"write of {cmd:02X} {para:02X} timed out on {self._port}") from err
        except _LINE_ERRORS as err:
            self._drop_port()
            raise IdCardOffline(f"serial I/O on {self._port} failed: {type(err).__name__}") from err
        # deadline: whatever was collected is a short frame (or nothing came at all)
        expected = self._parser.expected_total()
        pending = self._parser.pending
        for event in self._parser.flush():
            frame = self._judge(event, command, noise)
            if frame is not None:  # pragma: no cover - a frame hidden in a truncated one
                return frame
        what = f"{cmd:02X} {para:02X}"
        if expected is not None:
            raise ShortFrame(
                f"short frame: {pending} of {expected} bytes for {what}, then {self._timeout_s}s silence"
            )
        if noise:
            raise IdCardProtocolError(f"no valid reply to {what}: {'; '.join(noise[:5])}")
        raise IdCardTimeout(f"no reply to {what} within {self._timeout_s}s on {self._port}")

    def _judge(self, event: object, command: tuple[int, int], noise: list[str]) -> Frame | None:
        cmd, para = command
        if isinstance(event, Frame):
            if not event.is_response:
                raise IdCardProtocolError(
                    f"reply to {cmd:02X} {para:02X} has a {len(event.payload)}-byte payload"
                )
            _log.debug(
                "reply to %02X %02X: %s, %d data bytes",
                cmd, para, _sw(event.sw3), len(event.response_data),
            )
            if _answers_another_command(command, event):
                # GA 467 has no sequence numbers: a late reply to an earlier, timed-out
                # command can arrive after this one was sent. Skip it and keep waiting.
                noise.append(f"stale reply {_sw(event.sw3)} with {len(event.response_data)} bytes")
                return None
            return event
        if isinstance(event, ChecksumError):
            _log.debug("checksum error in %d-byte frame", event.length)
            raise ChecksumMismatch(
                f"reply to {cmd:02X} {para:02X}: checksum 0x{event.received:02X}, "
                f"computed 0x{event.expected:02X} (Len={event.length})"
            )
        if isinstance(event, LengthError):
            _log.debug("frame with impossible length %d skipped", event.length)
            noise.append(f"length {event.length} out of range")
        elif isinstance(event, Truncated):
            noise.append(f"truncated frame {event.received}/{event.expected} bytes")
        elif isinstance(event, Discarded):
            _log.debug("%d bytes of line noise skipped", event.count)
            noise.append(f"{event.count} noise bytes")
        return None

    # ------------------------------------------------------------ status
    def status(self) -> DeviceStatus:
        """SAM status (11 FF). Never raises; "no reply" is UNKNOWN, never OK."""
        if not self._lock.acquire(timeout=self._timeout_s):
            return self._last_status  # a long read holds the line; report what we last knew
        try:
            self._last_status = self._status_locked()
            return self._last_status
        finally:
            self._lock.release()

    def _status_locked(self) -> DeviceStatus:
        try:
            frame = self._exchange(SAM_STATUS)
        except IdCardOffline as err:
            return DeviceStatus(DeviceState.OFFLINE, err.key, err.detail)
        except IdCardError as err:
            return DeviceStatus(DeviceState.UNKNOWN, err.key, err.detail)
        if frame.sw3 == _OK:
            return OK
        if frame.sw3 in _FAULT_CODES:
            return DeviceStatus(DeviceState.FAULT, ReaderFault.KEY, f"SAM status: {_sw(frame.sw3)}")
        return DeviceStatus(DeviceState.UNKNOWN, IdCardProtocolError.KEY, f"SAM status: {_sw(frame.sw3)}")

    # ------------------------------------------------------------ poll loop turn
    def poll(self) -> CardRead | None:
        with self._lock:
            return self._poll_locked()

    def rearm(self) -> None:
        """A new request for a card: the next poll reads the card on the reader even if it was
        reported already (its lift may have gone unseen while nobody polled)."""
        with self._lock:
            if self._card_reported:
                _log.debug("re-armed: a card on the reader is read again")
            self._card_reported = False

    def _poll_locked(self) -> CardRead | None:
        found = self._exchange(FIND_CARD)
        if found.sw3 == _NO_CARD:
            if self._card_reported:
                _log.debug("card lifted")
            self._card_reported = False
            return None
        if found.sw3 != _FOUND:
            self._raise_for(found.sw3, "find")
        if self._card_reported:
            return None  # the same card is still on the reader: reported once already
        try:
            selected = self._exchange(SELECT_CARD)
            if selected.sw3 != _OK:
                self._raise_for(selected.sw3, "select")
            read = self._exchange(READ_TEXT_PHOTO)
            if read.sw3 != _OK:
                self._raise_for(read.sw3, "read")
        except (CardReadFailed, ShortFrame, IdCardProtocolError) as err:
            # a pulled card shows as a failed RF read or a reply cut short: ask the reader
            if isinstance(err, ChecksumMismatch) or not self._card_gone():
                raise
            raise CardRemoved(f"card left the reader during select/read ({err.detail})") from err
        try:
            result = self._decode(read.response_data)
        except (InvalidCardNumber, UnsupportedCard):
            self._card_reported = True  # report a card we refuse once, like a good one
            raise
        self._card_reported = True
        _log.info("card read: %s, photo %d bytes", result.document.kind, len(result.photo))
        return result

    def _card_gone(self) -> bool:
        """After a failed select/read: is the card still there? (A failed probe says no.)"""
        try:
            probe = self._exchange(FIND_CARD)
        except IdCardError as err:
            _log.debug("card probe after failed read: %s", err.key)
            return False
        return probe.sw3 == _NO_CARD

    def _raise_for(self, sw3: int, step: str) -> None:
        detail = f"{step}: {_sw(sw3)}"
        _log.debug("reader refused %s", detail)
        if sw3 == _NO_CARD:
            raise CardRemoved(detail)
        if sw3 in _FAULT_CODES:
            raise ReaderFault(detail)
        if sw3 in _CARD_CODES:
            raise CardReadFailed(detail)
        if sw3 in _REJECTED_CODES:
            raise IdCardProtocolError(f"reader rejected our frame at {detail}")
        raise IdCardProtocolError(f"unexpected reply at {detail}")

    def _decode(self, data: bytes) -> CardRead:
        if len(data) < 4:
            raise IdCardProtocolError(f"read reply has {len(data)} data bytes, no length fields")
        text_len = int.from_bytes(data[0:2], "big")
        photo_len = int.from_bytes(data[2:4], "big")
        if text_len != TEXT_BLOCK_SIZE or len(data) < 4 + text_len + photo_len:
            raise IdCardProtocolError(
                f"read reply: text {text_len} + photo {photo_len} bytes declared, {len(data) - 4} present"
            )
        text = data[4 : 4 + text_len]
        photo = data[4 + text_len : 4 + text_len + photo_len]
        document = decode_text_block(text, today=self._today)
        return CardRead(document=document, photo=photo)
