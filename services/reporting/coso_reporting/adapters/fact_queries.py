"""SQL reads of the fact tables, as the domain's records (domain/fact_records.py).

Each read is one statement (two for records with a child table) in its own connection,
like the indicator queries: a rebuild's swap locks the tables it replaces, so a reader
must not hold one while waiting for another. Rows still missing the event that creates
them (see domain/facts.py) are left out.

Members and enterprises are counted in the database, grouped by the reports' axes: a
nation has millions of members and almost a million enterprises, and handing each to
Python took seconds per report already at a twentieth of that. The rules of a day are
`MemberGroup`'s and `CoverageGroup`'s, written in SQL.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import Engine, and_, case, func, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement

from coso_reporting.adapters.queries import ProjectionState, projection_state
from coso_reporting.adapters.tables import LIVE, ProjectionTables
from coso_reporting.domain.coverage import UNKNOWN_SIZE, CoverageGroup, SizeBands
from coso_reporting.domain.fact_records import (
    ACTIVE_STATUSES,
    LEFT_STATUSES,
    CandidateFact,
    MassOrganizationFact,
    MemberGroup,
    OrganizationFact,
    Step,
)

_IN_CHUNK = 500


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class SqlFactQueries:
    def __init__(self, engine: Engine, tables: ProjectionTables = LIVE) -> None:
        self._engine = engine
        self._tables = tables

    def projection_state(self) -> ProjectionState:
        """What `StateCache` keys finished reports on (`adapters.queries.projection_state`)."""
        return projection_state(self._engine)

    def coverage_groups(self, day: date, bands: SizeBands, minimum_official: int) -> list[CoverageGroup]:
        """`CoverageGroup`'s rules in SQL: each operating enterprise's place, union, organization
        and members on the day in an inner query, counted by all of them in the outer one."""
        t = self._tables
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
        # Sets joined rather than correlated EXISTS: the tables have no secondary index (a
        # rebuild swaps them by renaming), so a lookup per enterprise would scan each time.
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
        each = (
            select(
                ranked.c.authority_id,
                ranked.c.industrial_zone_id,
                e.c.ownership,
                band.label("size_band"),
                case((unions.c.enterprise_id.is_not(None), 1), else_=0).label("union_"),
                case((organized.c.enterprise_id.is_not(None), 1), else_=0).label("organized"),
                case((func.coalesce(members.c.active, 0) > 0, 1), else_=0).label("with_members"),
                case((func.coalesce(members.c.official, 0) >= minimum_official, 1), else_=0).label("enough"),
            )
            .select_from(
                e.join(ranked, and_(ranked.c.enterprise_id == e.c.enterprise_id, ranked.c.latest == 1))
                .outerjoin(members, members.c.enterprise_id == e.c.enterprise_id)
                .outerjoin(unions, unions.c.enterprise_id == e.c.enterprise_id)
                .outerjoin(organized, organized.c.enterprise_id == e.c.enterprise_id)
            )
            .where(e.c.registered_on <= on, or_(e.c.closed_on.is_(None), e.c.closed_on > on))
            .subquery()
        )
        columns = list(each.c)
        with self._engine.connect() as connection:
            rows = connection.execute(select(*columns, func.count()).group_by(*columns)).all()
        return [
            CoverageGroup(a, z, own, b, bool(u), bool(org), bool(w), bool(enough), int(n))
            for a, z, own, b, u, org, w, enough, n in rows
        ]

    def organizations(self) -> list[OrganizationFact]:
        t, c = self._tables.organizations, self._tables.organization_enterprises
        with self._engine.connect() as connection:
            rows = connection.execute(select(t).where(t.c.founded_on.is_not(None))).all()
            covered_rows = connection.execute(select(c).order_by(c.c.organization_id, c.c.enterprise_id)).all()
        covered: dict[str, list[str]] = {}
        for organization_id, enterprise_id in covered_rows:
            covered.setdefault(organization_id, []).append(enterprise_id)
        return [
            OrganizationFact(
                r.organization_id,
                r.kind,
                r.authority_id,
                _day(r.founded_on),
                _day(r.ended_on),
                r.ended_by,
                tuple(covered.get(r.organization_id, ())),
                r.official_members,
            )
            for r in rows
        ]

    def mass_organizations(self) -> list[MassOrganizationFact]:
        t = self._tables.mass_organizations
        with self._engine.connect() as connection:
            rows = connection.execute(select(t).where(t.c.founded_on.is_not(None))).all()
        return [
            MassOrganizationFact(
                r.mass_organization_id,
                r.kind,
                r.enterprise_id,
                r.authority_id,
                _day(r.founded_on),
                _day(r.dissolved_on),
                r.members,
            )
            for r in rows
        ]

    def _status_on(self, day: date) -> ColumnElement[str | None]:
        m, on = self._tables.members, day.isoformat()
        return case(
            (m.c.admitted_on > on, literal(None)),
            (and_(m.c.ended_on <= on, m.c.status.in_(LEFT_STATUSES)), m.c.status),
            (m.c.official_on <= on, literal("official")),
            else_=literal("probationary"),
        )

    def member_groups(self, day: date, start: date, end: date) -> list[MemberGroup]:
        m, e = self._tables.members, self._tables.fact_enterprises
        first, last = start.isoformat(), end.isoformat()
        status = self._status_on(day).label("status_on")
        admitted = case((m.c.admitted_on.between(first, last), 1), else_=0).label("admitted")
        left = case((and_(m.c.ended_on.between(first, last), m.c.ended_on <= day.isoformat()), 1), else_=0).label(
            "left_in_period"
        )
        query = (
            select(m.c.authority_id, m.c.job_category, e.c.ownership, status, admitted, left, func.count())
            .select_from(m.outerjoin(e, e.c.enterprise_id == m.c.enterprise_id))
            .where(m.c.admitted_on.is_not(None), m.c.authority_id.is_not(None))
            .group_by(m.c.authority_id, m.c.job_category, e.c.ownership, status, admitted, left)
        )
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
        return [MemberGroup(a, j, o, s, bool(ad), bool(lf), int(n)) for a, j, o, s, ad, lf, n in rows]

    def organization_ratings(self, year: int) -> list[tuple[str, str]]:
        t = self._tables.organization_ratings
        with self._engine.connect() as connection:
            return [
                (a, level)
                for a, level in connection.execute(select(t.c.authority_id, t.c.level).where(t.c.year == year))
            ]

    def member_ratings(self, year: int) -> list[tuple[str, str]]:
        t = self._tables.member_ratings
        with self._engine.connect() as connection:
            return [
                (a, rating)
                for a, rating in connection.execute(select(t.c.authority_id, t.c.rating).where(t.c.year == year))
            ]

    def candidate_authorities(self) -> set[str]:
        t = self._tables.fact_candidates
        with self._engine.connect() as connection:
            return set(connection.execute(select(t.c.authority_id).distinct()).scalars())

    def candidates(self, authorities: Collection[str] | None = None) -> list[CandidateFact]:
        t, s = self._tables.fact_candidates, self._tables.candidate_steps
        candidates_query = select(t)
        steps_query = select(s.c.candidate_id, s.c.step, s.c.on_day, s.c.due)
        with self._engine.connect() as connection:
            if authorities is None:
                rows = connection.execute(candidates_query).all()
                step_rows = connection.execute(steps_query).all()
            else:
                rows, step_rows = [], []
                ordered = sorted(authorities)
                for start in range(0, len(ordered), _IN_CHUNK):
                    chunk = ordered[start : start + _IN_CHUNK]
                    rows += connection.execute(candidates_query.where(t.c.authority_id.in_(chunk))).all()
                    step_rows += connection.execute(steps_query.where(s.c.authority_id.in_(chunk))).all()
        steps: dict[str, dict[str, Step]] = {}
        for candidate_id, step, on_day, due in step_rows:
            steps.setdefault(candidate_id, {})[step] = Step(date.fromisoformat(on_day), _day(due))
        return [
            CandidateFact(
                r.candidate_id,
                r.authority_id,
                r.display_ref,
                date.fromisoformat(r.proposed_on),
                steps.get(r.candidate_id, {}),
            )
            for r in rows
        ]
