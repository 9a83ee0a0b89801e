"""SQL adapters of the plans: the unit of work over reporting's event store (with the
`reporting_plans` list kept inline), the plans' list query, and the dated history queries.

`reporting_plans` is not part of the projection's tables: a rebuild leaves it alone,
since plans are reporting's own events, not a projection of other services'.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping
from datetime import date
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Date,
    Engine,
    MetaData,
    Select,
    String,
    Subquery,
    Table,
    func,
    insert,
    select,
    text,
    true,
    union_all,
)

from coso_backbone.contracts import EventContract
from coso_backbone.contracts.reporting import (
    PlanAdopted,
    PlanBackOnSchedule,
    PlanBehindSchedule,
    PlanCheckpointEvaluated,
    TargetSet,
    TargetSplit,
)
from coso_backbone.unit_of_work import SqlUnitOfWork, row
from coso_reporting.adapters.tables import LIVE
from coso_reporting.domain.calendar_spans import CalendarSpans, calendar_spans
from coso_reporting.domain.indicators import Counts

Piece = tuple[Select[Any], Table]  # a select over one table of counts, and that table

# Up to this many authorities a sum names them in its statement (a province's 130 at the
# bench's scale); more (a nation's 4,400) go as one JSON document (`_listed`).
NAMED_AUTHORITIES_AT_MOST = 1_000
LEFT_OUT_AT_MOST = 1_000  # likewise the recorded authorities a sum of many leaves out

metadata = MetaData()

plans = Table(
    "reporting_plans",
    metadata,
    Column("plan_id", String(100), primary_key=True),
    Column("authority_id", String(100), nullable=False),
    Column("title", String(500), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("adopted_on", Date, nullable=False),
)

PLAN_EVENTS: dict[str, type[EventContract]] = {
    "PlanAdopted": PlanAdopted,
    "TargetSet": TargetSet,
    "TargetSplit": TargetSplit,
    "PlanBehindSchedule": PlanBehindSchedule,
    "PlanBackOnSchedule": PlanBackOnSchedule,
    "PlanCheckpointEvaluated": PlanCheckpointEvaluated,
}


class SqlPlanUnitOfWork(SqlUnitOfWork):
    service = "reporting"

    def plan_events(self, stream_id: str) -> list[EventContract]:
        return [PLAN_EVENTS[e.event_type].model_validate(e.data) for e in self.read_stream(stream_id)]

    def apply(self, event: EventContract) -> None:
        if isinstance(event, PlanAdopted):
            self.connection.execute(insert(plans).values(**event.model_dump()))


class SqlPlanQueries:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def plans(self, authority_id: str | None) -> list[dict[str, Any]]:
        query = select(plans).order_by(plans.c.period_start.desc(), plans.c.plan_id)
        if authority_id is not None:
            query = query.where(plans.c.authority_id == authority_id)
        with self._engine.connect() as connection:
            return [row(r._mapping) for r in connection.execute(query)]


class SqlIndicatorHistory:
    """Sums of the dated history: the own counts over whole years, whole months and edge days
    (`reporting_yearly_indicators`, `_monthly_`, `_daily_`; domain/calendar_spans.py), and the
    proposed candidates by kind over days. ISO strings compare as the dates they name.

    The authorities a sum is restricted to are named in the statement when they are few
    (`authority_id IN (...)`, read through the tables' keys); when they are many, the
    recorded authorities left out are (none for a national report: no restriction), or if
    those are many too, the authorities go as one JSON document the database unnests once.
    The admissions report's buckets (each authority's direct subordinate) go that way too.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def counts_between(self, start: date, end: date, authorities: Collection[str] | None = None) -> dict[str, Counts]:
        return self._summed(_own_count_pieces(calendar_spans(start, end), _authority), authorities)

    def monthly(self, start: date, end: date, authorities: Collection[str] | None = None) -> dict[str, Counts]:
        return self._summed(_own_count_pieces(calendar_spans(start, end, whole_years=False), _month), authorities)

    def counts_by_bucket(self, start: date, end: date, buckets: Mapping[str, str]) -> dict[str, Counts]:
        pieces = _own_count_pieces(calendar_spans(start, end), _authority)
        if not pieces or not buckets:
            return {}
        if len(buckets) <= NAMED_AUTHORITIES_AT_MOST:
            summed: dict[str, Counts] = {}
            for authority_id, counts in self._summed(pieces, buckets.keys()).items():
                summed[buckets[authority_id]] = summed.get(buckets[authority_id], Counts()) + counts
            return summed
        held = self._listed(buckets)
        # Materialized, the pieces' rows are read once and hashed against the document; as a
        # subquery, a lone piece was joined to it row by row (a nation's 4,400 index probes).
        rows = union_all(*(query for query, _ in pieces)).cte("pieces").prefix_with("MATERIALIZED")
        query = (
            select(held.c.bucket, func.sum(rows.c.enterprises), func.sum(rows.c.candidates_proposed))
            .select_from(rows.join(held, held.c.authority_id == rows.c.key))
            .group_by(held.c.bucket)
        )
        with self._engine.connect() as connection:
            return {bucket: Counts(int(e or 0), int(c or 0)) for bucket, e, c in connection.execute(query)}

    def _summed(self, pieces: list[Piece], authorities: Collection[str] | None) -> dict[str, Counts]:
        """The pieces' counts of `authorities` (None: all) summed per key."""
        if not pieces:
            return {}
        with self._engine.connect() as connection:
            among = self._among(connection, authorities)
            rows = union_all(*(query.where(among(table)) for query, table in pieces)).subquery("pieces")
            query = select(rows.c.key, func.sum(rows.c.enterprises), func.sum(rows.c.candidates_proposed))
            found = connection.execute(query.group_by(rows.c.key))
            return {key: Counts(int(e or 0), int(c or 0)) for key, e, c in found}

    def candidates_by_authority_and_kind(
        self, start: date, end: date, authorities: Collection[str] | None = None
    ) -> dict[tuple[str, str, str], int]:
        k = LIVE.daily_candidates
        query = (
            select(k.c.authority_id, k.c.source_channel, k.c.job_category, func.sum(k.c.candidates))
            .where(k.c.day >= start.isoformat(), k.c.day <= end.isoformat())
            .group_by(k.c.authority_id, k.c.source_channel, k.c.job_category)
        )
        with self._engine.connect() as connection:
            found = connection.execute(query.where(self._among(connection, authorities)(k)))
            return {(a, c, j): int(n or 0) for a, c, j, n in found if n}

    def candidates_by_bucket_and_kind(
        self, start: date, end: date, buckets: Mapping[str, str]
    ) -> dict[tuple[str, str, str], int]:
        k = LIVE.daily_candidates
        if not buckets:
            return {}
        if len(buckets) <= NAMED_AUTHORITIES_AT_MOST:
            by_authority = self.candidates_by_authority_and_kind(start, end, buckets.keys())
            summed: dict[tuple[str, str, str], int] = {}
            for (authority_id, channel, job), n in by_authority.items():
                key = (buckets[authority_id], channel, job)
                summed[key] = summed.get(key, 0) + n
            return {key: n for key, n in summed.items() if n}
        held = self._listed(buckets)
        query = (
            select(held.c.bucket, k.c.source_channel, k.c.job_category, func.sum(k.c.candidates))
            .select_from(k.join(held, held.c.authority_id == k.c.authority_id))
            .where(k.c.day >= start.isoformat(), k.c.day <= end.isoformat())
            .group_by(held.c.bucket, k.c.source_channel, k.c.job_category)
        )
        with self._engine.connect() as connection:
            return {(b, c, j): int(n or 0) for b, c, j, n in connection.execute(query) if n}

    def _among(
        self, connection: Connection, authorities: Collection[str] | None
    ) -> Callable[[Table], ColumnElement[bool]]:
        """The condition that keeps a table's rows of `authorities` (None: every row). Every
        row of the counts is an authority's of `reporting_authority_indicators` (a count
        is added there too), so many authorities are kept by leaving out the others
        recorded, none when there are none (a national report)."""
        if authorities is None:
            return lambda table: true()
        if len(authorities) <= NAMED_AUTHORITIES_AT_MOST:
            named = sorted(authorities)
            return lambda table: table.c.authority_id.in_(named)
        recorded = LIVE.authority_indicators.c.authority_id
        left_out = sorted({a for (a,) in connection.execute(select(recorded))} - set(authorities))
        if not left_out:
            return lambda table: true()
        if len(left_out) <= LEFT_OUT_AT_MOST:
            return lambda table: table.c.authority_id.not_in(left_out)
        listed = select(self._listed({a: a for a in authorities}).c.authority_id)
        return lambda table: table.c.authority_id.in_(listed)

    def _listed(self, buckets: Mapping[str, str]) -> Subquery:
        """The authorities and their buckets as one JSON object, unnested by the database."""
        postgres = self._engine.dialect.name == "postgresql"
        unnest = "json_each_text(CAST(:buckets AS json))" if postgres else "json_each(:buckets)"
        return (
            text(f"SELECT key AS authority_id, value AS bucket FROM {unnest}")
            .bindparams(buckets=json.dumps(dict(sorted(buckets.items()))))
            .columns(authority_id=String, bucket=String)
            .subquery("held")
        )


def _authority(table: Table) -> ColumnElement[str]:
    return table.c.authority_id


def _month(table: Table) -> ColumnElement[str]:
    """The month (`YYYY-MM`) of a row of the daily or monthly counts."""
    return func.substr(table.c.day, 1, 7) if "day" in table.c else table.c.month


def _own_count_pieces(spans: CalendarSpans, key: Callable[[Table], ColumnElement[str]]) -> list[Piece]:
    """One select per piece of the period (over the daily, monthly or yearly counts) of
    `key(table)`, the enterprises and the candidates proposed, each with the table it reads."""
    pieces: list[Piece] = []
    for table, column, ranges in (
        (LIVE.daily_indicators, "day", spans.days),
        (LIVE.monthly_indicators, "month", spans.months),
        (LIVE.yearly_indicators, "year", spans.years),
    ):
        for first, last in ranges:
            query = select(key(table).label("key"), table.c.enterprises, table.c.candidates_proposed).where(
                table.c[column].between(first, last)
            )
            pieces.append((query, table))
    return pieces
