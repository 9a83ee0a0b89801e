"""Writers of report documents: XLSX (openpyxl) and PDF (reportlab with a Vietnamese TTF).

`file_formats` is what the exports are given. The writers' libraries are imported on a
format's first export, not when the service starts: together they took about a quarter of
the time importing the service's entrypoint took (0.25 of 1.0-1.1 s, `python -X
importtime`), in every API and worker process, most of which never export a file.
"""

from __future__ import annotations

from coso_reporting.application.documents import ReportDocument
from coso_reporting.application.exports import FileFormat

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"


def file_formats(font_dir: str | None = None) -> dict[str, FileFormat]:
    """The formats the reports are exported in, by extension; the PDF in a font of
    `font_dir` (`options.pdf_font_dir`) or of the usual places (`pdf.FONT_CANDIDATES`)."""

    def write_xlsx(document: ReportDocument) -> bytes:
        from coso_reporting.adapters.exports import xlsx

        return xlsx.write_xlsx(document)

    def write_pdf(document: ReportDocument) -> bytes:
        from coso_reporting.adapters.exports import pdf

        return pdf.write_pdf(document, font_dir)

    return {
        "xlsx": FileFormat("xlsx", XLSX_CONTENT_TYPE, write_xlsx),
        "pdf": FileFormat("pdf", PDF_CONTENT_TYPE, write_pdf),
    }
