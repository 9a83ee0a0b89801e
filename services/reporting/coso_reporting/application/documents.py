"""Reports laid out as a report to a superior authority, ready for the XLSX and PDF writers.

The layout follows the party's administrative form: the superior and the reporting
authority at the top left, the national motto of the party and the place and date at the
top right, the title and the period, the addressee (*Kính gửi*), the tables with totals,
then the recipients (*Nơi nhận*) and the signature block. Everything is Vietnamese.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[Any]]
    totals: list[Any] | None = None
    caption: str | None = None


@dataclass(frozen=True)
class ReportDocument:
    superior: str | None
    authority: str
    place_and_date: str
    title: str
    subtitle: str
    addressee: str | None
    tables: list[Table]
    notes: list[str] = field(default_factory=list)
    signer_role: str = "T/M BAN THƯỜNG VỤ"
    signer_title: str = "BÍ THƯ"
    file_stem: str = "bao-cao"


def vietnamese_date(day: date) -> str:
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def place_and_date(place: str, issued_on: date) -> str:
    """'Hà Nội, ngày 05 tháng 01 năm 2026' (without the place when none is configured)."""
    return f"{place + ', ' if place else ''}{vietnamese_date(issued_on)}"


def short_date(value: str) -> str:
    day = date.fromisoformat(value)
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def indicator_document(report: dict[str, Any], issued_on: date, place: str = "") -> ReportDocument:
    labels = report["indicators"]
    columns = [
        "STT",
        "Đơn vị",
        f"{labels['enterprises']} (trong kỳ)",
        f"{labels['candidates_proposed']} (trong kỳ)",
        f"{labels['enterprises']} (lũy kế)",
        f"{labels['candidates_proposed']} (lũy kế)",
    ]
    rows = [
        [
            i,
            row["name"],
            row["in_period"]["enterprises"],
            row["in_period"]["candidates_proposed"],
            row["cumulative"]["enterprises"],
            row["cumulative"]["candidates_proposed"],
        ]
        for i, row in enumerate(report["rows"], start=1)
    ]
    totals = report["totals"]
    return ReportDocument(
        superior=report["superior_name"],
        authority=report["authority_name"],
        place_and_date=place_and_date(place, issued_on),
        title="BÁO CÁO",
        subtitle=(
            "Kết quả phát triển đảng viên, tổ chức đảng trong doanh nghiệp ngoài khu vực nhà nước, "
            f"từ ngày {short_date(report['period_start'])} đến ngày {short_date(report['period_end'])}"
        ),
        addressee=report["superior_name"],
        tables=[
            Table(
                columns,
                rows,
                [
                    "",
                    "Tổng cộng",
                    totals["in_period"]["enterprises"],
                    totals["in_period"]["candidates_proposed"],
                    totals["cumulative"]["enterprises"],
                    totals["cumulative"]["candidates_proposed"],
                ],
            )
        ],
        notes=[
            "Số liệu tổng hợp từ các đơn vị trực thuộc (cộng dồn theo hệ thống tổ chức"
            + (f" tính đến ngày {short_date(report['as_of'])}" if report.get("as_of") else "")
            + "; số liệu của đơn vị đã sáp nhập, giải thể tính cho đơn vị kế thừa)."
        ],
        file_stem=f"bao-cao-chi-tieu-{report['authority_id']}-{report['period_start']}-{report['period_end']}",
    )


def admissions_document(report: dict[str, Any], issued_on: date, place: str = "") -> ReportDocument:
    """Candidates proposed in the period: source channel × job category over the subtree, then
    each subordinate unit by source channel."""
    jobs, channels = report["job_categories"], report["source_channels"]
    by_kind = Table(
        ["STT", "Nguồn giới thiệu", *jobs.values(), "Cộng"],
        [
            [i, row["label"], *row["by_job_category"].values(), row["total"]]
            for i, row in enumerate(report["rows"], start=1)
        ],
        ["", "Tổng cộng", *report["totals"].values(), report["total"]],
        caption="1. Quần chúng ưu tú được giới thiệu theo nguồn giới thiệu và vị trí việc làm",
    )
    subordinates = report["subordinates"]
    by_unit = Table(
        ["STT", "Đơn vị", *channels.values(), "Cộng"],
        [
            [i, unit["name"], *unit["by_source_channel"].values(), unit["total"]]
            for i, unit in enumerate(subordinates, start=1)
        ],
        [
            "",
            "Tổng cộng",
            *(sum(unit["by_source_channel"][c] for unit in subordinates) for c in channels),
            report["total"],
        ],
        caption="2. Quần chúng ưu tú được giới thiệu theo đơn vị và nguồn giới thiệu",
    )
    return ReportDocument(
        superior=report["superior_name"],
        authority=report["authority_name"],
        place_and_date=place_and_date(place, issued_on),
        title="BÁO CÁO",
        subtitle=(
            "Kết quả giới thiệu quần chúng ưu tú trong doanh nghiệp ngoài khu vực nhà nước, "
            f"từ ngày {short_date(report['period_start'])} đến ngày {short_date(report['period_end'])}"
        ),
        addressee=report["superior_name"],
        tables=[by_kind, by_unit],
        notes=[
            "Số liệu tổng hợp theo hệ thống tổ chức tính đến ngày "
            f"{short_date(report['as_of'])}; số liệu của đơn vị đã sáp nhập, giải thể tính cho đơn vị kế thừa."
        ],
        file_stem=f"bao-cao-gioi-thieu-{report['authority_id']}-{report['period_start']}-{report['period_end']}",
    )


def plan_progress_document(
    progress: dict[str, Any], superior: str | None, issued_on: date, place: str = ""
) -> ReportDocument:
    columns = ["STT", "Chỉ tiêu / đơn vị", "Chỉ tiêu giao", "Đã đạt", "Tỷ lệ (%)", "Tiến độ yêu cầu (%)", "Đánh giá"]
    rows: list[list[Any]] = []
    for i, target in enumerate(progress["targets"], start=1):
        rows.append([i, target["label"], *_progress_cells(target)])
        for share in target["split"]:
            rows.append(["", f"– {share['name'] or share['authority_id']}", *_progress_cells(share)])
    return ReportDocument(
        superior=superior,
        authority=progress.get("authority_name") or progress["authority_id"],
        place_and_date=place_and_date(place, issued_on),
        title="BÁO CÁO",
        subtitle=(
            f"Tiến độ thực hiện {progress['title']} "
            f"(giai đoạn {short_date(progress['period_start'])} – {short_date(progress['period_end'])}), "
            f"tính đến ngày {short_date(progress['as_of'])}"
        ),
        addressee=superior,
        tables=[Table(columns, rows)],
        notes=[
            f"Tiến độ yêu cầu: {progress['expected_share'] * 100:.1f}% thời gian của kỳ kế hoạch đã trôi qua.",
            "“Chưa có số liệu”: chỉ tiêu chưa được tổng hợp tự động.",
        ],
        file_stem=f"tien-do-ke-hoach-{progress['plan_id']}-{progress['as_of']}",
    )


def _progress_cells(entry: dict[str, Any]) -> list[Any]:
    achieved = entry["achieved"]
    if achieved is None:
        return [entry["target"], "", "", round(entry["expected_share"] * 100, 1), "Chưa có số liệu"]
    verdict = "Chậm tiến độ" if entry["behind_schedule"] else "Đạt tiến độ"
    return [
        entry["target"],
        achieved,
        round(entry["progress"] * 100, 1),
        round(entry["expected_share"] * 100, 1),
        verdict,
    ]
