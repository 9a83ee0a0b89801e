"""Exports: a report as a file (XLSX, PDF) laid out for the superior authority.

The writers are adapters handed in by the composition root (`formats`), so this layer
only decides what goes into the document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from coso_reporting.application.documents import (
    ReportDocument,
    admissions_document,
    indicator_document,
    plan_progress_document,
)
from coso_reporting.application.plans import Plans
from coso_reporting.application.reports import Reports
from coso_reporting.domain.errors import InvalidReportRequest


@dataclass(frozen=True)
class FileFormat:
    extension: str
    content_type: str
    write: Callable[[ReportDocument], bytes]


@dataclass(frozen=True)
class ExportedFile:
    filename: str
    content_type: str
    content: bytes


class Exports:
    def __init__(
        self,
        reports: Reports,
        plans: Plans,
        formats: dict[str, FileFormat],
        place: str = "",
        today: Callable[[], date] = date.today,
    ) -> None:
        self._reports = reports
        self._plans = plans
        self._formats = formats
        self._place = place
        self._today = today

    def indicator_report(
        self, file_format: str, authority_id: str, start: date, end: date, as_of: date | None = None
    ) -> ExportedFile:
        writer = self._format(file_format)
        document = indicator_document(
            self._reports.indicator_report(authority_id, start, end, as_of), self._today(), self._place
        )
        return self._file(writer, document)

    def admissions(
        self, file_format: str, authority_id: str, start: date, end: date, as_of: date | None = None
    ) -> ExportedFile:
        writer = self._format(file_format)
        document = admissions_document(
            self._reports.admissions(authority_id, start, end, as_of), self._today(), self._place
        )
        return self._file(writer, document)

    def plan_progress(self, file_format: str, plan_id: str, as_of: date | None) -> ExportedFile:
        writer = self._format(file_format)
        progress = self._plans.progress(plan_id, as_of)
        document = plan_progress_document(progress, progress["superior_name"], self._today(), self._place)
        return self._file(writer, document)

    def _format(self, file_format: str) -> FileFormat:
        found = self._formats.get(file_format)
        if found is None:
            raise InvalidReportRequest(
                f"format must be one of {', '.join(sorted(self._formats))}, not {file_format!r}",
                field="format",
                rule="one_of",
            )
        return found

    @staticmethod
    def _file(writer: FileFormat, document: ReportDocument) -> ExportedFile:
        return ExportedFile(f"{document.file_stem}.{writer.extension}", writer.content_type, writer.write(document))
