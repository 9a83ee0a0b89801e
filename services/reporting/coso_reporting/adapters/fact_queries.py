"""SQL reads of the fact tables, as the domain's records (domain/fact_records.py).

Each read is one statement (two for records with a child table) in its own connection,
like the indicator queries: a rebuild's swap locks the tables it replaces, so a reader
must not hold one while waiting for another. Rows still missing the event that creates
them (see domain/facts.py) are left out.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select

from coso_reporting.adapters.tables import LIVE, ProjectionTables
from coso_reporting.domain.fact_records import (
    CandidateFact,
    EnterpriseFact,
    MassOrganizationFact,
    MemberFact,
    OrganizationFact,
    Place,
    Step,
)


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

    def members(self) -> list[MemberFact]:
        t = self._tables.members
        with self._engine.connect() as connection:
            rows = connection.execute(select(t).where(t.c.admitted_on.is_not(None))).all()
        return [
            MemberFact(
                r.member_id,
                r.authority_id,
                r.enterprise_id,
                r.job_category,
                r.status,
                _day(r.admitted_on),
                _day(r.official_on),
                _day(r.ended_on),
            )
            for r in rows
        ]

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

    def candidates(self) -> list[CandidateFact]:
        t, s = self._tables.fact_candidates, self._tables.candidate_steps
        with self._engine.connect() as connection:
            rows = connection.execute(select(t)).all()
            step_rows = connection.execute(select(s.c.candidate_id, s.c.step, s.c.on_day, s.c.due)).all()
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
