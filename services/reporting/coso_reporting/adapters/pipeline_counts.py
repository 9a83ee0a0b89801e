"""The pipeline counts the fact projection keeps, and how they follow the candidates' steps.

The pipeline report counts a subtree's candidates by the stage each has reached on a day,
with their open deadlines overdue and due within N days, and lists the earliest of those
deadlines (domain/pipeline.py). A nation has hundreds of thousands of candidates, so
reading each one's steps for a report grows with the nation. The projection therefore
keeps, for the candidates' latest state (once every recorded day has passed):

- `candidate_stages`: each proposed candidate's unit, stage, proposal and the last day its
  open deadlines changed (`deadlines_changed_on`: its proposal or its latest step that sets,
  closes or stops one; none if no step ever set one), indexed on that day so that the
  candidates whose deadlines changed after a day are one range read;
- `candidate_deadlines`: each candidate's open deadlines (unit, display reference, due day),
  indexed on the due day so that the earliest of a subtree's are read first;
- `pipeline_counts`: the candidates per unit and stage;
- `deadline_counts`: the open deadlines per unit and due day, so that "overdue" and "due
  within N days" on any day are sums over due days;
- `stage_moves` and `monthly_stage_moves`: the candidates' moves between stages per unit,
  day (month) and stage: those that came into the stage less those that left it
  (`stage_moves`). The moves up to a day sum to the candidates per unit and stage on it.
- `stage_half_years`: the candidates per unit and stage as they stood at the end of each
  half year, from the half year of the first move to that of the last (adapters/half_years.py).

A report as of a day (adapters/fact_pipeline_queries.py) sums the kept counts of its
units and takes out the moves after the day: the whole months after it and the days
after it in its own month, a few rows per unit and month whatever the number of
candidates. A day long past starts instead from the end of its half year or of the half
year before, the nearer (`half_years.starting_point`), and adds or takes out the moves
between that end and the day: at most three months of them, where a nation's report of a
day four years back read 200,000 rows of months. For the deadlines it takes out the
candidates of its units whose open deadlines changed after the day, as they are kept, and
puts them back as they were on the day: on a day after every recorded step that is none of
them, and a candidate that never had a deadline is never read. The stage and deadline
rules are domain/pipeline.py's, written in SQL from its constants (`states`,
`stage_moves`), the same for the kept state, for a day's and for the moves. Nothing here
depends on the reports' options (N and the listed deadlines are applied when reading).

A live batch works out again the state of each candidate it proposed or stepped, and its
moves before the batch is written and after (`moves_of`, `keep_pipeline`), and the moves
by month move the half years' ends; a rebuild and migrations p0011, p0019 and p0025 count
everything once from the stored candidates and steps (`count_pipeline`,
`count_stage_moves`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    Select,
    Table,
    and_,
    bindparam,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    select,
    union_all,
)
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.sql.selectable import CompoundSelect

from coso_reporting.adapters.half_years import HalfYearEnds, count_half_years, keep_half_years
from coso_reporting.adapters.tables import ProjectionTables
from coso_reporting.adapters.upsert import add_signed, group_in_memory, insert_rows
from coso_reporting.domain.pipeline import DEADLINES, ENDING_STEPS, ORDERED_STAGES, STEPS, STOPPING_STEPS

_IN_CHUNK = 500
_BIT = {step: 1 << i for i, step in enumerate(STEPS)}
# candidate_stages' columns
_KEPT = ("candidate_id", "authority_id", "stage", "proposed_on", "deadlines_changed_on")
_SETTERS = tuple(sorted({setter for setters, _ in DEADLINES.values() for setter in setters}))
# The steps a candidate's open deadlines change with: those that set, close or stop them.
_DEADLINE_STEPS = tuple(
    sorted({*_SETTERS, *STOPPING_STEPS, *(closer for _, closers in DEADLINES.values() for closer in closers)})
)
Only = Callable[[ColumnElement[Any]], ColumnElement[bool]]  # a condition on a candidate id column


def _bits(steps: Iterable[str]) -> int:
    return sum(_BIT[step] for step in steps)


def _stage(taken: ColumnElement[Any]) -> ColumnElement[str]:
    """The stage a candidate has reached with the steps whose bits are `taken`: the first
    ending step taken, else the furthest of the ordered stages."""

    def has(*names: str) -> ColumnElement[bool]:
        return taken.op("&")(_bits(names)) != 0

    return case(
        *((has(end), literal(end)) for end in ENDING_STEPS),
        *((has(step), literal(step)) for step in reversed(ORDERED_STAGES[1:])),
        else_=literal(ORDERED_STAGES[0]),
    )


def _step_bit(step: ColumnElement[str]) -> ColumnElement[int]:
    return case(*((step == name, bit) for name, bit in _BIT.items()), else_=0)


def states(
    tables: ProjectionTables, day: str | ColumnElement[str] | None = None, only: Only | None = None
) -> Select[Any]:
    """Each candidate proposed by `day` (None: its latest state; of `only`, if given): its
    unit, display reference, the stage reached on the day, its proposal, its last day
    (proposal or latest step by the day), the last day its open deadlines changed (its
    proposal or the latest step that sets or closes one; none if no step set one) and per
    deadline its due day when set and not yet met (else None).

    Each candidate's steps by the day are folded into one number, a bit per step (a
    candidate takes each step once, so their sum is their union), and the due days of the
    steps that set deadlines."""
    c, s = tables.fact_candidates, tables.candidate_steps
    taken_query = select(
        s.c.candidate_id,
        func.sum(_step_bit(s.c.step)).label("taken"),
        func.max(case((s.c.step.in_(_DEADLINE_STEPS), s.c.on_day))).label("last_deadline_step"),
        *(func.max(case((s.c.step == setter, s.c.due))).label(f"due_{setter}") for setter in _SETTERS),
    )
    if day is not None:
        taken_query = taken_query.where(s.c.on_day <= day)
    if only is not None:
        taken_query = taken_query.where(only(s.c.candidate_id))
    steps = taken_query.group_by(s.c.candidate_id).subquery("taken")
    taken = func.coalesce(steps.c.taken, 0)

    def has(*names: str) -> ColumnElement[bool]:
        return taken.op("&")(_bits(names)) != 0

    dues: dict[str, ColumnElement[Any]] = {}
    for deadline, (setters_of, closers) in DEADLINES.items():
        set_by = [steps.c[f"due_{setter}"] for setter in setters_of]  # latest setter first
        due = set_by[0] if len(set_by) == 1 else func.coalesce(*set_by)
        dues[deadline] = case((has(*STOPPING_STEPS, *closers), None), else_=due)

    def since_proposal(last: ColumnElement[Any]) -> ColumnElement[Any]:
        return case((and_(last.is_not(None), last > c.c.proposed_on), last), else_=c.c.proposed_on)

    query = select(
        c.c.candidate_id,
        c.c.authority_id,
        c.c.display_ref,
        _stage(taken).label("stage"),
        c.c.proposed_on,
        case((has(*_SETTERS), since_proposal(steps.c.last_deadline_step))).label("deadlines_changed_on"),
        *(due.label(deadline) for deadline, due in dues.items()),
    ).select_from(c.outerjoin(steps, steps.c.candidate_id == c.c.candidate_id))
    if day is not None:
        query = query.where(c.c.proposed_on <= day)
    if only is not None:
        query = query.where(only(c.c.candidate_id))
    return query


def stage_moves(tables: ProjectionTables, only: Only | None = None) -> Select[Any]:
    """The candidates' moves between stages (of `only`, if given): per unit, day and stage
    the candidates that came into the stage that day less those that left it. A candidate
    comes into its first stage on its proposal (with the steps recorded by then), and moves
    on each later day its steps change its stage (`_stage`, the rules of `states`); steps
    before its proposal count on its proposal. The moves up to a day sum to the candidates
    per unit and stage on it, and all of them to the kept counts."""
    c, s = tables.fact_candidates, tables.candidate_steps
    proposals = select(c.c.candidate_id, c.c.proposed_on.label("day"), literal(0).label("bits"))
    step_days = select(
        s.c.candidate_id,
        case((s.c.on_day > c.c.proposed_on, s.c.on_day), else_=c.c.proposed_on).label("day"),
        _step_bit(s.c.step).label("bits"),
    ).join(c, c.c.candidate_id == s.c.candidate_id)
    if only is not None:
        proposals = proposals.where(only(c.c.candidate_id))
        step_days = step_days.where(only(s.c.candidate_id))
    marks = union_all(proposals, step_days).subquery("marks")
    days = (
        select(marks.c.candidate_id, marks.c.day, cast(func.sum(marks.c.bits), Integer).label("bits"))
        .group_by(marks.c.candidate_id, marks.c.day)
        .subquery("days")
    )
    running = select(
        days.c.candidate_id,
        days.c.day,
        func.sum(days.c.bits).over(partition_by=days.c.candidate_id, order_by=days.c.day).label("taken"),
    ).subquery("running")
    staged = select(running.c.candidate_id, running.c.day, _stage(running.c.taken).label("stage")).subquery("staged")
    paths = select(
        staged.c.candidate_id,
        staged.c.day,
        staged.c.stage,
        func.lag(staged.c.stage).over(partition_by=staged.c.candidate_id, order_by=staged.c.day).label("earlier"),
    ).cte("paths")  # read twice: worked out once (a nation's 700,000 candidates: 1.9 s each time)
    moved = paths.c.earlier.is_(None) | (paths.c.earlier != paths.c.stage)
    moves = union_all(
        select(paths.c.candidate_id, paths.c.day, paths.c.stage, literal(1).label("candidates")).where(moved),
        select(paths.c.candidate_id, paths.c.day, paths.c.earlier, literal(-1)).where(
            paths.c.earlier.is_not(None), paths.c.earlier != paths.c.stage
        ),
    ).subquery("moves")
    return (
        select(c.c.authority_id, moves.c.day, moves.c.stage, func.sum(moves.c.candidates).label("candidates"))
        .select_from(moves.join(c, c.c.candidate_id == moves.c.candidate_id))
        .group_by(c.c.authority_id, moves.c.day, moves.c.stage)
    )


def open_deadlines(state: Any) -> CompoundSelect:
    """The open deadlines of the candidates of `state` (a selectable of `states`' columns):
    candidate, deadline, unit, display reference, due day."""
    return union_all(
        *(
            select(
                state.c.candidate_id,
                literal(deadline).label("deadline"),
                state.c.authority_id,
                state.c.display_ref,
                state.c[deadline].label("due"),
            ).where(state.c[deadline].is_not(None))
            for deadline in DEADLINES
        )
    )


def count_pipeline(connection: Connection, tables: ProjectionTables) -> None:
    """Fill the pipeline counts from the stored candidates and steps, replacing what they
    held. Once at the end of a rebuild, and by migration p0011."""
    kept, deadlines = tables.candidate_stages, tables.candidate_deadlines
    for table in (kept, deadlines, tables.pipeline_counts, tables.deadline_counts):
        connection.execute(delete(table))
    group_in_memory(connection)
    now = states(tables).cte("now")
    connection.execute(
        insert(kept).from_select(
            list(_KEPT),
            select(*(now.c[name] for name in _KEPT)),
        )
    )
    connection.execute(
        insert(deadlines).from_select(
            ["candidate_id", "deadline", "authority_id", "display_ref", "due"], open_deadlines(now)
        )
    )
    connection.execute(
        insert(tables.pipeline_counts).from_select(
            ["authority_id", "stage", "candidates"],
            select(kept.c.authority_id, kept.c.stage, func.count()).group_by(kept.c.authority_id, kept.c.stage),
        )
    )
    connection.execute(
        insert(tables.deadline_counts).from_select(
            ["authority_id", "due", "deadlines"],
            select(deadlines.c.authority_id, deadlines.c.due, func.count()).group_by(
                deadlines.c.authority_id, deadlines.c.due
            ),
        )
    )


def count_stage_moves(connection: Connection, tables: ProjectionTables) -> None:
    """Fill the candidates' moves between stages by day and by month, and the half years'
    ends, from the stored candidates and steps, replacing what they held. Once at the end of
    a rebuild."""
    daily, monthly = tables.stage_moves, tables.monthly_stage_moves
    for table in (daily, monthly, tables.stage_half_years):
        connection.execute(delete(table))
    group_in_memory(connection)
    moves = stage_moves(tables).subquery("moves")
    # Stored in the order of their days and months: a report as of a day reads the moves of
    # the days and months after it, which are then on pages of their own (as of 2025-09-15 at
    # `--scale 1`: 5,520 moves by day on 3,517 of 5,587 pages and 8,207 by month on 1,779 of
    # 1,798, in the order they were counted).
    connection.execute(
        insert(daily).from_select(
            ["authority_id", "day", "stage", "candidates"],
            select(moves).where(moves.c.candidates != 0).order_by(moves.c.day),
        )
    )
    month = func.substr(daily.c.day, 1, 7)
    connection.execute(
        insert(monthly).from_select(
            ["authority_id", "month", "stage", "candidates"],
            select(daily.c.authority_id, month, daily.c.stage, func.sum(daily.c.candidates))
            .group_by(daily.c.authority_id, month, daily.c.stage)
            .having(func.sum(daily.c.candidates) != 0)
            .order_by(month),
        )
    )
    count_half_years(connection, half_year_ends(tables))


def half_year_ends(tables: ProjectionTables) -> HalfYearEnds:
    """The candidates per unit and stage at the kept half years' ends (adapters/half_years.py)."""
    return HalfYearEnds(tables.stage_half_years, tables.monthly_stage_moves, ("authority_id", "stage"), ("candidates",))


Moves = Counter[tuple[str, str, str]]  # (unit, day, stage) -> candidates come in less those gone


def _of_ids(statement: Callable[[ProjectionTables, Only], Select[Any]], tables: ProjectionTables) -> Select[Any]:
    ids: BindParameter[list[str]] = bindparam("ids", expanding=True)
    return statement(tables, lambda c: c.in_(ids))


@cache
def _states_of(tables: ProjectionTables) -> Select[Any]:
    """`states` of the candidates of the parameter `ids` (a list), built once: a batch asks
    for it each time, and building the statement costs more than running it."""
    return _of_ids(lambda t, only: states(t, None, only), tables)


@cache
def _moves_of(tables: ProjectionTables) -> Select[Any]:
    """`stage_moves` of the candidates of the parameter `ids` (a list), built once."""
    return _of_ids(stage_moves, tables)


def moves_of(connection: Connection, tables: ProjectionTables, candidates: Collection[str]) -> Moves:
    """The moves between stages of `candidates` as the stored candidates and steps make them
    (before a batch is written, and after)."""
    found: Moves = Counter()
    ordered = sorted(candidates)
    for start in range(0, len(ordered), _IN_CHUNK):
        chunk = {"ids": ordered[start : start + _IN_CHUNK]}
        for authority_id, day, stage, n in connection.execute(_moves_of(tables), chunk):
            found[(authority_id, day, stage)] += n
    return found


def keep_pipeline(
    connection: Connection, tables: ProjectionTables, touched: Collection[str], moves_before: Moves
) -> None:
    """Move the kept pipeline counts for the candidates a batch proposed or stepped: each
    one's latest state is worked out again from the stored candidate and steps (`states`,
    the rules of a recount), taken out of the counts as kept and put back as it is now; and
    their moves between stages as they were before the batch (`moves_before`, `moves_of`)
    are replaced by those they make now."""
    if not touched:
        return
    kept, deadlines = tables.candidate_stages, tables.candidate_deadlines
    ids: BindParameter[list[str]] = bindparam("ids", expanding=True)
    stages: Counter[tuple[str, ...]] = Counter()
    dues: Counter[tuple[str, ...]] = Counter()
    ordered = sorted(touched)
    for start in range(0, len(ordered), _IN_CHUNK):
        chunk = {"ids": ordered[start : start + _IN_CHUNK]}
        for authority_id, stage in connection.execute(
            select(kept.c.authority_id, kept.c.stage).where(kept.c.candidate_id.in_(ids)), chunk
        ):
            stages[(authority_id, stage)] -= 1
        for authority_id, due in connection.execute(
            select(deadlines.c.authority_id, deadlines.c.due).where(deadlines.c.candidate_id.in_(ids)), chunk
        ):
            dues[(authority_id, due)] -= 1
        now = [dict(row) for row in connection.execute(_states_of(tables), chunk).mappings()]
        connection.execute(delete(kept).where(kept.c.candidate_id.in_(ids)), chunk)
        connection.execute(delete(deadlines).where(deadlines.c.candidate_id.in_(ids)), chunk)
        insert_rows(connection, kept, [{k: row[k] for k in _KEPT} for row in now])
        opened = [
            {
                "candidate_id": row["candidate_id"],
                "deadline": deadline,
                "authority_id": row["authority_id"],
                "display_ref": row["display_ref"],
                "due": row[deadline],
            }
            for row in now
            for deadline in DEADLINES
            if row[deadline] is not None
        ]
        insert_rows(connection, deadlines, opened)
        for row in now:
            stages[(row["authority_id"], row["stage"])] += 1
        for row in opened:
            dues[(row["authority_id"], row["due"])] += 1
    moved: Counter[tuple[str, ...]] = Counter(moves_of(connection, tables, touched))
    moved.subtract(moves_before)
    by_month: Counter[tuple[str, ...]] = Counter()
    for (authority_id, day, stage), n in moved.items():
        by_month[(authority_id, day[:7], stage)] += n
    _write_counts(
        connection,
        [
            (tables.pipeline_counts, ("stage",), "candidates", stages),
            (tables.deadline_counts, ("due",), "deadlines", dues),
            (tables.stage_moves, ("day", "stage"), "candidates", moved),
            (tables.monthly_stage_moves, ("month", "stage"), "candidates", by_month),
        ],
    )
    keep_half_years(connection, half_year_ends(tables), {key: (n,) for key, n in by_month.items()})


CountMoves = tuple[Table, tuple[str, ...], str, Counter[tuple[str, ...]]]  # table, keys after the unit, column, moves


def _write_counts(connection: Connection, moves: list[CountMoves]) -> None:
    """Add each table's moves (keyed by unit and its other key columns) to its counts and
    drop the rows they bring to zero (`upsert.add_signed`)."""
    for table, keys, counted, moved in moves:
        add_signed(connection, table, ("authority_id", *keys), (counted,), {key: (n,) for key, n in moved.items()})
