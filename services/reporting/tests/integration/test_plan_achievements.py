"""Plan targets measured by the fact projection: members admitted (of whom production workers),
organizations founded, enterprises that gained a trade union or a party organization."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import DBAPIError

from coso_backbone.contracts.admissions import JobCategory, MemberEnrolled, MemberStatus, MemberStatusChanged
from coso_backbone.contracts.registry import (
    MassOrganizationFounded,
    MassOrganizationKind,
    OrganizationFounded,
    OrganizationKind,
)
from coso_backbone.contracts.reporting import TargetIndicator
from coso_backbone.eventstore import EventStore
from coso_reporting.adapters.plan_achievements import SqlPlanAchievements
from coso_reporting.adapters.plans import SqlIndicatorHistory, SqlPlanQueries, SqlPlanUnitOfWork
from coso_reporting.adapters.trees import SqlAuthorityTrees
from coso_reporting.application.commands import AdoptPlan, SetTarget, Share, SplitTarget
from coso_reporting.application.plans import Plans


def member(world, member_id: str, authority_id: str, enterprise_id: str, job: JobCategory, on: date):
    event = MemberEnrolled(
        member_id=member_id,
        authority_id=authority_id,
        organization=f"o-{enterprise_id}",
        enterprise_id=enterprise_id,
        job_category=job,
        status=MemberStatus.PROBATIONARY,
        admitted_on=on,
        via="admission",
    )
    return world.admissions.record(f"member-{member_id}", event)


def organization(world, organization_id: str, authority_id: str, enterprise_ids: list[str], on: date):
    event = OrganizationFounded(
        organization_id=organization_id,
        name=f"Chi bộ {organization_id}",
        kind=OrganizationKind.COMBINED_CELL if len(enterprise_ids) > 1 else OrganizationKind.GRASSROOTS_CELL,
        authority_id=authority_id,
        enterprise_ids=enterprise_ids,
        decision_number=f"{organization_id}-QĐ/ĐU",
        founded_on=on,
        official_members=3,
    )
    return world.registry.record(f"organization-{organization_id}", event)


def trade_union(world, enterprise_id: str, authority_id: str, on: date):
    event = MassOrganizationFounded(
        mass_organization_id=f"cd-{enterprise_id}",
        kind=MassOrganizationKind.TRADE_UNION,
        enterprise_id=enterprise_id,
        authority_id=authority_id,
        name=f"Công đoàn cơ sở {enterprise_id}",
        founded_on=on,
        members=40,
    )
    return world.registry.record(f"mass-organization-cd-{enterprise_id}", event)


class AskedAchievements(SqlPlanAchievements):
    """The fact projection's achievements, recording which indicators each reading asks for."""

    def __init__(self, engine) -> None:
        super().__init__(engine)
        self.asked: list[set[TargetIndicator] | None] = []

    def between(self, start, end, authorities=None, indicators=None):
        self.asked.append(set(indicators) if indicators is not None else None)
        return super().between(start, end, authorities, indicators)


def test_the_fact_targets_count_what_happened_within_the_period_over_each_share(world, projection) -> None:
    worker, manager = JobCategory.PRODUCTION_WORKER, JobCategory.MANAGER
    projection.deliver(
        [
            world.authority("hn"),
            world.authority("hn.a", parent_id="hn"),
            world.authority("hn.b", parent_id="hn"),
            *[world.enterprise(f"e{n}", "hn.a" if n < 3 else "hn.b") for n in range(5)],
            member(world, "m1", "hn.a", "e0", worker, date(2026, 2, 1)),
            member(world, "m2", "hn.a", "e1", manager, date(2026, 3, 1)),
            member(world, "m3", "hn.b", "e3", worker, date(2026, 3, 15)),
            member(world, "m4", "hn.b", "e3", worker, date(2025, 12, 31)),  # before the period
            # Admitted in the period, recognised after the day asked: its last change is later.
            member(world, "m5", "hn.a", "e2", worker, date(2026, 3, 20)),
            world.admissions.record(
                "member-m5",
                MemberStatusChanged(
                    member_id="m5",
                    authority_id="hn.a",
                    previous_status=MemberStatus.PROBATIONARY,
                    status=MemberStatus.OFFICIAL,
                    on=date(2026, 9, 20),
                ),
            ),
            organization(world, "o1", "hn.a", ["e0", "e1"], date(2026, 1, 10)),  # a combined cell
            organization(world, "o2", "hn.b", ["e3"], date(2025, 6, 1)),  # before the period
            trade_union(world, "e2", "hn.a", date(2026, 2, 20)),
            trade_union(world, "e4", "hn.b", date(2026, 3, 20)),
            trade_union(world, "e3", "hn.b", date(2024, 1, 1)),  # before the period
        ]
    )
    engine = projection.engine
    plans = Plans(
        lambda: SqlPlanUnitOfWork(EventStore(engine)),
        SqlPlanQueries(engine),
        SqlIndicatorHistory(engine),
        SqlAuthorityTrees(engine),
        today=lambda: date(2026, 3, 31),
        achievements=(achievements := AskedAchievements(engine)),
    )
    plans.adopt(
        AdoptPlan(
            plan_id="hn-2026",
            authority_id="hn",
            title="Kế hoạch năm 2026",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
        )
    )
    for indicator in (
        TargetIndicator.MEMBERS_ADMITTED,
        TargetIndicator.MEMBERS_ADMITTED_PRODUCTION_WORKERS,
        TargetIndicator.ORGANIZATIONS_FOUNDED,
        TargetIndicator.ENTERPRISES_WITH_PARTY_ORGANIZATION,
        TargetIndicator.ENTERPRISES_WITH_TRADE_UNION,
    ):
        plans.set_target(SetTarget(plan_id="hn-2026", indicator=indicator, value=10))
        plans.split_target(
            SplitTarget(
                plan_id="hn-2026",
                indicator=indicator,
                shares=[Share(authority_id="hn.a", value=5), Share(authority_id="hn.b", value=5)],
            )
        )

    progress = plans.progress("hn-2026", date(2026, 3, 31))
    achieved = {
        t["indicator"]: (t["achieved"], {s["authority_id"]: s["achieved"] for s in t["split"]})
        for t in progress["targets"]
    }
    assert achieved == {
        "members_admitted": (4, {"hn.a": 3, "hn.b": 1}),
        "members_admitted_production_workers": (3, {"hn.a": 2, "hn.b": 1}),
        "organizations_founded": (1, {"hn.a": 1, "hn.b": 0}),
        "enterprises_with_party_organization": (2, {"hn.a": 2, "hn.b": 0}),
        "enterprises_with_trade_union": (2, {"hn.a": 1, "hn.b": 1}),
    }
    # Up to an earlier day, only what had happened by then.
    earlier = {t["indicator"]: t["achieved"] for t in plans.progress("hn-2026", date(2026, 2, 1))["targets"]}
    assert earlier["members_admitted"] == 1 and earlier["enterprises_with_trade_union"] == 0
    # A subordinate's plan: its own units' records only (read by their authority).
    plans.adopt(
        AdoptPlan(
            plan_id="hn.b-2026",
            authority_id="hn.b",
            title="Kế hoạch năm 2026",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
        )
    )
    for indicator in (TargetIndicator.MEMBERS_ADMITTED, TargetIndicator.ENTERPRISES_WITH_TRADE_UNION):
        plans.set_target(SetTarget(plan_id="hn.b-2026", indicator=indicator, value=4))
    own = {t["indicator"]: t["achieved"] for t in plans.progress("hn.b-2026", date(2026, 3, 31))["targets"]}
    assert own == {"members_admitted": 1, "enterprises_with_trade_union": 1}
    # Only the plan's own targets are read.
    assert achievements.asked[-1] == {TargetIndicator.MEMBERS_ADMITTED, TargetIndicator.ENTERPRISES_WITH_TRADE_UNION}


def test_on_postgresql_the_trade_unions_are_read_beside_the_other_counts(world, projection) -> None:
    """The longest statement on a connection of its own, at once with the others; a failure
    there reaches the caller. SQLite reads them one after the other."""
    projection.deliver(
        [
            world.authority("hn"),
            world.enterprise("e0", "hn"),
            member(world, "m1", "hn", "e0", JobCategory.PRODUCTION_WORKER, date(2026, 2, 1)),
            trade_union(world, "e0", "hn", date(2026, 2, 20)),
        ]
    )
    engine = projection.engine
    read_on: dict[str, int] = {}

    @event.listens_for(engine, "before_cursor_execute")
    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        for table in ("mass_organizations", "member_changes", "organizations"):
            if f"FROM reporting_fact_{table}" in statement:
                read_on[table] = threading.get_ident()

    achieved = SqlPlanAchievements(engine).between(date(2026, 1, 1), date(2026, 12, 31))
    event.remove(engine, "before_cursor_execute", record)

    assert achieved["hn"] == {
        TargetIndicator.MEMBERS_ADMITTED: 1,
        TargetIndicator.MEMBERS_ADMITTED_PRODUCTION_WORKERS: 1,
        TargetIndicator.ENTERPRISES_WITH_TRADE_UNION: 1,
    }
    here = threading.get_ident()
    assert read_on["member_changes"] == here and read_on["organizations"] == here
    if engine.dialect.name == "postgresql":
        assert read_on["mass_organizations"] != here
        with pytest.raises(DBAPIError, match="no_such_table"):
            SqlPlanAchievements(engine)._read([text("SELECT * FROM no_such_table"), select(1)])
    else:
        assert read_on["mass_organizations"] == here
