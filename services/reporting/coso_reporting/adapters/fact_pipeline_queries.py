"""The pipeline report's reads: counted in SQL by the report's axes (the organizations
report's are in adapters/organization_counts.py).

A nation has hundreds of thousands of candidates and of organizations; handing each to
Python made these reports cost the nation's size at every level. Here each read is grouped
by what the report shows and restricted to the authorities whose records the report's
subtree holds on its day (`Tree.held_within`), so a commune's report reads a commune's
rows and a national one answers a few thousand rows:

- `candidate_pipeline`: candidates of each authority by stage on a day, with their open
  deadlines overdue and due within N days counted, and the earliest of those deadlines
  listed, in one statement that reads each candidate once: domain/pipeline.py's stage
  and deadline rules in SQL, built from its constants. Each
  candidate's steps taken by the day are folded into one number, a bit per step (a
  candidate takes each step once, so their sum is their union), and the due days of the
  steps that set deadlines.

A short list of authorities is a condition of the statement. A long one (a national
report holds every unit of the day) is not: PostgreSQL plans a condition on thousands of
values in tens of milliseconds, longer than reading the few records it would leave out.
The statement then reads every authority's rows and the counts of authorities outside
the subtree (unregistered ones) are dropped here; should their deadlines cut a list
short, the lists are read again leaving those authorities out by name.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    Integer,
    Select,
    String,
    case,
    cast,
    collate,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.sql.selectable import Subquery

from coso_reporting.adapters.tables import ProjectionTables
from coso_reporting.domain.pipeline import (
    DEADLINES,
    ENDING_STEPS,
    ORDERED_STAGES,
    STAGES,
    STEPS,
    STOPPING_STEPS,
    CandidateCounts,
    CandidatePipeline,
    OpenDeadline,
)

# Above this many authorities a read is not restricted by a condition on them (see above).
NAMED_AUTHORITIES_AT_MOST = 1_000

_BIT = {step: 1 << i for i, step in enumerate(STEPS)}


def _bits(steps: Iterable[str]) -> int:
    return sum(_BIT[step] for step in steps)


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


class SqlPipelineQueries:
    """Mixed into `SqlFactQueries` (adapters/fact_queries.py), whose engine and tables it reads."""

    _engine: Engine
    _tables: ProjectionTables

    # --- candidates ------------------------------------------------------------------------
    def _steps_taken(self, day: date, named: list[str] | None) -> Subquery:
        """Per candidate with a step by `day`: the steps taken (a bit each) and the due day
        each deadline-setting step set."""
        s = self._tables.candidate_steps
        setters = sorted({setter for setters, _ in DEADLINES.values() for setter in setters})
        query = select(
            s.c.candidate_id,
            func.sum(case(*((s.c.step == step, bit) for step, bit in _BIT.items()), else_=0)).label("taken"),
            *(func.max(case((s.c.step == setter, s.c.due))).label(f"due_{setter}") for setter in setters),
        ).where(s.c.on_day <= day.isoformat())
        if named is not None:
            query = query.where(s.c.authority_id.in_(named))
        return query.group_by(s.c.candidate_id).subquery("taken")

    def _candidates_on(self, day: date, named: list[str] | None, with_steps_only: bool) -> Select[Any]:
        """Each candidate proposed by `day`: its authority, its stage on the day (an index
        into STAGES) and per deadline its due day when set and not yet met (else None)."""
        c = self._tables.fact_candidates
        steps = self._steps_taken(day, named)
        taken = steps.c.taken

        def has(*names: str) -> ColumnElement[bool]:
            return taken.op("&")(_bits(names)) != 0

        stage = case(
            *((has(end), STAGES.index(end)) for end in ENDING_STEPS),
            *((has(step), STAGES.index(step)) for step in reversed(ORDERED_STAGES[1:])),
            else_=STAGES.index(ORDERED_STAGES[0]),
        )
        dues: dict[str, ColumnElement[Any]] = {}
        for deadline, (setters, closers) in DEADLINES.items():
            set_by = [steps.c[f"due_{setter}"] for setter in setters]  # latest setter first
            due = set_by[0] if len(set_by) == 1 else func.coalesce(*set_by)
            dues[deadline] = case((has(*STOPPING_STEPS, *closers), None), else_=due)
        joined = (
            c.join(steps, steps.c.candidate_id == c.c.candidate_id)
            if with_steps_only
            else c.outerjoin(steps, steps.c.candidate_id == c.c.candidate_id)
        )
        query = (
            select(
                c.c.candidate_id,
                c.c.authority_id,
                c.c.display_ref,
                stage.label("stage"),
                *(due.label(deadline) for deadline, due in dues.items()),
            )
            .select_from(joined)
            .where(c.c.proposed_on <= day.isoformat())
        )
        if named is not None:
            query = query.where(c.c.authority_id.in_(named))
        return query

    def candidate_pipeline(
        self, day: date, within_days: int, authorities: Collection[str], listed: int
    ) -> CandidatePipeline:
        """Candidates proposed by `day` under `authorities`, each authority's by stage on the
        day, with their open deadlines overdue and due within `within_days` days counted;
        and the first `listed` of each of those two kinds of deadline, by due day,
        candidate and deadline. One statement reads each candidate once for both.

        Read without a condition on `authorities`, the lists may start with deadlines of
        authorities outside the subtree: when leaving those out cuts a list short, the
        lists are read again without them (the counts name every authority read)."""
        inside, named = set(authorities), _named(authorities)
        counts: list[CandidateCounts] = []
        read: set[str] = set()
        lists: dict[str, list[OpenDeadline]] = {"overdue": [], "due_soon": []}
        with self._engine.connect() as connection:
            dialect = connection.dialect.name
            statement = self._pipeline_statement(dialect, day, within_days, named, [], listed, with_counts=True)
            for part, authority_id, *numbers, candidate_id, ref, deadline, due in connection.execute(statement):
                if part == "counts":
                    read.add(authority_id)
                    if authority_id in inside:
                        *by_stage, late, near = (int(n or 0) for n in numbers)
                        stages = {stage: n for stage, n in zip(STAGES, by_stage, strict=True) if n}
                        counts.append(CandidateCounts(authority_id, stages, late, near))
                else:
                    lists[part].append(OpenDeadline(candidate_id, ref, authority_id, deadline, date.fromisoformat(due)))
            cut_short = named is None and any(
                len(found) == listed and any(d.authority_id not in inside for d in found) for found in lists.values()
            )
            if cut_short:
                outside = sorted(read - inside)
                statement = self._pipeline_statement(
                    dialect, day, within_days, None, outside, listed, with_counts=False
                )
                lists = {"overdue": [], "due_soon": []}
                for part, authority_id, *_, candidate_id, ref, deadline, due in connection.execute(statement):
                    lists[part].append(OpenDeadline(candidate_id, ref, authority_id, deadline, date.fromisoformat(due)))
        ordered = {
            kind: sorted(
                (d for d in found if d.authority_id in inside), key=lambda d: (d.due, d.candidate_id, d.deadline)
            )
            for kind, found in lists.items()
        }
        return CandidatePipeline(counts, ordered["overdue"], ordered["due_soon"])

    def _pipeline_statement(
        self,
        dialect: str,
        day: date,
        within_days: int,
        named: list[str] | None,
        outside: list[str],
        listed: int,
        with_counts: bool,
    ) -> Select[Any]:
        """Rows of three parts: "counts" (authority, candidates at each of STAGES, deadlines
        overdue, due soon) when `with_counts`; "overdue" and "due_soon", the first `listed` open
        deadlines due before `day` and from `day` to `within_days` days later (authority,
        candidate, display reference, deadline, due day). Candidates of `outside` are left out."""
        on, until = day.isoformat(), (day + timedelta(days=within_days)).isoformat()
        candidates = self._candidates_on(day, named, with_steps_only=not with_counts)
        if outside:
            candidates = candidates.where(self._tables.fact_candidates.c.authority_id.not_in(outside))
        each = candidates.cte("candidates_on")  # read once for the counts and the four deadlines
        open_deadlines = union_all(
            *(
                select(
                    each.c.candidate_id,
                    each.c.display_ref,
                    each.c.authority_id,
                    literal(deadline).label("deadline"),
                    each.c[deadline].label("due"),
                ).where(each.c[deadline] <= until)
                for deadline in DEADLINES
            )
        ).cte("open_deadlines")
        due, candidate_id, deadline = (open_deadlines.c[name] for name in ("due", "candidate_id", "deadline"))
        numbers = [*(f"stage_{i}" for i in range(len(STAGES))), "overdue", "due_soon"]

        def ordered(column: ColumnElement[str]) -> ColumnElement[str]:
            # The report's order is Python's (code points): PostgreSQL's "C" collation and
            # SQLite's own; a database created with a language's collation would differ.
            return collate(column, "C") if dialect == "postgresql" else column

        def first(kind: str, wanted: ColumnElement[bool]) -> Select[Any]:
            found = (
                select(open_deadlines)
                .where(wanted)
                .order_by(due, ordered(candidate_id), ordered(deadline))
                .limit(listed)
                .subquery(kind)
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

        parts = [first("overdue", due < on), first("due_soon", due >= on)]
        if with_counts:
            dues = [each.c[d] for d in DEADLINES]
            overdue = sum((case((d < on, 1), else_=0) for d in dues), literal(0))
            soon = sum((case((d.between(on, until), 1), else_=0) for d in dues), literal(0))
            counted = select(
                literal("counts").label("part"),
                each.c.authority_id,
                *(_count(each.c.stage == i).label(f"stage_{i}") for i in range(len(STAGES))),
                func.sum(overdue).label("overdue"),
                func.sum(soon).label("due_soon"),
                *(cast(null(), String).label(name) for name in ("candidate_id", "display_ref", "deadline", "due")),
            ).group_by(each.c.authority_id)
            parts.insert(0, counted)
        return union_all(*parts).subquery("pipeline").select()

    # --- organizations ---------------------------------------------------------------------


def _named(authorities: Collection[str]) -> list[str] | None:
    """The authorities to name in a statement's condition; None when there are too many."""
    return sorted(authorities) if len(authorities) <= NAMED_AUTHORITIES_AT_MOST else None
