"""The members and coverage reports read from the kept member counts give the answers of
grouping every member and enterprise of the day (the plain reading, kept here as the
reference), for past and present days, several periods and every level, on SQLite and
PostgreSQL; after live consumption with members arriving before their enterprise and an
enterprise changing ownership, enterprises moving and closing, unions and organizations
founded after a day or ended, event by event; after a rebuild; and for other size bands
and minimum before and after the recount. The migrations that add the counts fill them as
the projection keeps them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from datetime import date

import pytest
from sqlalchemy import Engine, and_, case, func, inspect, literal, or_, select

from coso_backbone.contracts import admissions as a
from coso_backbone.contracts import registry as r
from coso_backbone.migrate import downgrade
from coso_reporting.adapters import fact_queries
from coso_reporting.adapters.coverage_counts import CoverageSettings, keep_coverage_settings, kept_settings
from coso_reporting.adapters.fact_queries import SqlFactQueries
from coso_reporting.adapters.half_years import half_years_between
from coso_reporting.adapters.member_half_years import MEMBER_HALF_YEARS, end_day
from coso_reporting.adapters.member_status import job_group, status_on
from coso_reporting.adapters.rebuild import rebuild
from coso_reporting.adapters.schema import MIGRATIONS, VERSION_TABLE, migrate_engine
from coso_reporting.adapters.tables import LIVE
from coso_reporting.adapters.trees import SqlAuthorityTrees
from coso_reporting.application.fact_reports import FactReports, FactReportSettings
from coso_reporting.domain.coverage import MEASURES, UNKNOWN_SIZE, CoverageCounts, CoverageGroup, SizeBands
from coso_reporting.domain.fact_records import ACTIVE_STATUSES, LEFT_STATUSES, UNIT_COLUMNS, MemberCounts, MemberGroup

D = date.fromisoformat


class PlainFactQueries(SqlFactQueries):
    """Members and enterprises grouped one by one on the day, as the reports first did."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.engine = engine

    def member_counts(self, day: date, start: date, end: date, authorities: Collection[str]) -> MemberCounts:
        m, e = LIVE.members, LIVE.fact_enterprises
        first, last = start.isoformat(), end.isoformat()
        status = self._status_on(day)
        admitted = case((m.c.admitted_on.between(first, last), 1), else_=0)
        left = case((and_(m.c.ended_on.between(first, last), m.c.ended_on <= day.isoformat()), 1), else_=0)
        query = (
            select(m.c.authority_id, m.c.job_category, e.c.ownership, status, admitted, left, func.count())
            .select_from(m.outerjoin(e, e.c.enterprise_id == m.c.enterprise_id))
            .where(m.c.admitted_on.is_not(None), m.c.authority_id.is_not(None))
            .group_by(m.c.authority_id, m.c.job_category, e.c.ownership, status, admitted, left)
        )
        with self.engine.connect() as connection:
            groups = [
                MemberGroup(*row[:3], row[3], bool(row[4]), bool(row[5]), row[6]) for row in connection.execute(query)
            ]
        units: dict[str, dict[str, int]] = {}
        compositions: Counter[tuple] = Counter()
        for g in groups:
            if g.authority_id not in authorities:
                continue
            values = units.setdefault(g.authority_id, Counter())
            if g.status in ACTIVE_STATUSES:
                values.update({"members": g.count, g.status: g.count})
                if g.job_category in ("production_worker", "owner"):
                    values[g.job_category] += g.count
                compositions[("", g.job_category, g.ownership, g.status, False, False)] += g.count
            if g.admitted:
                values["admitted"] += g.count
            if g.left and g.status in LEFT_STATUSES:
                values.update({"left": g.count, f"left_{g.status}": g.count})
        columns = (*UNIT_COLUMNS, *(f"left_{s}" for s in LEFT_STATUSES))
        return MemberCounts(
            {a: {c: values[c] for c in columns} for a, values in units.items()},
            [MemberGroup(*key, n) for key, n in compositions.items()],
        )

    def coverage_counts(
        self, day: date, bands: SizeBands, minimum_official: int, authorities: Collection[str]
    ) -> CoverageCounts:
        t = LIVE
        e, p, m = t.fact_enterprises, t.enterprise_places, t.members
        o, covered, mass = t.organizations, t.organization_enterprises, t.mass_organizations
        on = day.isoformat()
        ranked = (
            select(
                p.c.enterprise_id,
                p.c.authority_id,
                p.c.industrial_zone_id,
                func.row_number().over(partition_by=p.c.enterprise_id, order_by=p.c.valid_from.desc()).label("latest"),
            )
            .where(p.c.valid_from <= on)
            .subquery()
        )
        status = self._status_on(day)
        members = (
            select(
                m.c.enterprise_id,
                func.sum(case((status.in_(ACTIVE_STATUSES), 1), else_=0)).label("active"),
                func.sum(case((status == "official", 1), else_=0)).label("official"),
            )
            .where(m.c.enterprise_id.is_not(None), m.c.admitted_on <= on)
            .group_by(m.c.enterprise_id)
            .subquery()
        )
        unions = (
            select(mass.c.enterprise_id)
            .where(
                mass.c.kind == "trade_union",
                mass.c.founded_on <= on,
                or_(mass.c.dissolved_on.is_(None), mass.c.dissolved_on > on),
            )
            .distinct()
            .subquery()
        )
        organized = (
            select(covered.c.enterprise_id)
            .join(o, o.c.organization_id == covered.c.organization_id)
            .where(o.c.founded_on <= on, or_(o.c.ended_on.is_(None), o.c.ended_on > on))
            .distinct()
            .subquery()
        )
        keys = bands.keys()
        band = case(
            (e.c.worker_count.is_(None), literal(UNKNOWN_SIZE)),
            *((e.c.worker_count < limit, literal(key)) for limit, key in zip(bands.limits, keys, strict=False)),
            else_=literal(keys[-1]),
        )
        query = (
            select(
                ranked.c.authority_id,
                ranked.c.industrial_zone_id,
                e.c.ownership,
                band,
                unions.c.enterprise_id.is_not(None),
                organized.c.enterprise_id.is_not(None),
                func.coalesce(members.c.active, 0) > 0,
                func.coalesce(members.c.official, 0) >= minimum_official,
            )
            .select_from(
                e.join(ranked, and_(ranked.c.enterprise_id == e.c.enterprise_id, ranked.c.latest == 1))
                .outerjoin(members, members.c.enterprise_id == e.c.enterprise_id)
                .outerjoin(unions, unions.c.enterprise_id == e.c.enterprise_id)
                .outerjoin(organized, organized.c.enterprise_id == e.c.enterprise_id)
            )
            .where(e.c.registered_on <= on, or_(e.c.closed_on.is_(None), e.c.closed_on > on))
        )
        with self.engine.connect() as connection:
            groups = [CoverageGroup(*row[:4], *map(bool, row[4:]), 1) for row in connection.execute(query)]
        axes: list[dict] = [{}, {}, {}, {}]
        for g in groups:
            if g.authority_id not in authorities:
                continue
            for axis, key in zip(axes, (g.authority_id, g.size_band, g.ownership, g.industrial_zone_id), strict=True):
                sums = axis.setdefault(key, dict.fromkeys(MEASURES, 0))
                for name, value in g.measures().items():
                    sums[name] += value
        return CoverageCounts(*axes)


def _sorted(counts: MemberCounts) -> tuple[dict[str, dict[str, int]], list[MemberGroup]]:
    return counts.units, sorted(counts.compositions, key=repr)


def enterprise(enterprise_id: str, authority_id: str, on: str, ownership=r.Ownership.DOMESTIC_PRIVATE, workers=80):
    return r.EnterpriseRegistered(
        enterprise_id=enterprise_id,
        tax_code="0100109106",
        name=f"Công ty {enterprise_id}",
        authority_id=authority_id,
        ownership=ownership,
        worker_count=workers,
        registered_on=D(on),
    )


def member(member_id: str, authority_id: str, enterprise_id: str, admitted: str, official: str | None = None, **more):
    return a.MemberEnrolled(
        member_id=member_id,
        authority_id=authority_id,
        organization="o?",
        enterprise_id=enterprise_id,
        job_category=more.get("job", a.JobCategory.PRODUCTION_WORKER),
        status=a.MemberStatus.OFFICIAL if official else a.MemberStatus.PROBATIONARY,
        admitted_on=D(admitted),
        official_on=D(official) if official else None,
        via="import",
    )


def status(member_id: str, authority_id: str, before: a.MemberStatus, after: a.MemberStatus, on: str):
    return a.MemberStatusChanged(
        member_id=member_id, authority_id=authority_id, previous_status=before, status=after, on=D(on)
    )


def history(world) -> list:
    """Two communes of hn, one merged into the other in 2025; members admitted, recognised,
    transferred and leaving over the years; a member enrolled before its enterprise is
    registered, an enterprise changing ownership, a union and an organization."""
    reg, adm = world.registry, world.admissions
    probationary, official = a.MemberStatus.PROBATIONARY, a.MemberStatus.OFFICIAL
    jobs = list(a.JobCategory)
    events = [
        world.authority("hn"),
        world.authority("hn.a", parent_id="hn"),
        world.authority("hn.b", parent_id="hn"),
        world.authority("hn.old", parent_id="hn"),
        world.authority("hp"),
        world.authority("hn.kcn", parent_id="hn"),
        reg.record("enterprise-e1", enterprise("e1", "hn.a", "2021-03-01", workers=30)),
        reg.record("enterprise-e2", enterprise("e2", "hn.b", "2022-06-01", r.Ownership.FOREIGN_INVESTED, 400)),
        reg.record("enterprise-e3", enterprise("e3", "hn.old", "2020-02-01", workers=1500)),
        reg.record("enterprise-e9", enterprise("e9", "hp", "2020-02-01")),
        reg.record(
            "authority-hn.old",
            r.AuthorityMerged(
                authority_id="hn.old",
                successor_id="hn.a",
                merged_with=["hn.old"],
                effective_from=D("2025-07-01"),
                legal_basis="Nghị quyết số 1/2025",
            ),
        ),
        reg.record(
            "mass-u1",
            r.MassOrganizationFounded(
                mass_organization_id="u1",
                kind=r.MassOrganizationKind.TRADE_UNION,
                enterprise_id="e2",
                authority_id="hn.b",
                name="Công đoàn e2",
                founded_on=D("2024-05-01"),
                members=50,
            ),
        ),
        reg.record(
            "organization-o1",
            r.OrganizationFounded(
                organization_id="o1",
                name="Chi bộ e1",
                kind=r.OrganizationKind.GRASSROOTS_CELL,
                authority_id="hn.a",
                enterprise_ids=["e1"],
                decision_number="1-QĐ",
                founded_on=D("2025-02-01"),
                official_members=3,
            ),
        ),
    ]
    for n in range(12):
        unit, company = [("hn.a", "e1"), ("hn.b", "e2"), ("hn.old", "e3")][n % 3]
        admitted = f"{2019 + n % 7}-{1 + n % 12:02d}-15"
        recognised = f"{2020 + n % 7}-{1 + n % 12:02d}-15" if n % 4 else None
        events.append(
            adm.record(f"member-m{n}", member(f"m{n}", unit, company, admitted, recognised, job=jobs[n % len(jobs)]))
        )
    events += [
        adm.record("member-m0", status("m0", "hn.a", probationary, official, "2024-02-20")),
        adm.record("member-m4", status("m4", "hn.a", official, a.MemberStatus.DECEASED, "2025-03-03")),
        adm.record("member-m5", status("m5", "hn.old", official, a.MemberStatus.TRANSFERRED_OUT, "2024-11-11")),
        adm.record("member-m8", status("m8", "hn.old", probationary, a.MemberStatus.REMOVED, "2025-08-08")),
        adm.record(
            "member-m7",
            a.MemberTransferReceived(
                member_id="m7",
                transfer_id="t7",
                kind=a.TransferKind.OFFICIAL,
                to_organization="o1",
                to_authority_id="hn.a",
                on=D("2025-04-01"),
                body="Chi bộ o1",
            ),
        ),
        # Admissions' events before registry's: the members of e4 come before e4 itself.
        adm.record("member-m20", member("m20", "hn.b", "e4", "2023-01-10", "2024-01-10")),
        adm.record("member-m21", member("m21", "hn.b", "e4", "2025-05-10", job=a.JobCategory.OWNER)),
        adm.record("member-m22", member("m22", "hp", "e9", "2018-01-10", "2019-01-10")),
        reg.record("enterprise-e4", enterprise("e4", "hn.b", "2022-01-01", r.Ownership.COOPERATIVE)),
        reg.record(
            "enterprise-e2",
            r.EnterpriseUpdated(
                enterprise_id="e2", effective_from=D("2025-01-01"), ownership=r.Ownership.HOUSEHOLD_BUSINESS
            ),
        ),
        *coverage_history(world),
        *candidate_history(world),
    ]
    return events


def candidate_history(world) -> list:
    """Two candidates of hn.a, one stepping on in later months (their moves between stages)."""
    adm = world.admissions
    events = []
    for n, proposed_on in enumerate(("2025-02-10", "2025-06-20")):
        proposal = a.CandidateProposed(
            candidate_id=f"k{n}",
            enterprise_id="e1",
            authority_id="hn.a",
            source_channel=a.SourceChannel.ENTERPRISE_TRADE_UNION,
            job_category=a.JobCategory.PRODUCTION_WORKER,
            proposed_on=D(proposed_on),
        )
        events.append(adm.record(f"candidate-k{n}", proposal))
    steps = [
        a.AwarenessClassAttended(candidate_id="k0", authority_id="hn.a", on=D("2025-03-01"), body="Chi bộ"),
        a.ApplicationSubmitted(
            candidate_id="k0", authority_id="hn.a", on=D("2025-08-08"), body="Chi bộ", file_expires_on=D("2026-08-08")
        ),
    ]
    return events + [adm.record("candidate-k0", step) for step in steps]


def coverage_history(world) -> list:
    """What moves an enterprise's coverage: a move into an industrial zone of another unit,
    a new worker count, a union founded late and one dissolved, organizations ended and one
    covering two enterprises, an enterprise closing."""
    reg = world.registry
    return [
        reg.record(
            "enterprise-e1",
            r.EnterpriseMoved(
                enterprise_id="e1",
                authority_id="hn.b",
                previous_authority_id="hn.a",
                industrial_zone_id="hn.kcn",
                previous_industrial_zone_id=None,
                effective_from=D("2025-09-01"),
            ),
        ),
        reg.record(
            "enterprise-e1", r.WorkforceCounted(enterprise_id="e1", worker_count=250, counted_on=D("2025-09-01"))
        ),
        reg.record(
            "mass-u2",
            r.MassOrganizationFounded(
                mass_organization_id="u2",
                kind=r.MassOrganizationKind.TRADE_UNION,
                enterprise_id="e3",
                authority_id="hn.a",
                name="Công đoàn e3",
                founded_on=D("2025-09-15"),
                members=20,
            ),
        ),
        reg.record(
            "mass-u1",
            r.MassOrganizationDissolved(mass_organization_id="u1", reason="giải thể", effective_from=D("2025-11-01")),
        ),
        reg.record(
            "organization-o2",
            r.OrganizationFounded(
                organization_id="o2",
                name="Chi bộ ghép e2, e4",
                kind=r.OrganizationKind.COMBINED_CELL,
                authority_id="hn.b",
                enterprise_ids=["e2", "e4"],
                decision_number="2-QĐ",
                founded_on=D("2023-03-01"),
                official_members=3,
            ),
        ),
        reg.record(
            "organization-o2",
            r.OrganizationDissolved(
                organization_id="o2",
                reason="không đủ đảng viên",
                decision_number="3-QĐ",
                effective_from=D("2024-11-11"),
            ),
        ),
        reg.record(
            "organization-o1",
            r.OrganizationDissolved(
                organization_id="o1",
                reason="doanh nghiệp giải thể",
                decision_number="4-QĐ",
                effective_from=D("2025-10-01"),
            ),
        ),
        reg.record(
            "enterprise-e9", r.EnterpriseClosed(enterprise_id="e9", reason="giải thể", effective_from=D("2024-12-01"))
        ),
    ]


DAYS = [
    "2020-06-30",
    "2023-12-31",
    "2024-11-11",
    "2024-12-01",
    "2025-06-30",
    "2025-07-01",
    "2025-09-01",
    "2025-09-30",
    "2025-10-15",
    "2025-12-31",
    "2026-11-25",
]
# Days only the coverage report is compared on: each side of a change of the history above,
# and days early in a half year after changes in it (read from the end of the one before).
COVERAGE_DAYS = [
    "2023-03-15",
    "2024-03-31",
    "2024-05-15",
    "2025-03-31",
    "2025-04-15",
    "2025-06-25",
    "2020-02-01",
    "2021-12-31",
    "2022-01-01",
    "2023-02-28",
    "2023-03-01",
    "2024-01-10",
    "2024-04-30",
    "2024-05-01",
    "2024-11-10",
    "2025-01-31",
    "2025-02-01",
    "2025-08-31",
    "2025-10-31",
    "2025-11-01",
]
PERIODS = [
    ("2025-01-01", "2025-12-31"),
    ("2025-01-01", "2025-06-30"),
    ("2019-01-01", "2026-12-31"),
    ("2024-11-11", "2024-11-11"),
    # Periods beginning or ending within a month: the kept flows of their whole months and
    # the members admitted or leaving in the parts outside them.
    ("2024-11-11", "2025-08-08"),
    ("2025-03-01", "2025-03-15"),
    ("2025-03-04", "2025-08-31"),
    ("2024-02-21", "2024-11-30"),
]


# The roots' reports hold a row for each of their units, so the whole grid of days and
# periods is compared on them; a subordinate unit's, which read only its own units, on the
# year and on a period cut within months.
ROOTS = ("hn", "hp")
SUBORDINATES = ("hn.a", "hn.b", "hn.old", "hn.kcn")
SUBORDINATE_PERIODS = [PERIODS[0], PERIODS[6]]


def assert_same_reports(engine: Engine) -> None:
    """The members report of each day, period and unit, and the coverage report of each day
    and unit (which depends on the day alone), from the kept counts and by grouping."""
    kept = FactReports(SqlFactQueries(engine), SqlAuthorityTrees(engine))
    plain = FactReports(PlainFactQueries(engine), SqlAuthorityTrees(engine))
    compared = 0
    for day in DAYS:
        asked = [(a, p) for a in ROOTS for p in PERIODS] + [(a, p) for a in SUBORDINATES for p in SUBORDINATE_PERIODS]
        for authority, (start, end) in asked:
            if authority == "hn.old" and D(day) >= D("2025-07-01"):
                continue
            args = (authority, D(start), D(end), D(day))
            assert kept.members(*args) == plain.members(*args), args
            compared += 1
    assert compared > 250
    assert_same_coverage(engine)
    assert_changes_add_up(engine)
    assert_member_half_years_as_grouped(engine)


def assert_member_half_years_as_grouped(engine: Engine) -> None:
    """Each kept half year's end holds the active members of its last day, grouped one by one
    per unit, status and job group and per job category, ownership and status; the ends kept
    are the MEMBER_HALF_YEARS up to the latest change's half year, or more."""
    m, e = LIVE.members, LIVE.fact_enterprises
    unit_ends, composition_ends = LIVE.member_unit_half_years, LIVE.member_composition_half_years
    job, ownership = func.coalesce(m.c.job_category, ""), func.coalesce(e.c.ownership, "")
    with engine.connect() as connection:
        months = sorted(connection.execute(select(unit_ends.c.month).distinct()).scalars())
        latest = connection.execute(select(func.max(LIVE.member_changes.c.changed_on))).scalar()
        for month in months:
            status = status_on(m, end_day(month))
            grouped = (
                select(m.c.authority_id, status, job_group(job), func.count())
                .where(m.c.admitted_on.is_not(None), m.c.authority_id.is_not(None), status.in_(ACTIVE_STATUSES))
                .group_by(m.c.authority_id, status, job_group(job))
            )
            kept = select(*unit_ends.c[1:]).where(unit_ends.c.month == month)
            assert sorted(connection.execute(kept).all()) == sorted(connection.execute(grouped).all()), month
            composed = (
                select(job, ownership, status, func.count())
                .select_from(m.outerjoin(e, e.c.enterprise_id == m.c.enterprise_id))
                .where(m.c.admitted_on.is_not(None), m.c.authority_id.is_not(None), status.in_(ACTIVE_STATUSES))
                .group_by(job, ownership, status)
            )
            kept = select(*composition_ends.c[1:]).where(composition_ends.c.month == month)
            assert sorted(connection.execute(kept).all()) == sorted(connection.execute(composed).all()), month
    assert months == half_years_between(months[0], latest[:7])
    assert len(months) >= MEMBER_HALF_YEARS


def assert_same_coverage(
    engine: Engine, settings: FactReportSettings | None = None, days: list[str] = DAYS + COVERAGE_DAYS
) -> None:
    """The coverage report of every day and unit, from the kept counts and by grouping."""
    kept = FactReports(SqlFactQueries(engine), SqlAuthorityTrees(engine), settings)
    plain = FactReports(PlainFactQueries(engine), SqlAuthorityTrees(engine), settings)
    for day in days:
        for authority in ("hn", "hn.a", "hn.b", "hn.old", "hn.kcn", "hp"):
            if authority == "hn.old" and D(day) >= D("2025-07-01"):
                continue
            args = (authority, D("2025-01-01"), D("2025-12-31"), D(day))
            assert kept.coverage(*args) == plain.coverage(*args), args


def assert_changes_add_up(engine: Engine) -> None:
    """The kept counts (the latest state) are the sum of the kept changes by day, and the
    kept changes by month those by day summed per month."""
    counts, changes, monthly = LIVE.coverage_counts, LIVE.coverage_changes, LIVE.coverage_monthly_changes
    place = [changes.c[k] for k in ("authority_id", "industrial_zone_id", "ownership", "size_band")]
    summed = select(*place, *(func.sum(changes.c[m]) for m in MEASURES)).group_by(*place)
    month = [place[0], func.substr(changes.c.day, 1, 7), *place[1:]]
    by_month = select(*month, *(func.sum(changes.c[m]) for m in MEASURES)).group_by(*month)
    with engine.connect() as connection:
        kept = sorted(tuple(row) for row in connection.execute(select(counts)))
        added = sorted(tuple(row) for row in connection.execute(summed) if any(row[len(place) :]))
        kept_by_month = sorted(tuple(row) for row in connection.execute(select(monthly)))
        added_by_month = sorted(tuple(row) for row in connection.execute(by_month) if any(row[len(month) :]))
    assert kept and added == kept
    assert kept_by_month and added_by_month == kept_by_month
    assert_half_years_add_up(engine)


def assert_half_years_add_up(engine: Engine) -> None:
    """Each kept half year's end is the sum of the kept changes by day up to its last day,
    for every half year from the first change's to the last's, the last the kept counts."""
    changes, half_years = LIVE.coverage_changes, LIVE.coverage_half_years
    place = [changes.c[k] for k in ("authority_id", "industrial_zone_id", "ownership", "size_band")]
    with engine.connect() as connection:
        days = sorted(connection.execute(select(changes.c.day).distinct()).scalars())
        kept = sorted(tuple(row) for row in connection.execute(select(half_years)))
        ends = half_years_between(days[0][:7], days[-1][:7])
        added = []
        for end in ends:
            upto = select(*place, *(func.sum(changes.c[m]) for m in MEASURES)).where(changes.c.day <= f"{end}-31")
            added += [(end, *row) for row in connection.execute(upto.group_by(*place)) if any(row[len(place) :])]
        counts = sorted(tuple(row) for row in connection.execute(select(LIVE.coverage_counts)))
    assert len(ends) > 1 and sorted(added) == kept
    assert sorted(row[1:] for row in kept if row[0] == ends[-1]) == counts


@pytest.mark.parametrize("units", ["written_out", "as_a_nation"])
def test_members_and_coverage_from_the_kept_counts_answer_as_grouping_every_member(
    world, projection, monkeypatch, units
) -> None:
    """ "as_a_nation": the members report names the units it does not hold, as a national
    report does."""
    if units == "as_a_nation":
        monkeypatch.setattr(fact_queries, "MEMBER_UNITS_NAMED_AT_MOST", 0)
        monkeypatch.setattr(fact_queries, "MEMBER_UNITS_NAMED_AT_MOST", 0)
    delivered = history(world)
    # The registry's last two events come in a later batch than the members they concern.
    for part in (delivered[:-2], delivered[-2:]):
        outcome = projection.deliver(part)
        assert outcome.applied == len(part), projection.sink.letters

    assert_same_reports(projection.engine)
    every_unit = ("hn", "hn.a", "hn.b", "hn.old", "hn.kcn", "hp")  # none left out: a nation's report
    for day in DAYS:
        for start, end in PERIODS:
            args = (D(day), D(start), D(end), every_unit)
            kept, plain = SqlFactQueries(projection.engine), PlainFactQueries(projection.engine)
            assert _sorted(kept.member_counts(*args)) == _sorted(plain.member_counts(*args)), args
    members = FactReports(SqlFactQueries(projection.engine), SqlAuthorityTrees(projection.engine)).members(
        "hn", D("2025-01-01"), D("2025-12-31"), D("2025-12-31")
    )
    ownership = {row["key"]: row["values"]["members"] for row in members["sections"][2]["rows"]}
    assert ownership["cooperative"] == 2 and ownership["household_business"] > 0 and ownership["foreign_invested"] == 0


def test_members_and_coverage_kept_event_by_event_answer_as_grouping_every_member(world, projection) -> None:
    for event in history(world):
        outcome = projection.deliver([event])
        assert outcome.applied == 1, projection.sink.letters

    assert_same_reports(projection.engine)
    assert_changes_add_up(projection.engine)
    coverage = FactReports(SqlFactQueries(projection.engine), SqlAuthorityTrees(projection.engine)).coverage
    report = coverage("hn", D("2025-01-01"), D("2025-12-31"), D("2025-12-31"))
    units = {row["key"]: row["values"]["enterprises"] for row in report["sections"][0]["rows"]}
    assert units["hn.b"] == 3 and units["hn.a"] == 1  # e1 moved to hn.b; e3 under hn.old's successor


def test_coverage_asked_with_other_settings_groups_every_enterprise_until_recounted(world, projection) -> None:
    projection.deliver(history(world))
    other = FactReportSettings(size_bands=SizeBands((100, 500)), minimum_official_members=2)
    assert_same_coverage(projection.engine, other)  # not the kept counts' settings: every enterprise grouped

    assert keep_coverage_settings(projection.engine, CoverageSettings(SizeBands((100, 500)), 2))

    with projection.engine.connect() as connection:
        assert kept_settings(connection) == CoverageSettings(SizeBands((100, 500)), 2)
    assert_same_coverage(projection.engine, other)
    assert_changes_add_up(projection.engine)
    counted = r.WorkforceCounted(enterprise_id="e2", worker_count=90, counted_on=D("2025-12-01"))
    projection.deliver([world.registry.record("enterprise-e2", counted)])
    assert_same_coverage(projection.engine, other)
    assert_changes_add_up(projection.engine)
    assert not keep_coverage_settings(projection.engine, CoverageSettings(SizeBands((100, 500)), 2))


def test_the_kept_counts_after_a_rebuild_answer_as_before_it(world, projection) -> None:
    projection.deliver(history(world))

    rebuild(projection.engine, world.sources, page_size=7)

    assert_same_reports(projection.engine)


# The counts the projection keeps for the facts' latest state.
KEPT_COUNTS = (
    LIVE.member_counts,
    LIVE.enterprise_members,
    LIVE.member_changes,
    LIVE.coverage_counts,
    LIVE.enterprise_coverage,
    LIVE.coverage_changes,
    LIVE.coverage_monthly_changes,
    LIVE.coverage_half_years,
    LIVE.coverage_settings,
    LIVE.member_flows,
    LIVE.member_unit_counts,
    LIVE.member_compositions,
    LIVE.organization_counts,
    LIVE.stage_moves,
    LIVE.monthly_stage_moves,
    LIVE.member_unit_half_years,
    LIVE.member_composition_half_years,
)


def test_the_migration_fills_the_counts_the_projection_keeps(world, projection) -> None:
    kept_tables = (*KEPT_COUNTS, LIVE.monthly_indicators, LIVE.yearly_indicators)  # p0013's
    projection.deliver(history(world))
    with projection.engine.connect() as connection:
        kept = {t.name: sorted(tuple(row) for row in connection.execute(select(t))) for t in kept_tables}
    assert all(kept.values())
    downgrade(projection.engine, MIGRATIONS, VERSION_TABLE, "p0006")  # before any kept count

    migrate_engine(projection.engine)

    with projection.engine.connect() as connection:
        assert {t.name: sorted(tuple(row) for row in connection.execute(select(t))) for t in kept_tables} == kept
    assert_same_coverage(projection.engine)


def test_a_rebuild_counts_the_rows_the_live_delivery_keeps(world, projection) -> None:
    """The counts a rebuild makes at its end (on PostgreSQL in lanes on connections of their
    own, at the same time) are, row for row, those the live delivery moved event by event."""
    kept_tables = KEPT_COUNTS
    projection.deliver(history(world))
    with projection.engine.connect() as connection:
        live = {t.name: sorted(tuple(row) for row in connection.execute(select(t))) for t in kept_tables}
    assert all(live.values())

    rebuild(projection.engine, world.sources, page_size=7)

    with projection.engine.connect() as connection:
        assert {t.name: sorted(tuple(row) for row in connection.execute(select(t))) for t in kept_tables} == live
        if connection.dialect.name == "postgresql":  # the tables read by day or month are stored in that order
            stored_by = (
                (LIVE.coverage_changes, "''", "day"),
                (LIVE.member_changes, "''", "changed_on"),
                (LIVE.member_flows, "''", "month"),
                (LIVE.stage_moves, "''", "day"),
                (LIVE.monthly_stage_moves, "''", "month"),
                (LIVE.daily_indicators, "''", "day"),
                (LIVE.monthly_indicators, "''", "month"),
                (LIVE.yearly_indicators, "''", "year"),
                (LIVE.organization_monthly_flows, "family", "month"),  # each family's apart
                (LIVE.organization_yearly_flows, "family", "year"),
            )
            for table, part, order in stored_by:
                stored: dict[str, list[str]] = {}
                for each, value in connection.exec_driver_sql(
                    f"SELECT {part}, {order} FROM {table.name} ORDER BY ctid"
                ):
                    stored.setdefault(each, []).append(value)
                assert len({v for values in stored.values() for v in values}) > 2, table.name
                assert all(values == sorted(values) for values in stored.values()), table.name


# Past days on each side of the history's changes within a month: a month's last day (whole
# months after it), days whose month has changes after them (2024-11-11, 2025-09-01 and
# 2025-09-15), and today.
PAST_DAYS = ["2024-11-10", "2025-08-31", "2025-09-10", "2025-12-31"]


@pytest.mark.parametrize("units", ["looked_up", "read_by_day"])
def test_coverage_of_a_past_day_takes_out_the_whole_months_and_the_days_left_of_its_month(
    world, projection, monkeypatch, units
) -> None:
    """ "read_by_day": every unit's changes after the day read by their month and day and the
    report's units kept, as for a nation's report."""
    if units == "read_by_day":
        monkeypatch.setattr(fact_queries, "COVERAGE_UNITS_LOOKED_UP_AT_MOST", 0)
    delivered = history(world)
    for start in range(0, len(delivered), 8):
        outcome = projection.deliver(delivered[start : start + 8])
        assert outcome.applied == len(delivered[start : start + 8]), projection.sink.letters

    assert_same_coverage(projection.engine, days=PAST_DAYS)
    assert_changes_add_up(projection.engine)


def test_the_migration_sums_the_kept_coverage_changes_by_month(world, projection) -> None:
    projection.deliver(history(world))
    monthly = LIVE.coverage_monthly_changes
    with projection.engine.connect() as connection:
        kept = sorted(tuple(row) for row in connection.execute(select(monthly)))
    downgrade(projection.engine, MIGRATIONS, VERSION_TABLE, "p0016")  # before p0017's table and indexes
    assert not inspect(projection.engine).has_table(monthly.name)

    migrate_engine(projection.engine)

    with projection.engine.connect() as connection:
        assert kept and sorted(tuple(row) for row in connection.execute(select(monthly))) == kept
    assert_same_coverage(projection.engine, days=PAST_DAYS)


def test_a_change_made_up_for_by_a_later_batch_leaves_no_kept_row(world, projection) -> None:
    """An enterprise leaving a unit in a month, then another of the same kind entering it that
    month in a later batch: the month's change comes back to nothing and its row goes, as a
    rebuild would not write it."""
    reg = world.registry
    moved = r.EnterpriseMoved(
        enterprise_id="e1",
        authority_id="hn.b",
        previous_authority_id="hn.a",
        industrial_zone_id=None,
        previous_industrial_zone_id=None,
        effective_from=D("2024-03-10"),
    )
    first = [
        world.authority("hn"),
        world.authority("hn.a", parent_id="hn"),
        world.authority("hn.b", parent_id="hn"),
        reg.record("enterprise-e1", enterprise("e1", "hn.a", "2023-01-05")),
        reg.record("enterprise-e1", moved),
    ]
    assert projection.deliver(first).applied == len(first)
    monthly = LIVE.coverage_monthly_changes
    in_march = select(monthly.c.enterprises).where(monthly.c.authority_id == "hn.a", monthly.c.month == "2024-03")
    with projection.engine.connect() as connection:
        assert connection.execute(in_march).scalars().all() == [-1]

    assert projection.deliver([reg.record("enterprise-e2", enterprise("e2", "hn.a", "2024-03-20"))]).applied == 1

    with projection.engine.connect() as connection:
        assert connection.execute(in_march).scalars().all() == []
    assert_changes_add_up(projection.engine)


def test_a_member_changed_several_times_after_the_day_is_recounted_as_it_was_then(
    world, projection, monkeypatch
) -> None:
    """A member admitted, recognised and removed after a day, its enterprise changing
    ownership later still: each day's national report (units left out by name) recounts it
    from its kept last change as it was on that day, as grouping every member does."""
    monkeypatch.setattr(fact_queries, "MEMBER_UNITS_NAMED_AT_MOST", 0)
    probationary, official = a.MemberStatus.PROBATIONARY, a.MemberStatus.OFFICIAL
    adm, reg = world.admissions, world.registry
    assert projection.deliver(history(world)).applied
    later = [
        adm.record("member-m30", member("m30", "hn.a", "e1", "2025-07-10", job=a.JobCategory.OWNER)),
        adm.record("member-m30", status("m30", "hn.a", probationary, official, "2025-09-01")),
        adm.record("member-m30", status("m30", "hn.a", official, a.MemberStatus.REMOVED, "2025-10-01")),
        reg.record(
            "enterprise-e1",
            r.EnterpriseUpdated(enterprise_id="e1", effective_from=D("2025-11-01"), ownership=r.Ownership.COOPERATIVE),
        ),
    ]
    for event in later:  # each in a batch of its own, as delivered live
        assert projection.deliver([event]).applied == 1, projection.sink.letters

    every_unit = ("hn", "hn.a", "hn.b", "hn.old", "hn.kcn", "hp")
    kept, plain = SqlFactQueries(projection.engine), PlainFactQueries(projection.engine)
    for day in ("2025-06-30", "2025-07-10", "2025-08-31", "2025-09-15", "2025-10-01", "2025-12-31"):
        for start, end in (("2025-01-01", day), ("2025-07-05", "2025-10-20")):
            args = (D(day), D(start), D(end), every_unit)
            assert _sorted(kept.member_counts(*args)) == _sorted(plain.member_counts(*args)), args


def test_the_migration_keeps_with_each_last_change_what_counts_the_member(world, projection) -> None:
    changes = LIVE.member_changes
    assert projection.deliver(history(world)).applied
    with projection.engine.connect() as connection:
        kept = sorted(tuple(row) for row in connection.execute(select(changes)))
    downgrade(projection.engine, MIGRATIONS, VERSION_TABLE, "p0017")  # before p0018's columns
    assert "ownership" not in {c["name"] for c in inspect(projection.engine).get_columns(changes.name)}

    migrate_engine(projection.engine)

    with projection.engine.connect() as connection:
        assert kept and sorted(tuple(row) for row in connection.execute(select(changes))) == kept
    reports = FactReports(SqlFactQueries(projection.engine), SqlAuthorityTrees(projection.engine))
    plain = FactReports(PlainFactQueries(projection.engine), SqlAuthorityTrees(projection.engine))
    for day in ("2024-11-11", "2025-06-30"):
        args = ("hn", D("2024-11-11"), D(day), D(day))
        assert reports.members(*args) == plain.members(*args), args
