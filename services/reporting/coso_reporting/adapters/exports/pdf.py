"""A report document as a PDF (reportlab), in a TrueType font with Vietnamese glyphs.

reportlab's built-in fonts (Helvetica, Times) lack most Vietnamese letters, so the
writer embeds a TTF: DejaVu Sans (Debian `fonts-dejavu-core`) or Noto Sans (Debian
`fonts-noto-core`), found in the usual places or given with `options.pdf_font_dir`.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from coso_reporting.application.documents import PARTY, ReportDocument

FONT_CANDIDATES: tuple[tuple[str, str], ...] = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"),
)
_REGULAR, _BOLD = "CosoSans", "CosoSans-Bold"


class FontMissing(RuntimeError):
    """No TrueType font with Vietnamese glyphs was found."""


def register_fonts(font_dir: str | None = None) -> None:
    if _REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    candidates: list[tuple[str, str]] = list(FONT_CANDIDATES)
    if font_dir:
        base = Path(font_dir)
        candidates.insert(0, (str(base / "DejaVuSans.ttf"), str(base / "DejaVuSans-Bold.ttf")))
        candidates.insert(1, (str(base / "NotoSans-Regular.ttf"), str(base / "NotoSans-Bold.ttf")))
    for regular, bold in candidates:
        if Path(regular).is_file() and Path(bold).is_file():
            pdfmetrics.registerFont(TTFont(_REGULAR, regular))
            pdfmetrics.registerFont(TTFont(_BOLD, bold))
            pdfmetrics.registerFontFamily(_REGULAR, normal=_REGULAR, bold=_BOLD, italic=_REGULAR, boldItalic=_BOLD)
            return
    raise FontMissing(
        "no TrueType font with Vietnamese glyphs: install Debian's fonts-dejavu-core (or fonts-noto-core), "
        "or set options.pdf_font_dir"
    )


def _style(size: float = 10, bold: bool = False, align: int = TA_LEFT, leading: float | None = None) -> ParagraphStyle:
    return ParagraphStyle(
        "s", fontName=_BOLD if bold else _REGULAR, fontSize=size, leading=leading or size * 1.3, alignment=align
    )


def _escape(value: Any) -> str:
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_pdf(document: ReportDocument, font_dir: str | None = None) -> bytes:
    register_fonts(font_dir)
    out = BytesIO()
    page = landscape(A4)
    pdf = SimpleDocTemplate(
        out,
        pagesize=page,
        leftMargin=18 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"{document.title} — {document.subtitle}",
        author=document.authority,
    )
    usable = page[0] - 33 * mm
    center, center_bold = _style(11, align=TA_CENTER), _style(11, bold=True, align=TA_CENTER)
    heading = PdfTable(
        [
            [Paragraph(_escape((document.superior or "").upper()), center), Paragraph(PARTY, center_bold)],
            [
                Paragraph(_escape(document.authority.upper()), center_bold),
                Paragraph(_escape(document.place_and_date), center),
            ],
            [Paragraph("*", center), ""],
        ],
        colWidths=[usable / 2, usable / 2],
    )
    heading.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story: list[Any] = [
        heading,
        Spacer(1, 6 * mm),
        Paragraph(document.title, _style(15, bold=True, align=TA_CENTER)),
        Paragraph(_escape(document.subtitle), _style(12, bold=True, align=TA_CENTER)),
        Spacer(1, 4 * mm),
    ]
    if document.addressee:
        story += [Paragraph(f"Kính gửi: {_escape(document.addressee)}", _style(12, align=TA_CENTER)), Spacer(1, 4 * mm)]
    for table in document.tables:
        if table.caption:
            story.append(Paragraph(f"<b>{_escape(table.caption)}</b>", _style(11)))
        story += [_table(table.columns, table.rows, table.totals, usable), Spacer(1, 4 * mm)]
    for note in document.notes:
        story.append(Paragraph(_escape(note), _style(10)))
    story.append(Spacer(1, 8 * mm))
    left = [
        Paragraph("<b>Nơi nhận:</b>", _style(10)),
        Paragraph(f"- {_escape(document.addressee or 'Cấp ủy cấp trên')},", _style(10)),
        Paragraph("- Lưu văn phòng.", _style(10)),
    ]
    right = [
        Paragraph(_escape(document.signer_role), center_bold),
        Paragraph(_escape(document.signer_title), center_bold),
        Paragraph("(Ký, ghi rõ họ tên)", _style(10, align=TA_CENTER)),
    ]
    story.append(
        PdfTable([[left, right]], colWidths=[usable / 2, usable / 2], style=[("VALIGN", (0, 0), (-1, -1), "TOP")])
    )
    pdf.build(story)
    return out.getvalue()


def _table(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], totals: Sequence[Any] | None, usable: float
) -> PdfTable:
    head = _style(9, bold=True, align=TA_CENTER)
    body, bold = _style(9), _style(9, bold=True)
    number, bold_number = _style(9, align=TA_RIGHT), _style(9, bold=True, align=TA_RIGHT)

    def cell(value: Any, text: ParagraphStyle, figure: ParagraphStyle) -> Paragraph:
        return Paragraph(_escape(value), figure if isinstance(value, int | float) else text)

    data: list[list[Any]] = [[Paragraph(_escape(c), head) for c in columns]]
    data += [[cell(v, body, number) for v in row] for row in rows]
    if totals:
        data.append([cell(v, bold, bold_number) for v in totals])
    first, second = 12 * mm, 70 * mm
    rest = (usable - first - second) / max(1, len(columns) - 2)
    table = PdfTable(data, colWidths=[first, second] + [rest] * (len(columns) - 2), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3e9e9")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table
