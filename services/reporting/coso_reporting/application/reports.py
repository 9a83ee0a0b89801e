"""The indicator report of an authority for a period: one row per direct subordinate
(each rolled up over its subtree) and one for the authority's own units, with totals.

Columns: enterprises registered and candidates proposed within the period, and the
cumulative totals (*lũy kế*) up to the period's end. The hierarchy is today's parent
links; when the registry's effective-dated hierarchy lands, "the tree of that day" is
the `authorities()` port answering for a date.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from coso_reporting.application.ports import IndicatorHistory, IndicatorQueries
from coso_reporting.domain.errors import InvalidReportRequest, UnknownAuthority
from coso_reporting.domain.hierarchy import buckets_under, subordinates, sum_by_bucket
from coso_reporting.domain.indicators import JOB_CATEGORY_LABELS, LABELS, SOURCE_CHANNEL_LABELS, Counts

EARLIEST = date(1900, 1, 1)
COLUMNS = ("enterprises", "candidates_proposed")


class Reports:
    def __init__(self, indicators: IndicatorQueries, history: IndicatorHistory) -> None:
        self._indicators = indicators
        self._history = history

    def indicator_report(self, authority_id: str, start: date, end: date) -> dict[str, Any]:
        if end < start:
            raise InvalidReportRequest(
                f"the period ends ({end}) before it starts ({start})", field="to", rule="not_before_from"
            )
        authorities = [a for a in self._indicators.authorities() if a.known]
        by_id = {a.authority_id: a for a in authorities}
        found = by_id.get(authority_id)
        if found is None:
            raise UnknownAuthority(f"authority {authority_id!r} has no indicators", field="authority_id", rule="exists")
        buckets = buckets_under(authorities, authority_id)
        in_period, period_total = sum_by_bucket(self._history.counts_between(start, end), buckets)
        cumulative, cumulative_total = sum_by_bucket(self._history.counts_between(EARLIEST, end), buckets)
        own_period = in_period.pop(authority_id, Counts())
        own_cumulative = cumulative.pop(authority_id, Counts())
        rows = [
            _row(c, by_id[c].name or c, in_period.get(c, Counts()), cumulative.get(c, Counts()))
            for c in subordinates(authorities).get(authority_id, [])
        ]
        if not own_period.is_zero or not own_cumulative.is_zero or not rows:
            rows.append(_row(authority_id, "Trực thuộc trực tiếp", own_period, own_cumulative))
        parent = by_id.get(found.parent_id) if found.parent_id else None
        return {
            "authority_id": authority_id,
            "authority_name": found.name or authority_id,
            "superior_name": parent.name if parent else None,
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
            "indicators": dict(LABELS),
            "rows": rows,
            "totals": {"in_period": period_total.as_dict(), "cumulative": cumulative_total.as_dict()},
        }

    def trend(self, authority_id: str, start: date, end: date) -> dict[str, Any]:
        """Month by month counts over the authority's subtree (the dashboard's trend chart)."""
        known = [a for a in self._indicators.authorities() if a.known]
        subtree = buckets_under(known, authority_id).keys()
        by_month = self._history.monthly(start, end, None if len(subtree) == len(known) else subtree)
        series = [{"month": m, **by_month.get(m, Counts()).as_dict()} for m in _months(start, end)]
        return {"authority_id": authority_id, "months": series}

    def admissions(self, authority_id: str, start: date, end: date) -> dict[str, Any]:
        """Candidates proposed in the period over the authority's subtree: source channel × job category."""
        if end < start:
            raise InvalidReportRequest(
                f"the period ends ({end}) before it starts ({start})", field="to", rule="not_before_from"
            )
        known = [a for a in self._indicators.authorities() if a.known]
        if authority_id not in {a.authority_id for a in known}:
            raise UnknownAuthority(f"authority {authority_id!r} has no indicators", field="authority_id", rule="exists")
        subtree = buckets_under(known, authority_id).keys()
        counts = self._history.candidates_by_kind(start, end, None if len(subtree) == len(known) else subtree)
        rows = [
            {
                "source_channel": channel,
                "label": label,
                "by_job_category": {job: counts.get((channel, job), 0) for job in JOB_CATEGORY_LABELS},
                "total": sum(counts.get((channel, job), 0) for job in JOB_CATEGORY_LABELS),
            }
            for channel, label in SOURCE_CHANNEL_LABELS.items()
        ]
        return {
            "authority_id": authority_id,
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
            "job_categories": dict(JOB_CATEGORY_LABELS),
            "rows": rows,
            "totals": {job: sum(counts.get((c, job), 0) for c in SOURCE_CHANNEL_LABELS) for job in JOB_CATEGORY_LABELS},
            "total": sum(counts.get((c, j), 0) for c in SOURCE_CHANNEL_LABELS for j in JOB_CATEGORY_LABELS),
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
