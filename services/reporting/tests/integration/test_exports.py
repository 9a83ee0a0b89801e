"""Exports in Vietnamese: the XLSX workbook and the PDF, rendered to an image to check diacritics.

The PDF checks use Debian's poppler-utils (`pdftotext`, `pdftoppm`). Text extraction alone
would pass with a font that lacks the glyphs (the text layer stays right while the page
shows empty boxes), so the letters ế, ệ and ễ are also cut out of the rendered page and
compared: with real glyphs they differ from each other and from a plain e; with a
missing-glyph box they would all look the same.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from io import BytesIO
from pathlib import Path
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook
from PIL import Image, ImageChops

from coso_backbone.contracts.admissions import CandidateProposed, JobCategory, SourceChannel
from coso_backbone.contracts.reporting import TargetIndicator
from coso_backbone.eventstore import EventStore
from coso_reporting.adapters.exports import pdf, xlsx
from coso_reporting.adapters.plans import SqlIndicatorHistory, SqlPlanQueries, SqlPlanUnitOfWork
from coso_reporting.adapters.queries import SqlIndicatorQueries
from coso_reporting.adapters.trees import SqlAuthorityTrees
from coso_reporting.application.commands import AdoptPlan, SetTarget
from coso_reporting.application.exports import Exports, FileFormat
from coso_reporting.application.plans import Plans
from coso_reporting.application.reports import Reports

GLYPH_WORDS = ("ế", "ệ", "ễ", "e")
SUBTITLE = "Kết quả phát triển đảng viên, tổ chức đảng trong doanh nghiệp ngoài khu vực nhà nước"


def poppler(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.fail(f"{tool} is missing: install Debian's poppler-utils (apt-get install -y poppler-utils)")
    return found


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
    queries, history = SqlIndicatorQueries(engine, "reporting"), SqlIndicatorHistory(engine)
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
    formats = {
        "xlsx": FileFormat("xlsx", xlsx.CONTENT_TYPE, xlsx.write_xlsx),
        "pdf": FileFormat("pdf", pdf.CONTENT_TYPE, pdf.write_pdf),
    }
    return Exports(Reports(queries, history, trees, today=today), plans, formats, place="Hà Nội", today=today)


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

    text = subprocess.run(
        [poppler("pdftotext"), "-layout", str(document), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Kính gửi: Thành ủy Hà Nội" in text
    assert "Kết quả phát triển đảng viên" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" in text

    bbox = tmp_path / "words.html"
    subprocess.run([poppler("pdftotext"), "-bbox", str(document), str(bbox)], check=True)
    words = _word_boxes(bbox.read_text(encoding="utf-8"))
    dpi = 200
    subprocess.run(
        [poppler("pdftoppm"), "-r", str(dpi), "-f", "1", "-l", "1", "-png", str(document), str(tmp_path / "page")],
        check=True,
    )
    page = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    crops = {word: _ink(page, words[word], dpi / 72) for word in GLYPH_WORDS}
    for word, crop in crops.items():
        assert crop.getbbox() is not None, f"{word} left no ink on the page"
    marked = [crops[w] for w in ("ế", "ệ", "ễ")]
    for i, first in enumerate(marked):
        assert _differs(first, crops["e"]), "a marked e renders like a plain e: the font lacks Vietnamese glyphs"
        for second in marked[i + 1 :]:
            assert _differs(first, second), "two different Vietnamese letters render alike (missing-glyph boxes)"


def _word_boxes(html: str) -> dict[str, tuple[float, float, float, float]]:
    root = ElementTree.fromstring(
        html.replace("<!DOCTYPE", "<!-- ").replace('"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">', "-->")
    )
    boxes: dict[str, tuple[float, float, float, float]] = {}
    for element in root.iter():
        if element.tag.endswith("word") and element.text in GLYPH_WORDS:
            a = element.attrib
            boxes.setdefault(element.text, (float(a["xMin"]), float(a["yMin"]), float(a["xMax"]), float(a["yMax"])))
    missing = set(GLYPH_WORDS) - set(boxes)
    assert not missing, f"pdftotext did not find the words {missing}: the text layer is wrong"
    return boxes


def _ink(page: Image.Image, box: tuple[float, float, float, float], scale: float) -> Image.Image:
    x0, y0, x1, y1 = (round(v * scale) for v in box)
    crop = page.crop((x0 - 2, y0 - 6, x1 + 2, y1 + 6)).point(lambda v: 255 if v < 128 else 0)
    ink = crop.getbbox()
    return crop.crop(ink) if ink else crop


def _differs(first: Image.Image, second: Image.Image) -> bool:
    if first.size != second.size:
        return True
    return ImageChops.difference(first, second).getbbox() is not None
