"""Keyboard-wedge (HID) scanners through evdev, grabbed so scans never type into the UI.

A wedge scanner "types" its payload as key presses on the US layout and ends it with Enter.
:class:`WedgeDecoder` turns the kernel's key events back into text (pure, no device: tested with
recorded event sequences); :class:`HidWedgeScanner` opens the input node, ``grab()``s it
(EVIOCGRAB: keystrokes stop reaching the compositor and the focused widget), reads events on a
thread, ends a scan on KEY_ENTER / KEY_KPENTER or after ``end_timeout_ms`` of silence, and
``ungrab()``s on stop. An unplugged scanner is reopened with backoff.

Limits of the channel: only printable ASCII can be typed on a US layout. A QR code carrying
Chinese (UTF-8 or GB18030) cannot come through a wedge at all; configure such scanners for
USB-CDC / serial mode (:mod:`kiosk.devices.scanner.serial_scanner`) or read codes from the camera.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import logging
import os
import select
from collections.abc import Callable, Iterable
from typing import Any, Final, Protocol

from evdev import InputDevice, ecodes

from kiosk.devices.scanner._util import ReaderThreadScanner, deliver, reject
from kiosk.devices.scanner.port import (
    OFFLINE_KEY,
    PAYLOAD_TOO_LARGE,
    UNDECODABLE,
    ErrorCallback,
    ScanCallback,
    ScanError,
    ScanResult,
    decode_payload,
)
from kiosk.devices.status import OK, DeviceOffline, DeviceState, DeviceStatus

log = logging.getLogger(__name__)

KeyEvent = tuple[int, int, int]  # (type, code, value) as evdev delivers them


class _EventLike(Protocol):
    type: int
    code: int
    value: int


# US layout: key code → (unshifted, shifted)
US_KEYMAP: Final[dict[int, tuple[str, str]]] = {
    **{getattr(ecodes, f"KEY_{c}"): (c.lower(), c) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
    **{getattr(ecodes, f"KEY_{d}"): (d, s) for d, s in zip("1234567890", "!@#$%^&*()", strict=True)},
    ecodes.KEY_MINUS: ("-", "_"),
    ecodes.KEY_EQUAL: ("=", "+"),
    ecodes.KEY_LEFTBRACE: ("[", "{"),
    ecodes.KEY_RIGHTBRACE: ("]", "}"),
    ecodes.KEY_SEMICOLON: (";", ":"),
    ecodes.KEY_APOSTROPHE: ("'", '"'),
    ecodes.KEY_GRAVE: ("`", "~"),
    ecodes.KEY_BACKSLASH: ("\\", "|"),
    ecodes.KEY_COMMA: (",", "<"),
    ecodes.KEY_DOT: (".", ">"),
    ecodes.KEY_SLASH: ("/", "?"),
    ecodes.KEY_SPACE: (" ", " "),
    ecodes.KEY_TAB: ("\t", "\t"),
    # keypad (scanners that send digits on the keypad assume NumLock on)
    **{getattr(ecodes, f"KEY_KP{d}"): (d, d) for d in "0123456789"},
    ecodes.KEY_KPMINUS: ("-", "-"),
    ecodes.KEY_KPPLUS: ("+", "+"),
    ecodes.KEY_KPASTERISK: ("*", "*"),
    ecodes.KEY_KPSLASH: ("/", "/"),
    ecodes.KEY_KPDOT: (".", "."),
}
_SHIFTS: Final = frozenset({ecodes.KEY_LEFTSHIFT, ecodes.KEY_RIGHTSHIFT})
_CONTROLS: Final = frozenset(
    {ecodes.KEY_LEFTCTRL, ecodes.KEY_RIGHTCTRL, ecodes.KEY_LEFTALT, ecodes.KEY_RIGHTALT,
     ecodes.KEY_LEFTMETA, ecodes.KEY_RIGHTMETA}
)
_ENTERS: Final = frozenset({ecodes.KEY_ENTER, ecodes.KEY_KPENTER})
_IGNORED: Final = frozenset({ecodes.KEY_NUMLOCK, ecodes.KEY_SCROLLLOCK})
_REVERSE: Final[dict[str, tuple[int, bool]]] = {}
for _code, (_plain, _shifted) in sorted(US_KEYMAP.items(), reverse=True):  # main-block keys win
    _REVERSE[_shifted] = (_code, _shifted != _plain)
    _REVERSE[_plain] = (_code, False)


class WedgeDecoder:
    """Key events → scan text, tracking both shift keys and (optionally) caps lock.

    :meth:`feed` returns the finished text when Enter is pressed, else ``None``; :meth:`flush`
    ends a scan after a silence. A scan containing a key with no character on the layout, a
    Ctrl/Alt chord, or more than ``max_payload_bytes`` characters is rejected with
    :class:`ScanError` when it ends. Autorepeat events (value 2) are ignored: a scanner never holds
    a key on purpose, a repeat is a host timing artefact that would double a character.
    """

    def __init__(self, *, max_payload_bytes: int = 4096, caps_lock: bool = True) -> None:
        self._max = max_payload_bytes
        self._honour_caps = caps_lock
        self._chars: list[str] = []
        self._shift: set[int] = set()
        self._controls: set[int] = set()
        self._caps = False
        self._bad: str | None = None
        self._overflow = False

    @property
    def pending(self) -> bool:
        return bool(self._chars) or self._bad is not None or self._overflow

    def feed(self, event: KeyEvent | _EventLike) -> str | None:
        etype, code, value = event if isinstance(event, tuple) else (event.type, event.code, event.value)
        if etype != ecodes.EV_KEY or value == 2:
            return None  # SYN, MSC_SCAN, LED …; autorepeat
        pressed = value == 1
        if code in _SHIFTS:
            (self._shift.add if pressed else self._shift.discard)(code)
            return None
        if code in _CONTROLS:
            (self._controls.add if pressed else self._controls.discard)(code)
            return None
        if not pressed:
            return None
        if code == ecodes.KEY_CAPSLOCK:
            self._caps = not self._caps if self._honour_caps else False
            return None
        if code in _ENTERS:
            return self._finish()
        if code in _IGNORED:
            return None
        chars = US_KEYMAP.get(code)
        if chars is None or self._controls:
            self._bad = f"key {ecodes.KEY.get(code, code)} has no character" if chars is None else "chord"
            return None
        shifted = bool(self._shift)
        if self._caps and chars[0].isalpha():
            shifted = not shifted
        if len(self._chars) >= self._max:
            self._overflow = True
        else:
            self._chars.append(chars[1] if shifted else chars[0])
        return None

    def flush(self) -> str | None:
        """End the scan in progress (timeout); ``None`` if there is none."""
        return self._finish() if self.pending else None

    def reset(self) -> None:
        self._chars.clear()
        self._bad = None
        self._overflow = False

    def _finish(self) -> str | None:
        text, bad, overflow = "".join(self._chars), self._bad, self._overflow
        self.reset()
        if overflow:
            raise ScanError(PAYLOAD_TOO_LARGE, f"wedge scan > {self._max} characters")
        if bad is not None:
            raise ScanError(UNDECODABLE, f"wedge scan: {bad}")
        return text or None


def events_for_text(text: str, *, enter: bool = True) -> list[KeyEvent]:
    """The key events a US-layout wedge sends for ``text`` (each key followed by SYN), for the
    simulator and tests. Raises ValueError for characters a keyboard wedge cannot type (CJK …)."""
    syn = (ecodes.EV_SYN, ecodes.SYN_REPORT, 0)
    events: list[KeyEvent] = []
    for ch in text:
        if ch not in _REVERSE:
            raise ValueError(f"a US-layout keyboard wedge cannot type U+{ord(ch):04X}")
        code, shift = _REVERSE[ch]
        if shift:
            events += [(ecodes.EV_KEY, ecodes.KEY_LEFTSHIFT, 1), syn]
        events += [(ecodes.EV_KEY, code, 1), syn, (ecodes.EV_KEY, code, 0), syn]
        if shift:
            events += [(ecodes.EV_KEY, ecodes.KEY_LEFTSHIFT, 0), syn]
    if enter:
        events += [(ecodes.EV_KEY, ecodes.KEY_ENTER, 1), syn, (ecodes.EV_KEY, ecodes.KEY_ENTER, 0), syn]
    return events


class InputDeviceLike(Protocol):
    """The part of ``evdev.InputDevice`` the scanner uses."""

    def fileno(self) -> int: ...

    def read(self) -> Iterable[Any]: ...

    def grab(self) -> None: ...

    def ungrab(self) -> None: ...

    def close(self) -> None: ...


class HidWedgeScanner(ReaderThreadScanner):
    thread_name = "scanner-hid"

    def __init__(
        self,
        device: str,
        *,
        end_timeout_ms: int = 150,
        max_payload_bytes: int = 4096,
        caps_lock: bool = True,
        open_device: Callable[[str], InputDeviceLike] = InputDevice,
        reconnect_max_backoff_s: float = 10.0,
    ) -> None:
        super().__init__()
        self._path = device
        self._end_timeout = end_timeout_ms / 1000
        self._max = max_payload_bytes
        self._caps_lock = caps_lock
        self._open_device = open_device
        self._max_backoff = reconnect_max_backoff_s
        self._dev: InputDeviceLike | None = None
        self._wake_r, self._wake_w = -1, -1

    def _attach(self, device: InputDeviceLike) -> None:
        self._dev = device

    def _before_start(self) -> None:
        self._wake_r, self._wake_w = os.pipe()

    def _wake(self) -> None:
        os.write(self._wake_w, b"x")

    def _after_stop(self) -> None:
        os.close(self._wake_r)
        os.close(self._wake_w)

    # ------------------------------------------------------------------ device
    def _open(self) -> InputDeviceLike:
        try:
            dev = self._open_device(self._path)
        except OSError as err:
            raise DeviceOffline(OFFLINE_KEY, f"cannot open {self._path}: {err.strerror}") from err
        try:
            dev.grab()
        except OSError as err:
            dev.close()
            # EBUSY: another process (or a second node of the same scanner) holds the grab
            raise DeviceOffline(OFFLINE_KEY, f"cannot grab {self._path}: {err.strerror}") from err
        return dev

    def _close(self) -> None:
        dev, self._dev = self._dev, None
        if dev is None:
            return
        with contextlib.suppress(OSError):  # the node may already be gone
            dev.ungrab()
        dev.close()

    # ------------------------------------------------------------------ reader thread
    def _run(self, callback: ScanCallback, on_error: ErrorCallback | None) -> None:
        decoder = WedgeDecoder(max_payload_bytes=self._max, caps_lock=self._caps_lock)
        backoff = 0.25
        while not self._stop.is_set():
            dev = self._dev
            if dev is None:
                try:
                    self._dev = self._open()
                except DeviceOffline as err:
                    self._state = DeviceStatus(DeviceState.OFFLINE, OFFLINE_KEY, err.detail)
                    self._stop.wait(backoff)
                    backoff = min(backoff * 2, self._max_backoff)
                    continue
                log.info("HID scanner %s reconnected", self._path)
                self._state, backoff = OK, 0.25
                continue
            timeout = self._end_timeout if decoder.pending else None
            readable, _, _ = select.select([dev.fileno(), self._wake_r], [], [], timeout)
            if not readable:
                self._emit(decoder.flush, callback, on_error)
                continue
            if dev.fileno() not in readable:
                continue  # woken to stop
            try:
                events = list(dev.read())
            except BlockingIOError:
                continue
            except OSError as err:
                if err.errno not in (errno.ENODEV, errno.EIO, errno.EBADF):
                    raise
                log.warning("HID scanner %s unplugged", self._path)
                self._state = DeviceStatus(DeviceState.OFFLINE, OFFLINE_KEY, "device removed")
                decoder.reset()
                self._close()
                continue
            for event in events:
                self._emit(functools.partial(decoder.feed, event), callback, on_error)

    def _emit(
        self, step: Callable[[], str | None], callback: ScanCallback, on_error: ErrorCallback | None
    ) -> None:
        try:
            text = step()
            if text is None:
                return
            raw = text.encode("ascii")
            decode_payload(raw, self._max)  # the same checks as every other scanner
        except ScanError as err:
            reject(on_error, err, "hid")
            return
        deliver(callback, ScanResult(text, raw, "Unknown", "hid"))
