"""The indicator report, the trend, the admissions report and plan progress, summed over whole
years, whole months and edge days (the monthly and yearly counts), give the answers the day
by day sums gave: over a seeded random province (enterprises and candidates on days across
month and year ends, candidates arriving before their enterprise and moving to its
authority, a commune merged into another, records under an authority never registered),
for many periods, days and authorities, on SQLite and on PostgreSQL, with the authorities
named in the statements and (as for a national report) sent as one JSON document; with the
counts kept event batch by event batch, made by a rebuild in small pages, and filled by
the migration from the stored daily counts.

`DayByDayReports` and `DayByDayHistory` are the implementation the kept sums replaced, kept
unchanged as the oracle (tests/day_by_day.py): they sum the daily counts of every day of a
period, of the authorities the report's subtree holds among those recorded (none filtered
when it holds them all).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, inspect, select

from coso_backbone.contracts import admissions as a
from coso_backbone.contracts import registry as r
from coso_backbone.envelope import Envelope
from coso_backbone.eventstore import EventStore
from coso_backbone.migrate import downgrade
from coso_reporting.adapters import plans as plan_adapters
from coso_reporting.adapters.plans import SqlIndicatorHistory, SqlPlanQueries, SqlPlanUnitOfWork
from coso_reporting.adapters.queries import SqlIndicatorQueries
from coso_reporting.adapters.rebuild import rebuild
from coso_reporting.adapters.schema import MIGRATIONS, VERSION_TABLE, migrate_engine
from coso_reporting.adapters.tables import LIVE
from coso_reporting.adapters.trees import SqlAuthorityTrees
from coso_reporting.application.commands import AdoptPlan, SetTarget, Share, SplitTarget
from coso_reporting.application.plans import Plans
from coso_reporting.application.reports import Reports
from coso_reporting.domain.hierarchy import sum_by_bucket
from services.reporting.tests.day_by_day import DayByDayHistory, DayByDayReports

D = date.fromisoformat
MERGER = D("2025-07-01")
UNITS = ("pv.a", "pv.b", "pv.c", "pv.old", "pv.a.kcn", "qv.x", "ghost")  # ghost: never registered
AUTHORITIES = ("vn", "pv", "qv", "pv.a", "pv.b", "pv.old", "pv.a.kcn", "qv.x")
AS_OF = (D("2024-12-31"), D("2025-06-30"), MERGER, D("2026-03-01"))
PERIODS = (
    (D("2025-01-01"), D("2025-12-31")),  # a year
    (D("2025-01-01"), D("2025-06-30")),  # months
    (D("2024-11-15"), D("2026-02-10")),  # days, months, a year, months, days
    (D("2025-03-31"), D("2025-04-01")),  # two days across a month's end
    (D("2025-12-31"), D("2026-01-01")),  # and a year's
    (D("2025-02-01"), D("2025-02-28")),  # one month
    (D("2023-01-01"), D("2026-12-31")),  # every record
    (D("2025-05-05"), D("2025-05-05")),  # one day
)


def _random_periods(seed: int, count: int) -> list[tuple[date, date]]:
    """Periods starting and ending anywhere from 2024 to 2026, a few since 1900."""
    rng = random.Random(seed)
    periods = []
    for _ in range(count):
        start = D("2024-01-01") + timedelta(days=rng.randrange(1000))
        end = start + timedelta(days=rng.randrange(800))
        periods.append((D("1900-01-01") if rng.random() < 0.2 else start, end))
    return periods


# Days records fall on: mostly edges of months and years, the others anywhere.
EDGES = (D("2024-12-31"), D("2025-01-01"), D("2025-03-31"), D("2025-04-01"), D("2025-06-30"), MERGER)


def random_province(world: Any, seed: int) -> list[Envelope]:
    """vn over provinces pv and qv; pv's communes a, b, c and old (merged into b on MERGER),
    a zone under a; enterprises and candidates over them and an id never registered, some
    candidates delivered before their enterprise. Registry's and admissions' events
    interleaved at random, each source in its order."""
    rng = random.Random(seed)
    reg, adm = world.registry, world.admissions
    registry = [
        world.authority("vn", name="Trung ương"),
        world.authority("pv", parent_id="vn"),
        world.authority("qv", parent_id="vn"),
        *(world.authority(c, parent_id="pv") for c in ("pv.a", "pv.b", "pv.c", "pv.old")),
        world.authority("pv.a.kcn", parent_id="pv.a"),
        world.authority("qv.x", parent_id="qv"),
    ]

    def some_day() -> date:
        if rng.random() < 0.4:
            return rng.choice(EDGES) + timedelta(days=rng.choice((-1, 0, 0, 1)))
        return D("2024-10-01") + timedelta(days=rng.randrange(640))

    enterprises: list[tuple[str, str]] = []
    for n in range(60):
        enterprise_id, unit = f"e{n}", rng.choice(UNITS)
        event = r.EnterpriseRegistered(
            enterprise_id=enterprise_id,
            tax_code="0100109106",
            name=f"Công ty {n}",
            authority_id=unit,
            ownership=r.Ownership.DOMESTIC_PRIVATE,
            worker_count=100,
            registered_on=some_day(),
        )
        registry.append(reg.record(f"enterprise-{enterprise_id}", event))
        enterprises.append((enterprise_id, unit))
    registry.append(
        reg.record(
            "authority-pv.old",
            r.AuthorityMerged(
                authority_id="pv.old",
                successor_id="pv.b",
                merged_with=["pv.old"],
                effective_from=MERGER,
                legal_basis="Nghị quyết số 1",
            ),
        )
    )
    admissions = []
    for n in range(150):
        enterprise_id, unit = rng.choice(enterprises)
        if rng.random() < 0.2:  # counted first under the authority its event names
            enterprise_id, unit = f"e-late{n % 7}", rng.choice(UNITS)
        proposal = a.CandidateProposed(
            candidate_id=f"c{n}",
            enterprise_id=enterprise_id,
            authority_id=unit,
            source_channel=rng.choice(list(a.SourceChannel)),
            job_category=rng.choice(list(a.JobCategory)),
            proposed_on=some_day(),
        )
        admissions.append(adm.record(f"candidate-{n}", proposal))
    for n in range(7):  # the late enterprises arrive after their candidates
        event = r.EnterpriseRegistered(
            enterprise_id=f"e-late{n}",
            tax_code="0100109106",
            name=f"Công ty muộn {n}",
            authority_id=rng.choice(UNITS),
            ownership=r.Ownership.DOMESTIC_PRIVATE,
            worker_count=100,
            registered_on=some_day(),
        )
        registry.append(reg.record(f"enterprise-e-late{n}", event))
    delivered = []
    while registry or admissions:
        source = registry if registry and (not admissions or rng.random() < 0.5) else admissions
        delivered.append(source.pop(0))
    return delivered


def deliver_in_batches(projection: Any, delivered: list[Envelope], seed: int) -> None:
    rng = random.Random(seed)
    at = 0
    while at < len(delivered):
        size = rng.choice((1, 2, 5, 17, 40))
        outcome = projection.deliver(delivered[at : at + size])
        assert outcome.applied == len(delivered[at : at + size]), projection.sink.letters
        at += size


def kept_sums(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """The monthly and yearly counts, and the daily ones summed the same way in Python."""
    with engine.connect() as connection:
        daily = connection.execute(select(LIVE.daily_indicators)).all()
        kept = {
            t.name: sorted(tuple(row) for row in connection.execute(select(t)))
            for t in (LIVE.monthly_indicators, LIVE.yearly_indicators)
        }
    for name, width in (("reporting_monthly_indicators", 7), ("reporting_yearly_indicators", 4)):
        summed: dict[tuple[str, str], tuple[int, int]] = {}
        for authority_id, day, enterprises, candidates in daily:
            e, c = summed.get((authority_id, day[:width]), (0, 0))
            summed[authority_id, day[:width]] = (e + enterprises, c + candidates)
        kept[f"{name} from the days"] = sorted((a, p, e, c) for (a, p), (e, c) in summed.items())
    return kept


def _nonzero(kept: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    """Without the rows of zeros a candidate leaves behind where it counted until its enterprise
    arrived (live only: a rebuild applies the registry's events first)."""
    return {name: [row for row in rows if row[2] or row[3]] for name, rows in kept.items()}


def assert_same_answers(engine: Engine) -> None:
    """Every report of every authority, period and day as the day by day sums make it."""
    kept = kept_sums(engine)
    assert kept["reporting_monthly_indicators"] == kept["reporting_monthly_indicators from the days"]
    assert kept["reporting_yearly_indicators"] == kept["reporting_yearly_indicators from the days"]
    history = SqlIndicatorHistory(engine)
    oracle = DayByDayHistory(engine)
    for start, end in (*PERIODS, *_random_periods(seed=1, count=40)):
        for authorities in (None, {"pv.a", "pv.old", "ghost"}, set(UNITS) | set(AUTHORITIES)):
            assert history.counts_between(start, end, authorities) == oracle.counts_between(start, end, authorities)
            assert history.monthly(start, end, authorities) == oracle.monthly(start, end, authorities)
        for buckets in ({"pv.a": "pv", "pv.old": "pv", "ghost": "gh"}, {u: u[:2] for u in (*UNITS, *AUTHORITIES)}):
            by_authority = oracle.counts_between(start, end, buckets.keys())
            assert history.counts_by_bucket(start, end, buckets) == sum_by_bucket(by_authority, buckets)[0]
    for as_of in AS_OF:
        today = lambda day=as_of: day  # noqa: E731
        reports = Reports(SqlIndicatorHistory(engine), SqlAuthorityTrees(engine), today=today)
        day_by_day = DayByDayReports(
            SqlIndicatorQueries(engine, "reporting"), DayByDayHistory(engine), SqlAuthorityTrees(engine), today=today
        )
        for authority_id in AUTHORITIES:
            if authority_id not in SqlAuthorityTrees(engine).as_of(as_of):
                continue
            for start, end in PERIODS:
                for name in ("indicator_report", "trend", "admissions"):
                    got = getattr(reports, name)(authority_id, start, end)
                    assert got == getattr(day_by_day, name)(authority_id, start, end), (name, authority_id, as_of)
    assert_same_plan_progress(engine)


def assert_same_plan_progress(engine: Engine) -> None:
    for as_of in AS_OF:
        plans = [
            Plans(
                lambda: SqlPlanUnitOfWork(EventStore(engine)),
                SqlPlanQueries(engine),
                history,
                SqlAuthorityTrees(engine),
                today=lambda day=as_of: day,  # type: ignore[misc]
            )
            for history in (SqlIndicatorHistory(engine), DayByDayHistory(engine))
        ]
        for plan_id in ("plan-vn", "plan-pv"):
            assert plans[0].progress(plan_id) == plans[1].progress(plan_id), (plan_id, as_of)


def adopt_plans(engine: Engine) -> None:
    plans = Plans(
        lambda: SqlPlanUnitOfWork(EventStore(engine)),
        SqlPlanQueries(engine),
        SqlIndicatorHistory(engine),
        SqlAuthorityTrees(engine),
        today=lambda: D("2025-01-01"),
    )
    for plan_id, authority_id, shares in (
        ("plan-vn", "vn", [("pv", 30), ("qv", 10)]),
        ("plan-pv", "pv", [("pv.a", 10), ("pv.b", 10), ("pv.old", 10)]),
    ):
        plans.adopt(
            AdoptPlan(
                plan_id=plan_id,
                authority_id=authority_id,
                title="Kế hoạch",
                period_start=D("2024-11-15"),
                period_end=D("2025-12-31"),
            )
        )
        for indicator in ("candidates_proposed", "enterprises_registered"):
            plans.set_target(SetTarget(plan_id=plan_id, indicator=indicator, value=40))
            split = [Share(authority_id=s, value=v) for s, v in shares] if plan_id == "plan-vn" else None
            if split:
                plans.split_target(SplitTarget(plan_id=plan_id, indicator=indicator, shares=split))


@pytest.fixture(params=["named", "left_out", "listed"])
def listed(request: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """How a restriction to authorities is written: "named" (few, as a commune's or province's
    report), "left_out" (the recorded authorities not kept are named) or "listed" (one
    JSON document), as a national report's are."""
    if request.param in ("left_out", "listed"):
        monkeypatch.setattr(plan_adapters, "NAMED_AUTHORITIES_AT_MOST", 0)
    if request.param == "listed":
        monkeypatch.setattr(plan_adapters, "LEFT_OUT_AT_MOST", 0)
    return str(request.param)


def test_sums_kept_batch_by_batch_answer_as_the_day_by_day_sums(world, projection, listed) -> None:
    deliver_in_batches(projection, random_province(world, seed=3), seed=4)
    adopt_plans(projection.engine)

    assert_same_answers(projection.engine)


def test_sums_counted_by_a_rebuild_in_small_pages_answer_as_the_day_by_day_sums(world, projection) -> None:
    """The ways of writing a restriction are compared on the sums kept batch by batch above;
    the rebuild's sums are the live ones, and answer alike once."""
    deliver_in_batches(projection, random_province(world, seed=5), seed=6)
    live = kept_sums(projection.engine)

    rebuild(projection.engine, world.sources, page_size=7)

    assert _nonzero(kept_sums(projection.engine)) == _nonzero(live)
    adopt_plans(projection.engine)
    assert_same_answers(projection.engine)


def test_the_migration_fills_the_monthly_and_yearly_counts_from_the_daily_ones(world, projection) -> None:
    deliver_in_batches(projection, random_province(world, seed=8), seed=9)
    kept = kept_sums(projection.engine)
    assert kept["reporting_monthly_indicators"] and kept["reporting_yearly_indicators"]
    downgrade(projection.engine, MIGRATIONS, VERSION_TABLE, "p0012")  # before p0013's tables
    assert not inspect(projection.engine).has_table(LIVE.monthly_indicators.name)

    migrate_engine(projection.engine)

    assert kept_sums(projection.engine) == kept
    with projection.engine.connect() as connection:
        months = connection.execute(select(func.count()).select_from(LIVE.monthly_indicators)).scalar_one()
    assert months == len(kept["reporting_monthly_indicators"])
    adopt_plans(projection.engine)
    assert_same_answers(projection.engine)
