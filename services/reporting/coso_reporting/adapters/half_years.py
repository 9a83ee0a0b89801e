"""The ends of half years kept for counts that the projection keeps as changes by month.

The coverage counts and the pipeline's candidates by stage are kept for their latest state,
with their changes by day and by month (adapters/coverage_counts.py, adapters/pipeline_counts.py).
A report as of a day takes the changes after it out of the kept counts: for a day years
back, every month since (a nation's coverage as of a day four years back read 800,000
rows; its pipeline 200,000). The projection therefore also keeps the counts as they stood
at the end of each half year (`HalfYearEnds.ends`, keyed by its last month, `YYYY-06` or
`YYYY-12`, then the counts' own key), from the half year of the first change to that of
the last: the sum of the changes by month up to it (`by_half_year`). A report starts from
the end of its day's half year or of the half year before (`starting_point`, the nearer),
adding the changes between that end and the day or taking out those between the day and
that end: at most three months of changes.

As the projection follows events, a batch's changes by month move the kept ends from
their half year on, and a change in a half year that has no kept end yet (the first of a
new half year, or one before the first) adds the ends up to it, summed from the changes by
month (`keep_half_years`). A rebuild, a recount and a migration fill them in one statement
(`count_half_years`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    Integer,
    Select,
    String,
    Table,
    and_,
    bindparam,
    case,
    cast,
    func,
    insert,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from coso_reporting.adapters.upsert import add_signed

MonthlyChanges = Mapping[tuple[Any, ...], Sequence[int]]  # (unit, month, *the rest of the key) -> measures


@dataclass(frozen=True)
class HalfYearEnds:
    """Counts kept as changes by month (`monthly`: keyed by `place`'s first column, `month`,
    then the rest of `place`) and the ends of their half years (`ends`: keyed by `month`,
    the half year's last, then `place`), with `measures`."""

    ends: Table
    monthly: Table
    place: tuple[str, ...]
    measures: tuple[str, ...]

    @property
    def key(self) -> tuple[str, ...]:
        return ("month", *self.place)


def half_year_of(month: str) -> str:
    """The last month of the half year of a month or day: "2024-03" -> "2024-06"."""
    return f"{month[:4]}-{'06' if month[5:7] <= '06' else '12'}"


def half_years_between(first: str, last: str) -> list[str]:
    """The half years' last months from the half year of the month or day `first` to that of
    `last`, in order."""
    return [_half_year_at(n) for n in range(_half_year_number(first), _half_year_number(last) + 1)]


def half_years_up_to(last: str, count: int) -> list[str]:
    """The `count` half years' last months up to the half year of the month or day `last`, in order."""
    number = _half_year_number(last)
    return [_half_year_at(n) for n in range(number - count + 1, number + 1)]


def _half_year_number(month: str) -> int:
    """Half years counted from year 0: "2024-03" -> 4048, "2024-07" -> 4049."""
    return int(month[:4]) * 2 + (month[5:7] > "06")


def _half_year_at(number: int) -> str:
    return f"{number // 2:04d}-{'12' if number % 2 else '06'}"


def by_half_year(kept: HalfYearEnds, ends: list[str], dialect: str) -> Select[Any]:
    """The measures at the end of each half year of `ends` (`kept.key`, then its measures;
    keys with nothing left out), in that order: the changes by month summed up to it, per
    key. The months are summed per half year (numbered, as `_half_year_number`), those sums
    summed in order per key, and each running sum stands for the half years' ends from its
    own to the next one it changed in (PostgreSQL: a `generate_series` of their numbers, a
    third of the time of a join on the range)."""
    monthly, names = kept.monthly, kept.measures
    place = [monthly.c[k] for k in kept.place]
    half = (
        cast(func.substr(monthly.c.month, 1, 4), Integer) * 2
        + case((func.substr(monthly.c.month, 6, 2) > "06", 1), else_=0)
    ).label("half")
    halves = select(*place, half, *(func.sum(monthly.c[m]).label(m) for m in names)).group_by(*place, half).subquery()
    partition, order = [halves.c[k] for k in kept.place], halves.c.half
    last = _half_year_number(ends[-1]) if ends else 0
    running = select(
        *(halves.c[k] for k in kept.place),
        halves.c.half,
        func.coalesce(func.lead(halves.c.half).over(partition_by=partition, order_by=order), last + 1).label("until"),
        *(func.sum(halves.c[m]).over(partition_by=partition, order_by=order).label(m) for m in names),
    ).subquery()
    measures = [running.c[m] for m in names]
    nonzero = or_(*(m != 0 for m in measures))
    first = _half_year_number(ends[0]) if ends else 0
    if dialect == "postgresql":
        number = func.generate_series(func.greatest(running.c.half, first), func.least(running.c.until, last + 1) - 1)
        spread = select(number.label("half"), *(running.c[k] for k in kept.place), *measures).where(nonzero).subquery()
        month = _half_year_month(spread.c.half)
        return select(month, *(spread.c[k] for k in kept.place), *(spread.c[m] for m in names)).order_by(spread.c.half)
    listed = union_all(*(select(literal(n).label("half")) for n in range(first, last + 1))).subquery()
    stands = and_(listed.c.half >= running.c.half, listed.c.half < running.c.until)
    return (
        select(_half_year_month(listed.c.half), *(running.c[k] for k in kept.place), *measures)
        .select_from(running.join(listed, stands))
        .where(nonzero)
        .order_by(listed.c.half)
    )


def _half_year_month(number: ColumnElement[int]) -> ColumnElement[str]:
    """`_half_year_at` in SQL."""
    return cast(number // 2, String) + case((number % 2 == 1, "-12"), else_="-06")


@dataclass(frozen=True)
class StartingPoint:
    """Where the report of a day starts: the kept counts (`half_year` None) or the kept end
    of a half year, to which the changes by month after `months_after` up to `months_to`,
    and by day after `days_after` up to `days_to`, are added (`sign` 1) or from which they
    are taken out (-1). Its `parameters` are the report's statement's."""

    half_year: str | None
    sign: int
    months_after: str
    months_to: str
    days_after: str
    days_to: str

    @property
    def parameters(self) -> dict[str, Any]:
        return {
            "half_year": self.half_year or "",
            "sign": self.sign,
            "months_after": self.months_after,
            "months_to": self.months_to,
            "days_after": self.days_after,
            "days_to": self.days_to,
        }


def starting_point(day: str, half_years: tuple[str, str] | None) -> StartingPoint:
    """The nearest start of the report of `day` (YYYY-MM-DD): the end of its half year or of
    the half year before (of those kept, from `half_years`' first to its last), the one
    fewer months away; the kept counts when none is kept, or the day's half year is after
    the last. ISO days and months sort as strings: "-00" comes before a month's first day,
    "-31" after its last."""
    month, end = day[:7], half_year_of(day)
    before = _half_year_at(_half_year_number(month) - 1)
    if half_years is None or end > half_years[1]:  # none kept, or nothing kept changed after the day
        return _backward(None, day)
    first = half_years[0]
    months_into = (int(month[5:7]) - 1) % 6 + 1  # the day's month's place in its half year, 1 to 6
    if first <= before and months_into - 1 < 6 - months_into:
        return StartingPoint(
            before, 1, months_after=before, months_to=_month_before(month), days_after=f"{month}-00", days_to=day
        )
    return _backward(max(end, first), day)  # from the day's half year's end, or from the first kept after the day


def _backward(half_year: str | None, day: str) -> StartingPoint:
    """From the end of `half_year` (None: the kept counts), the changes after `day` taken out."""
    month = day[:7]
    return StartingPoint(half_year, -1, month, half_year or "9999-12", day, f"{month}-31")


def _month_before(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{year - 1:04d}-12" if number == 1 else f"{year:04d}-{number - 1:02d}"


def starting_parts(counts: Table, ends: Table, monthly: Table, daily: Table) -> list[StartingPart]:
    """The parts of a report's statement from its `StartingPoint` (its `parameters`): the
    kept `counts` (when `half_year` is "") or the kept `ends` of the half year `half_year`,
    as kept, and the changes by `monthly` month after `months_after` up to `months_to` and
    by `daily` day after `days_after` up to `days_to`, times `sign`. One statement for both
    starts: the one not asked for is left out before it is read (PostgreSQL: a one-time
    filter)."""
    sign = bindparam("sign", type_=Integer)
    half_year = bindparam("half_year", type_=String)

    def after(name: str) -> tuple[BindParameter[str], BindParameter[str]]:
        return bindparam(f"{name}_after", type_=String), bindparam(f"{name}_to", type_=String)

    (months_after, months_to), (days_after, days_to) = after("months"), after("days")
    return [
        StartingPart(counts, None, [half_year == ""]),
        StartingPart(ends, None, [ends.c.month == half_year]),
        StartingPart(monthly, sign, [monthly.c.month > months_after, monthly.c.month <= months_to]),
        StartingPart(daily, sign, [daily.c.day > days_after, daily.c.day <= days_to]),
    ]


class StartingPart(NamedTuple):
    """A table a report reads from its starting point, the sign its rows are taken with
    (None: as they are) and the conditions on them."""

    table: Table
    sign: BindParameter[int] | None
    when: list[ColumnElement[bool]]

    def times_sign(self, column: ColumnElement[int]) -> ColumnElement[int]:
        return column if self.sign is None else column * self.sign


def half_years_kept(connection: Connection, kept: HalfYearEnds) -> tuple[str, str] | None:
    """The first and last half years whose ends are kept; None when none is."""
    ends = kept.ends
    first, last = connection.execute(select(func.min(ends.c.month), func.max(ends.c.month))).one()
    return (first, last) if first is not None else None


def count_half_years(connection: Connection, kept: HalfYearEnds, ends: list[str] | None = None) -> None:
    """Fill the ends of the half years `ends` (default: from the first kept change's half
    year to the last's) from the changes by month."""
    if ends is None:
        monthly = kept.monthly
        first, last = connection.execute(select(func.min(monthly.c.month), func.max(monthly.c.month))).one()
        ends = half_years_between(first, last) if first is not None else []
    if ends:
        filled = by_half_year(kept, ends, connection.dialect.name)
        connection.execute(insert(kept.ends).from_select([*kept.key, *kept.measures], filled))


def keep_half_years(connection: Connection, kept: HalfYearEnds, monthly: MonthlyChanges) -> None:
    """Move the kept half years' ends by a batch's changes by month (`monthly`), those kept
    already: each end from the change's half year on; then add the ends of the half years
    the batch reached beyond them, summed from the changes by month (which hold the
    batch's)."""
    changed = [key for key, sums in monthly.items() if any(sums)]
    if not changed:
        return
    reached = sorted(half_year_of(key[1]) for key in changed)
    kept_ends = half_years_kept(connection, kept)
    if kept_ends is None:
        count_half_years(connection, kept, half_years_between(reached[0], reached[-1]))
        return
    moved: dict[tuple[Any, ...], list[int]] = {}
    for key in changed:
        unit, month, *rest = key
        for end in half_years_between(max(half_year_of(month), kept_ends[0]), kept_ends[1]):
            sums = moved.setdefault((end, unit, *rest), [0] * len(kept.measures))
            for n, value in enumerate(monthly[key]):
                sums[n] += value
    add_signed(connection, kept.ends, kept.key, kept.measures, moved)
    wanted = half_years_between(min(reached[0], kept_ends[0]), max(reached[-1], kept_ends[1]))
    count_half_years(connection, kept, [end for end in wanted if not kept_ends[0] <= end <= kept_ends[1]])
