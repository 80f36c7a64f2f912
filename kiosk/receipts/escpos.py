"""Render a :class:`ReceiptModel` into ESC/POS commands through a python-escpos printer object.

The same function drives every transport (USB, serial, network, file) and python-escpos's
``Dummy`` printer, which byte-level tests assert against. In Chinese mode the text goes out as
GB18030 between ``FS &`` (Chinese double-byte mode on) and ``FS .`` (off); otherwise through the
printer's code page via python-escpos's magic encoder. Title and tracking number are bold and
double size (``ESC !``/``GS !`` for single-byte, ``FS !`` for double-byte characters); the QR code
is the printer's native ``GS ( k`` symbol; the cut follows the configuration.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Final, Literal

from escpos.constants import QR_ECLEVEL_M

from kiosk.receipts.model import ReceiptModel
from kiosk.texttable import display_width

ESC_INIT: Final = b"\x1b\x40"
FS_CHINESE_ON: Final = b"\x1c\x26"  # FS &: Kanji/Chinese double-byte mode on
FS_CHINESE_OFF: Final = b"\x1c\x2e"  # FS .: off
FS_KANJI_NORMAL: Final = b"\x1c\x21\x00"  # FS ! n: Kanji print mode (size)
FS_KANJI_DOUBLE: Final = b"\x1c\x21\x0c"  # double width (bit 2) + double height (bit 3)
FS_KANJI_TALL: Final = b"\x1c\x21\x08"  # double height only
QR_MODULE_SIZE: Final = 6

Cut = Literal["full", "partial", "none"]


def wrap(text: str, columns: int) -> list[str]:
    """Break ``text`` into lines of at most ``columns`` display columns (CJK counts double).
    Breaks at spaces where it can (for Latin text), anywhere otherwise (CJK has no spaces)."""
    columns = max(columns, 2)
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in _tokens(paragraph):
            candidate = line + word
            if display_width(candidate.rstrip()) <= columns:
                line = candidate
                continue
            if line.strip():
                lines.append(line.rstrip())
            line = word.lstrip()
            while display_width(line.rstrip()) > columns:  # a single over-long token
                cut = _fit(line, columns)
                lines.append(line[:cut])
                line = line[cut:].lstrip()
        lines.append(line.rstrip())
    return lines


def _tokens(text: str) -> list[str]:
    """Latin words keep their trailing space; every wide character is its own token."""
    tokens: list[str] = []
    word = ""
    for ch in text:
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            if word:
                tokens.append(word)
                word = ""
            tokens.append(ch)
        else:
            word += ch
            if ch == " ":
                tokens.append(word)
                word = ""
    if word:
        tokens.append(word)
    return tokens


def _fit(text: str, columns: int) -> int:
    width = 0
    for i, ch in enumerate(text):
        width += display_width(ch)
        if width > columns:
            return max(i, 1)
    return len(text)


class _Writer:
    def __init__(self, printer: Any, chinese_mode: bool) -> None:
        self._p = printer
        self._chinese = chinese_mode

    def line(self, text: str) -> None:
        if self._chinese:
            # GB18030 encodes every Unicode character, so nothing is lost or replaced
            self._p._raw((text + "\n").encode("gb18030"))
        else:
            self._p.text(text + "\n")

    def big(self, on: bool, *, wide: bool = True) -> None:
        """Bold + double height (and double width when ``wide``), or back to normal."""
        if on:
            self._p.set(bold=True, double_width=wide, double_height=True)
        else:
            self._p.set(bold=False, normal_textsize=True)
        if self._chinese:
            self._p._raw((FS_KANJI_DOUBLE if wide else FS_KANJI_TALL) if on else FS_KANJI_NORMAL)


def render_escpos(
    model: ReceiptModel,
    printer: Any,
    *,
    chinese_mode: bool = True,
    columns: int = 32,
    cut: Cut = "partial",
) -> None:
    """Send ``model`` to ``printer`` (any python-escpos ``Escpos`` object, ``Dummy`` included)."""
    w = _Writer(printer, chinese_mode)
    colon = ": " if model.language == "en" else "："
    printer._raw(ESC_INIT)
    if chinese_mode:
        printer._raw(FS_CHINESE_ON)

    printer.set(align="center")
    w.big(True)
    for line in wrap(model.title, columns // 2):
        w.line(line)
    w.big(False)
    printer.set(align="left")
    w.line("-" * columns)
    for text in wrap(model.labels.item + colon + model.item_name, columns):
        w.line(text)

    w.line(model.labels.tracking_no + colon)
    printer.set(align="center")
    w.big(True, wide=False)  # double height only: a tracking number must fit on one line
    for line in wrap(model.tracking_no, columns):
        w.line(line)
    w.big(False)
    printer.set(align="left")

    for text in wrap(model.labels.time + colon + model.time, columns):
        w.line(text)
    for text in wrap(model.labels.terminal + colon + model.terminal, columns):
        w.line(text)

    if model.qr_payload:
        printer.set(align="center")
        printer.qr(model.qr_payload, native=True, size=QR_MODULE_SIZE, ec=QR_ECLEVEL_M)
        w.line("")
        printer.set(align="left")

    if model.next_steps:
        w.line("-" * columns)
        w.line(model.labels.next_steps + colon)
        for n, step in enumerate(model.next_steps, start=1):
            for text in wrap(f"{n}. {step}", columns):
                w.line(text)
    if model.footer:
        w.line("-" * columns)
        printer.set(align="center")
        for text in wrap(model.footer, columns):
            w.line(text)
        printer.set(align="left")

    if chinese_mode:
        printer._raw(FS_CHINESE_OFF)
    if cut == "none":
        printer.print_and_feed(6)
    else:
        printer.cut(mode="FULL" if cut == "full" else "PART")
