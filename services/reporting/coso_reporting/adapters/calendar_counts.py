"""The own counts per authority and month, and per authority and year: the daily counts
summed, so that a period is summed over its whole years and months and its edge days
(domain/calendar_spans.py) instead of every day since 1900.

Kept with the daily counts: a live batch adds the same deltas to the day, its month and
its year (`calendar_deltas`, written by adapters/projection.py). A rebuild leaves them
while it loads, counts the daily counts at its end (adapters/indicator_counts.py) and sums
these once (`count_calendar`), as migration p0013 does from the stored ones.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Connection, delete, func, insert, select

from coso_reporting.adapters.tables import ProjectionTables
from coso_reporting.domain.indicators import Counts


def calendar_deltas(
    daily: Mapping[tuple[str, str], Counts],
) -> tuple[dict[tuple[str, str], Counts], dict[tuple[str, str], Counts]]:
    """The deltas per (authority, ISO day) summed per (authority, `YYYY-MM`) and per (authority, `YYYY`).
    Every month and year touched gets a delta, even a zero one, as its day does."""
    monthly: dict[tuple[str, str], Counts] = {}
    yearly: dict[tuple[str, str], Counts] = {}
    for (authority_id, day), delta in daily.items():
        month, year = (authority_id, day[:7]), (authority_id, day[:4])
        monthly[month] = monthly.get(month, Counts()) + delta
        yearly[year] = yearly.get(year, Counts()) + delta
    return monthly, yearly


def count_calendar(connection: Connection, tables: ProjectionTables) -> None:
    """Fill the monthly and yearly counts from the daily counts, replacing what they held."""
    daily, monthly, yearly = tables.daily_indicators, tables.monthly_indicators, tables.yearly_indicators
    for table in (monthly, yearly):
        connection.execute(delete(table))
    month = func.substr(daily.c.day, 1, 7)
    # Stored in the order of their months and years: a report reads its period's, which are
    # then on pages of their own (at `--scale 1` a national half year's 26,284 monthly counts
    # lay on all 1,929 of the table's pages in the order they were grouped).
    connection.execute(
        insert(monthly).from_select(
            ["authority_id", "month", "enterprises", "candidates_proposed"],
            select(daily.c.authority_id, month, func.sum(daily.c.enterprises), func.sum(daily.c.candidates_proposed))
            .group_by(daily.c.authority_id, month)
            .order_by(month),
        )
    )
    year = func.substr(monthly.c.month, 1, 4)
    connection.execute(
        insert(yearly).from_select(
            ["authority_id", "year", "enterprises", "candidates_proposed"],
            select(
                monthly.c.authority_id, year, func.sum(monthly.c.enterprises), func.sum(monthly.c.candidates_proposed)
            )
            .group_by(monthly.c.authority_id, year)
            .order_by(year),
        )
    )
