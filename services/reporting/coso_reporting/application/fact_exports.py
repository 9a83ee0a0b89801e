"""The fact reports as files (XLSX, PDF) laid out as a report to the superior authority.

Every fact report has the same shape (application/fact_reports.py: heading fields and
sections of rows with totals), so one function turns any of them into a `ReportDocument`:
one table per section, with its caption, a running number, the row's unit or category,
the figures, and the totals line. The writers are the same adapters the indicator
report uses, handed in by the composition root.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from coso_reporting.application.documents import ReportDocument, Table, place_and_date, short_date
from coso_reporting.application.exports import ExportedFile, FileFormat
from coso_reporting.application.fact_reports import FactReports
from coso_reporting.domain.errors import InvalidReportRequest

FILE_STEMS = {
    "organizations": "bao-cao-to-chuc",
    "coverage": "bao-cao-bao-phu",
    "members": "bao-cao-co-cau-dang-vien",
    "ratings": "bao-cao-xep-loai",
    "pipeline": "bao-cao-phat-trien-dang-vien",
}


def fact_document(report: Mapping[str, Any], issued_on: date, place: str = "") -> ReportDocument:
    """A fact report laid out for the superior authority (Vietnamese throughout)."""
    tables = []
    for section in report["sections"]:
        keys = [c["key"] for c in section["columns"]]
        rows = [
            [i, row["label"], *(row["values"].get(k, "") for k in keys)] for i, row in enumerate(section["rows"], 1)
        ]
        totals = section["totals"]
        tables.append(
            Table(
                ["STT", section["row_label"], *(c["label"] for c in section["columns"])],
                rows,
                ["", "Tổng cộng", *(totals.get(k, "") for k in keys)] if totals is not None else None,
                caption=section["title"],
            )
        )
    period = f"từ ngày {short_date(report['period_start'])} đến ngày {short_date(report['period_end'])}"
    return ReportDocument(
        superior=report["superior_name"],
        authority=report["authority_name"],
        place_and_date=place_and_date(place, issued_on),
        title="BÁO CÁO",
        subtitle=f"{report['title']}, {period}, tính đến ngày {short_date(report['as_of'])}",
        addressee=report["superior_name"],
        tables=tables,
        notes=[
            *report["notes"],
            "Số liệu tổng hợp từ các đơn vị trực thuộc theo hệ thống tổ chức tại ngày báo cáo; "
            "số liệu của đơn vị đã sáp nhập, giải thể tính cho đơn vị kế thừa.",
        ],
        file_stem=f"{FILE_STEMS[report['report']]}-{report['authority_id']}-{report['as_of']}",
    )


class FactExports:
    def __init__(
        self,
        reports: FactReports,
        formats: dict[str, FileFormat],
        place: str = "",
        today: Callable[[], date] = date.today,
    ) -> None:
        self._reports = reports
        self._formats = formats
        self._place = place
        self._today = today

    def report(
        self,
        file_format: str,
        name: str,
        authority_id: str,
        start: date,
        end: date,
        as_of: date | None,
        **options: Any,
    ) -> ExportedFile:
        writer = self._formats.get(file_format)
        if writer is None:
            raise InvalidReportRequest(
                f"format must be one of {', '.join(sorted(self._formats))}, not {file_format!r}",
                field="format",
                rule="one_of",
            )
        document = fact_document(
            self._reports.report(name, authority_id, start, end, as_of, **options), self._today(), self._place
        )
        return ExportedFile(f"{document.file_stem}.{writer.extension}", writer.content_type, writer.write(document))
