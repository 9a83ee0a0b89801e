"""The organizations report's reads, and the counts of existing organizations they rest on.

A nation has hundreds of thousands of mass organizations; grouping all of them for every
report cost a national report most of its time. The projection therefore keeps the
organizations existing now counted per authority and kind (`reporting_fact_organization_counts`,
moved by each batch, counted once at the end of a rebuild), and a report reads:

- the kept counts of its units;
- to count the organizations existing on its day: the foundings after the day taken back
  and the endings after it put back; for a day nearer the first founding than the last, the
  foundings up to the day less the endings up to it instead; for today's report, nothing;
- to count the organizations founded and ended in its period: its foundings and endings.

Foundings and endings are kept summed per family, month (and year), unit and kind
(`count_organization_flows`, moved by each batch): a span of days is read as its whole
years and months from those sums, and its edge days alone from the organizations' founding
and ending days' indexes (domain/calendar_spans.py), a few thousand rows for a nation where
a year's foundings were 66,000 mass organizations.

An organization exists on a day when founded on or before it and not yet ended (domain/
organization_counts.py). Party organizations end by dissolution or merger (`ended_on`,
`ended_by`); mass organizations by dissolution (`dissolved_on`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Engine,
    Select,
    String,
    Table,
    bindparam,
    case,
    delete,
    false,
    func,
    insert,
    literal,
    select,
    true,
    union_all,
)
from sqlalchemy.sql.elements import BindParameter

from coso_reporting.adapters import fact_pipeline_queries
from coso_reporting.adapters.tables import ProjectionTables
from coso_reporting.adapters.upsert import DriverUpsert
from coso_reporting.domain.calendar_spans import CalendarSpans, calendar_spans
from coso_reporting.domain.organization_counts import (
    FLOWS,
    UNKNOWN_KIND,
    MassOrganizationGroup,
    OrganizationGroup,
    existing_changes,
    flow_changes,
)


@dataclass(frozen=True)
class Family:
    """Party or mass organizations: their table, counts' family name and ending column."""

    name: str
    ended: str

    def table(self, tables: ProjectionTables) -> Table:
        return tables.organizations if self.name == "party" else tables.mass_organizations


PARTY = Family("party", "ended_on")
MASS = Family("mass", "dissolved_on")


def keep_organization_counts(
    connection: Connection,
    tables: ProjectionTables,
    stored: Mapping[str, Mapping[str, Mapping[str, Any]]],
    written: Mapping[str, Mapping[str, Mapping[str, Any]]],
) -> None:
    """Move the kept counts by a batch: `stored` and `written` hold, under "organizations"
    and "mass_organizations", the records the batch touched as they were and as written."""
    rows = [
        {"family": family.name, "authority_id": authority_id, "kind": kind, "existing": n}
        for family, records in ((PARTY, "organizations"), (MASS, "mass_organizations"))
        for (authority_id, kind), n in existing_changes(stored[records], written[records], family.ended).items()
    ]
    if rows:
        DriverUpsert.adding(tables.organization_counts, ("existing",)).execute(connection, rows)
    monthly: dict[tuple[str, str, str, str], list[int]] = {}
    yearly: dict[tuple[str, str, str, str], list[int]] = {}
    for family, records in ((PARTY, "organizations"), (MASS, "mass_organizations")):
        changes = flow_changes(stored[records], written[records], family.ended, family is PARTY)
        for (authority_id, kind, month), flows in changes.items():
            for sums, at in ((monthly, month), (yearly, month[:4])):
                summed = sums.setdefault((family.name, at, authority_id, kind), [0] * len(FLOWS))
                for n, value in enumerate(flows):
                    summed[n] += value
    for table, column, sums in (
        (tables.organization_monthly_flows, "month", monthly),
        (tables.organization_yearly_flows, "year", yearly),
    ):
        DriverUpsert.adding(table, FLOWS).execute(
            connection,
            [
                {"family": f, column: at, "authority_id": a, "kind": k, **dict(zip(FLOWS, flows, strict=True))}
                for (f, at, a, k), flows in sorted(sums.items())
            ],
        )


def count_organizations(connection: Connection, tables: ProjectionTables) -> None:
    """Count the existing organizations, and their foundings and endings
    (`count_organization_flows`), afresh from the records (a rebuild's end)."""
    counts = tables.organization_counts
    connection.execute(delete(counts))
    for family in (PARTY, MASS):
        t = family.table(tables)
        connection.execute(
            insert(counts).from_select(
                ["family", "authority_id", "kind", "existing"],
                select(literal(family.name), t.c.authority_id, _kind(t.c.kind), func.count())
                .where(*_existing_now(t, family))
                .group_by(t.c.authority_id, _kind(t.c.kind)),
            )
        )
    count_organization_flows(connection, tables)


def count_organization_flows(connection: Connection, tables: ProjectionTables) -> None:
    """Sum the organizations' foundings and endings per family, month (then year), unit and
    kind afresh from the records (a rebuild's end; migration p0026)."""
    monthly, yearly = tables.organization_monthly_flows, tables.organization_yearly_flows
    for table in (monthly, yearly):
        connection.execute(delete(table))
    zero, one = literal(0), literal(1)
    for family in (PARTY, MASS):
        t = family.table(tables)
        ended = t.c[family.ended]
        dissolved, merged = _causes(t, family)
        filed = (t.c.founded_on.is_not(None), t.c.authority_id.is_not(None))
        flows = union_all(
            select(
                t.c.authority_id,
                _kind(t.c.kind).label("kind"),
                t.c.founded_on.label("day"),
                *(value.label(flow) for value, flow in zip((one, zero, zero, zero), FLOWS, strict=True)),
            ).where(*filed),
            select(
                t.c.authority_id,
                _kind(t.c.kind),
                ended,
                zero,
                one,
                case((dissolved, 1), else_=0),
                case((merged, 1), else_=0),
            ).where(*filed, ended.is_not(None)),
        ).subquery("flows")
        month = func.substr(flows.c.day, 1, 7)
        sums = [func.sum(flows.c[flow]) for flow in FLOWS]
        # Stored in the order of their months (and years), each family's apart: a report
        # reads its period's months, which are then on pages of their own (as of 2025-06-30
        # at `--scale 1`, the mass organizations' 18,624 flows of the half year lay on 1,935
        # of the table's 2,297 pages in the order they were grouped).
        connection.execute(
            insert(monthly).from_select(
                ["family", "month", "authority_id", "kind", *FLOWS],
                select(literal(family.name), month, flows.c.authority_id, flows.c.kind, *sums)
                .group_by(month, flows.c.authority_id, flows.c.kind)
                .order_by(month),
            )
        )
    year = func.substr(monthly.c.month, 1, 4)
    connection.execute(
        insert(yearly).from_select(
            ["family", "year", "authority_id", "kind", *FLOWS],
            select(
                monthly.c.family, year, monthly.c.authority_id, monthly.c.kind, *(func.sum(monthly.c[f]) for f in FLOWS)
            )
            .group_by(monthly.c.family, year, monthly.c.authority_id, monthly.c.kind)
            .order_by(monthly.c.family, year),
        )
    )


def _causes(t: Table, family: Family) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """Whether an ended organization was dissolved, and whether merged into another: a party
    organization's record says which (`ended_by`); a mass organization's ending is a dissolution."""
    if family is PARTY:
        return t.c.ended_by == "dissolved", t.c.ended_by == "merged"
    return true(), false()


class SqlOrganizationQueries:
    """Mixed into `SqlFactQueries` (adapters/fact_queries.py), whose engine and tables it reads."""

    _engine: Engine
    _tables: ProjectionTables

    def organization_groups(
        self, start: date, end: date, day: date, authorities: Collection[str]
    ) -> list[OrganizationGroup]:
        """Founded party organizations under `authorities`, by authority and kind: founded in
        `start`–`end`, dissolved in it, merged into another in it, existing on `day`."""
        return [
            OrganizationGroup(a, kind, founded, dissolved, merged, existing)
            for (a, kind), (founded, dissolved, merged, existing) in self._groups(
                PARTY, start, end, day, authorities
            ).items()
        ]

    def mass_organization_groups(
        self, start: date, end: date, day: date, authorities: Collection[str]
    ) -> list[MassOrganizationGroup]:
        """Founded mass organizations under `authorities`, by authority and kind: founded in
        `start`–`end`, dissolved in it, existing on `day`."""
        return [
            MassOrganizationGroup(a, kind, founded, dissolved, existing)
            for (a, kind), (founded, dissolved, _, existing) in self._groups(MASS, start, end, day, authorities).items()
        ]

    def _groups(
        self, family: Family, start: date, end: date, day: date, authorities: Collection[str]
    ) -> dict[tuple[str, str | None], tuple[int, int, int, int]]:
        """(authority, kind) -> (founded, dissolved, merged in the period; existing on the day)."""
        inside = set(authorities)
        named = len(inside) <= fact_pipeline_queries.NAMED_AUTHORITIES_AT_MOST  # as the pipeline's reads
        parameters: dict[str, Any] = {"authorities": sorted(inside)} if named else {}
        with self._engine.connect() as connection:
            from_founding = _nearer_the_first_founding(connection, family.table(self._tables), day)
            if from_founding:  # the foundings up to the day less the endings up to it
                existing = calendar_spans(date.min, day)
            elif day < _FAR:  # the kept counts less the foundings after the day, plus the endings after it
                existing = calendar_spans(day + timedelta(days=1), _FAR)
            else:
                existing = CalendarSpans()
            parameters.update(_span_parameters("period", calendar_spans(start, end)))
            parameters.update(_span_parameters("existing", existing))
            found = connection.execute(_groups_statement(self._tables, family, named, from_founding), parameters)
            return {
                (a, kind or None): (int(f), int(d), int(m), int(e))
                for a, kind, f, d, m, e in found
                if a in inside and (f or d or m or e)
            }


def _nearer_the_first_founding(connection: Connection, t: Table, day: date) -> bool:
    """Whether `day` is nearer the first founding recorded than the last: the organizations
    existing then are fewer to count from their foundings than to take back from today's
    kept counts (a nation's mass organizations as of 2021-12-31: 66,000 founded by then,
    263,000 since)."""
    first, last = connection.execute(select(func.min(t.c.founded_on), func.max(t.c.founded_on))).one()
    if first is None:
        return False
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return day < start + (end - start) / 2


# The pieces a span of days is read in (domain/calendar_spans.py): at most one range of
# whole years, two of whole months (before and after the years) and two of days (its edges).
_PIECES = {"years": 1, "months": 2, "days": 2}
_NO_RANGE = ("9", "0")  # a range that holds nothing: it ends before it starts
_FAR = date(9998, 12, 31)  # the end of the time after a day


def _span_parameters(span: str, spans: CalendarSpans) -> dict[str, str]:
    """The statement's parameters `<span>_<piece><n>_from` and `_to` of `spans`' ranges,
    those it does not have holding nothing."""
    found: dict[str, str] = {}
    for piece, most in _PIECES.items():
        ranges: list[tuple[str, str]] = getattr(spans, piece)
        if len(ranges) > most:
            raise ValueError(f"a span of days has at most {most} ranges of {piece}, not {len(ranges)}")
        for n in range(most):
            first, last = ranges[n] if n < len(ranges) else _NO_RANGE
            found.update({f"{span}_{piece}{n}_from": first, f"{span}_{piece}{n}_to": last})
    return found


# What a span's foundings (f), endings (e), dissolutions (d) and mergers (m) add to a row's
# founded, dissolved, merged and existing organizations.
Shares = Callable[[Any, Any, Any, Any], tuple[Any, Any, Any, Any]]
_IN_PERIOD: Shares = lambda f, e, d, m: (f, d, m, literal(0))  # noqa: E731
_TAKEN_BACK: Shares = lambda f, e, d, m: (literal(0), literal(0), literal(0), e - f)  # noqa: E731
_UP_TO: Shares = lambda f, e, d, m: (literal(0), literal(0), literal(0), f - e)  # noqa: E731
_COUNTED = ("founded", "dissolved", "merged", "existing")  # a row's counts, in `Shares`' order


def _labelled(counts: tuple[Any, ...]) -> list[Any]:
    return [count.label(name) for count, name in zip(counts, _COUNTED, strict=True)]


@lru_cache(maxsize=32)
def _groups_statement(
    tables: ProjectionTables, family: Family, named: bool, from_founding: bool = False
) -> Select[Any]:
    """The statement of `_groups`' rows (authority, kind, founded, dissolved, merged,
    existing), built once per shape: building it took longer than a commune's report took
    to run. Its parts (the period's foundings and endings, the kept counts, the foundings
    and endings after the day) are summed per authority and kind by the database: a
    nation's 17,000 rows came to Python to be summed there before, half of them of
    authorities with only kept counts. `from_founding`: those existing on the day counted
    from the foundings and endings up to it instead (a day nearer the first founding than
    today). Its parameters: the spans' ranges (`_span_parameters`, "period" and "existing")
    and, `named`, the authorities (`authorities`), else every authority's rows."""
    counts = tables.organization_counts
    parts = _spans(tables, family, "period", _IN_PERIOD)
    if from_founding:
        parts += _spans(tables, family, "existing", _UP_TO)
    else:
        zero = literal(0)
        kept = select(counts.c.authority_id, counts.c.kind, *_labelled((zero, zero, zero, counts.c.existing)))
        parts += [kept.where(counts.c.family == family.name), *_spans(tables, family, "existing", _TAKEN_BACK)]
    if named:
        expanding: BindParameter[list[str]] = bindparam("authorities", expanding=True)
        parts = [part.where(part.selected_columns[0].in_(expanding)) for part in parts]
    rows = union_all(*parts).subquery("parts")
    summed = (func.coalesce(func.sum(rows.c[n]), 0) for n in _COUNTED)
    return select(rows.c.authority_id, rows.c.kind, *summed).group_by(rows.c.authority_id, rows.c.kind)


def _spans(tables: ProjectionTables, family: Family, span: str, shares: Shares) -> list[Select[Any]]:
    """The rows (authority, kind, then `shares` of the four counts) of the span of days
    `span` (its parameters, `_span_parameters`): its years' and months' kept flows, and its
    edge days' foundings and endings read from the organizations."""

    def within(column: ColumnElement[Any], piece: str) -> ColumnElement[bool]:
        return column.between(
            bindparam(f"{span}_{piece}_from", type_=String), bindparam(f"{span}_{piece}_to", type_=String)
        )

    parts = []
    for flows, when, pieces in (
        (tables.organization_yearly_flows, "year", ("years0",)),
        (tables.organization_monthly_flows, "month", ("months0", "months1")),
    ):
        counted = shares(flows.c.founded, flows.c.ended, flows.c.dissolved, flows.c.merged)
        for piece in pieces:
            parts.append(
                select(flows.c.authority_id, flows.c.kind, *_labelled(counted)).where(
                    flows.c.family == family.name, within(flows.c[when], piece)
                )
            )
    t = family.table(tables)
    ended = t.c[family.ended]
    dissolved, merged = _causes(t, family)
    zero = literal(0)
    for piece in ("days0", "days1"):
        for counted, day in (
            (shares(func.count(), zero, zero, zero), t.c.founded_on),
            (shares(zero, func.count(), _count(dissolved), _count(merged)), ended),
        ):
            parts.append(
                select(t.c.authority_id, _kind(t.c.kind).label("kind"), *_labelled(counted))
                .where(t.c.founded_on.is_not(None), t.c.authority_id.is_not(None), within(day, piece))
                .group_by(t.c.authority_id, _kind(t.c.kind))
            )
    return parts


def _existing_now(t: Table, family: Family) -> list[ColumnElement[bool]]:
    return [t.c.founded_on.is_not(None), t.c.authority_id.is_not(None), t.c[family.ended].is_(None)]


def _kind(column: Column[Any]) -> ColumnElement[str]:
    return func.coalesce(column, UNKNOWN_KIND)


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))
