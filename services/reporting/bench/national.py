"""A synthetic national data set, and reporting's figures on it.

    .venv/bin/python -m services.reporting.bench.national --scale 0.01            # SQLite, CI size
    .venv/bin/python -m services.reporting.bench.national --scale 1 --postgres    # national, PostgreSQL
    .venv/bin/python -m services.reporting.bench.national --scale 0.1 --postgres --baseline  # + SQLite's rate
    .venv/bin/python -m services.reporting.bench.national --scale 0.1 --postgres --rebuild-only --repeat 3
    .venv/bin/python -m services.reporting.bench.national --scale 1 --postgres --rebuild-only \
        --members-lanes 0 --members-lanes 2     # without the members' lanes, then with two
    .venv/bin/python -m services.reporting.bench.national --scale 0.01 --as-of 2025-12-31 --as-of 2025-06-30

The data set (at --scale 1): one central root, 34 provinces, 3,321 communes/wards and two
industrial-zone committees per province, plus 1,000 older communes merged into today's on
2025-07-01 (the reorganization); 940,000 enterprises registered 2021–2025, 4 % with a party
organization and 35 % with a trade union; 140,000 proposed candidates a year over 2021–2025
(700,000), each with a source channel and job category, a fifth of them admitted as members;
5.6 million members enrolled from the existing records. Deterministic (seeded). At scale 1
the events are about 7.8 million: they are generated one by one into a file of pages per
producer (a temporary directory, ~2 GB at scale 1), which each rebuild reads back page by
page, so no more than a page is in memory.

Printed figures: the rebuild rate (all events, read from the page files, into the target
database, and with `--baseline` into the other one first) and where its CPU time went while
it replayed the events and at its end (bench/cpu.py: its own process, the members' lanes,
and the rest of the machine, mostly the database server), the latency of every report
(indicator report, trend, admissions, the five fact reports, a plan's progress) at national,
province and commune level — the first call, the p95 while the caches hold the answers,
and the p95 with every answer made afresh (as while events keep arriving, each batch
changing the projection's state) — and the time of one province's XLSX and PDF export of each.
As the reporting service does once it has started (`coso_backbone.heap`), the bench sets what
it holds after the rebuild aside from the garbage collector's passes before measuring. The
p95 is taken within the measured times (with few runs, close to the slowest).

`--rebuild-only` prints the rebuild rate and nothing else (the reports' latencies take
minutes at scale 1); `--repeat N` rebuilds N times from the same page files, each into a
new database, for a rate less at the mercy of a busy machine. `--members-lanes N` sets the
processes the members' events are applied in (adapters/members_lane.py; 0: none);
repeated, each count is rebuilt in turn, so that the rates compare within one run.

Every report is made as of one day, `--as-of YYYY-MM-DD`, over the period from the first
of that day's year to it; plans and the indicator reports take it as today. By default it
is the last day of the data, 2025-12-31, as a live dashboard asks "today": nothing was
recorded after it. A past day, e.g. 2025-06-30 (the eve of the reorganization), measures
the other path: every record changed after it is taken back to what it was then. The day
used is printed. Repeated, `--as-of` measures each day in turn on the same projection (the
later days' first calls then find the database's own cache warm).
"""

from __future__ import annotations

import argparse
import os
import pickle
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Engine, create_engine, text

from coso_backbone import heap
from coso_backbone.contracts import EventContract
from coso_backbone.contracts.admissions import (
    CandidateProposed,
    JobCategory,
    MemberEnrolled,
    MemberStatus,
    SourceChannel,
)
from coso_backbone.contracts.registry import (
    AuthorityLevel,
    AuthorityMerged,
    AuthorityRegistered,
    EnterpriseRegistered,
    MassOrganizationFounded,
    MassOrganizationKind,
    OrganizationFounded,
    OrganizationKind,
    Ownership,
)
from coso_backbone.contracts.reporting import TargetIndicator
from coso_backbone.database import create_database_engine
from coso_backbone.envelope import Envelope
from coso_backbone.events import RecordedEvent
from coso_backbone.eventstore import EventStore
from coso_reporting.adapters.exports import file_formats
from coso_reporting.adapters.fact_queries import SqlFactQueries
from coso_reporting.adapters.members_lane import LANES
from coso_reporting.adapters.plan_achievements import SqlPlanAchievements
from coso_reporting.adapters.plans import SqlIndicatorHistory, SqlPlanQueries, SqlPlanUnitOfWork
from coso_reporting.adapters.rebuild import FINISHING, rebuild
from coso_reporting.adapters.schema import migrate_engine
from coso_reporting.adapters.trees import SqlAuthorityTrees
from coso_reporting.application.commands import AdoptPlan, SetTarget, Share, SplitTarget
from coso_reporting.application.exports import ExportedFile, Exports
from coso_reporting.application.fact_exports import FactExports
from coso_reporting.application.fact_reports import REPORTS, FactReports
from coso_reporting.application.plans import Plans
from coso_reporting.application.reports import Reports
from coso_reporting.application.state_cache import StateCache
from services.reporting.bench.cpu import CpuTimes

PROVINCES = 34
COMMUNES = 3321
ZONES_PER_PROVINCE = 2
ENTERPRISES = 940_000
ADMISSIONS_PER_YEAR = 140_000
YEARS = (2021, 2022, 2023, 2024, 2025)
MEMBERS = 5_600_000
ADMITTED_SHARE = 0.2  # of the proposed candidates, admitted within the five years
ORGANIZATION_SHARE = 0.04  # of the enterprises, with a party organization
TRADE_UNION_SHARE = 0.35  # of the enterprises, with a grassroots trade union (includes the above)
MERGED_COMMUNES = 1000
FOUNDED = date(2021, 1, 1)  # every authority of the data set exists from this day
LAST_DAY = date(YEARS[-1], 12, 31)  # the data set's last day: the reports' default as-of
MERGER = date(2025, 7, 1)
POSTGRES_SERVER = os.environ.get("COSO_TEST_POSTGRES", "postgresql+psycopg2://postgres@127.0.0.1:5432")


class MemorySource:
    """A source over envelopes in memory (tests)."""

    def __init__(self, envelopes: list[Envelope], source: str) -> None:
        self.envelopes, self.source = envelopes, source

    def info(self) -> dict[str, Any]:
        return {"source": self.source, "last_position": len(self.envelopes)}

    def read_after(self, position: int, limit: int = 1000) -> list[Envelope]:
        return self.envelopes[position : position + limit]


PAGE = 5000  # events per page of a page file: the rebuild's page


# The record each event is about, named as the producers name their streams
# (`member-<id>`, `enterprise-<id>` ...): the envelope's subject.
_STREAM_KEYS = (
    ("member_id", "member"),
    ("candidate_id", "candidate"),
    ("mass_organization_id", "mass-organization"),
    ("organization_id", "organization"),
    ("enterprise_id", "enterprise"),
    ("authority_id", "authority"),
)


def stream_of(event: EventContract) -> str:
    for key, stream in _STREAM_KEYS:
        record = getattr(event, key, None)
        if record is not None:
            return f"{stream}-{record}"
    raise ValueError(f"{type(event).__name__} names no record")


class PageFile:
    """A producer's events written page by page to a file (pickled lists of what an envelope
    needs), so that millions of events are generated once, streamed, and read back by each
    rebuild without being held in memory."""

    def __init__(self, path: Path, producer: str, source: str) -> None:
        self.path, self.producer, self.source = path, producer, source
        self.events = 0

    def write(self, events: Iterable[EventContract]) -> None:
        with self.path.open("wb") as out:
            page: list[tuple[str, str, int, str, str]] = []
            for event in events:
                new = event.to_new_event("vn")
                page.append((new.event_id, new.event_type, new.version, new.data_json(), stream_of(event)))
                if len(page) == PAGE:
                    self._dump(page, out)
                    page = []
            if page:
                self._dump(page, out)

    def _dump(self, page: list[tuple[str, str, int, str, str]], out: BinaryIO) -> None:
        pickle.dump(page, out, protocol=pickle.HIGHEST_PROTOCOL)
        self.events += len(page)

    def reader(self) -> PageFileSource:
        return PageFileSource(self)


class PageFileSource:
    """An event source reading a page file from its start, in order, as a rebuild does."""

    def __init__(self, pages: PageFile) -> None:
        self._pages = pages
        self._file: BinaryIO | None = None
        self._buffer: list[Envelope] = []
        self._position = 0  # the position of the buffer's last envelope
        self._recorded_at = datetime.now(UTC)

    def info(self) -> dict[str, Any]:
        return {"source": self._pages.source, "last_position": self._pages.events}

    def read_after(self, position: int, limit: int = PAGE) -> list[Envelope]:
        first = self._position - len(self._buffer)  # the position before the buffer
        if not first <= position <= self._position:
            raise ValueError(f"a page file is read in order: asked after #{position}, at #{self._position}")
        self._buffer = self._buffer[position - first :]
        while len(self._buffer) < limit and self._position < self._pages.events:
            self._buffer.extend(self._next_page())
        return self._buffer[:limit]

    def _next_page(self) -> list[Envelope]:
        if self._file is None:
            self._file = self._pages.path.open("rb")
        producer, source, recorded_at = self._pages.producer, self._pages.source, self._recorded_at
        page = []
        for event_id, event_type, version, data_json, stream in pickle.load(self._file):
            self._position += 1
            page.append(
                Envelope(
                    id=event_id,
                    source=source,
                    producer=producer,
                    event_type=event_type,
                    version=version,
                    time=recorded_at,
                    subject=stream,
                    sequence=self._position,
                    authority="vn",
                    data_json=data_json,
                )
            )
        if self._position >= self._pages.events:
            self._file.close()
        return page


@dataclass
class Nation:
    """The synthetic nation's events, by producer, and the ids the measurements pick from."""

    registry: list[EventContract] = field(default_factory=list)
    admissions: list[EventContract] = field(default_factory=list)
    communes: list[str] = field(default_factory=list)  # communes of today's tree
    merged: list[str] = field(default_factory=list)  # communes merged into another on MERGER


class SyntheticNation:
    """The synthetic nation at `scale` (1 = national size), generated event by event; the
    same events for a scale and seed, whether streamed or listed (`national_events`).

    Every authority exists from FOUNDED on. On MERGER, MERGED_COMMUNES old communes merge
    into one of today's communes each (the 2025 reorganization, in miniature): their
    enterprises, candidates and members stay filed under them and count under the
    successor from that day on. One random generator draws everything in turn, so the
    admissions can only be generated after the registry's events (whose enterprises and
    organizations they refer to) have all been.
    """

    def __init__(self, scale: float, seed: int = 2025) -> None:
        self.scale = scale
        self._rng = random.Random(seed)
        self.provinces = [f"p{p:02d}" for p in range(1, PROVINCES + 1)]
        self.zones = [f"{p}.kcn{z}" for p in self.provinces for z in range(1, ZONES_PER_PROVINCE + 1)]
        self.communes = [f"p{c % PROVINCES + 1:02d}.x{c:04d}" for c in range(COMMUNES)]
        self.successors: dict[str, str] = {}
        for m in range(MERGED_COMMUNES):
            successor = self.communes[m % COMMUNES]
            self.successors[f"{successor.split('.')[0]}.o{m:04d}"] = successor
        self.merged = list(self.successors)
        self._enterprise_units: list[str] = []  # each enterprise's unit, as the registry generates them
        self._organizations: dict[int, str] = {}
        self._registry_done = False

    def registry(self) -> Iterator[EventContract]:
        rng = self._rng

        def registered(authority_id: str, name: str, level: AuthorityLevel, parent_id: str | None) -> EventContract:
            return AuthorityRegistered(
                authority_id=authority_id, name=name, level=level, parent_id=parent_id, effective_from=FOUNDED
            )

        yield registered("vn", "Ban Chấp hành Trung ương", AuthorityLevel.CENTRAL, None)
        for p, province in enumerate(self.provinces, start=1):
            yield registered(province, f"Tỉnh ủy số {p}", AuthorityLevel.PROVINCE, "vn")
            for z in range(1, ZONES_PER_PROVINCE + 1):
                name = f"Đảng ủy các khu công nghiệp {z} – tỉnh {p}"
                yield registered(f"{province}.kcn{z}", name, AuthorityLevel.INDUSTRIAL_ZONE, province)
        for c, commune in enumerate(self.communes):
            yield registered(commune, f"Đảng ủy xã/phường {c}", AuthorityLevel.COMMUNE, commune.split(".")[0])
        for m, old in enumerate(self.merged):
            yield registered(old, f"Đảng ủy xã cũ {m}", AuthorityLevel.COMMUNE, old.split(".")[0])
        units = self.zones_and_communes()
        before_merger = units + self.merged
        start, days = date(YEARS[0], 1, 1), (date(YEARS[-1], 12, 31) - date(YEARS[0], 1, 1)).days + 1
        enterprise_units = self._enterprise_units
        for n in range(max(1, round(ENTERPRISES * self.scale))):
            registered_on = start + timedelta(days=rng.randrange(days))
            unit = rng.choice(before_merger if registered_on < MERGER else units)
            enterprise_units.append(unit)
            yield EnterpriseRegistered(
                enterprise_id=f"e{n}",
                tax_code="0100109106",
                name=f"Công ty TNHH số {n}",
                authority_id=unit,
                ownership=rng.choice(list(Ownership)),
                worker_count=rng.randint(5, 3000),
                registered_on=registered_on,
            )
        for old, successor in self.successors.items():
            yield AuthorityMerged(
                authority_id=old,
                successor_id=successor,
                merged_with=[old],
                effective_from=MERGER,
                legal_basis="Nghị quyết số 1/2025 (tổng hợp)",
            )
        yield from _organizations(rng, enterprise_units, self._organizations)
        self._registry_done = True

    def admissions(self) -> Iterator[EventContract]:
        if not self._registry_done:
            raise RuntimeError("the admissions are generated after every registry event (they share one generator)")
        rng, enterprise_units, organizations = self._rng, self._enterprise_units, self._organizations
        channels, jobs = list(SourceChannel), list(JobCategory)
        for year in YEARS:
            first = date(year, 1, 1)
            for n in range(max(1, round(ADMISSIONS_PER_YEAR * self.scale))):
                enterprise = rng.randrange(len(enterprise_units))
                proposed_on = first + timedelta(days=rng.randrange(365))
                candidate = CandidateProposed(
                    candidate_id=f"c{year}-{n}",
                    enterprise_id=f"e{enterprise}",
                    authority_id=enterprise_units[enterprise],
                    source_channel=rng.choice(channels),
                    job_category=rng.choice(jobs),
                    proposed_on=proposed_on,
                )
                yield candidate
                admitted_on = proposed_on + timedelta(days=rng.randint(120, 300))
                if rng.random() < ADMITTED_SHARE and admitted_on <= date(YEARS[-1], 12, 31):
                    yield _member(
                        candidate.candidate_id, enterprise, enterprise_units, organizations, candidate.job_category
                    ).model_copy(update={"admitted_on": admitted_on, "status": MemberStatus.PROBATIONARY})
        for n in range(round(MEMBERS * self.scale)):
            enterprise = rng.randrange(len(enterprise_units))
            admitted = date(rng.randint(1975, 2019), 1, 1) + timedelta(days=rng.randrange(365))
            yield _member(f"m{n}", enterprise, enterprise_units, organizations, rng.choice(jobs)).model_copy(
                update={"admitted_on": admitted, "official_on": admitted + timedelta(days=365)}
            )

    def zones_and_communes(self) -> list[str]:
        """The units enterprises belong to, today: each province's zones, then the communes."""
        return self.zones + self.communes


def national_events(scale: float, seed: int = 2025) -> Nation:
    """The synthetic nation at `scale`, every event in memory (small scales: tests)."""
    nation = SyntheticNation(scale, seed)
    registry = list(nation.registry())
    return Nation(registry, list(nation.admissions()), list(nation.communes), list(nation.merged))


def _organizations(
    rng: random.Random, enterprise_units: list[str], organizations: dict[int, str]
) -> Iterator[EventContract]:
    """Party organizations and trade unions founded in a share of the enterprises; records
    in `organizations` the party organization of each enterprise that has one."""
    for enterprise, unit in enumerate(enterprise_units):
        draw = rng.random()
        if draw < ORGANIZATION_SHARE:
            organizations[enterprise] = f"o{enterprise}"
            yield OrganizationFounded(
                organization_id=f"o{enterprise}",
                name=f"Chi bộ Công ty TNHH số {enterprise}",
                kind=OrganizationKind.GRASSROOTS_CELL,
                authority_id=unit,
                enterprise_ids=[f"e{enterprise}"],
                decision_number=f"{enterprise}-QĐ/ĐU",
                founded_on=date(YEARS[0], 1, 1) + timedelta(days=rng.randrange(365 * len(YEARS))),
                official_members=rng.randint(3, 30),
            )
        if draw < TRADE_UNION_SHARE:
            yield MassOrganizationFounded(
                mass_organization_id=f"u{enterprise}",
                kind=MassOrganizationKind.TRADE_UNION,
                enterprise_id=f"e{enterprise}",
                authority_id=unit,
                name=f"Công đoàn cơ sở Công ty TNHH số {enterprise}",
                founded_on=date(YEARS[0], 1, 1) + timedelta(days=rng.randrange(365 * len(YEARS))),
                members=rng.randint(10, 2000),
            )


def _member(
    member_id: str, enterprise: int, enterprise_units: list[str], organizations: dict[int, str], job: JobCategory
) -> MemberEnrolled:
    """A member working in `enterprise`: in its party organization, or else in the party
    committee of the enterprise's authority (a member with no organization in the enterprise)."""
    unit = enterprise_units[enterprise]
    return MemberEnrolled(
        member_id=member_id,
        authority_id=unit,
        organization=organizations.get(enterprise, f"{unit}-db"),
        enterprise_id=f"e{enterprise}",
        job_category=job,
        status=MemberStatus.OFFICIAL,
        admitted_on=FOUNDED,
        via="import",
    )


def envelopes(events: list[EventContract], producer: str, source: str) -> list[Envelope]:
    recorded_at = datetime.now(UTC)
    out = []
    for position, event in enumerate(events, start=1):
        new = event.to_new_event("vn")
        recorded = RecordedEvent(
            position=position,
            event_id=new.event_id,
            stream_id=stream_of(event),
            stream_version=1,
            event_type=new.event_type,
            event_version=new.version,
            authority=new.authority,
            data_json=new.data_json(),
            recorded_at=recorded_at,
        )
        out.append(Envelope.from_recorded(recorded, producer, source))
    return out


def first_and_p95(call: Callable[[], Any], runs: int) -> tuple[float, float]:
    """The first call's time (cold: caches empty) and the p95 of the `runs` calls after it, ms."""
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000, p95(call, runs, warm=False)


def p95(call: Callable[[], Any], runs: int, warm: bool = True) -> float:
    if warm:
        call()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    # "inclusive": within the timings measured; the default extrapolates past the slowest of a few
    return statistics.quantiles(timings, n=20, method="inclusive")[18] if len(timings) >= 2 else timings[0]


@contextmanager
def target_database(postgres: bool) -> Iterator[str]:
    if not postgres:
        with tempfile.TemporaryDirectory() as work:
            yield f"sqlite:///{Path(work) / 'reporting.db'}"
        return
    name = f"coso_bench_reporting_{uuid.uuid4().hex[:8]}"
    admin = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# What the bench's plans target, as shares of their target of proposed candidates: the
# candidates (the indicator counts) and the five the fact projection measures (their
# achievements: adapters/plan_achievements.py), as the plans of DOMAIN.md set them.
TARGETS = {
    TargetIndicator.CANDIDATES_PROPOSED: 1.0,
    TargetIndicator.MEMBERS_ADMITTED: 0.2,
    TargetIndicator.MEMBERS_ADMITTED_PRODUCTION_WORKERS: 0.05,
    TargetIndicator.ORGANIZATIONS_FOUNDED: 0.05,
    TargetIndicator.ENTERPRISES_WITH_TRADE_UNION: 0.5,
    TargetIndicator.ENTERPRISES_WITH_PARTY_ORGANIZATION: 0.05,
}


def _plan(plans: Plans, plan_id: str, authority_id: str, subordinates: list[str], target: int) -> None:
    """A 2025 plan of `authority_id` with `TARGETS` (`target` proposed candidates), each split
    evenly among `subordinates` if given."""
    plans.adopt(
        AdoptPlan(
            plan_id=plan_id,
            authority_id=authority_id,
            title="Kế hoạch năm 2025",
            period_start=date(2025, 1, 1),
            period_end=date(2025, 12, 31),
        )
    )
    for indicator, share in TARGETS.items():
        value = max(len(subordinates), 1, round(target * share))
        plans.set_target(SetTarget(plan_id=plan_id, indicator=indicator, value=value))
        if subordinates:
            shares = _even_shares(subordinates, value)
            plans.split_target(SplitTarget(plan_id=plan_id, indicator=indicator, shares=shares))


def _even_shares(authorities: list[str], target: int) -> list[Share]:
    each = target // len(authorities)
    return [
        Share(authority_id=a, value=target - each * (len(authorities) - 1) if i == 0 else each)
        for i, a in enumerate(authorities)
    ]


def adopt_plans(engine: Engine, communes: list[str]) -> None:
    """The 2025 plans whose progress `measure` reports: the nation's, p01's and a commune's."""
    trees = SqlAuthorityTrees(engine)
    plans = Plans(
        lambda: SqlPlanUnitOfWork(EventStore(engine)),
        SqlPlanQueries(engine),
        SqlIndicatorHistory(engine),
        trees,
        today=lambda: LAST_DAY,
    )
    provinces = [f"p{p:02d}" for p in range(1, PROVINCES + 1)]
    p01_communes = [c for c in communes if c.startswith("p01.")]
    _plan(plans, "vn-2025", "vn", provinces, 140_000)
    _plan(plans, "p01-2025", "p01", p01_communes, 4_000)
    _plan(plans, "x-2025", communes[0], [], 40)


def measure(engine: Engine, communes: list[str], runs: int, as_of: date = LAST_DAY) -> None:
    """p95 of every report at national, province and commune level, then one province's files,
    each as of `as_of` over the period from the first of its year to it."""
    history = SqlIndicatorHistory(engine)
    today = lambda: as_of  # noqa: E731
    fact_queries = SqlFactQueries(engine)

    def served(max_age: float) -> tuple[Reports, FactReports, Plans]:
        """The reports as the service serves them; `max_age=0`: every answer made afresh, as
        when events keep arriving (each batch changes the projection's state)."""
        trees = SqlAuthorityTrees(engine, max_age=max_age)
        plans = Plans(  # with what the fact projection achieved and a cache, as the service's (bootstrap.py)
            lambda: SqlPlanUnitOfWork(EventStore(engine)),
            SqlPlanQueries(engine),
            history,
            trees,
            today=today,
            achievements=SqlPlanAchievements(engine),
            cache=StateCache(fact_queries.projection_state, max_age=max_age),
        )
        cache: StateCache[dict[str, Any]] = StateCache(fact_queries.projection_state, max_age=max_age)
        return Reports(history, trees, today=today), FactReports(fact_queries, trees, cache=cache), plans

    cached, uncached = served(10.0), served(0.0)
    reports, facts, plans = cached
    trees = SqlAuthorityTrees(engine)
    levels = {"national": "vn", "province": "p01", "commune": communes[0]}
    plan_ids = {"national": "vn-2025", "province": "p01-2025", "commune": "x-2025"}
    year = (date(as_of.year, 1, 1), as_of)
    five_years = (date(2021, 1, 1), date(2025, 12, 31))

    def measured(served: tuple[Reports, FactReports, Plans]) -> dict[str, Callable[[str, str], Any]]:
        reports, facts, plans = served
        return {
            "indicator report": lambda a, _: reports.indicator_report(a, *year),
            "trend (5 years)": lambda a, _: reports.trend(a, *five_years),
            "admissions": lambda a, _: reports.admissions(a, *year),
            **{
                f"{name}": (lambda a, _, n=name: facts.report(n, a, *year, as_of))  # type: ignore[misc]
                for name in REPORTS
            },
            "plan progress": lambda _, level: plans.progress(plan_ids[level]),
        }

    print(f"  reports as of {as_of.isoformat()}, period {year[0].isoformat()} to {year[1].isoformat()}")
    print(
        f"  latency, ms: first call / p95 of {runs} more / p95 of {runs} uncached"
        + "".join(f"{level:>27s}" for level in levels)
    )
    fresh = measured(uncached)
    for label, call in measured(cached).items():
        cells = []
        for level, a in levels.items():
            first, warm = first_and_p95(lambda a=a, lv=level, c=call: c(a, lv), runs)  # type: ignore[misc]
            cold = p95(lambda a=a, lv=level, c=fresh[label]: c(a, lv), runs)  # type: ignore[misc]
            cells.append(f"{first:9.1f} /{warm:7.1f} /{cold:7.1f}")
        print(f"    {label:30s}" + "".join(cells))
    fresh_trees = SqlAuthorityTrees(engine, max_age=0)
    for label, day in (("before the merger", MERGER - timedelta(days=1)), ("after it", MERGER)):
        tree_ms = p95(lambda d=day: trees.as_of(d), runs)  # type: ignore[misc]
        fresh_ms = p95(lambda d=day: fresh_trees.as_of(d), runs)  # type: ignore[misc]
        print(
            f"  hierarchy of one day ({label}, {len(trees.as_of(day).units):,} units) "
            f"p95 {tree_ms:8.1f} ms, uncached {fresh_ms:8.1f} ms"
        )
    formats = file_formats()
    exports = Exports(reports, plans, formats, today=today)
    fact_exports = FactExports(facts, formats, today=today)
    files: dict[str, Callable[[str], ExportedFile]] = {
        "indicator report": lambda f: exports.indicator_report(f, "p01", *year),
        "plan progress": lambda f: exports.plan_progress(f, "p01-2025", None),
        **{name: (lambda f, n=name: fact_exports.report(f, n, "p01", *year, as_of)) for name in REPORTS},  # type: ignore[misc]
    }
    print("  one province's export, s (bytes)" + "".join(f"{f.upper():>22s}" for f in formats))
    for label, export in files.items():
        cells = []
        for file_format in formats:
            started = time.perf_counter()
            exported = export(file_format)
            cells.append(f"{time.perf_counter() - started:8.2f} ({len(exported.content):>9,})")
        print(f"    {label:30s}" + "".join(f"{c:>22s}" for c in cells))


def rebuild_into(url: str, pages: list[PageFile], members_lanes: int = LANES, facts_lane: bool = True) -> Engine:
    """Rebuild the projection at `url` from the page files (the members' events in
    `members_lanes` processes and, with them, the other facts in the facts lane, on
    PostgreSQL); print the rate; the engine."""
    engine = create_database_engine(url)
    migrate_engine(engine)
    cpu = [CpuTimes.now()]  # at the start, once the events are replayed, at the end

    def replayed(name: str, position: int, last: int | None) -> None:
        if name == FINISHING and position == 0:
            cpu.append(CpuTimes.now())

    stats = rebuild(
        engine, [p.reader() for p in pages], members_lanes=members_lanes, facts_lane=facts_lane, progress=replayed
    )
    cpu.append(CpuTimes.now())
    postgres = engine.dialect.name == "postgresql"
    lanes = f", {members_lanes} members' lanes" if postgres else ""
    if postgres and members_lanes:
        lanes += " and the facts lane" if facts_lane else ", no facts lane"
    rest = "the rest of the machine (the database server)" if postgres else "the rest of the machine"
    print(
        f"  rebuild into {engine.dialect.name}{lanes}: {stats.events:,} events in {stats.seconds:.2f} s = "
        f"{stats.events_per_second:,.0f} events/s (the events {stats.replay_seconds:.1f} s, "
        f"the counts, keys and indexes {stats.finish_seconds:.1f} s)\n"
        f"    CPU time of the events: {cpu[1].since(cpu[0], rest)}\n"
        f"    CPU time of the counts, keys and indexes: {cpu[2].since(cpu[1], rest)}\n"
        f"    their longest steps: {', '.join(f'{step} {seconds:.1f} s' for step, seconds in stats.longest_steps())}"
    )
    return engine


def _day(value: str) -> date:
    """`--as-of`: a day written YYYY-MM-DD, not before the data set's first day."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--as-of must be a day written YYYY-MM-DD, not {value!r}") from None
    if day < FOUNDED:
        raise argparse.ArgumentTypeError(f"--as-of must not be before {FOUNDED.isoformat()}, the data's first day")
    return day


def _lanes(value: str) -> int:
    """`--members-lanes`: a count of processes, 0 for none."""
    try:
        lanes = int(value)
    except ValueError:
        lanes = -1
    if lanes < 0:
        raise argparse.ArgumentTypeError(f"--members-lanes must be a whole number, 0 or more, not {value!r}")
    return lanes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.01, help="1 = national size (default 0.01)")
    parser.add_argument("--postgres", action="store_true", help="measure on PostgreSQL (COSO_TEST_POSTGRES)")
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="first rebuild the same events into the other database (SQLite with --postgres), for its rate",
    )
    parser.add_argument("--runs", type=int, default=30, help="runs per latency figure")
    parser.add_argument(
        "--rebuild-only", action="store_true", help="measure the rebuild only, not the reports' latencies"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, metavar="N", help="rebuild N times, each into a new database (default 1)"
    )
    parser.add_argument(
        "--members-lanes",
        type=_lanes,
        action="append",
        metavar="N",
        help=f"processes the rebuild applies the members' events in, on PostgreSQL (default {LANES}; 0: none); "
        "repeated: each in turn, in every repeat, the last kept for the reports",
    )
    parser.add_argument(
        "--facts-lane",
        choices=("on", "off"),
        action="append",
        help="whether the rebuild writes its own batches' facts in a process of their own, with the members' "
        "lanes (default on); repeated: each in turn, for every count of members' lanes, the last kept",
    )
    parser.add_argument(
        "--as-of",
        type=_day,
        action="append",
        metavar="YYYY-MM-DD",
        help=f"the day every report is made as of (default {LAST_DAY.isoformat()}, the data's last day); "
        "repeated: each day measured in turn on the same projection",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    nation = SyntheticNation(args.scale)
    with tempfile.TemporaryDirectory() as work:
        pages = [
            PageFile(Path(work) / "registry.pages", "registry", "/coso/bench/registry"),
            PageFile(Path(work) / "admissions.pages", "admissions", "/coso/bench/admissions"),
        ]
        pages[0].write(nation.registry())
        pages[1].write(nation.admissions())
        print(
            f"synthetic nation at scale {args.scale}: {pages[0].events:,} registry and "
            f"{pages[1].events:,} admissions events, generated in {time.perf_counter() - started:.1f} s"
        )
        if args.baseline:
            with target_database(not args.postgres) as url:
                rebuild_into(url, pages).dispose()
        facts = [choice == "on" for choice in args.facts_lane or ["on"]]
        *compared, (lanes, facts_lane) = [(m, f) for m in args.members_lanes or [LANES] for f in facts]
        for _ in range(args.repeat - 1):  # the last one below
            for each in (*compared, (lanes, facts_lane)):
                with target_database(args.postgres) as url:
                    rebuild_into(url, pages, *each).dispose()
        for each in compared:
            with target_database(args.postgres) as url:
                rebuild_into(url, pages, *each).dispose()
        with target_database(args.postgres) as url:
            engine = rebuild_into(url, pages, lanes, facts_lane)
            if args.rebuild_only:
                engine.dispose()
                return
            adopt_plans(engine, nation.communes)
            heap.settle()  # as the service does once its application is built
            for day in args.as_of or [LAST_DAY]:
                measure(engine, nation.communes, args.runs, day)
            engine.dispose()


if __name__ == "__main__":
    main()
