"""The pipeline report's reads: counted in SQL by the report's axes (the organizations
report's are in adapters/organization_counts.py).

A nation has hundreds of thousands of candidates and of organizations; handing each to
Python made these reports cost the nation's size at every level. Here each read is grouped
by what the report shows and restricted to the authorities whose records the report's
subtree holds on its day (`Tree.held_within`), so a commune's report reads a commune's
rows and a national one answers a few thousand rows:

- `candidate_pipeline`: candidates of each authority by stage on a day, with their open
  deadlines overdue and due within N days counted, and the earliest of those deadlines
  listed, in one statement, from the counts the projection keeps for the candidates'
  latest state (adapters/pipeline_counts.py): the kept counts of the report's units, less
  their candidates' moves between stages after the day (whole months, then the days left
  of the day's month), or for a day long past the kept end of the nearest half year, with
  the moves between it and the day; the kept open deadlines, less those of the candidates whose
  deadlines changed after the day as kept, plus the same candidates' as they were on the
  day (domain/pipeline.py's stage and deadline rules in SQL, `pipeline_counts.states`). On
  a day after every recorded step, no candidate is read.

The organizations' reads (adapters/organization_counts.py) take a short list of
authorities as a condition of the statement. A long one (a national report holds every
unit of the day) is not: PostgreSQL plans a condition on thousands of values in tens of
milliseconds, longer than reading the few records it would leave out. The statement then
reads every authority's rows and the counts of authorities outside the subtree
(unregistered ones) are dropped there. The pipeline's read does the same for its counts
(a nation's moves of a few months are read by their month and day, where looking each unit
up in them took 70 ms), and sends a long list as one array for its candidates and
deadlines.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Engine,
    Integer,
    Select,
    String,
    bindparam,
    case,
    cast,
    collate,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.sql.elements import BindParameter

from coso_reporting.adapters.half_years import half_years_kept, starting_parts, starting_point
from coso_reporting.adapters.pipeline_counts import half_year_ends, open_deadlines, states
from coso_reporting.adapters.tables import ProjectionTables
from coso_reporting.domain.pipeline import STAGES, CandidateCounts, CandidatePipeline, OpenDeadline

# Above this many authorities a read is not restricted by a condition on them (see above).
NAMED_AUTHORITIES_AT_MOST = 1_000


class SqlPipelineQueries:
    """Mixed into `SqlFactQueries` (adapters/fact_queries.py), whose engine and tables it reads."""

    _engine: Engine
    _tables: ProjectionTables

    # --- candidates ------------------------------------------------------------------------
    def candidate_pipeline(
        self, day: date, within_days: int, authorities: Collection[str], listed: int
    ) -> CandidatePipeline:
        """Candidates proposed by `day` under `authorities`, each authority's by stage on the
        day, with their open deadlines overdue and due within `within_days` days counted;
        and the first `listed` of each of those two kinds of deadline, by due day,
        candidate and deadline.

        From the kept counts of the candidates' latest state (adapters/pipeline_counts.py):
        the moves between stages after the day are taken out of the counts by stage; the
        candidates of `authorities` whose open deadlines changed after the day are taken
        out as kept and put back as they were on the day, in the deadline counts and in
        the lists; in one statement."""
        inside = set(authorities)
        counts: list[CandidateCounts] = []
        lists: dict[str, list[OpenDeadline]] = {"overdue": [], "due_soon": []}
        parameters: dict[str, Any] = {
            "authorities": sorted(inside),
            "on": day.isoformat(),
            "until": (day + timedelta(days=within_days)).isoformat(),
        }
        statement = self._pipeline_statement(len(inside) > NAMED_AUTHORITIES_AT_MOST, listed)
        with self._engine.connect() as connection:
            # From the kept counts or the nearest half year's end, with the moves between it and the day.
            kept = half_years_kept(connection, half_year_ends(self._tables))
            parameters.update(starting_point(day.isoformat(), kept).parameters)
            for part, authority_id, *numbers, candidate_id, ref, deadline, due in connection.execute(
                statement, parameters
            ):
                if part == "counts":
                    *by_stage, late, near = (int(n or 0) for n in numbers)
                    stages = {stage: n for stage, n in zip(STAGES, by_stage, strict=True) if n}
                    if stages and authority_id in inside:
                        counts.append(CandidateCounts(authority_id, stages, late, near))
                else:
                    lists[part].append(OpenDeadline(candidate_id, ref, authority_id, deadline, date.fromisoformat(due)))
        ordered = {
            kind: sorted(found, key=lambda d: (d.due, d.candidate_id, d.deadline))[:listed]
            for kind, found in lists.items()
        }
        return CandidatePipeline(counts, ordered["overdue"], ordered["due_soon"])

    def _units(self, how_many: int) -> Callable[[ColumnElement[Any]], ColumnElement[bool]]:
        """Whether a unit is one of the report's (the statement's parameter `authorities`).
        PostgreSQL, more than NAMED_AUTHORITIES_AT_MOST: the units as one array, unnested once
        (a nation's thousands written out in each place that checks them take long to plan)."""
        if self._engine.dialect.name == "postgresql" and how_many > NAMED_AUTHORITIES_AT_MOST:
            units = select(func.unnest(bindparam("authorities", type_=ARRAY(String))).label("unit")).cte("units")
            return lambda column: column.in_(select(units.c.unit))
        expanding: BindParameter[list[str]] = bindparam("authorities", expanding=True)
        return lambda column: column.in_(expanding)

    def _pipeline_statement(self, many: bool, listed: int) -> Select[Any]:
        """The statement for `many` units (more than NAMED_AUTHORITIES_AT_MOST) and `listed`
        deadlines of each kind, built once for each of these shapes, since building it took
        longer than running it. Its parameters: `authorities`, the day (`on`), the last
        day due soon (`until`), and those of the day's `StartingPoint` (adapters/half_years.py):
        the kept counts (`half_year` "") or the kept end of the half year `half_year`, with
        the moves between it and the day, with its sign (`sign`): by month after
        `months_after` up to `months_to`, by day after `days_after` up to `days_to`.

        Rows of three parts: "counts" (authority, candidates at each of STAGES, deadlines
        overdue, due soon); "overdue" and "due_soon", the first `listed` open deadlines due
        before the day and from the day to `until` of the kept ones and of the changed
        candidates' on the day (authority, candidate, display reference, deadline, due
        day)."""
        shape = (many, listed)
        built: dict[tuple[bool, int], Select[Any]] = self.__dict__.setdefault("_pipeline_statements", {})
        if shape not in built:
            built[shape] = self._pipeline_statement_of(*shape)
        return built[shape]

    def _pipeline_statement_of(self, many: bool, listed: int) -> Select[Any]:
        t = self._tables
        dialect = self._engine.dialect.name
        kept, kept_deadlines = t.candidate_stages, t.candidate_deadlines
        by_due = t.deadline_counts
        on, until = bindparam("on", type_=String), bindparam("until", type_=String)
        units = self._units(NAMED_AUTHORITIES_AT_MOST + 1 if many else 0)

        def of_units(column: ColumnElement[Any]) -> list[ColumnElement[bool]]:
            """The counts' condition on their unit: none for many (those outside are dropped)."""
            return [] if many else [units(column)]

        zero = literal(0)
        # The candidates whose open deadlines changed after the day (of the others, those on
        # the day are the kept ones).
        changed = (
            select(kept.c.candidate_id, kept.c.authority_id, kept.c.proposed_on)
            .where(kept.c.deadlines_changed_on > on, units(kept.c.authority_id))
            .cte("changed")
        )
        # Of the changed, only those proposed by the day count on it.
        proposed = select(changed.c.candidate_id).where(changed.c.proposed_on <= on)
        then = states(t, on, lambda column: column.in_(proposed)).cte("then")
        then_deadlines = open_deadlines(then).cte("then_deadlines")
        changed_deadlines = (
            select(kept_deadlines.c.authority_id, kept_deadlines.c.due)
            .join(changed, changed.c.candidate_id == kept_deadlines.c.candidate_id)
            .where(kept_deadlines.c.due <= until)
        )

        def late(due: ColumnElement[Any], n: ColumnElement[int]) -> ColumnElement[int]:
            return case((due < on, n), else_=0)

        def near(due: ColumnElement[Any], n: ColumnElement[int]) -> ColumnElement[int]:
            return case((due >= on, n), else_=0)

        one = literal(1)
        combined = union_all(
            *(  # the candidates by stage from the day's starting point (adapters/half_years.py)
                select(
                    part.table.c.authority_id,
                    part.table.c.stage,
                    part.times_sign(part.table.c.candidates).label("n"),
                    zero.label("overdue"),
                    zero.label("due_soon"),
                ).where(*part.when, *of_units(part.table.c.authority_id))
                for part in starting_parts(t.pipeline_counts, t.stage_half_years, t.monthly_stage_moves, t.stage_moves)
            ),
            select(
                by_due.c.authority_id,
                null(),
                zero,
                late(by_due.c.due, by_due.c.deadlines),
                near(by_due.c.due, by_due.c.deadlines),
            ).where(by_due.c.due <= until, *of_units(by_due.c.authority_id)),
            select(
                changed_deadlines.c.authority_id,
                null(),
                zero,
                -late(changed_deadlines.c.due, one),
                -near(changed_deadlines.c.due, one),
            ),
            select(
                then_deadlines.c.authority_id,
                null(),
                zero,
                late(then_deadlines.c.due, one),
                near(then_deadlines.c.due, one),
            ).where(then_deadlines.c.due <= until),
        ).subquery("combined")
        c = combined.c
        stage, n, overdue, due_soon = c.stage, c.n, c.overdue, c.due_soon
        numbers = [*(f"stage_{i}" for i in range(len(STAGES))), "overdue", "due_soon"]
        counted = select(
            literal("counts").label("part"),
            c.authority_id,
            *(func.sum(case((stage == name, n), else_=0)).label(f"stage_{i}") for i, name in enumerate(STAGES)),
            func.sum(overdue).label("overdue"),
            func.sum(due_soon).label("due_soon"),
            *(cast(null(), String).label(name) for name in ("candidate_id", "display_ref", "deadline", "due")),
        ).group_by(c.authority_id)

        def ordered(column: ColumnElement[str]) -> ColumnElement[str]:
            # The report's order is Python's (code points): PostgreSQL's "C" collation and
            # SQLite's own; a database created with a language's collation would differ.
            return collate(column, "C") if dialect == "postgresql" else column

        kept_open = (
            select(
                kept_deadlines.c.candidate_id,
                kept_deadlines.c.display_ref,
                kept_deadlines.c.authority_id,
                kept_deadlines.c.deadline,
                kept_deadlines.c.due,
            )
            .where(
                units(kept_deadlines.c.authority_id),
                kept_deadlines.c.candidate_id.not_in(select(changed.c.candidate_id)),
            )
            .subquery("kept_open")
        )
        then_open = select(
            then_deadlines.c.candidate_id,
            then_deadlines.c.display_ref,
            then_deadlines.c.authority_id,
            then_deadlines.c.deadline,
            then_deadlines.c.due,
        ).subquery("then_open")

        def first(kind: str, found_in: Any, wanted: Callable[[ColumnElement[Any]], ColumnElement[bool]]) -> Select[Any]:
            found = (
                select(found_in)
                .where(wanted(found_in.c.due))
                .order_by(found_in.c.due, ordered(found_in.c.candidate_id), ordered(found_in.c.deadline))
                .limit(listed)
                .subquery()
            )
            return select(
                literal(kind).label("part"),
                found.c.authority_id,
                *(cast(null(), Integer).label(name) for name in numbers),
                found.c.candidate_id,
                found.c.display_ref,
                found.c.deadline,
                found.c.due,
            )

        parts = [
            first(kind, found_in, wanted)
            for kind, wanted in (
                ("overdue", lambda due: due < on),
                ("due_soon", lambda due: due.between(on, until)),
            )
            for found_in in (kept_open, then_open)
        ]
        return union_all(counted, *parts).subquery("pipeline").select()
