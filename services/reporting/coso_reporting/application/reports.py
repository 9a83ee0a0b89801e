"""The indicator report of an authority for a period: one row per direct subordinate
(each rolled up over its subtree) and one for the authority's own units, with totals.

Columns: enterprises registered and candidates proposed within the period, and the
cumulative totals (*lũy kế*) up to the period's end.

Every report is drawn on the hierarchy of one day, `as_of` (default: today): its rows
are that day's subordinates under that day's names, and records of units that had ended
by then count under their successor. So by default a past period is shown in today's
units, comparable with the current one, with the history of merged communes under the
commune that succeeded them; `as_of` set to the period's end shows it as it stood then.
Records of units that did not exist yet on `as_of`, or ended without a successor, have
no holder that day and are left out.

Each report reads the counts of the authorities its subtree holds that day only
(`Tree.held_within`): its units and the ended units they succeeded; a count filed under an
authority nobody holds (one counted before its registration arrived) is in no report.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from coso_reporting.application.ports import AuthorityTrees, IndicatorHistory
from coso_reporting.domain.errors import InvalidReportRequest, UnknownAuthority
from coso_reporting.domain.indicators import JOB_CATEGORY_LABELS, LABELS, SOURCE_CHANNEL_LABELS, Counts
from coso_reporting.domain.tree import Tree

EARLIEST = date(1900, 1, 1)
COLUMNS = ("enterprises", "candidates_proposed")


class Reports:
    def __init__(
        self,
        history: IndicatorHistory,
        trees: AuthorityTrees,
        today: Callable[[], date] = date.today,
    ) -> None:
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
        buckets = tree.buckets_under(authority_id, tree.held_within(authority_id))
        in_period = self._history.counts_by_bucket(start, end, buckets)
        cumulative = self._history.counts_by_bucket(EARLIEST, end, buckets)
        period_total, cumulative_total = sum(in_period.values(), Counts()), sum(cumulative.values(), Counts())
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
        by_month = self._history.monthly(start, end, tree.held_within(authority_id))
        series = [{"month": m, **by_month.get(m, Counts()).as_dict()} for m in _months(start, end)]
        return {"authority_id": authority_id, "as_of": tree.day.isoformat(), "months": series}

    def admissions(self, authority_id: str, start: date, end: date, as_of: date | None = None) -> dict[str, Any]:
        """Candidates proposed in the period over the authority's subtree: source channel × job
        category, and per direct subordinate (each over its subtree) by channel and by category."""
        _check_period(start, end)
        tree = self.tree(authority_id, as_of)
        buckets = tree.buckets_under(authority_id, tree.held_within(authority_id))
        by_bucket_and_kind = self._history.candidates_by_bucket_and_kind(start, end, buckets)
        counts: dict[tuple[str, str], int] = {}
        by_bucket: dict[str, dict[tuple[str, str], int]] = {}
        for (bucket, channel, job), n in by_bucket_and_kind.items():
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
