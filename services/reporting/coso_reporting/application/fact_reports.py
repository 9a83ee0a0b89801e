"""The reports made of the fact projection, each for an authority's subtree, a period and a day.

- `organizations`: party and mass organizations founded and ended in the period, by kind;
- `coverage`: operating enterprises on the day with a trade union, a party organization,
  members but no organization, enough official members to found one; by unit, size band,
  ownership and industrial zone;
- `members`: party members on the day by status, job category and the enterprise's
  ownership, with those admitted and those who left in the period;
- `ratings`: a year's quality ratings of organizations and members;
- `pipeline`: candidates per stage on the day, and deadlines overdue or due within N days
  (the earliest listed by candidate id and display reference, never personal data).

The pipeline and organizations reports read counts grouped by their axes, restricted to the
authorities the subtree holds on the day (`Tree.held_within`), never record by record.

Each uses the hierarchy of the day (`AuthorityTrees.as_of`), so a report as of a past day
shows the units of that day, and today's counts the records of merged or dissolved units
under their successor. Every report has the same shape: heading fields and `sections`,
each a table with `columns` (key, label), `rows` (key, label, values) and `totals` — which
is what the exports and the dashboard render.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from coso_reporting.application.fact_ports import FactQueries
from coso_reporting.application.ports import AuthorityTrees
from coso_reporting.application.state_cache import StateCache
from coso_reporting.domain import fact_labels as labels
from coso_reporting.domain.coverage import DEFAULT_MINIMUM_OFFICIAL_MEMBERS, MEASURES, SizeBands
from coso_reporting.domain.errors import InvalidReportRequest, UnknownAuthority
from coso_reporting.domain.fact_records import ACTIVE_STATUSES, LEFT_STATUSES
from coso_reporting.domain.indicators import JOB_CATEGORY_LABELS
from coso_reporting.domain.pipeline import STAGE_GROUPS
from coso_reporting.domain.rollup import roll_up
from coso_reporting.domain.tree import Tree

REPORTS: dict[str, str] = {
    "organizations": "Tổ chức đảng, tổ chức chính trị - xã hội được thành lập, giải thể",
    "coverage": "Doanh nghiệp có tổ chức đảng, công đoàn, đảng viên",
    "members": "Cơ cấu đảng viên trong doanh nghiệp",
    "ratings": "Kết quả đánh giá, xếp loại chất lượng",
    "pipeline": "Tình hình phát triển đảng viên và thời hạn",
}

# The options each report takes besides the authority, the period and the day.
REPORT_OPTIONS: dict[str, tuple[str, ...]] = {"ratings": ("year",), "pipeline": ("within_days",)}

DEFAULT_DUE_WITHIN_DAYS = 14
DEFAULT_LISTED_DEADLINES = 500
DEFAULT_EXCELLENT_SHARE = 0.2


@dataclass(frozen=True)
class FactReportSettings:
    """Configuration (options.fact_reports): size bands, official members needed to found an
    organization, the look-ahead of "due soon", the largest share of excellent ratings, how
    many overdue and near deadlines the pipeline report lists (the earliest; it counts all)."""

    size_bands: SizeBands = field(default_factory=SizeBands)
    minimum_official_members: int = DEFAULT_MINIMUM_OFFICIAL_MEMBERS
    due_within_days: int = DEFAULT_DUE_WITHIN_DAYS
    excellent_share: float = DEFAULT_EXCELLENT_SHARE
    listed_deadlines: int = DEFAULT_LISTED_DEADLINES


@dataclass(frozen=True)
class ReportRequest:
    authority_id: str
    start: date
    end: date
    as_of: date


def _columns(labelled: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"key": k, "label": v} for k, v in labelled.items()]


def _section(
    key: str,
    title: str,
    columns: Mapping[str, str],
    rows: list[dict[str, Any]],
    totals: Mapping[str, Any] | None,
    row_label: str = "Đơn vị",
) -> dict[str, Any]:
    return {
        "key": key,
        "title": title,
        "row_label": row_label,
        "columns": _columns(columns),
        "rows": rows,
        "totals": dict(totals) if totals is not None else None,
    }


def _by_key(
    keyed: Iterable[tuple[str, Mapping[str, int]]], row_labels: Mapping[str, str], columns: Sequence[str]
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Values summed by a key of the report's own (size band, ownership …), every labelled key listed."""
    sums = {key: dict.fromkeys(columns, 0) for key in row_labels}
    totals = dict.fromkeys(columns, 0)
    for key, values in keyed:
        row = sums.setdefault(key, dict.fromkeys(columns, 0))
        for column, value in values.items():
            if column in totals:
                row[column] += value
                totals[column] += value
    return [{"key": k, "label": row_labels.get(k, k), "values": v} for k, v in sums.items()], totals


class FactReports:
    def __init__(
        self,
        facts: FactQueries,
        trees: AuthorityTrees,
        settings: FactReportSettings | None = None,
        cache: StateCache[dict[str, Any]] | None = None,
    ) -> None:
        self._facts = facts
        self._trees = trees
        self._settings = settings or FactReportSettings()
        self._cache = cache

    def report(
        self, name: str, authority_id: str, start: date, end: date, as_of: date | None, **options: Any
    ) -> dict[str, Any]:
        """The report called `name` (one of REPORTS); from the cache when one is given and the
        projection has not moved since the same report was made."""
        makers: dict[str, Callable[..., dict[str, Any]]] = {
            "organizations": self.organizations,
            "coverage": self.coverage,
            "members": self.members,
            "ratings": self.ratings,
            "pipeline": self.pipeline,
        }
        maker = makers.get(name)
        if maker is None:
            raise InvalidReportRequest(
                f"report must be one of {', '.join(makers)}, not {name!r}", field="report", rule="one_of"
            )
        unknown = sorted(set(options) - {option for own in REPORT_OPTIONS.values() for option in own})
        if unknown:
            raise InvalidReportRequest(f"unknown report option {unknown[0]!r}", field=unknown[0], rule="known_option")
        # An option of another report (the dashboard sends the same query to each) is ignored.
        own = {key: value for key, value in options.items() if key in REPORT_OPTIONS.get(name, ())}
        if self._cache is None:
            return maker(authority_id, start, end, as_of, **own)
        request = (name, authority_id, start, end, as_of, tuple(sorted(own.items())))
        return self._cache.get(request, lambda: maker(authority_id, start, end, as_of, **own))

    # --- a. organizations founded and ended ------------------------------------------------
    def organizations(self, authority_id: str, start: date, end: date, as_of: date | None = None) -> dict[str, Any]:
        request, tree = self._request(authority_id, start, end, as_of)
        party_columns = {
            **{f"founded_{k}": f"Thành lập: {v}" for k, v in labels.ORGANIZATION_KINDS.items()},
            "founded": "Tổng số thành lập",
            "dissolved": "Giải thể",
            "merged": "Hợp nhất vào tổ chức khác",
            "existing": f"Hiện có (ngày {_short(request.as_of)})",
        }
        held = tree.held_within(authority_id)
        party: list[tuple[str, dict[str, int]]] = []
        for o in self._facts.organization_groups(start, end, request.as_of, held):
            values = {
                "founded": o.founded,
                f"founded_{o.kind}": o.founded,
                "dissolved": o.dissolved,
                "merged": o.merged,
                "existing": o.existing,
            }
            party.append((o.authority_id, values))
        mass_columns = {
            **{f"founded_{k}": f"Thành lập: {v}" for k, v in labels.MASS_ORGANIZATION_KINDS.items()},
            "dissolved": "Giải thể",
            "existing_trade_union": f"Công đoàn cơ sở hiện có (ngày {_short(request.as_of)})",
        }
        mass: list[tuple[str, dict[str, int]]] = []
        for m in self._facts.mass_organization_groups(start, end, request.as_of, held):
            values = {f"founded_{m.kind}": m.founded, "dissolved": m.dissolved}
            if m.kind == "trade_union":
                values["existing_trade_union"] = m.existing
            mass.append((m.authority_id, values))
        party_rows, party_totals = roll_up(tree, authority_id, party, list(party_columns))
        mass_rows, mass_totals = roll_up(tree, authority_id, mass, list(mass_columns))
        return self._report(
            "organizations",
            request,
            tree,
            [
                _section("party", "Tổ chức cơ sở đảng", party_columns, party_rows, party_totals),
                _section("mass", "Tổ chức chính trị - xã hội", mass_columns, mass_rows, mass_totals),
            ],
        )

    # --- b. coverage -------------------------------------------------------------------------
    def coverage(self, authority_id: str, start: date, end: date, as_of: date | None = None) -> dict[str, Any]:
        request, tree = self._request(authority_id, start, end, as_of)
        bands = self._settings.size_bands
        minimum = self._settings.minimum_official_members
        counts = self._facts.coverage_counts(request.as_of, bands, minimum, tree.held_within(authority_id))
        measures = {
            **labels.COVERAGE_MEASURES,
            "enough_members_without_organization": f"Có từ {minimum} đảng viên chính thức, chưa có tổ chức đảng",
        }
        columns = list(MEASURES)
        unit_rows, totals = roll_up(tree, authority_id, counts.units.items(), columns)
        band_rows, _ = _by_key(counts.size_bands.items(), bands.labels(), columns)
        ownership_rows, _ = _by_key(
            [(ownership or "unknown", values) for ownership, values in counts.ownership.items()],
            labels.OWNERSHIP,
            columns,
        )
        zones = sorted(z for z in counts.industrial_zones if z is not None)
        zone_labels = {**{z: tree.name(z) for z in zones}, "none": labels.NO_ZONE}
        zone_rows, _ = _by_key(
            [(zone or "none", values) for zone, values in counts.industrial_zones.items()], zone_labels, columns
        )
        return self._report(
            "coverage",
            request,
            tree,
            [
                _section("units", "Theo đơn vị", measures, unit_rows, totals),
                _section("size_bands", "Theo quy mô lao động", measures, band_rows, totals, "Quy mô"),
                _section("ownership", "Theo loại hình doanh nghiệp", measures, ownership_rows, totals, "Loại hình"),
                _section("industrial_zones", "Theo khu công nghiệp", measures, zone_rows, totals, "Khu công nghiệp"),
            ],
            notes=[
                "Doanh nghiệp đang hoạt động (kể cả tạm ngừng kinh doanh) tại ngày báo cáo; "
                "số lao động theo lần cập nhật gần nhất.",
            ],
        )

    # --- c. member composition ---------------------------------------------------------------
    def members(self, authority_id: str, start: date, end: date, as_of: date | None = None) -> dict[str, Any]:
        request, tree = self._request(authority_id, start, end, as_of)
        day = request.as_of
        unit_columns = {
            "members": "Tổng số đảng viên",
            "probationary": labels.MEMBER_STATUSES["probationary"],
            "official": labels.MEMBER_STATUSES["official"],
            "production_worker": JOB_CATEGORY_LABELS["production_worker"],
            "owner": "Chủ doanh nghiệp là đảng viên",
            "admitted": "Kết nạp trong kỳ",
            "left": "Giảm trong kỳ",
        }
        counts = self._facts.member_counts(day, start, end, tree.held_within(authority_id))
        by_unit = list(counts.units.items())
        statuses = dict.fromkeys([*ACTIVE_STATUSES, *LEFT_STATUSES], 0)
        for unit in counts.units.values():
            for status in statuses:
                statuses[status] += unit[status if status in ACTIVE_STATUSES else f"left_{status}"]
        by_status = [(status, {"members": n}) for status, n in statuses.items() if n]
        by_job: list[tuple[str, dict[str, int]]] = []
        by_ownership: list[tuple[str, dict[str, int]]] = []
        for group in counts.compositions:
            n = group.count
            values = {"members": n, group.status or "": n}
            if group.job_category in ("production_worker", "owner"):
                values[group.job_category] = n
            by_job.append((group.job_category or "other", values))
            by_ownership.append((group.ownership or "unknown", values))
        composition = ["members", "probationary", "official", "production_worker", "owner"]
        unit_rows, totals = roll_up(tree, authority_id, by_unit, list(unit_columns))
        job_rows, job_totals = _by_key(by_job, JOB_CATEGORY_LABELS, composition)
        ownership_rows, ownership_totals = _by_key(by_ownership, labels.OWNERSHIP, composition)
        status_rows, _ = _by_key(by_status, labels.MEMBER_STATUSES, ["members"])
        composition_columns = {k: unit_columns[k] for k in composition}
        return self._report(
            "members",
            request,
            tree,
            [
                _section("units", "Theo đơn vị", unit_columns, unit_rows, totals),
                _section(
                    "job_categories", "Theo nghề nghiệp", composition_columns, job_rows, job_totals, "Nghề nghiệp"
                ),
                _section(
                    "ownership",
                    "Theo loại hình doanh nghiệp",
                    composition_columns,
                    ownership_rows,
                    ownership_totals,
                    "Loại hình",
                ),
                _section("statuses", "Theo tình trạng", {"members": "Số đảng viên"}, status_rows, None, "Tình trạng"),
            ],
            notes=[
                f"Đảng viên dự bị, chính thức tại ngày {_short(day)}; chuyển đi, từ trần, xóa tên: "
                f"trong kỳ từ {_short(start)} đến {_short(end)}.",
            ],
        )

    # --- d. quality ratings ------------------------------------------------------------------
    def ratings(
        self, authority_id: str, start: date, end: date, as_of: date | None = None, year: int | None = None
    ) -> dict[str, Any]:
        request, tree = self._request(authority_id, start, end, as_of)
        rated_year = year if year is not None else end.year
        columns = {**labels.QUALITY_LEVELS, "rated": "Tổng số được xếp loại"}
        organization_rows, organization_totals = roll_up(
            tree,
            authority_id,
            [(a, {level: 1, "rated": 1}) for a, level in self._facts.organization_ratings(rated_year)],
            list(columns),
        )
        member_rows, member_totals = roll_up(
            tree,
            authority_id,
            [(a, {rating: 1, "rated": 1}) for a, rating in self._facts.member_ratings(rated_year)],
            list(columns),
        )
        notes = [f"Kết quả đánh giá, xếp loại chất lượng năm {rated_year}."]
        rated = organization_totals["rated"]
        if rated:
            share = organization_totals["excellent"] / rated
            notes.append(
                f"Tỷ lệ tổ chức đảng hoàn thành xuất sắc nhiệm vụ: {share * 100:.1f}% "
                f"(tối đa {self._settings.excellent_share * 100:.0f}%)"
                + (" — vượt tỷ lệ cho phép." if share > self._settings.excellent_share else ".")
            )
        report = self._report(
            "ratings",
            request,
            tree,
            [
                _section(
                    "organizations", "Xếp loại tổ chức cơ sở đảng", columns, organization_rows, organization_totals
                ),
                _section("members", "Xếp loại đảng viên", columns, member_rows, member_totals),
            ],
            notes=notes,
        )
        report["year"] = rated_year
        return report

    # --- e. pipeline and deadlines --------------------------------------------------------------
    def pipeline(
        self, authority_id: str, start: date, end: date, as_of: date | None = None, within_days: int | None = None
    ) -> dict[str, Any]:
        request, tree = self._request(authority_id, start, end, as_of)
        day = request.as_of
        days = self._settings.due_within_days if within_days is None else within_days
        if days < 0:
            raise InvalidReportRequest(
                f"within_days must not be negative, not {days}", field="within_days", rule="not_negative"
            )
        held = tree.held_within(authority_id)
        limit = self._settings.listed_deadlines
        found = self._facts.candidate_pipeline(day, days, held, limit)
        unit_columns = {
            "before_application": "Chưa nộp hồ sơ",
            "in_progress": "Đang xét (đã nộp hồ sơ)",
            "decided": "Đã có quyết định, chưa kết nạp",
            "probationary": "Đảng viên dự bị",
            "recognised": "Đã công nhận chính thức",
            "ended": "Dừng (rút, không chấp thuận, xóa tên)",
            "overdue": "Quá hạn",
            "due_soon": f"Đến hạn trong {days} ngày",
        }
        by_unit: list[tuple[str, dict[str, int]]] = []
        stages: dict[str, int] = {}
        for counts in found.counts:
            values = {"overdue": counts.overdue, "due_soon": counts.due_soon}
            for stage, n in counts.stages.items():
                values[STAGE_GROUPS[stage]] = values.get(STAGE_GROUPS[stage], 0) + n
                stages[stage] = stages.get(stage, 0) + n
            by_unit.append((counts.authority_id, values))
        by_stage = [(stage, {"candidates": n}) for stage, n in stages.items()]
        unit_rows, totals = roll_up(tree, authority_id, by_unit, list(unit_columns))
        stage_rows, stage_totals = _by_key(by_stage, labels.STAGES, ["candidates"])

        def listed(deadlines: list[Any], late_column: bool) -> list[dict[str, Any]]:
            rows = []
            for d in sorted(deadlines, key=lambda d: (d.due, d.candidate_id, d.deadline)):
                holder = tree.holder(d.authority_id)
                rows.append(
                    {
                        "key": f"{d.candidate_id}:{d.deadline}",
                        "label": d.display_ref or d.candidate_id,
                        "values": {
                            "candidate_id": d.candidate_id,
                            "unit": tree.name(holder) if holder else d.authority_id,
                            "deadline": labels.DEADLINES[d.deadline],
                            "due": _short(d.due),
                            "days": d.days_late(day) if late_column else -d.days_late(day),
                        },
                    }
                )
            return rows

        list_columns = {
            "candidate_id": "Mã hồ sơ",
            "unit": "Đơn vị",
            "deadline": "Thời hạn",
            "due": "Hạn",
        }
        return self._report(
            "pipeline",
            request,
            tree,
            [
                _section("units", "Theo đơn vị", unit_columns, unit_rows, totals),
                _section("stages", "Theo bước", {"candidates": "Số quần chúng"}, stage_rows, stage_totals, "Bước"),
                _section(
                    "overdue",
                    "Thời hạn đã quá",
                    {**list_columns, "days": "Số ngày quá hạn"},
                    listed(found.overdue, True),
                    None,
                    "Hồ sơ",
                ),
                _section(
                    "due_soon",
                    f"Thời hạn đến trong {days} ngày",
                    {**list_columns, "days": "Còn (ngày)"},
                    listed(found.due_soon, False),
                    None,
                    "Hồ sơ",
                ),
            ],
            notes=[
                f"Tình hình tại ngày {_short(day)}; hồ sơ ghi theo mã, không có thông tin cá nhân.",
                *(
                    f"{title}: liệt kê {limit} hồ sơ có hạn sớm nhất trong số {totals[column]}."
                    for column, title in (("overdue", "Thời hạn đã quá"), ("due_soon", f"Đến hạn trong {days} ngày"))
                    if totals[column] > limit
                ),
            ],
        )

    # --- shared ----------------------------------------------------------------------------
    def _request(self, authority_id: str, start: date, end: date, as_of: date | None) -> tuple[ReportRequest, Tree]:
        if not authority_id:
            raise InvalidReportRequest("a report needs authority_id", field="authority_id", rule="required")
        if end < start:
            raise InvalidReportRequest(
                f"the period ends ({end}) before it starts ({start})", field="to", rule="not_before_from"
            )
        day = as_of or end
        tree = self._trees.as_of(day)
        if authority_id not in tree:
            raise UnknownAuthority(
                f"authority {authority_id!r} did not exist on {day.isoformat()}", field="authority_id", rule="exists"
            )
        return ReportRequest(authority_id, start, end, day), tree

    def _report(
        self, name: str, request: ReportRequest, tree: Tree, sections: list[dict[str, Any]], notes: Sequence[str] = ()
    ) -> dict[str, Any]:
        parent = tree.parent(request.authority_id)
        return {
            "report": name,
            "title": REPORTS[name],
            "authority_id": request.authority_id,
            "authority_name": tree.name(request.authority_id),
            "superior_name": tree.name(parent) if parent else None,
            "period_start": request.start.isoformat(),
            "period_end": request.end.isoformat(),
            "as_of": request.as_of.isoformat(),
            "sections": sections,
            "notes": list(notes),
        }


def _short(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"
