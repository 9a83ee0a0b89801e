"""The record-by-record reads and rules the pipeline and organizations reports used before
they were counted in SQL (adapters/fact_pipeline_queries.py), kept as the reference those
reports are compared with (tests/integration/test_fact_report_equivalence.py).

`RecordReads` reads every candidate (with its steps) and every organization as a record;
`stage_on`, `open_deadlines`, `overdue` and `due_soon` apply domain/pipeline.py's rules to
one candidate in Python, from the same constants the SQL is built from.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Engine, select

from coso_reporting.adapters.tables import LIVE, ProjectionTables
from coso_reporting.domain.pipeline import DEADLINES, ENDING_STEPS, ORDERED_STAGES, STOPPING_STEPS, OpenDeadline

_IN_CHUNK = 500
_ORDER = {stage: i for i, stage in enumerate(ORDERED_STAGES)}


@dataclass(frozen=True)
class OrganizationFact:
    """A party organization (kind, superior authority, founded, ended, enterprises it covers)."""

    organization_id: str
    kind: str | None
    authority_id: str | None
    founded_on: date | None
    ended_on: date | None
    ended_by: str | None  # "dissolved" or "merged"
    enterprise_ids: tuple[str, ...] = ()
    official_members: int | None = None

    def exists_on(self, day: date) -> bool:
        return self.founded_on is not None and self.founded_on <= day and (self.ended_on is None or day < self.ended_on)


@dataclass(frozen=True)
class MassOrganizationFact:
    mass_organization_id: str
    kind: str | None
    enterprise_id: str | None
    authority_id: str | None
    founded_on: date | None
    dissolved_on: date | None
    members: int | None = None

    def exists_on(self, day: date) -> bool:
        return (
            self.founded_on is not None
            and self.founded_on <= day
            and (self.dissolved_on is None or day < self.dissolved_on)
        )


@dataclass(frozen=True)
class Step:
    on: date
    due: date | None = None


@dataclass(frozen=True)
class CandidateFact:
    """A candidate and the steps recorded so far (step name -> day, deadline it set)."""

    candidate_id: str
    authority_id: str
    display_ref: str | None
    proposed_on: date
    steps: dict[str, Step] = field(default_factory=dict)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class RecordReads:
    """Every organization and candidate of the fact tables, one record each."""

    def __init__(self, engine: Engine, tables: ProjectionTables = LIVE) -> None:
        self._engine = engine
        self._tables = tables

    def organizations(self) -> list[OrganizationFact]:
        """Every founded party organization with the enterprises it covers."""
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
        """Every founded mass organization."""
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

    def candidate_authorities(self) -> set[str]:
        """The authorities candidates are recorded under."""
        t = self._tables.fact_candidates
        with self._engine.connect() as connection:
            return set(connection.execute(select(t.c.authority_id).distinct()).scalars())

    def candidates(self, authorities: Collection[str] | None = None) -> list[CandidateFact]:
        """The candidates recorded under `authorities` (None: all), with the steps recorded so far."""
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


def stage_on(candidate: CandidateFact, day: date) -> str | None:
    """The stage reached by `day`; None if the candidate was not proposed yet."""
    if candidate.proposed_on > day:
        return None
    taken = {name: step for name, step in candidate.steps.items() if step.on <= day}
    for end in ENDING_STEPS:
        if end in taken:
            return end
    reached = "proposed"
    for name in taken:
        if name in _ORDER and _ORDER[name] > _ORDER[reached]:
            reached = name
    return reached


def open_deadlines(candidate: CandidateFact, day: date) -> list[OpenDeadline]:
    """The deadlines set and not yet met on `day` (none once the file is withdrawn or rejected)."""
    taken = {name: step for name, step in candidate.steps.items() if step.on <= day}
    if any(stop in taken for stop in STOPPING_STEPS):
        return []
    found = []
    for deadline, (setters, closers) in DEADLINES.items():
        if any(closer in taken for closer in closers):
            continue
        setter = next((taken[s] for s in setters if s in taken and taken[s].due is not None), None)
        if setter is not None and setter.due is not None:
            found.append(
                OpenDeadline(
                    candidate.candidate_id, candidate.display_ref, candidate.authority_id, deadline, setter.due
                )
            )
    return found


def overdue(deadline: OpenDeadline, day: date) -> bool:
    return deadline.due < day


def due_soon(deadline: OpenDeadline, day: date, within_days: int) -> bool:
    return day <= deadline.due <= day + timedelta(days=within_days)
