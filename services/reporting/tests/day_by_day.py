"""The indicator report, the trend and the admissions report as they were made before the
monthly and yearly counts (revision p0013): sums over `reporting_daily_indicators` and
`reporting_daily_candidates` of every day of a period, restricted to the authorities the
report's subtree holds among those recorded (none filtered when it holds them all). Kept
unchanged as the reference the reports are compared with
(tests/integration/test_indicator_report_equivalence.py).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date
from typing import Any

from sqlalchemy import Engine, func, select

from coso_reporting.adapters.queries import SqlIndicatorQueries
from coso_reporting.adapters.tables import LIVE
from coso_reporting.adapters.trees import SqlAuthorityTrees
from coso_reporting.domain.errors import InvalidReportRequest, UnknownAuthority
from coso_reporting.domain.hierarchy import sum_by_bucket
from coso_reporting.domain.indicators import JOB_CATEGORY_LABELS, LABELS, SOURCE_CHANNEL_LABELS, Counts
from coso_reporting.domain.tree import Tree

EARLIEST = date(1900, 1, 1)


class DayByDayHistory:
    """Sums over `reporting_daily_indicators` (ISO day strings compare as dates), every day of a period."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def counts_between(self, start: date, end: date, authorities: Collection[str] | None = None) -> dict[str, Counts]:
        d = LIVE.daily_indicators
        query = (
            select(d.c.authority_id, func.sum(d.c.enterprises), func.sum(d.c.candidates_proposed))
            .where(d.c.day >= start.isoformat(), d.c.day <= end.isoformat())
            .group_by(d.c.authority_id)
        )
        if authorities is not None:
            query = query.where(d.c.authority_id.in_(sorted(authorities)))
        with self._engine.connect() as connection:
            return {a: Counts(int(e or 0), int(c or 0)) for a, e, c in connection.execute(query)}

    def monthly(self, start: date, end: date, authorities: Collection[str] | None = None) -> dict[str, Counts]:
        d = LIVE.daily_indicators
        month = func.substr(d.c.day, 1, 7)
        query = (
            select(month, func.sum(d.c.enterprises), func.sum(d.c.candidates_proposed))
            .where(d.c.day >= start.isoformat(), d.c.day <= end.isoformat())
            .group_by(month)
        )
        if authorities is not None:
            query = query.where(d.c.authority_id.in_(sorted(authorities)))
        with self._engine.connect() as connection:
            return {m: Counts(int(e or 0), int(c or 0)) for m, e, c in connection.execute(query)}

    def candidates_by_authority_and_kind(
        self, start: date, end: date, authorities: Collection[str] | None = None
    ) -> dict[tuple[str, str, str], int]:
        k = LIVE.daily_candidates
        query = (
            select(k.c.authority_id, k.c.source_channel, k.c.job_category, func.sum(k.c.candidates))
            .where(k.c.day >= start.isoformat(), k.c.day <= end.isoformat())
            .group_by(k.c.authority_id, k.c.source_channel, k.c.job_category)
        )
        if authorities is not None:
            query = query.where(k.c.authority_id.in_(sorted(authorities)))
        with self._engine.connect() as connection:
            return {(a, c, j): int(n or 0) for a, c, j, n in connection.execute(query) if n}


class DayByDayReports:
    def __init__(
        self,
        indicators: SqlIndicatorQueries,
        history: DayByDayHistory,
        trees: SqlAuthorityTrees,
        today: Callable[[], date] = date.today,
    ) -> None:
        self._indicators = indicators
        self._history = history
        self._trees = trees
        self._today = today

    def tree(self, authority_id: str, as_of: date | None) -> Tree:
        """The hierarchy of `as_of` (default today); UnknownAuthority if `authority_id` is not in it."""
        day = as_of or self._today()
        tree = self._trees.as_of(day)
        if authority_id not in tree:
            raise UnknownAuthority(
                f"authority {authority_id!r} did not exist on {day.isoformat()} (as_of)",
                field="authority_id",
                rule="exists",
            )
        return tree

    def indicator_report(self, authority_id: str, start: date, end: date, as_of: date | None = None) -> dict[str, Any]:
        _check_period(start, end)
        tree = self.tree(authority_id, as_of)
        held = self._recorded_under(tree, authority_id)
        in_period_by_authority = self._history.counts_between(start, end, held)
        cumulative_by_authority = self._history.counts_between(EARLIEST, end, held)
        buckets = tree.buckets_under(authority_id, in_period_by_authority.keys() | cumulative_by_authority.keys())
        in_period, period_total = sum_by_bucket(in_period_by_authority, buckets)
        cumulative, cumulative_total = sum_by_bucket(cumulative_by_authority, buckets)
        own_period = in_period.pop(authority_id, Counts())
        own_cumulative = cumulative.pop(authority_id, Counts())
        rows = [
            _row(c, tree.name(c), in_period.get(c, Counts()), cumulative.get(c, Counts()))
            for c in tree.children(authority_id)
        ]
        if not own_period.is_zero or not own_cumulative.is_zero or not rows:
            rows.append(_row(authority_id, "Trực thuộc trực tiếp", own_period, own_cumulative))
        parent = tree.parent(authority_id)
        return {
            "authority_id": authority_id,
            "authority_name": tree.name(authority_id),
            "superior_name": tree.name(parent) if parent else None,
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
            "as_of": tree.day.isoformat(),
            "indicators": dict(LABELS),
            "rows": rows,
            "totals": {"in_period": period_total.as_dict(), "cumulative": cumulative_total.as_dict()},
        }

    def trend(self, authority_id: str, start: date, end: date, as_of: date | None = None) -> dict[str, Any]:
        """Month by month counts over the authority's subtree (the dashboard's trend chart)."""
        tree = self.tree(authority_id, as_of)
        by_month = self._history.monthly(start, end, self._recorded_under(tree, authority_id))
        series = [{"month": m, **by_month.get(m, Counts()).as_dict()} for m in _months(start, end)]
        return {"authority_id": authority_id, "as_of": tree.day.isoformat(), "months": series}

    def admissions(self, authority_id: str, start: date, end: date, as_of: date | None = None) -> dict[str, Any]:
        """Candidates proposed in the period over the authority's subtree: source channel × job
        category, and per direct subordinate (each over its subtree) by channel and by category."""
        _check_period(start, end)
        tree = self.tree(authority_id, as_of)
        recorded = self._history.candidates_by_authority_and_kind(start, end, self._recorded_under(tree, authority_id))
        buckets = tree.buckets_under(authority_id, {a for a, _, _ in recorded})
        counts: dict[tuple[str, str], int] = {}
        by_bucket: dict[str, dict[tuple[str, str], int]] = {}
        for (authority, channel, job), n in recorded.items():
            bucket = buckets.get(authority)
            if bucket is None:
                continue
            counts[channel, job] = counts.get((channel, job), 0) + n
            mine = by_bucket.setdefault(bucket, {})
            mine[channel, job] = mine.get((channel, job), 0) + n
        rows = [
            {
                "source_channel": channel,
                "label": label,
                "by_job_category": {job: counts.get((channel, job), 0) for job in JOB_CATEGORY_LABELS},
                "total": sum(counts.get((channel, job), 0) for job in JOB_CATEGORY_LABELS),
            }
            for channel, label in SOURCE_CHANNEL_LABELS.items()
        ]
        units = [(c, tree.name(c)) for c in tree.children(authority_id)]
        if by_bucket.get(authority_id) or not units:
            units.append((authority_id, "Trực thuộc trực tiếp"))
        parent = tree.parent(authority_id)
        return {
            "authority_id": authority_id,
            "authority_name": tree.name(authority_id),
            "superior_name": tree.name(parent) if parent else None,
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
            "as_of": tree.day.isoformat(),
            "source_channels": dict(SOURCE_CHANNEL_LABELS),
            "job_categories": dict(JOB_CATEGORY_LABELS),
            "rows": rows,
            "subordinates": [_admissions_of(unit, name, by_bucket.get(unit, {})) for unit, name in units],
            "totals": {job: sum(counts.get((c, job), 0) for c in SOURCE_CHANNEL_LABELS) for job in JOB_CATEGORY_LABELS},
            "total": sum(counts.values()),
        }

    def _recorded_under(self, tree: Tree, authority_id: str) -> set[str] | None:
        """The authorities whose records the subtree holds that day (None: every one, no filter)."""
        recorded = [a.authority_id for a in self._indicators.authorities()]
        held = tree.buckets_under(authority_id, recorded).keys()
        return None if len(held) == len(recorded) else set(held)


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise InvalidReportRequest(
            f"the period ends ({end}) before it starts ({start})", field="to", rule="not_before_from"
        )


def _admissions_of(authority_id: str, name: str, counts: dict[tuple[str, str], int]) -> dict[str, Any]:
    return {
        "authority_id": authority_id,
        "name": name,
        "by_source_channel": {c: sum(n for (ch, _), n in counts.items() if ch == c) for c in SOURCE_CHANNEL_LABELS},
        "by_job_category": {j: sum(n for (_, jb), n in counts.items() if jb == j) for j in JOB_CATEGORY_LABELS},
        "total": sum(counts.values()),
    }


def _row(authority_id: str, name: str, in_period: Counts, cumulative: Counts) -> dict[str, Any]:
    return {
        "authority_id": authority_id,
        "name": name,
        "in_period": in_period.as_dict(),
        "cumulative": cumulative.as_dict(),
    }


def _months(start: date, end: date) -> list[str]:
    """Every month `YYYY-MM` from `start`'s to `end`'s, so the trend has no gaps."""
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
