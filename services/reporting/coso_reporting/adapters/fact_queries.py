"""SQL reads of the fact tables, as the domain's records (domain/fact_records.py).

Each read is one statement (two for records with a child table) in its own connection,
like the indicator queries: a rebuild's swap locks the tables it replaces, so a reader
must not hold one while waiting for another. Rows still missing the event that creates
them (see domain/facts.py) are left out.

Members and enterprises are counted in the database, summed by the reports' axes and
restricted to the report's units: a nation has millions of members and almost a million
enterprises, and handing each to Python took seconds per report already at a twentieth of
that. Members and enterprises are not grouped one by one either: the projection keeps
their counts for their latest state (domain/member_counts.py, adapters/coverage_counts.py):
a report recounts only the members admitted, recognised or left between its day and where
it starts (a nation's from the nearest half year's end) or within its period, and takes
the coverage counts' changes after its day out of them (by month, then the days left of its
day's month). The rules of a day are
`MemberGroup`'s and `CoverageGroup`'s, written in SQL.

Each statement is built once per shape (the tables, the database's dialect, whether the
units are named or left out, whether a period has whole months, …) with the days, months
and units as its parameters, as the pipeline's (adapters/fact_pipeline_queries.py):
building a report's statements and their cache keys took longer than a commune's or a
province's report took to run. The SQL the database receives is the same.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    Connection,
    Engine,
    Integer,
    Select,
    String,
    Table,
    and_,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    text,
    true,
    tuple_,
    union_all,
)
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.sql.selectable import CTE, CompoundSelect

from coso_reporting.adapters.coverage_counts import (
    NONE,
    PLACE,
    CoverageSettings,
    flag,
    half_year_ends,
    kept_settings,
    measures_of,
    size_band,
)
from coso_reporting.adapters.fact_pipeline_queries import SqlPipelineQueries
from coso_reporting.adapters.half_years import half_years_kept, starting_parts, starting_point
from coso_reporting.adapters.member_half_years import end_day, member_half_years_kept
from coso_reporting.adapters.member_status import status_now, status_on
from coso_reporting.adapters.organization_counts import SqlOrganizationQueries
from coso_reporting.adapters.queries import ProjectionState, projection_state
from coso_reporting.adapters.tables import LIVE, ProjectionTables
from coso_reporting.domain.coverage import MEASURES, CoverageCounts, SizeBands
from coso_reporting.domain.fact_records import (
    ACTIVE_STATUSES,
    LEFT_STATUSES,
    MemberCounts,
    MemberGroup,
)
from coso_reporting.domain.member_counts import ADMITTED, KEPT, UNKNOWN, recounted_between, whole_months


def _counted(m: Table) -> tuple[ColumnElement[bool], ...]:
    """The members the reports count (domain/member_counts.py `is_counted`)."""
    return m.c.admitted_on.is_not(None), m.c.authority_id.is_not(None)


def _is_active(status: ColumnElement[Any]) -> ColumnElement[int]:
    return case((status.in_(ACTIVE_STATUSES), 1), else_=0)


def _is_official(status: ColumnElement[Any]) -> ColumnElement[int]:
    return case((status == "official", 1), else_=0)


# Above this many units the members report names the units with kept counts it does not
# hold rather than those it holds: a nation's 4,400 written out took longer to plan than the
# rest, and even as one array PostgreSQL looked each up in the flows one by one, where the few
# left out let it read the flows of the period's months, the changes after the day, and the
# composition summed over every unit. A province's hundred stay written out, so that the kept
# counts are read by their index rather than scanned whole.
MEMBER_UNITS_NAMED_AT_MOST = 1_000


# Above this many units the coverage report sums every unit's rows, the changes after its
# day read by their month and day, and takes out the units it does not hold, rather than
# looking each unit's rows up by its index: a nation's 4,400 lookups of its changes took
# half of its past day's report, and checking each row against the 4,400 a third of the rest.
COVERAGE_UNITS_LOOKED_UP_AT_MOST = 1_000


# How many statements of each kind are kept (each of a shape: a few per set of tables).
_SHAPES_KEPT = 64


def _day(name: str) -> BindParameter[str]:
    """A day or month (ISO text) as the statement's parameter `name`."""
    return bindparam(name, type_=String)


def _named() -> Callable[[ColumnElement[Any]], ColumnElement[bool]]:
    """Whether a unit is one of the report's `authorities`, written out in the statement."""
    expanding: BindParameter[list[str]] = bindparam("authorities", expanding=True)
    return lambda column: column.in_(expanding)


def _not_named() -> Callable[[ColumnElement[Any]], ColumnElement[bool]]:
    """Whether a unit is not one of the units `not_held` written out in the statement."""
    expanding: BindParameter[list[str]] = bindparam("not_held", expanding=True)
    return lambda column: column.not_in(expanding)


class SqlFactQueries(SqlPipelineQueries, SqlOrganizationQueries):
    def __init__(self, engine: Engine, tables: ProjectionTables = LIVE) -> None:
        self._engine = engine
        self._tables = tables

    def projection_state(self) -> ProjectionState:
        """What `StateCache` keys finished reports on (`adapters.queries.projection_state`)."""
        return projection_state(self._engine)

    def coverage_counts(
        self, day: date, bands: SizeBands, minimum_official: int, authorities: Collection[str]
    ) -> CoverageCounts:
        """`CoverageGroup`'s rules over the enterprises placed under `authorities` on the day:
        the kept counts of the enterprises' latest state (adapters/coverage_counts.py) less
        the kept changes of those units after the day (of the months after the day's month,
        and of the days after it within its month); summed by each axis. Asked with other
        size bands or minimum than the counts were made with, every enterprise of the day
        is grouped instead.

        More than COVERAGE_UNITS_LOOKED_UP_AT_MOST units (a nation's): every unit's rows are
        summed, the changes read by their month and day, and the units found with
        enterprises on the day that are not among `authorities` (for a nation, rarely any:
        the units that did not exist on the day have none then) are summed again by
        themselves and taken out."""
        settings = CoverageSettings(bands, minimum_official)
        held = sorted(authorities)
        with self._engine.connect() as connection:
            kept_with = kept_settings(connection, self._tables)
            kept_ends = half_year_ends(self._tables)
            half_years = half_years_kept(connection, kept_ends) if kept_with == settings else None
        dialect = self._engine.dialect.name
        on = day.isoformat()
        parameters = {"on": on, **starting_point(on, half_years).parameters}
        if kept_with != settings:
            found = self._summed(_coverage_statement(self._tables, dialect, "listed", settings), parameters, held)
        elif len(held) <= COVERAGE_UNITS_LOOKED_UP_AT_MOST:
            found = self._summed(_coverage_statement(self._tables, dialect, "listed"), parameters, held)
        else:
            found = self._summed(_coverage_statement(self._tables, dialect, "every"), parameters, held)
            inside = set(held)
            not_held = sorted(str(unit) for unit in found[0] if unit not in inside)
            if not_held:
                theirs = self._summed(_coverage_statement(self._tables, dialect, "named"), parameters, not_held)
                found = _less(found, theirs)
        units, size_bands, ownership, zones = found
        return CoverageCounts(
            {str(k): v for k, v in units.items()}, {str(k): v for k, v in size_bands.items()}, ownership, zones
        )

    def _summed(
        self, statement: Select[Any] | CompoundSelect, parameters: dict[str, Any], authorities: list[str]
    ) -> list[dict[str | None, dict[str, int]]]:
        """The rows of a `_coverage_statement` for `authorities` (its parameter), by axis (unit,
        size band, ownership, industrial zone; "" read as None)."""
        found: list[dict[str | None, dict[str, int]]] = [{}, {}, {}, {}]
        with self._engine.connect() as connection:
            for *keys, e_, u, o, w, x in connection.execute(statement, {**parameters, "authorities": authorities}):
                axis = next(n for n, key in enumerate(keys) if key is not None)
                values = (e_, u, o, w, x)
                found[axis][keys[axis] or None] = {name: int(v) for name, v in zip(MEASURES, values, strict=True)}
        return found

    def _status_on(self, day: date) -> ColumnElement[str | None]:
        return status_on(self._tables.members, day.isoformat())

    def member_counts(self, day: date, start: date, end: date, authorities: Collection[str]) -> MemberCounts:
        """`MemberGroup`'s rules over the members filed under `authorities`: from the kept
        counts of the members' latest state, or for a report of more than
        MEMBER_UNITS_NAMED_AT_MOST units (a nation's) from the kept end of the half year
        nearest the day (adapters/member_half_years.py), and the kept flows of the period's
        whole months (domain/member_counts.py), each member admitted, recognised or left
        between the days of `recounted_between` taken out of them as counted there and put
        back as it was on the day, with its admission and leaving in the period, from its
        kept last change alone (one range read, no lookup of the member or its enterprise);
        summed by the report's axes. The unit columns read the counts summed per unit,
        status and job group; the composition of a nation's report the counts summed over
        every unit, less those of the units it does not hold, a smaller one its units'
        counts."""
        months = whole_months(start, end)
        nation = len(authorities) > MEMBER_UNITS_NAMED_AT_MOST
        parameters: dict[str, Any] = {
            "authorities": sorted(authorities),
            "first": start.isoformat(),
            "last": end.isoformat(),
            "on": day.isoformat(),
        }
        if months is not None:  # ISO days sort as strings: "-31" ends any month
            parameters.update(
                {
                    "months_from": months[0],
                    "months_to": months[1],
                    "within_from": f"{months[0]}-01",
                    "within_to": f"{months[1]}-31",
                }
            )
        when, statement = _member_statements(self._tables, nation, months is not None)
        by_unit: dict[str, dict[str, int]] = {}
        by_composition: list[MemberGroup] = []
        with self._engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                # Its cost, from the members changed after a day, sets PostgreSQL compiling it
                # (JIT), which took 20-30 ms of a national report recounting a few thousand.
                connection.execute(text("SET LOCAL jit = off"))
            half_year = None
            if nation:  # every kept row is of a unit with kept counts: leave out those not held
                parameters["not_held"] = parameters["units_not_held"] = self._units_not_held(connection, authorities)
                half_year = self._half_year_started_from(connection, day)
            start_day = end_day(half_year) if half_year is not None else KEPT
            after, up_to = recounted_between(day, start, end, start_day)
            parameters.update({"half_year": half_year or "", "start_day": start_day, "after": after, "up_to": up_to})
            for part, authority_id, job, ownership, status, *values in connection.execute(statement, parameters):
                if part == "unit":
                    by_unit[authority_id] = {name: int(n) for name, n in zip(when, values, strict=True)}
                else:
                    by_composition.append(
                        MemberGroup("", job or None, ownership or None, status, False, False, int(values[0]))
                    )
        return MemberCounts(by_unit, by_composition)

    def _units_not_held(self, connection: Connection, authorities: Collection[str]) -> list[str]:
        """The units with kept member counts that are not among `authorities`."""
        held = set(authorities)
        return sorted(a for a in connection.execute(_units_with_counts(self._tables)).scalars() if a not in held)

    def _half_year_started_from(self, connection: Connection, day: date) -> str | None:
        """The half year whose kept end a nation's members report of `day` starts from
        (`half_years.starting_point`); None: the kept counts, also in place of the last kept
        end, which holds the same (it is the half year of the latest change): the kept
        counts are one small table, read whole."""
        kept = member_half_years_kept(connection, self._tables)
        half_year = starting_point(day.isoformat(), kept).half_year
        return None if kept is None or half_year == kept[1] else half_year

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


@lru_cache(maxsize=_SHAPES_KEPT)
def _coverage_statement(
    tables: ProjectionTables,
    dialect: str,
    units: str,
    settings: CoverageSettings | None = None,
) -> Select[Any] | CompoundSelect:
    """The coverage report's statement for the `dialect`'s database, built once per shape:
    the measures summed by each axis (`_summed_by_axis`) of the kept counts of the units
    moved to the day (`_kept_on`, from the kept counts or a half year's end), or
    with `settings` (other than the counts were kept with) of every enterprise of the day
    grouped by them (`_groups_on`). `units`: "listed", those of the parameter `authorities`
    (`_listed`); "named", the same written out (`_named`); "every", every unit. Its other
    parameters: the day (`on`) and those of its `StartingPoint`."""
    listed = {"listed": lambda: _listed(dialect), "named": _named, "every": lambda: None}[units]()
    if settings is None:
        return _summed_by_axis(_kept_on(tables, listed), dialect)
    if listed is None:
        raise ValueError("the enterprises of the day are grouped for the units listed")
    every = _groups_on(tables, dialect, settings, listed).subquery()
    return _summed_by_axis(select(*(every.c[k] for k in PLACE), *measures_of(every.c)).cte("combined"), dialect)


def _summed_by_axis(combined: CTE, dialect: str) -> Select[Any] | CompoundSelect:
    """The measures of `combined`'s rows summed by each axis (unit, size band, ownership,
    industrial zone), each row with its axis's key alone not null; the keys with no
    enterprise left out."""
    c = combined.c
    sums = [func.sum(c[m]) for m in MEASURES]
    axes = [c.authority_id, c.size_band, c.ownership, c.industrial_zone_id]
    if dialect == "postgresql":
        # One pass for the four axes; the keys are never null (none: ""), so the one not
        # null tells the axis of a row.
        return select(*axes, *sums).group_by(func.grouping_sets(*(tuple_(a) for a in axes))).having(sums[0] != 0)
    return union_all(
        *(
            select(*(a if a is axis else literal(None) for a in axes), *sums).group_by(axis).having(sums[0] != 0)
            for axis in axes
        )
    )


def _kept_on(tables: ProjectionTables, listed: Callable[[ColumnElement[Any]], ColumnElement[bool]] | None) -> CTE:
    """The rows of the units `listed` (None: of every unit) read from the day's starting
    point (`half_years.starting_parts`): the kept coverage counts or the kept end of a half
    year, and the kept changes between it and the day."""
    parts = starting_parts(
        tables.coverage_counts, tables.coverage_half_years, tables.coverage_monthly_changes, tables.coverage_changes
    )
    return union_all(
        *(
            select(
                *(part.table.c[k] for k in PLACE),
                *(part.times_sign(part.table.c[m]).label(m) for m in MEASURES),
            ).where(*part.when, *([listed(part.table.c.authority_id)] if listed is not None else []))
            for part in parts
        )
    ).cte("combined")


def _listed(dialect: str) -> Callable[[ColumnElement[Any]], ColumnElement[bool]]:
    """Whether a unit is one of the report's `authorities` (the statement's parameter).
    PostgreSQL: the units as one array, unnested once: the nation's 4,400 units written
    into each of the four places that check them took longer to plan than to run."""
    if dialect == "postgresql":
        units = select(func.unnest(bindparam("authorities", type_=ARRAY(String))).label("unit")).cte("listed")
        return lambda column: column.in_(select(units.c.unit))
    return _named()


def _groups_on(
    tables: ProjectionTables,
    dialect: str,
    settings: CoverageSettings,
    listed: Callable[[ColumnElement[Any]], ColumnElement[bool]],
) -> Select[Any]:
    """Each operating enterprise placed under `listed` on the day (`on`) with its group on
    the day (`adapters.coverage_counts.KEY`), for settings the counts were not kept with: its
    place, union and organization on the day from their own tables, its members from the
    kept counts corrected by the members changed after the day."""
    t = tables
    e, m = t.fact_enterprises, t.members
    o, covered, mass = t.organizations, t.organization_enterprises, t.mass_organizations
    kept, member_changes = t.enterprise_members, t.member_changes
    on = _day("on")

    place = _places_on(tables, dialect, on).subquery()
    status_then, status_now_ = status_on(m, on), status_now(m)
    corrections = (
        select(
            m.c.enterprise_id,
            func.sum(_is_active(status_then) - _is_active(status_now_)).label("active"),
            func.sum(_is_official(status_then) - _is_official(status_now_)).label("official"),
        )
        .select_from(member_changes.join(m, m.c.member_id == member_changes.c.member_id))
        .where(member_changes.c.changed_on > on, m.c.enterprise_id.is_not(None), *_counted(m))
        .group_by(m.c.enterprise_id)
        .subquery()
    )
    # Sets joined rather than correlated EXISTS: the tables have no secondary index (a
    # rebuild swaps them by renaming), so a lookup per enterprise would scan each time.
    unions = (
        select(mass.c.enterprise_id)
        .where(
            mass.c.kind == "trade_union",
            mass.c.founded_on <= on,
            or_(mass.c.dissolved_on.is_(None), mass.c.dissolved_on > on),
        )
        .distinct()
        .subquery()
    )
    organized = (
        select(covered.c.enterprise_id)
        .join(o, o.c.organization_id == covered.c.organization_id)
        .where(o.c.founded_on <= on, or_(o.c.ended_on.is_(None), o.c.ended_on > on))
        .distinct()
        .subquery()
    )
    active = func.coalesce(kept.c.active, 0) + func.coalesce(corrections.c.active, 0)
    official = func.coalesce(kept.c.official, 0) + func.coalesce(corrections.c.official, 0)
    return (
        select(
            place.c.authority_id,
            func.coalesce(place.c.industrial_zone_id, NONE).label("industrial_zone_id"),
            func.coalesce(e.c.ownership, NONE).label("ownership"),
            size_band(e.c.worker_count, settings.bands).label("size_band"),
            flag(unions.c.enterprise_id.is_not(None)).label("with_trade_union"),
            flag(organized.c.enterprise_id.is_not(None)).label("with_party_organization"),
            flag(active > 0).label("with_members"),
            flag(official >= settings.minimum_official).label("enough_official_members"),
        )
        .select_from(
            e.join(place, place.c.enterprise_id == e.c.enterprise_id)
            .outerjoin(kept, kept.c.enterprise_id == e.c.enterprise_id)
            .outerjoin(corrections, corrections.c.enterprise_id == e.c.enterprise_id)
            .outerjoin(unions, unions.c.enterprise_id == e.c.enterprise_id)
            .outerjoin(organized, organized.c.enterprise_id == e.c.enterprise_id)
        )
        .where(
            e.c.registered_on <= on,
            or_(e.c.closed_on.is_(None), e.c.closed_on > on),
            listed(place.c.authority_id),
        )
    )


def _places_on(tables: ProjectionTables, dialect: str, on: ColumnElement[str]) -> Select[tuple[str, str, str | None]]:
    """Each enterprise's latest place from `on` back. PostgreSQL:
    DISTINCT ON, which its planner sizes right (a join on the latest day it takes for a
    handful of rows, and then rescans the union and organization sets for each enterprise)."""
    p = tables.enterprise_places
    columns = (p.c.enterprise_id, p.c.authority_id, p.c.industrial_zone_id)
    if dialect == "postgresql":
        return (
            select(*columns)
            .where(p.c.valid_from <= on)
            .distinct(p.c.enterprise_id)
            .order_by(p.c.enterprise_id, p.c.valid_from.desc())
        )
    latest = (
        select(p.c.enterprise_id, func.max(p.c.valid_from).label("valid_from"))
        .where(p.c.valid_from <= on)
        .group_by(p.c.enterprise_id)
        .subquery()
    )
    return select(*columns).join(
        latest, and_(latest.c.enterprise_id == p.c.enterprise_id, latest.c.valid_from == p.c.valid_from)
    )


@lru_cache(maxsize=_SHAPES_KEPT)
def _member_statements(
    tables: ProjectionTables, nation: bool, with_months: bool
) -> tuple[tuple[str, ...], Select[Any]]:
    """The members report's statement, built once per shape, and the names of its unit
    columns. Its rows: "unit", the unit, three empty texts, then those columns; and
    "composition", an empty unit, job category, ownership, status, active members (then
    empty numbers). `nation`: the units not
    held are left out (parameters `not_held` and `units_not_held`), and the counts start
    from the kept counts (`half_year` "") or the kept end of the half year `half_year`; else
    those held are named (`authorities`) and the counts start from the kept counts;
    `with_months`: the period has whole months, whose kept flows are read. Their other
    parameters: the period (`first`, `last`), the day (`on`), the last day of the start
    (`start_day`: KEPT for the kept counts), the days of the members recounted (after
    `after`, up to `up_to`), and with whole months, the first and last (`months_from`,
    `months_to`) and the first and last day they may hold (`within_from`, `within_to`)."""
    flows = tables.member_flows
    m = tables.member_changes  # each counted member's last change, with the members' columns a recount reads
    first, last, on, start_day = _day("first"), _day("last"), _day("on"), _day("start_day")
    after, up_to = _day("after"), _day("up_to")
    listed = _not_named() if nation else _named()
    zero, unknown = literal(0), literal(UNKNOWN)
    nothing: ColumnElement[Any] = literal(None, String)

    def recounted_day(column: ColumnElement[Any]) -> ColumnElement[bool]:
        return and_(column > after, column <= up_to)

    in_scope = (
        after < up_to,  # none to recount: nothing read (PostgreSQL: a one-time filter)
        m.c.changed_on > after,  # a member's last change is the latest of its days
        or_(recounted_day(m.c.admitted_on), recounted_day(m.c.official_on), recounted_day(m.c.ended_on)),
        listed(m.c.authority_id),
    )
    left_as = m.c.status.in_(LEFT_STATUSES)  # a leaving's status, with which it is counted
    admitted = case((m.c.admitted_on.between(first, last), 1), else_=0)
    left = case((and_(m.c.ended_on.between(first, last), m.c.ended_on <= on, left_as), m.c.status), else_=nothing)
    kept_admitted: ColumnElement[int] = zero
    kept_left: ColumnElement[str | None] = nothing
    flow_rows: list[Select[Any]] = []
    if with_months:  # else no whole month: every admission and leaving of the period recounted
        # The flows' rows: an admission has no status; a leaving its own, as it left.
        is_admission = flows.c.flow == ADMITTED
        flow_rows.append(
            select(
                flows.c.authority_id,
                unknown,
                unknown,
                nothing,
                case((is_admission, 1), else_=0),
                case((is_admission, nothing), else_=flows.c.flow),
                flows.c.members,
            ).where(listed(flows.c.authority_id), flows.c.month.between(_day("months_from"), _day("months_to")))
        )
        within = (_day("within_from"), _day("within_to"))
        kept_admitted = case((m.c.admitted_on.between(*within), 1), else_=0)
        kept_left = case((and_(m.c.ended_on.between(*within), left_as), m.c.status), else_=nothing)
    # Each recounted member read once, and made two rows: taken out as counted at the start
    # (its status on the start's day, its admission and leaving as the flows count them: -1),
    # put back as on the day (+1).
    signs = union_all(select(literal(-1).label("n")), select(literal(1))).subquery("signs")
    kept_row = signs.c.n == -1
    recounted = (
        select(
            m.c.authority_id,
            m.c.job_category,
            m.c.ownership,
            case((kept_row, status_on(m, start_day)), else_=status_on(m, on)).label("status"),
            case((kept_row, kept_admitted), else_=admitted).label("admitted"),
            case((kept_row, kept_left), else_=left).label("left_as"),
            signs.c.n,
        )
        .select_from(m.join(signs, true()))
        .where(*in_scope)
        .cte("recounted")
    )
    starts = [(tables.member_unit_counts, _from_kept())]
    if nation:
        ends = tables.member_unit_half_years
        starts.append((ends, ends.c.month == _day("half_year")))
    per_unit = [
        select(
            u.c.authority_id,
            u.c.job_group.label("job_category"),
            unknown.label("ownership"),
            u.c.status,
            zero.label("admitted"),
            nothing.label("left_as"),
            u.c.members.label("n"),
        ).where(start, listed(u.c.authority_id))
        for u, start in starts
    ]
    c = union_all(*per_unit, *flow_rows, select(*recounted.c)).cte("combined").c
    active = c.status.in_(ACTIVE_STATUSES)
    when = {
        "members": active,
        "probationary": c.status == "probationary",
        "official": c.status == "official",
        "production_worker": and_(active, c.job_category == "production_worker"),
        "owner": and_(active, c.job_category == "owner"),
        "admitted": c.admitted == 1,
        "left": c.left_as.in_(LEFT_STATUSES),
        **{f"left_{s}": c.left_as == s for s in LEFT_STATUSES},
    }
    texts = ("job_category", "ownership", "status")
    units = select(
        literal("unit").label("part"),
        c.authority_id,
        *(literal(None, String).label(name) for name in texts),
        *(func.sum(case((w, c.n), else_=0)).label(name) for name, w in when.items()),
    ).group_by(c.authority_id)
    composed = _compositions(tables, nation, listed, recounted).subquery("composed")
    compositions = select(
        literal("composition"),
        literal(None, String),
        *composed.c,
        *(literal(None, Integer).label(name) for name in list(when)[1:]),
    )
    # One statement: the recounted members are read once for both.
    return tuple(when), union_all(units, compositions).subquery("members").select()


def _from_kept() -> ColumnElement[bool]:
    """Whether the report starts from the kept counts (the parameter `half_year` ""; always,
    for the units named), rather than from a half year's end: a condition on the parameter
    alone, which PostgreSQL checks once."""
    return _day("half_year") == ""


def _compositions(
    tables: ProjectionTables,
    nation: bool,
    listed: Callable[[ColumnElement[Any]], ColumnElement[bool]],
    recounted: CTE,
) -> Select[Any]:
    """The active members by job category, ownership and status: the kept counts of the
    report's units, with the recounted members. A nation's: the kept counts or the half
    year's end summed over every unit, less those of the units not held as they stood on
    the start's day (their kept counts, their members changed after it taken out as kept
    and put back as they were then)."""
    kept, every, ends = tables.member_counts, tables.member_compositions, tables.member_composition_half_years
    axes = (kept.c.job_category, kept.c.ownership, kept.c.status)
    if nation:
        # A parameter of its own: SQLAlchemy writes an empty list alike for each use of one.
        not_held: BindParameter[list[str]] = bindparam("units_not_held", expanding=True)
        m, start_day = tables.member_changes, _day("start_day")
        changed_not_held = (m.c.changed_on > start_day, m.c.authority_id.in_(not_held))
        parts = [
            select(every.c.job_category, every.c.ownership, every.c.status, every.c.members.label("n")).where(
                _from_kept()
            ),
            select(ends.c.job_category, ends.c.ownership, ends.c.status, ends.c.members).where(
                ends.c.month == _day("half_year")
            ),
            select(*axes, -kept.c.members).where(kept.c.authority_id.in_(not_held)),
            select(m.c.job_category, m.c.ownership, status_now(m), literal(1)).where(*changed_not_held),
            select(m.c.job_category, m.c.ownership, status_on(m, start_day), literal(-1)).where(*changed_not_held),
        ]
    else:
        parts = [select(*axes, kept.c.members.label("n")).where(listed(kept.c.authority_id))]
    r = recounted.c
    parts.append(select(r.job_category, r.ownership, r.status, r.n))
    c = union_all(*parts).cte("compositions").c
    # The active members counted inside the sum rather than kept by a WHERE: PostgreSQL
    # would push that condition into each part, misjudge how few changed members pass it
    # and look each one up in the whole unit list.
    count = func.sum(case((c.status.in_(ACTIVE_STATUSES), c.n), else_=0))
    return (
        select(c.job_category, c.ownership, c.status, count)
        .group_by(c.job_category, c.ownership, c.status)
        .having(count != 0)
    )


@lru_cache(maxsize=_SHAPES_KEPT)
def _units_with_counts(tables: ProjectionTables) -> Select[tuple[str]]:
    """The units with kept member counts."""
    u = tables.member_unit_counts
    return select(u.c.authority_id).distinct()


def _less(
    found: list[dict[str | None, dict[str, int]]], theirs: list[dict[str | None, dict[str, int]]]
) -> list[dict[str | None, dict[str, int]]]:
    """`found`'s sums by axis less `theirs` (those of units not held): their units gone, and
    the keys left with no enterprise."""
    kept: list[dict[str | None, dict[str, int]]] = [{k: v for k, v in found[0].items() if k not in theirs[0]}]
    for mine, other in zip(found[1:], theirs[1:], strict=True):
        axis = {}
        for key, values in mine.items():
            less = {m: n - other.get(key, {}).get(m, 0) for m, n in values.items()}
            if less[MEASURES[0]]:
                axis[key] = less
        kept.append(axis)
    return kept
