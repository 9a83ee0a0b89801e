"""Exports in Vietnamese: the XLSX workbook and the PDF, rendered to an image to check diacritics.

The PDF checks use Debian's poppler-utils (`pdftotext`, `pdftoppm`). Text extraction alone
would pass with a font that lacks the glyphs (the text layer stays right while the page
shows empty boxes), so the letters ế, ệ and ễ are also cut out of the rendered page and
compared: with real glyphs they differ from each other and from a plain e; with a
missing-glyph box they would all look the same.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from coso_backbone.contracts.admissions import CandidateProposed, JobCategory, SourceChannel
from coso_backbone.contracts.reporting import TargetIndicator
from coso_backbone.eventstore import EventStore
from coso_reporting.adapters.exports import file_formats
from coso_reporting.adapters.plans import SqlIndicatorHistory, SqlPlanQueries, SqlPlanUnitOfWork
from coso_reporting.adapters.trees import SqlAuthorityTrees
from coso_reporting.application.commands import AdoptPlan, SetTarget
from coso_reporting.application.documents import ReportDocument, Table
from coso_reporting.application.exports import Exports
from coso_reporting.application.plans import Plans
from coso_reporting.application.reports import Reports
from services.reporting.tests.pdf_check import GLYPH_WORDS, check_glyphs, pdf_text

SUBTITLE = "Kết quả phát triển đảng viên, tổ chức đảng trong doanh nghiệp ngoài khu vực nhà nước"


@pytest.fixture
def exports(world, projection_at, sqlite_url: str) -> Exports:
    projection = projection_at(sqlite_url)
    projection.deliver(
        [
            world.authority("hn", name="Thành ủy Hà Nội"),
            world.authority("hn.a", parent_id="hn", name="Đảng ủy phường Hồng Hà"),
            world.authority("hn.a.x", parent_id="hn.a", name="Chi bộ thử " + " ".join(GLYPH_WORDS)),
            world.enterprise("e1", "hn.a.x"),
            world.admissions.record(
                "candidate-c1",
                CandidateProposed(
                    candidate_id="c1",
                    enterprise_id="e1",
                    authority_id="hn.a.x",
                    source_channel=SourceChannel.ENTERPRISE_TRADE_UNION,
                    job_category=JobCategory.PRODUCTION_WORKER,
                    proposed_on=date(2025, 3, 4),
                ),
            ),
        ]
    )
    engine = projection.engine
    history = SqlIndicatorHistory(engine)
    today = lambda: date(2025, 6, 30)  # noqa: E731
    trees = SqlAuthorityTrees(engine)
    plans = Plans(lambda: SqlPlanUnitOfWork(EventStore(engine)), SqlPlanQueries(engine), history, trees, today=today)
    plans.adopt(
        AdoptPlan(
            plan_id="p1",
            authority_id="hn.a",
            title="Kế hoạch phát triển đảng viên năm 2025",
            period_start=date(2025, 1, 1),
            period_end=date(2025, 12, 31),
        )
    )
    plans.set_target(SetTarget(plan_id="p1", indicator=TargetIndicator.CANDIDATES_PROPOSED, value=4))
    formats = file_formats()
    return Exports(Reports(history, trees, today=today), plans, formats, place="Hà Nội", today=today)


def test_the_xlsx_report_has_the_heading_the_rows_and_the_totals_in_vietnamese(exports: Exports) -> None:
    exported = exports.indicator_report("xlsx", "hn.a", date(2025, 1, 1), date(2025, 6, 30))
    assert exported.filename.endswith(".xlsx")
    sheet = load_workbook(BytesIO(exported.content)).active
    assert sheet is not None
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "THÀNH ỦY HÀ NỘI" in cells and "ĐẢNG ỦY PHƯỜNG HỒNG HÀ" in cells
    assert "Hà Nội, ngày 30 tháng 06 năm 2025" in cells
    assert any(c.startswith(SUBTITLE) for c in cells)
    totals = next(row for row in sheet.iter_rows(values_only=True) if row[1] == "Tổng cộng")
    assert totals[2:6] == (0, 1, 1, 1)  # the enterprise was registered in 2024


def test_the_admissions_xlsx_gives_channels_by_job_category_and_each_unit_by_channel(exports: Exports) -> None:
    exported = exports.admissions("xlsx", "hn", date(2025, 1, 1), date(2025, 6, 30))
    assert exported.filename == "bao-cao-gioi-thieu-hn-2025-01-01-2025-06-30.xlsx"
    rows = list(load_workbook(BytesIO(exported.content)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    union = next(r for r in rows if r[1] == "Công đoàn cơ sở doanh nghiệp")
    assert union[2] == 1 and union[-1] == 1  # one production worker
    unit = next(r for r in rows if r[1] == "Đảng ủy phường Hồng Hà")
    assert unit[2] == 1 and unit[-1] == 1  # by source channel: the trade union
    assert sum(1 for r in rows if r[1] == "Tổng cộng") == 2  # one per table


def test_the_plan_progress_xlsx_gives_target_achievement_and_verdict(exports: Exports) -> None:
    sheet = load_workbook(BytesIO(exports.plan_progress("xlsx", "p1", None).content)).active
    assert sheet is not None
    row = next(r for r in sheet.iter_rows(values_only=True) if r[1] == "Quần chúng ưu tú được giới thiệu")
    assert row[2:5] == (4, 1, 25.0)
    assert row[6] == "Chậm tiến độ"


def test_the_pdf_report_renders_vietnamese_diacritics(exports: Exports, tmp_path: Path) -> None:
    exported = exports.indicator_report("pdf", "hn.a", date(2025, 1, 1), date(2025, 6, 30))
    document = tmp_path / exported.filename
    document.write_bytes(exported.content)

    text = pdf_text(document)
    assert "Kính gửi: Thành ủy Hà Nội" in text
    assert "Kết quả phát triển đảng viên" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    check_glyphs(document, tmp_path)


_STARTS_THEN_EXPORTS = """
import sys
import coso_reporting.entrypoints.service
from coso_reporting.adapters.exports import file_formats
from coso_reporting.application.documents import ReportDocument, Table

started = sorted(m for m in ("openpyxl", "reportlab") if m in sys.modules)
document = ReportDocument(None, "Hà Nội", "Hà Nội, ngày 5 tháng 1 năm 2026", "BÁO CÁO", "Năm 2025", None,
                          [Table(["Đơn vị", "Số"], [["Phường Ba Đình", 3]], totals=["Tổng", 3])])
content = file_formats()["xlsx"].write(document)
print(started, "openpyxl" in sys.modules, "reportlab" in sys.modules, content[:2])
"""


def test_the_service_starts_without_the_writers_libraries_and_loads_a_format_s_on_its_first_export() -> None:
    """Importing the service's entrypoint leaves openpyxl and reportlab out; an XLSX export
    brings openpyxl in, and only it."""
    answer = subprocess.run(
        [sys.executable, "-c", _STARTS_THEN_EXPORTS], capture_output=True, text=True, timeout=120, check=True
    )
    assert answer.stdout.split() == ["[]", "True", "False", "b'PK'"], answer.stdout + answer.stderr


@pytest.mark.parametrize("tables", [[Table(["Đơn vị", "Số"], [["Chi bộ 1", 3]], totals=["Tổng cộng", 3])], []])
def test_a_document_of_narrow_tables_or_none_still_gets_the_heading_s_two_halves(tables: list[Table]) -> None:
    document = ReportDocument(
        None, "Đảng ủy phường Hồng Hà", "Hà Nội, ngày 5 tháng 1 năm 2026", "BÁO CÁO", "Năm 2025", None, tables
    )
    sheet = load_workbook(BytesIO(file_formats()["xlsx"].write(document))).active
    assert sheet is not None
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:B1", "C1:D1", "A2:B2", "C2:D2"} <= merged
    assert sheet["C2"].value == "Hà Nội, ngày 5 tháng 1 năm 2026"
    rows = [c.value for c in sheet["A"] if c.value in ("Chi bộ 1", "Tổng cộng")]
    assert rows == (["Chi bộ 1", "Tổng cộng"] if tables else [])
