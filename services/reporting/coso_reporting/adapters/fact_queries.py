"""SQL reads of the fact tables, as the domain's records (domain/fact_records.py).

Each read is one statement (two for records with a child table) in its own connection,
like the indicator queries: a rebuild's swap locks the tables it replaces, so a reader
must not hold one while waiting for another. Rows still missing the event that creates
them (see domain/facts.py) are left out.

Members are counted in the database, grouped by the report's axes: a nation has millions
of them, and handing each to Python took seconds per report already at a hundredth of
that. The status on a day (`_status_on`) is `MemberGroup`'s rule, written in SQL.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import Engine, and_, case, func, literal, select
from sqlalchemy.sql.elements import ColumnElement

from coso_reporting.adapters.tables import LIVE, ProjectionTables
from coso_reporting.domain.fact_records import (
    ACTIVE_STATUSES,
    LEFT_STATUSES,
    CandidateFact,
    EnterpriseFact,
    EnterpriseMembers,
    MassOrganizationFact,
    MemberGroup,
    OrganizationFact,
    Place,
    Step,
)

_IN_CHUNK = 500


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class SqlFactQueries:
    def __init__(self, engine: Engine, tables: ProjectionTables = LIVE) -> None:
        self._engine = engine
        self._tables = tables

    def enterprises(self) -> list[EnterpriseFact]:
        t, p = self._tables.fact_enterprises, self._tables.enterprise_places
        with self._engine.connect() as connection:
            rows = connection.execute(select(t).where(t.c.registered_on.is_not(None))).all()
            place_rows = connection.execute(select(p).order_by(p.c.enterprise_id, p.c.valid_from)).all()
        places: dict[str, list[Place]] = {}
        for row in place_rows:
            places.setdefault(row.enterprise_id, []).append(
                Place(date.fromisoformat(row.valid_from), row.authority_id, row.industrial_zone_id)
            )
        return [
            EnterpriseFact(
                r.enterprise_id,
                r.ownership,
                r.worker_count,
                _day(r.registered_on),
                _day(r.closed_on),
                tuple(places.get(r.enterprise_id, ())),
            )
            for r in rows
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

    def members_by_enterprise(self, day: date) -> dict[str, EnterpriseMembers]:
        m = self._tables.members
        status = self._status_on(day)
        query = (
            select(
                m.c.enterprise_id,
                func.sum(case((status.in_(ACTIVE_STATUSES), 1), else_=0)),
                func.sum(case((status == "official", 1), else_=0)),
            )
            .where(m.c.enterprise_id.is_not(None), m.c.admitted_on <= day.isoformat())
            .group_by(m.c.enterprise_id)
        )
        with self._engine.connect() as connection:
            return {
                enterprise_id: EnterpriseMembers(int(active), int(official))
                for enterprise_id, active, official in connection.execute(query)
                if active
            }

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
