"""reportlab renderings: the receipt on an 80 mm roll-sized page, and the A4 application summary.

The CJK TrueType font is registered through ``TTFont`` (``subfontIndex`` for ``.ttc``
collections) and always embedded as a subset with a ToUnicode map, so the Chinese text
extracts from the PDF (the tests prove it with pypdf). reportlab reads TrueType outlines only,
so a CFF-flavoured OpenType CJK font (e.g. Noto Sans CJK ``.otf``/``.ttc``) does not qualify.
Without a usable font the renderers raise ``KnownError("receipts.font_missing")``.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from kiosk.errors import KnownError
from kiosk.receipts.model import ReceiptModel, SummaryDocument

_log = logging.getLogger(__name__)

# TrueType-outline CJK fonts a Debian terminal may have (fonts-wqy-zenhei is installed by run.sh)
DEFAULT_FONT_CANDIDATES: Final[tuple[tuple[Path, int], ...]] = (
    (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0),
    (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0),
    (Path("/usr/share/fonts/truetype/arphic/uming.ttc"), 0),
    (Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"), 0),
)

RECEIPT_WIDTH: Final = 80 * mm
_MARGIN: Final = 4 * mm


def register_cjk_font(font_path: Path | None = None, subfont_index: int = 0) -> str:
    """Register a CJK TrueType font with reportlab and return its font name.

    ``font_path`` (from config) is tried first, then :data:`DEFAULT_FONT_CANDIDATES`.
    Raises ``KnownError("receipts.font_missing")`` naming every path tried.
    """
    candidates: list[tuple[Path, int]] = []
    if font_path is not None:
        candidates.append((font_path, subfont_index))
    candidates.extend(DEFAULT_FONT_CANDIDATES)
    tried: list[str] = []
    for path, index in candidates:
        name = f"KioskCJK-{path.stem}-{index}"
        if name in pdfmetrics.getRegisteredFontNames():
            return name
        if not path.is_file():
            tried.append(f"{path} (missing)")
            continue
        try:
            pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=index))
        except (TTFError, OSError) as err:
            tried.append(f"{path} ({err})")
            continue
        _log.debug("registered CJK font %s from %s", name, path)
        return name
    raise KnownError("receipts.font_missing", "no usable CJK TrueType font: " + "; ".join(tried))


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy wrap by rendered width; breaks at spaces for Latin text, anywhere in CJK."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for ch in paragraph:
            candidate = line + ch
            if pdfmetrics.stringWidth(candidate, font, size) <= width or not line:
                line = candidate
                continue
            space = line.rfind(" ")
            if ch != " " and space > 0 and ch.isascii():
                lines.append(line[:space])
                line = line[space + 1 :] + ch
            else:
                lines.append(line.rstrip())
                line = ch.lstrip()
        lines.append(line)
    return lines


class _QrFlowable(Flowable):  # type: ignore[misc]  # reportlab is untyped
    def __init__(self, payload: str, size: float) -> None:
        super().__init__()
        self.payload = payload
        self.size = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        renderPDF.draw(_qr_drawing(self.payload, self.size), self.canv, 0, 0)


def _qr_drawing(payload: str, size: float) -> Drawing:
    widget = QrCodeWidget(payload, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def render_receipt_pdf(
    model: ReceiptModel, *, font_path: Path | None = None, subfont_index: int = 0
) -> bytes:
    """The receipt as a PDF page 80 mm wide (as tall as its content)."""
    font = register_cjk_font(font_path, subfont_index)
    colon = ": " if model.language == "en" else "："
    text_width = RECEIPT_WIDTH - 2 * _MARGIN
    # (text, size, centred) lines, or a QR marker
    ops: list[tuple[str, float, bool]] = []

    def add(text: str, size: float = 9, centred: bool = False) -> None:
        ops.extend((line, size, centred) for line in _wrap(text, font, size, text_width))

    add(model.title, 14, True)
    add("", 6)
    add(model.labels.item + colon + model.item_name)
    add(model.labels.tracking_no + colon)
    add(model.tracking_no, 16, True)
    add(model.labels.time + colon + model.time)
    add(model.labels.terminal + colon + model.terminal)
    qr_size = 34 * mm if model.qr_payload else 0.0
    qr_at = len(ops)
    if model.next_steps:
        add(model.labels.next_steps + colon)
        for n, step in enumerate(model.next_steps, start=1):
            add(f"{n}. {step}", 8)
    if model.footer:
        add("", 6)
        add(model.footer, 8, True)

    height = 2 * _MARGIN + sum(size * 1.4 for _, size, _ in ops) + qr_size + (4 * mm if qr_size else 0)
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(RECEIPT_WIDTH, height), pageCompression=1)
    canvas.setTitle(model.title)
    canvas.setCreator("smarthall-kiosk")
    y = height - _MARGIN
    for i, (text, size, centred) in enumerate(ops):
        if i == qr_at and qr_size:
            y -= qr_size + 2 * mm
            renderPDF.draw(_qr_drawing(model.qr_payload, qr_size), canvas, (RECEIPT_WIDTH - qr_size) / 2, y)
            y -= 2 * mm
        y -= size * 1.4
        canvas.setFont(font, size)
        if centred:
            canvas.drawCentredString(RECEIPT_WIDTH / 2, y + size * 0.3, text)
        else:
            canvas.drawString(_MARGIN, y + size * 0.3, text)
    if qr_at >= len(ops) and qr_size:
        y -= qr_size + 2 * mm
        renderPDF.draw(_qr_drawing(model.qr_payload, qr_size), canvas, (RECEIPT_WIDTH - qr_size) / 2, y)
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def render_summary_pdf(
    doc: SummaryDocument, *, font_path: Path | None = None, subfont_index: int = 0
) -> bytes:
    """The A4 application summary: title, item, tracking number, label/value rows, QR code."""
    font = register_cjk_font(font_path, subfont_index)
    wrap_mode = None if doc.language == "en" else "CJK"
    title_style = ParagraphStyle("title", fontName=font, fontSize=18, leading=24, alignment=1,
                                 wordWrap=wrap_mode)
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=16, wordWrap=wrap_mode)
    small = ParagraphStyle("small", parent=body, fontSize=9, leading=13)
    colon = ": " if doc.language == "en" else "："

    def para(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(_escape(text), style)

    header_rows: Sequence[tuple[str, str]] = (
        (doc.labels.item, doc.item_name),
        (doc.labels.tracking_no, doc.tracking_no),
        (doc.labels.time, doc.time),
    )
    table = Table(
        [[para(label + colon), para(value)] for label, value in (*header_rows, *doc.rows)],
        colWidths=[45 * mm, 125 * mm],
    )
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
    ]))
    story: list[Flowable] = [para(doc.title, title_style), Spacer(1, 8 * mm), table]
    if doc.qr_payload:
        story += [Spacer(1, 8 * mm), _QrFlowable(doc.qr_payload, 35 * mm)]
    if doc.footer:
        story += [Spacer(1, 6 * mm), para(doc.footer, small)]
    buf = io.BytesIO()
    template = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
        bottomMargin=20 * mm, title=doc.title, creator="smarthall-kiosk",
    )
    template.build(story)
    return buf.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
