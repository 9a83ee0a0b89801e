"""Plans received from superior authorities: the handlers that keep them, and their queries.

A superior's `reporting.events` come down a link into this stack's `reporting.events`
(docs/FEDERATION.md). The consumer `reporting-superior-plans` applies their PlanAdopted,
TargetSet and TargetSplit here, never this stack's own (its own plans are events of its own
store, listed in `reporting_plans`). Every row is keyed by the plan's ce-source, and each
event is kept on its own, whatever arrived before it: a split that comes before its
plan's adoption (its PlanAdopted dead-lettered, then replayed) waits for it and is not lost.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import Column, Connection, Date, Engine, Integer, MetaData, String, Table, and_, delete, insert, select

from coso_backbone.contracts.reporting import PlanAdopted, TargetIndicator, TargetSet, TargetSplit
from coso_backbone.envelope import Envelope
from coso_backbone.handlers import EventHandlers
from coso_backbone.unit_of_work import row
from coso_reporting.domain.plans import Plan
from coso_reporting.domain.received_plans import AssignedShare, ReceivedPlan

# The consumer of the superiors' plans (its checkpoints, queue and dead letters).
CONSUMER = "reporting-superior-plans"

metadata = MetaData()

received_plans = Table(
    "reporting_received_plans",
    metadata,
    Column("source", String(200), primary_key=True),
    Column("plan_id", String(100), primary_key=True),
    Column("authority_id", String(100), nullable=False),
    Column("title", String(500), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("adopted_on", Date, nullable=False),
)

received_targets = Table(
    "reporting_received_targets",
    metadata,
    Column("source", String(200), primary_key=True),
    Column("plan_id", String(100), primary_key=True),
    Column("indicator", String(100), primary_key=True),
    Column("value", Integer, nullable=False),
)

received_shares = Table(
    "reporting_received_shares",
    metadata,
    Column("source", String(200), primary_key=True),
    Column("plan_id", String(100), primary_key=True),
    Column("indicator", String(100), primary_key=True),
    Column("authority_id", String(100), primary_key=True),
    Column("value", Integer, nullable=False),
)


# --- applying the superiors' events ---------------------------------------------------
def _adopted(connection: Connection, envelope: Envelope, event: PlanAdopted) -> None:
    key = and_(received_plans.c.source == envelope.source, received_plans.c.plan_id == event.plan_id)
    connection.execute(delete(received_plans).where(key))
    connection.execute(insert(received_plans).values(source=envelope.source, **event.model_dump()))


def _target_set(connection: Connection, envelope: Envelope, event: TargetSet) -> None:
    t = received_targets.c
    key = and_(t.source == envelope.source, t.plan_id == event.plan_id, t.indicator == event.indicator.value)
    connection.execute(delete(received_targets).where(key))
    connection.execute(
        insert(received_targets).values(
            source=envelope.source, plan_id=event.plan_id, indicator=event.indicator.value, value=event.value
        )
    )


def _target_split(connection: Connection, envelope: Envelope, event: TargetSplit) -> None:
    """A split replaces the indicator's previous shares (a target split again)."""
    s = received_shares.c
    key = and_(s.source == envelope.source, s.plan_id == event.plan_id, s.indicator == event.indicator.value)
    connection.execute(delete(received_shares).where(key))
    if event.shares:
        connection.execute(
            insert(received_shares),
            [
                {
                    "source": envelope.source,
                    "plan_id": event.plan_id,
                    "indicator": event.indicator.value,
                    "authority_id": share.authority_id,
                    "value": share.value,
                }
                for share in event.shares
            ],
        )


def received_plan_handlers() -> EventHandlers:
    return EventHandlers().on(PlanAdopted, _adopted).on(TargetSet, _target_set).on(TargetSplit, _target_split)


# --- queries --------------------------------------------------------------------------
class SqlReceivedPlans:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def plans(self, authority_id: str | None) -> list[dict[str, Any]]:
        """Received plans (as `SqlPlanQueries.plans` lists them) with `received_from`."""
        p = received_plans.c
        query = select(received_plans).order_by(p.period_start.desc(), p.plan_id, p.source)
        if authority_id is not None:
            query = query.where(p.authority_id == authority_id)
        with self._engine.connect() as connection:
            found = []
            for r in connection.execute(query):
                listed = row(r._mapping)
                listed["received_from"] = listed.pop("source")
                found.append(listed)
            return found

    def plan(self, plan_id: str) -> ReceivedPlan | None:
        """The adopted received plan of that id (the first by source if two superiors used it)."""
        plans = self._load(plan_id)
        return plans[0] if plans else None

    def shares_to(self, authorities: Collection[str]) -> list[AssignedShare]:
        """The shares given to any of `authorities` by adopted received plans."""
        wanted = set(authorities)
        with self._engine.connect() as connection:
            rows = [r for r in connection.execute(select(received_shares)) if r.authority_id in wanted]
        plans = {(p.source, p.plan.plan_id): p for p in self._load(None)} if rows else {}
        found = []
        for r in rows:
            plan = plans.get((r.source, r.plan_id))
            if plan is not None:
                found.append(AssignedShare(plan, TargetIndicator(r.indicator), r.authority_id, int(r.value)))
        found.sort(
            key=lambda s: (-s.plan.plan.period_start.toordinal(), s.plan.plan.plan_id, s.indicator, s.authority_id)
        )
        return found

    def _load(self, plan_id: str | None) -> list[ReceivedPlan]:
        """Adopted received plans (of one id, or all) with their targets and splits."""
        p, t, s = received_plans.c, received_targets.c, received_shares.c
        plan_query = select(received_plans).order_by(p.source, p.plan_id)
        target_query = select(received_targets)
        share_query = select(received_shares).order_by(s.authority_id)
        if plan_id is not None:
            plan_query = plan_query.where(p.plan_id == plan_id)
            target_query = target_query.where(t.plan_id == plan_id)
            share_query = share_query.where(s.plan_id == plan_id)
        with self._engine.connect() as connection:
            plans = {
                (r.source, r.plan_id): Plan(
                    plan_id=r.plan_id,
                    authority_id=r.authority_id,
                    title=r.title,
                    period_start=_day(r.period_start),
                    period_end=_day(r.period_end),
                    adopted_on=_day(r.adopted_on),
                )
                for r in connection.execute(plan_query)
            }
            for r in connection.execute(target_query):
                plan = plans.get((r.source, r.plan_id))
                if plan is not None:
                    plan.targets[TargetIndicator(r.indicator)] = int(r.value)
            for r in connection.execute(share_query):
                plan = plans.get((r.source, r.plan_id))
                if plan is not None:
                    plan.splits.setdefault(TargetIndicator(r.indicator), {})[r.authority_id] = int(r.value)
        return [ReceivedPlan(plan, source) for (source, _), plan in plans.items()]


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
