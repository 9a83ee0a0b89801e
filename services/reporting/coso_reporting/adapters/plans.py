"""SQL adapters of the plans: the unit of work over reporting's event store (with the
`reporting_plans` list kept inline), the plans' list query, and the dated history query.

`reporting_plans` is not part of the projection's tables: a rebuild leaves it alone,
since plans are reporting's own events, not a projection of other services'.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import Column, Date, Engine, MetaData, String, Table, func, insert, select

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
from coso_reporting.domain.indicators import Counts

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
    """Sums over `reporting_daily_indicators` (ISO day strings compare as dates)."""

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
