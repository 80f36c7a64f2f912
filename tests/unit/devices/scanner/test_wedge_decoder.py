"""WedgeDecoder on recorded event sequences, as evdev delivers them: EV_MSC scan codes before
each key, EV_SYN after, both shifts, caps lock, autorepeat (value 2)."""

from __future__ import annotations

import pytest
from evdev import InputEvent
from evdev import ecodes as e

from kiosk.devices.scanner.hid_wedge import KeyEvent, WedgeDecoder, events_for_text
from kiosk.devices.scanner.port import ScanError

SYN = (e.EV_SYN, e.SYN_REPORT, 0)


def key(code: int, value: int, scan: int = 0x70000) -> list[KeyEvent]:
    return [(e.EV_MSC, e.MSC_SCAN, scan + code), (e.EV_KEY, code, value), SYN]


def tap(code: int) -> list[KeyEvent]:
    return key(code, 1) + key(code, 0)


def run(events: list[KeyEvent], decoder: WedgeDecoder | None = None) -> list[str]:
    decoder = decoder or WedgeDecoder()
    return [text for ev in events if (text := decoder.feed(ev)) is not None]


# "Ab1!" then Enter, recorded from a scanner in US mode: left shift for A, right shift for !
RECORDED = (
    key(e.KEY_LEFTSHIFT, 1) + tap(e.KEY_A) + key(e.KEY_LEFTSHIFT, 0)
    + tap(e.KEY_B) + tap(e.KEY_1)
    + key(e.KEY_RIGHTSHIFT, 1) + tap(e.KEY_1) + key(e.KEY_RIGHTSHIFT, 0)
    + tap(e.KEY_ENTER)
)


def test_recorded_sequence() -> None:
    assert run(RECORDED) == ["Ab1!"]


def test_input_event_objects_work_like_tuples() -> None:
    decoder = WedgeDecoder()
    out = [t for ev in RECORDED if (t := decoder.feed(InputEvent(1, 0, *ev))) is not None]
    assert out == ["Ab1!"]


def test_autorepeat_events_do_not_double_characters() -> None:
    events = key(e.KEY_X, 1) + key(e.KEY_X, 2) + key(e.KEY_X, 2) + key(e.KEY_X, 0) + tap(e.KEY_KPENTER)
    assert run(events) == ["x"]


def test_both_shifts_held_then_one_released_still_shifts() -> None:
    events = (key(e.KEY_LEFTSHIFT, 1) + key(e.KEY_RIGHTSHIFT, 1) + key(e.KEY_LEFTSHIFT, 0)
              + tap(e.KEY_Q) + key(e.KEY_RIGHTSHIFT, 0) + tap(e.KEY_Q) + tap(e.KEY_ENTER))
    assert run(events) == ["Qq"]


def test_caps_lock_affects_letters_only() -> None:
    events = tap(e.KEY_CAPSLOCK) + tap(e.KEY_A) + tap(e.KEY_1) + key(e.KEY_LEFTSHIFT, 1) + tap(e.KEY_A) \
        + key(e.KEY_LEFTSHIFT, 0) + tap(e.KEY_CAPSLOCK) + tap(e.KEY_A) + tap(e.KEY_ENTER)
    assert run(events) == ["A1aa"]
    assert run(events, WedgeDecoder(caps_lock=False)) == ["a1Aa"]


def test_every_printable_ascii_character_round_trips() -> None:
    text = "".join(chr(c) for c in range(0x20, 0x7F))
    assert run(events_for_text(text)) == [text]


def test_two_scans_back_to_back() -> None:
    assert run(events_for_text("ONE") + events_for_text("two")) == ["ONE", "two"]


def test_timeout_ends_a_scan_without_enter() -> None:
    decoder = WedgeDecoder()
    assert run(events_for_text("12345", enter=False), decoder) == []
    assert decoder.pending
    assert decoder.flush() == "12345"
    assert decoder.flush() is None and not decoder.pending


def test_keypad_digits() -> None:
    events = tap(e.KEY_NUMLOCK) + tap(e.KEY_KP4) + tap(e.KEY_KP2) + tap(e.KEY_KPDOT) + tap(e.KEY_KPENTER)
    assert run(events) == ["42."]


def test_enter_alone_is_no_scan() -> None:
    assert run(tap(e.KEY_ENTER)) == []


@pytest.mark.parametrize(
    "events",
    [
        tap(e.KEY_A) + tap(e.KEY_F5) + tap(e.KEY_B) + tap(e.KEY_ENTER),  # a key with no character
        key(e.KEY_LEFTCTRL, 1) + tap(e.KEY_C) + key(e.KEY_LEFTCTRL, 0) + tap(e.KEY_ENTER),  # a chord
    ],
)
def test_corrupt_scans_are_rejected_whole(events: list[KeyEvent]) -> None:
    decoder = WedgeDecoder()
    with pytest.raises(ScanError) as err:
        run(events, decoder)
    assert err.value.key == "device.scanner.undecodable"
    assert run(events_for_text("fine"), decoder) == ["fine"]  # the next scan starts clean


def test_overlong_scan() -> None:
    decoder = WedgeDecoder(max_payload_bytes=16)
    with pytest.raises(ScanError) as err:
        run(events_for_text("x" * 17), decoder)
    assert err.value.key == "device.scanner.payload_too_large"
    assert run(events_for_text("x" * 16), decoder) == ["x" * 16]


def test_cjk_cannot_be_typed() -> None:
    with pytest.raises(ValueError, match="cannot type U\\+6DF1"):
        events_for_text("深圳")
