"""The active members kept as they stood at the end of each half year, so that a national
members report of a day long past starts near its day.

The members report of a day starts from the kept counts of the members' latest state and
recounts one by one each member whose admission, recognition or leaving falls between the
day and today (adapters/fact_queries.py). For a nation's report of a day four years back
that was 112,000 members, each counted twice. The projection therefore also keeps the
active members (probationary and official) at the end of each half year (keyed by its
last month, `YYYY-06` or `YYYY-12`): per unit, status and job group
(`member_unit_half_years`, the report's unit columns) and per job category, ownership and
status over every unit (`member_composition_half_years`, the nation's composition). A
nation's report starts from the end of its day's half year or of the one before, the nearer
(`half_years.starting_point`), and recounts only the members with such a day between that
end and its own: at most three months of them.

A member is counted at an end with the unit, job category and ownership it has now, as the
kept counts count it on any day; its status is the one it had on the end's last day. The
ends kept are those of the MEMBER_HALF_YEARS half years up to that of the latest change
(`count_member_half_years`, by a rebuild and migration p0027): the kept counts, less the
members changed after the end as they are kept, plus the same members as they stood then.
A live batch moves each kept end by the members it changed, taken out as they were and
put back as they are (domain/member_counts.py `MemberCountChanges`), and adds the ends of
the half years its changes reached after the last kept one (`keep_member_half_years`). A
report of a day before the first kept end starts from that end.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, delete, func, insert, literal, select, true, union_all

from coso_reporting.adapters.half_years import half_year_of, half_years_between, half_years_up_to
from coso_reporting.adapters.member_status import job_group, status_now, status_on
from coso_reporting.adapters.tables import ProjectionTables
from coso_reporting.adapters.upsert import add_signed
from coso_reporting.domain.fact_records import ACTIVE_STATUSES
from coso_reporting.domain.member_counts import MemberCountChanges

# The half years whose ends a rebuild keeps, the last that of the latest change: five years,
# as far back as the plans and the trend look. A fill costs the members changed after each
# end: at `--scale 1` the ten ends took 3.3-3.9 s; ends further back would also read the
# hundreds of thousands of members admitted before the data set's years and recognised
# after 2016 (twenty ends took ten times as long in a first trial).
MEMBER_HALF_YEARS = 10
_UNIT_KEY = ("authority_id", "status", "job_group")
_COMPOSITION_KEY = ("job_category", "ownership", "status")


def end_day(half_year: str) -> str:
    """The last day of a half year (its last month, `YYYY-06` or `YYYY-12`), ISO."""
    return f"{half_year}-30" if half_year.endswith("-06") else f"{half_year}-31"


def member_half_years_kept(connection: Connection, tables: ProjectionTables) -> tuple[str, str] | None:
    """The first and last half years whose ends are kept; None when none is."""
    ends = tables.member_unit_half_years
    first, last = connection.execute(select(func.min(ends.c.month), func.max(ends.c.month))).one()
    return (first, last) if first is not None else None


def count_member_half_years(connection: Connection, tables: ProjectionTables, ends: list[str] | None = None) -> None:
    """Fill the ends of the half years `ends`; by default of the MEMBER_HALF_YEARS half years
    up to that of the latest change, replacing what was kept."""
    if ends is None:
        for table in (tables.member_unit_half_years, tables.member_composition_half_years):
            connection.execute(delete(table))
        latest = connection.execute(select(func.max(tables.member_changes.c.changed_on))).scalar()
        if latest is None:
            return
        ends = half_years_up_to(latest, MEMBER_HALF_YEARS)
    if not ends:
        return
    for table, statement in (
        (tables.member_unit_half_years, _unit_ends(tables, ends)),
        (tables.member_composition_half_years, _composition_ends(tables, ends)),
    ):
        connection.execute(insert(table).from_select([c.name for c in table.columns], statement))


def _ends(ends: list[str]) -> Any:
    """The half years as rows of their last month and last day."""
    return union_all(*(select(literal(e).label("month"), literal(end_day(e)).label("day")) for e in ends)).subquery()


def _unit_ends(tables: ProjectionTables, ends: list[str]) -> Select[Any]:
    kept = tables.member_unit_counts
    return _summed_at_ends(
        tables,
        ends,
        [kept.c.authority_id, kept.c.status, kept.c.job_group, kept.c.members],
        lambda m, status: [m.c.authority_id, status, job_group(m.c.job_category)],
    )


def _composition_ends(tables: ProjectionTables, ends: list[str]) -> Select[Any]:
    kept = tables.member_compositions
    return _summed_at_ends(
        tables,
        ends,
        [kept.c.job_category, kept.c.ownership, kept.c.status, kept.c.members],
        lambda m, status: [m.c.job_category, m.c.ownership, status],
    )


def _summed_at_ends(tables: ProjectionTables, ends: list[str], kept: list[Any], key_of: Any) -> Select[Any]:
    """The active members at each end: the `kept` counts (key columns, then the members) at
    every end, less the members changed after it as kept (status now), plus the same as they
    stood on its last day (`key_of(member, status)`: the key's columns)."""
    at = _ends(ends)
    counts = kept[-1].table
    changes = tables.member_changes
    changed = select(changes).where(changes.c.changed_on > end_day(ends[0])).cte("changed")  # read once
    after = changed.join(at, changed.c.changed_on > at.c.day)
    then, now = status_on(changed, at.c.day), status_now(changed)
    parts = union_all(
        select(at.c.month, *kept[:-1], kept[-1].label("n"))
        .select_from(counts.join(at, true()))
        .where(counts.c.status.in_(ACTIVE_STATUSES)),
        select(at.c.month, *key_of(changed, now), literal(-1)).select_from(after).where(now.in_(ACTIVE_STATUSES)),
        select(at.c.month, *key_of(changed, then), literal(1)).select_from(after).where(then.in_(ACTIVE_STATUSES)),
    ).subquery("parts")
    key = [parts.c[name] for name in parts.c.keys()[:-1]]
    total = func.sum(parts.c.n)
    # Stored in the order of their half year, so that a report reads pages of its own end.
    return select(*key, total).group_by(*key).having(total != 0).order_by(*key)


def keep_member_half_years(connection: Connection, tables: ProjectionTables, changes: MemberCountChanges) -> None:
    """Move the kept ends by a batch's changes (worked out for the ends kept before it,
    `changes.ends`), then add the ends of the half years its changes reached after the last
    one kept, or all of them when none is, from the counts as the batch left them."""
    add_signed(
        connection,
        tables.member_unit_half_years,
        ("month", *_UNIT_KEY),
        ("members",),
        {key: [n] for key, n in changes.changed_unit_ends().items()},
    )
    add_signed(
        connection,
        tables.member_composition_half_years,
        ("month", *_COMPOSITION_KEY),
        ("members",),
        {key: [n] for key, n in changes.changed_composition_ends().items()},
    )
    if not changes.changes_added:
        return
    if not changes.ends:  # none was kept before the batch (nor moved by it)
        count_member_half_years(connection, tables)
        return
    reached = half_year_of(max(change.changed_on for change in changes.changes_added))
    last = changes.ends[-1][0]
    if reached > last:
        count_member_half_years(connection, tables, half_years_between(last, reached)[1:])
