"""A report document as an Excel workbook (openpyxl): one sheet, laid out like the paper form."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from coso_reporting.application.documents import PARTY, ReportDocument

_THIN = Side(style="thin", color="888888")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def write_xlsx(document: ReportDocument) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Báo cáo"
    # The heading's two halves (superior and authority; the party's motto and the date) take
    # two columns each at least, however narrow the tables.
    width = max([4, *(len(t.columns) for t in document.tables)])
    half = width // 2

    def merged(row: int, first_col: int, last_col: int, value: str, bold: bool = False, italic: bool = False) -> None:
        sheet.merge_cells(start_row=row, start_column=first_col, end_row=row, end_column=last_col)
        cell = sheet.cell(row=row, column=first_col, value=value)
        cell.font = Font(name="Times New Roman", size=12, bold=bold, italic=italic)
        cell.alignment = _CENTER

    merged(1, 1, half, (document.superior or "").upper())
    merged(1, half + 1, width, PARTY, bold=True)
    merged(2, 1, half, document.authority.upper(), bold=True)
    merged(2, half + 1, width, document.place_and_date, italic=True)
    merged(3, 1, half, "*")
    merged(5, 1, width, document.title, bold=True)
    merged(6, 1, width, document.subtitle, bold=True)
    sheet.row_dimensions[6].height = 32
    row = 7
    if document.addressee:
        merged(row, 1, width, f"Kính gửi: {document.addressee}")
        row += 1
    row += 1
    for table in document.tables:
        if table.caption:
            sheet.cell(row=row, column=1, value=table.caption).font = Font(bold=True)
            row += 1
        for col, title in enumerate(table.columns, start=1):
            cell = sheet.cell(row=row, column=col, value=title)
            cell.font = Font(bold=True)
            cell.alignment = _CENTER
            cell.border = _BOX
            cell.fill = PatternFill("solid", fgColor="F3E9E9")
        sheet.row_dimensions[row].height = 45
        row += 1
        for values in table.rows + ([table.totals] if table.totals else []):
            for col, value in enumerate(values, start=1):
                cell = sheet.cell(row=row, column=col, value=value)
                cell.border = _BOX
                if values is table.totals:
                    cell.font = Font(bold=True)
            row += 1
        row += 1
    for note in document.notes:
        merged(row, 1, width, note, italic=True)
        row += 1
    row += 1
    sheet.cell(row=row, column=1, value="Nơi nhận:").font = Font(bold=True, italic=True)
    merged(row, half + 1, width, document.signer_role, bold=True)
    merged(row + 1, half + 1, width, document.signer_title, bold=True)
    sheet.cell(row=row + 1, column=1, value=f"- {document.addressee or 'Cấp ủy cấp trên'},")
    sheet.cell(row=row + 2, column=1, value="- Lưu văn phòng.")
    merged(row + 2, half + 1, width, "(Ký, ghi rõ họ tên)", italic=True)
    sheet.column_dimensions["A"].width = 8
    sheet.column_dimensions["B"].width = 40
    for col in range(3, width + 1):
        sheet.column_dimensions[get_column_letter(col)].width = 18
    sheet.print_title_rows = "1:3"
    sheet.page_setup.orientation = "landscape"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
