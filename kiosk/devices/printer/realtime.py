"""ESC/POS real-time status: ``DLE EOT n`` (10 04 n) queries and the decoding of their replies.

Each reply is one byte whose bits 1 and 4 are always on and bits 0 and 7 always off, so a
byte with ``b & 0x93 != 0x12`` is not a status reply. The decoding is a pure function of a
``query(n) -> int | None`` callable so it is tested table-wise without a printer; ``None`` means
no reply (timeout, short read), which is ``UNKNOWN`` — never ``OK`` (python-escpos's own
``paper_status()`` answers "adequate" when nothing comes back; we do not use it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from kiosk.devices.status import DeviceState, DeviceStatus

DLE_EOT: Final = b"\x10\x04"
PRINTER_STATUS: Final = 1  # bit 3: offline
OFFLINE_CAUSE: Final = 2  # bit 2: cover open; bit 3: feed button; bit 5: paper end stop; bit 6: error
ERROR_CAUSE: Final = 3  # bit 3: autocutter; bit 5: unrecoverable; bit 6: auto-recoverable
PAPER_SENSOR: Final = 4  # bits 2,3 (0x0C): near end; bits 5,6 (0x60): paper end

FIXED_MASK: Final = 0x93
FIXED_VALUE: Final = 0x12
OFFLINE_BIT: Final = 0x08
COVER_OPEN_BIT: Final = 0x04
FEED_BUTTON_BIT: Final = 0x08
PAPER_END_STOP_BIT: Final = 0x20
ERROR_BIT: Final = 0x40
PAPER_NEAR_END_BITS: Final = 0x0C
PAPER_END_BITS: Final = 0x60

Query = Callable[[int], "int | None"]


def query_bytes(n: int) -> bytes:
    return DLE_EOT + bytes([n])


def is_status_byte(value: int) -> bool:
    return value & FIXED_MASK == FIXED_VALUE


def _unknown(detail: str) -> DeviceStatus:
    return DeviceStatus(DeviceState.UNKNOWN, "device.printer.unknown", detail)


def decode_status(query: Query) -> DeviceStatus:
    """Ask ``DLE EOT 1`` (then 2 and 3 if offline, then 4 for paper) and decode the replies.

    Precedence: no/invalid reply → UNKNOWN; cover open → COVER_OPEN; paper end → PAPER_OUT;
    error → FAULT; other offline cause → OFFLINE; near end → PAPER_LOW; else OK. Either bit of a
    two-bit sensor pair counts (some printers report only one sensor of the pair).
    """
    details: list[str] = []

    def ask(n: int) -> int | None:
        value = query(n)
        details.append(f"DLE EOT {n} -> " + ("no reply" if value is None else f"0x{value:02X}"))
        return value

    def detail() -> str:
        return "; ".join(details)

    printer = ask(PRINTER_STATUS)
    if printer is None or not is_status_byte(printer):
        return _unknown(detail())
    if printer & OFFLINE_BIT:
        cause = ask(OFFLINE_CAUSE)
        if cause is None or not is_status_byte(cause):
            return DeviceStatus(DeviceState.OFFLINE, "device.printer.offline", detail())
        if cause & COVER_OPEN_BIT:
            return DeviceStatus(DeviceState.COVER_OPEN, "device.printer.cover_open", detail())
        if cause & PAPER_END_STOP_BIT:
            return DeviceStatus(DeviceState.PAPER_OUT, "device.printer.paper_out", detail())
        if cause & ERROR_BIT:
            ask(ERROR_CAUSE)  # for the technician's detail only
            return DeviceStatus(DeviceState.FAULT, "device.printer.fault", detail())
        return DeviceStatus(DeviceState.OFFLINE, "device.printer.offline", detail())
    paper = ask(PAPER_SENSOR)
    if paper is None or not is_status_byte(paper):
        return _unknown(detail())
    if paper & PAPER_END_BITS:
        return DeviceStatus(DeviceState.PAPER_OUT, "device.printer.paper_out", detail())
    if paper & PAPER_NEAR_END_BITS:
        return DeviceStatus(DeviceState.PAPER_LOW, "device.printer.paper_low", detail())
    return DeviceStatus(DeviceState.OK, "", detail())
