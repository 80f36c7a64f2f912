"""The diagnostics report as an A4 PDF a technician can print or send (reportlab, CJK font
embedded as a subset with a ToUnicode map — the receipts' font registration is reused, so
Chinese text extracts). Every string is redacted again on the way in."""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from kiosk.atomicfile import atomic_write
from kiosk.diagnostics.report import DiagReport, Level
from kiosk.log import SessionSecrets, redact
from kiosk.receipts.pdf import register_cjk_font

TITLE = "终端诊断报告 Terminal diagnostics report"
_LEVEL_TEXT = {Level.OK: "正常 ok", Level.WARN: "注意 warn", Level.FAIL: "故障 FAIL", Level.SKIPPED: "未检 -"}
_LEVEL_COLOUR = {Level.OK: colors.HexColor("#1b7f3b"), Level.WARN: colors.HexColor("#a66a00"),
                 Level.FAIL: colors.HexColor("#b00020"), Level.SKIPPED: colors.grey}


def render_pdf(report: DiagReport, *, font_path: Path | None = None, subfont_index: int = 0,
               secrets: SessionSecrets | None = None) -> bytes:
    font = register_cjk_font(font_path, subfont_index)

    def p(text: object, size: float = 9, colour: colors.Color = colors.black) -> Paragraph:
        safe = escape(redact(str(text), secrets)).replace("\n", "<br/>")
        return Paragraph(safe, ParagraphStyle("d", fontName=font, fontSize=size, leading=size * 1.3,
                                              textColor=colour, wordWrap="CJK"))

    story: list[object] = [p(TITLE, 16), Spacer(1, 4 * mm)]
    meta = [
        ["终端 Terminal", report.terminal_id],
        ["生成时间 Generated (UTC)", report.generated_at],
        ["软件版本 App version", report.app_version],
        ["事项目录版本 Catalogue version", report.catalog_version or "-"],
        ["结论 Result", "全部必需检查通过 all required checks passed" if report.ok
         else "暂停服务 OUT OF SERVICE: " + ", ".join(c.id for c in report.failures)],
    ]
    story.append(_table([[p(a), p(b)] for a, b in meta], [55 * mm, 120 * mm]))
    story += [Spacer(1, 5 * mm), p("检查项 Checks", 12), Spacer(1, 2 * mm)]
    rows = [[p("检查 Check"), p("结果 Result"), p("必需 Required"), p("说明 Summary")]]
    for c in report.checks:
        details = "; ".join(f"{k}={v}" for k, v in c.data if v not in (None, ""))
        rows.append([p(c.id), p(_LEVEL_TEXT[c.level], colour=_LEVEL_COLOUR[c.level]),
                     p("是 yes" if c.required else "否 no"),
                     p(c.summary + (f"\n{details}" if details else ""), 8)])
    story.append(_table(rows, [38 * mm, 22 * mm, 18 * mm, 97 * mm], header=True))
    if report.log_lines:
        heading = p("最近日志（已脱敏）Recent log lines (redacted)", 12)
        story += [Spacer(1, 5 * mm), heading, Spacer(1, 2 * mm)]
        story += [p(line, 7) for line in report.log_lines]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm, title="Terminal diagnostics report",
                            author=f"smarthall-kiosk {report.app_version}", subject=report.terminal_id)
    doc.build(story)
    return buf.getvalue()


def _table(rows: list[list[Paragraph]], widths: list[float], *, header: bool = False) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")))
    table.setStyle(TableStyle(style))
    return table


def write_pdf(report: DiagReport, path: Path, *, font_path: Path | None = None, subfont_index: int = 0,
              secrets: SessionSecrets | None = None) -> Path:
    """Write the report to ``path`` (atomically, mode 0640) and return it."""
    data = render_pdf(report, font_path=font_path, subfont_index=subfont_index, secrets=secrets)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, data, 0o640)
    return path
