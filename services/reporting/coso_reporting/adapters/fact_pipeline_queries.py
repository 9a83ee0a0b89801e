"""The pipeline and organizations reports' reads: counted in SQL by the reports' axes.

A nation has hundreds of thousands of candidates and of organizations; handing each to
Python made these reports cost the nation's size at every level. Here each read is one
statement grouped by what the report shows, restricted to the authorities whose records
the report's subtree holds on its day (`Tree.held_within`), so a commune's report reads a
commune's rows and a national one answers a few thousand groups:

- `candidate_groups`: candidates per authority and stage on a day, with their open
  deadlines overdue and due within N days: `stage_on` and `open_deadlines`
  (domain/pipeline.py) in SQL, built from the same constants;
- `listed_deadlines`: the open deadlines overdue (or due within N days) themselves, sorted
  by due day, candidate and deadline as the report lists them, at most `limit`;
- `organization_groups`, `mass_organization_groups`: organizations per authority and kind
  founded and ended in a period, existing on a day (domain/organization_counts.py).

Long lists of authorities are read in chunks (SQLite binds at most 32,766 values); the
chunks' groups are added up and their sorted lists merged, which gives the same answer.
Mixed into `SqlFactQueries` (adapters/fact_queries.py), whose engine and tables it uses.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Iterator
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Engine, and_, case, collate, func, literal, or_, select, union_all
from sqlalchemy.sql.selectable import CTE

from coso_reporting.adapters.tables import ProjectionTables
from coso_reporting.domain.organization_counts import MassOrganizationGroup, OrganizationGroup
from coso_reporting.domain.pipeline import (
    DEADLINES,
    ENDING_STEPS,
    ORDERED_STAGES,
    STAGES,
    STOPPING_STEPS,
    CandidateGroup,
    OpenDeadline,
)

_CHUNK = 10_000  # authorities per statement (bound twice by the candidates' statements)


def _chunks(authorities: Collection[str]) -> Iterator[list[str]]:
    ordered = sorted(authorities)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


class SqlPipelineQueries:
    _engine: Engine
    _tables: ProjectionTables

    # --- candidates ------------------------------------------------------------------------
    def _candidates_on(self, day: date, authorities: list[str]) -> CTE:
        """Each candidate proposed by `day` under `authorities`: its stage on the day (an index
        into STAGES), whether a withdrawal or rejection stopped it, and per deadline its due
        day when set and not yet met (None otherwise)."""
        c, s = self._tables.fact_candidates, self._tables.candidate_steps
        on = day.isoformat()
        step, due = s.c.step, s.c.due

        def taken(*names: str) -> ColumnElement[int]:
            return func.max(case((step.in_(names), 1), else_=0))

        ending = func.max(
            case(*((step == name, len(ENDING_STEPS) - i) for i, name in enumerate(ENDING_STEPS)), else_=0)
        )
        reached = func.max(case(*((step == name, i) for i, name in enumerate(ORDERED_STAGES)), else_=0))
        dues = {}
        for deadline, (setters, _) in DEADLINES.items():
            # The latest setter taken with a due day (DEADLINES lists them latest first).
            set_by = [func.max(case((step == setter, due))) for setter in setters]
            dues[deadline] = set_by[0] if len(set_by) == 1 else func.coalesce(*set_by)
        steps = (
            select(
                s.c.candidate_id,
                ending.label("ending"),
                reached.label("reached"),
                taken(*STOPPING_STEPS).label("stopped"),
                *(taken(*closers).label(f"met_{d}") for d, (_, closers) in DEADLINES.items()),
                *(expression.label(f"due_{d}") for d, expression in dues.items()),
            )
            .where(s.c.on_day <= on, s.c.authority_id.in_(authorities))
            .group_by(s.c.candidate_id)
            .subquery()
        )
        ending_stage = {len(ENDING_STEPS) - i: STAGES.index(name) for i, name in enumerate(ENDING_STEPS)}
        stage = case(
            *((steps.c.ending == rank, index) for rank, index in ending_stage.items()),
            else_=func.coalesce(steps.c.reached, 0),
        )
        open_due = {
            d: case(
                (and_(func.coalesce(steps.c.stopped, 0) == 0, steps.c[f"met_{d}"] == 0), steps.c[f"due_{d}"]),
                else_=None,
            )
            for d in DEADLINES
        }
        return (
            select(
                c.c.candidate_id,
                c.c.authority_id,
                c.c.display_ref,
                stage.label("stage"),
                *(expression.label(d) for d, expression in open_due.items()),
            )
            .select_from(c.outerjoin(steps, steps.c.candidate_id == c.c.candidate_id))
            .where(c.c.proposed_on <= on, c.c.authority_id.in_(authorities))
            .cte("candidates_on")
        )

    def candidate_groups(self, day: date, within_days: int, authorities: Collection[str]) -> list[CandidateGroup]:
        """Candidates proposed by `day` under `authorities`, by authority and stage on the day,
        with their open deadlines overdue and due within `within_days` added up."""
        on, until = day.isoformat(), (day + timedelta(days=within_days)).isoformat()
        groups: list[CandidateGroup] = []
        with self._engine.connect() as connection:
            for chunk in _chunks(authorities):
                each = self._candidates_on(day, chunk)
                dues = [each.c[d] for d in DEADLINES]
                overdue = sum((case((due < on, 1), else_=0) for due in dues), literal(0))
                soon = sum((case((due.between(on, until), 1), else_=0) for due in dues), literal(0))
                query = select(
                    each.c.authority_id, each.c.stage, func.count(), func.sum(overdue), func.sum(soon)
                ).group_by(each.c.authority_id, each.c.stage)
                groups += [
                    CandidateGroup(a, STAGES[int(stage)], int(n), int(late or 0), int(near or 0))
                    for a, stage, n, late, near in connection.execute(query)
                ]
        return groups

    def listed_deadlines(
        self, day: date, within_days: int | None, authorities: Collection[str], limit: int
    ) -> list[OpenDeadline]:
        """The open deadlines of candidates under `authorities` on `day` that are overdue
        (`within_days` None) or due within `within_days` days, sorted by due day, candidate
        and deadline; the first `limit`."""
        on = day.isoformat()
        found: list[list[OpenDeadline]] = []
        with self._engine.connect() as connection:
            in_code_order = connection.dialect.name == "postgresql"

            def ordered(column: ColumnElement[str]) -> ColumnElement[str]:
                # Python's order of strings (code points) is PostgreSQL's "C" collation and
                # SQLite's default; the database's own collation may differ.
                return collate(column, "C") if in_code_order else column

            for chunk in _chunks(authorities):
                each = self._candidates_on(day, chunk)
                parts = []
                for deadline in DEADLINES:
                    due = each.c[deadline]
                    wanted = (
                        due < on
                        if within_days is None
                        else due.between(on, (day + timedelta(days=within_days)).isoformat())
                    )
                    parts.append(
                        select(
                            each.c.candidate_id,
                            each.c.display_ref,
                            each.c.authority_id,
                            literal(deadline).label("deadline"),
                            due.label("due"),
                        ).where(wanted)
                    )
                listed = union_all(*parts).subquery()
                query = (
                    select(listed)
                    .order_by(listed.c.due, ordered(listed.c.candidate_id), ordered(listed.c.deadline))
                    .limit(limit)
                )
                found.append(
                    [
                        OpenDeadline(candidate_id, ref, authority_id, deadline, date.fromisoformat(due))
                        for candidate_id, ref, authority_id, deadline, due in connection.execute(query)
                    ]
                )
        merged = heapq.merge(*found, key=lambda d: (d.due, d.candidate_id, d.deadline))
        return [d for _, d in zip(range(limit), merged, strict=False)]

    # --- organizations ---------------------------------------------------------------------
    def organization_groups(
        self, start: date, end: date, day: date, authorities: Collection[str]
    ) -> list[OrganizationGroup]:
        """Founded party organizations under `authorities`, by authority and kind: founded in
        `start`–`end`, dissolved in it, merged into another in it, existing on `day`."""
        o = self._tables.organizations
        first, last, on = start.isoformat(), end.isoformat(), day.isoformat()
        ended = o.c.ended_on.between(first, last)
        counts = (
            _count(o.c.founded_on.between(first, last)),
            _count(and_(ended, o.c.ended_by == "dissolved")),
            _count(and_(ended, o.c.ended_by == "merged")),
            _count(and_(o.c.founded_on <= on, or_(o.c.ended_on.is_(None), o.c.ended_on > on))),
        )
        groups: list[OrganizationGroup] = []
        with self._engine.connect() as connection:
            for chunk in _chunks(authorities):
                query = (
                    select(o.c.authority_id, o.c.kind, *counts)
                    .where(o.c.founded_on.is_not(None), o.c.authority_id.in_(chunk))
                    .group_by(o.c.authority_id, o.c.kind)
                )
                groups += [
                    OrganizationGroup(a, kind, int(f), int(d), int(m), int(e))
                    for a, kind, f, d, m, e in connection.execute(query)
                ]
        return groups

    def mass_organization_groups(
        self, start: date, end: date, day: date, authorities: Collection[str]
    ) -> list[MassOrganizationGroup]:
        """Founded mass organizations under `authorities`, by authority and kind: founded in
        `start`–`end`, dissolved in it, existing on `day`."""
        m = self._tables.mass_organizations
        first, last, on = start.isoformat(), end.isoformat(), day.isoformat()
        counts = (
            _count(m.c.founded_on.between(first, last)),
            _count(m.c.dissolved_on.between(first, last)),
            _count(and_(m.c.founded_on <= on, or_(m.c.dissolved_on.is_(None), m.c.dissolved_on > on))),
        )
        groups: list[MassOrganizationGroup] = []
        with self._engine.connect() as connection:
            for chunk in _chunks(authorities):
                query = (
                    select(m.c.authority_id, m.c.kind, *counts)
                    .where(m.c.founded_on.is_not(None), m.c.authority_id.in_(chunk))
                    .group_by(m.c.authority_id, m.c.kind)
                )
                groups += [
                    MassOrganizationGroup(a, kind, int(f), int(d), int(e))
                    for a, kind, f, d, e in connection.execute(query)
                ]
        return groups
