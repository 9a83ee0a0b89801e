"""The coverage counts the fact projection keeps, and how they follow the facts.

The coverage report counts a subtree's operating enterprises on a day by unit, industrial
zone, ownership and size band, with how many have a trade union, a party organization,
active members but no organization, enough official members to found one
(domain/coverage.py `CoverageGroup`). A nation has almost a million enterprises, so reading
each one for a report takes seconds. The projection therefore keeps, for the enterprises'
latest state (once every recorded day has passed):

- `coverage_counts`: the report's measures (`CoverageGroup.measures`) summed per unit,
  industrial zone, ownership and size band, so that a nation's report reads a row per
  unit and kind of enterprise (tens of thousands) rather than one per enterprise;
- `enterprise_coverage`: each operating enterprise's group;
- `coverage_changes`: how those measures changed, per unit, industrial zone, ownership,
  size band and day (`coverage_changes`): on each day an enterprise was registered,
  closed, moved, had a trade union or an organization founded or ended, or its members
  became active, official or left, in so far as its group changed (a second member
  admitted changes nothing). The counts are the sum of every change;
- `coverage_monthly_changes`: the same changes summed per month (`YYYY-MM`);
- `coverage_half_years`: the measures as they stood at the end of each half year, from
  the half year of the first change to that of the last (adapters/half_years.py).

A report as of a day sums the kept counts of its units and takes out the changes of those
units after the day (adapters/fact_queries.py): those of the whole months after the day's
month, and those of the days left of its month (none for a month's last day); on a day
after every recorded change, none. A day long past starts instead from the kept end of
its half year or of the half year before (`half_years.starting_point`, the nearer), adding
the changes between that end and the day or taking out those between the day and that
end: at most three months of changes rather than every month since (a nation's report of
a day four years back read 800,000 rows, now at most some 130,000). A change is a row per
unit and kind of enterprise whatever the number of enterprises it concerns, where
recounting each enterprise changed since took seconds for a nation; a month's row stands
for all its days' (half a year after a day is six rows per unit and kind of enterprise, not
one per day with a change). Worker counts and ownership are not dated (the latest stands
for every day): they move an enterprise's group on every day.

The groups depend on the size bands and the official minimum (options.fact_reports), so
the counts record the settings they were made with (`coverage_settings`). When the
configured ones differ, `coso-reporting migrate` recounts (`keep_coverage_settings`);
meanwhile, and for a report asked with other settings, the report groups every enterprise
of the day instead (slow, never wrong).

As the projection follows events, the enterprises a batch touches are regrouped from the
stored facts and their changes worked out before the batch is written and after it: the
difference moves the kept changes, by day and by month (`keep_coverage`). Their members
are read by the members' index on their enterprise.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    String,
    Table,
    and_,
    bindparam,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.sql.selectable import CompoundSelect

from coso_backbone.schema import consumer_checkpoints
from coso_reporting.adapters import half_years
from coso_reporting.adapters.half_years import HalfYearEnds
from coso_reporting.adapters.tables import LIVE, ProjectionTables
from coso_reporting.adapters.upsert import DriverUpsert, add_signed, group_in_memory
from coso_reporting.domain.coverage import DEFAULT_MINIMUM_OFFICIAL_MEMBERS, MEASURES, UNKNOWN_SIZE, SizeBands
from coso_reporting.domain.fact_records import LEFT_STATUSES

NONE = ""  # no industrial zone, unknown ownership: the kept keys cannot be empty
PLACE = ("authority_id", "industrial_zone_id", "ownership", "size_band")  # the kept counts' key
KEY = (
    *PLACE,
    "with_trade_union",
    "with_party_organization",
    "with_members",
    "enough_official_members",
)
CHANGE = ("authority_id", "day", "industrial_zone_id", "ownership", "size_band")  # the kept changes' key
MONTHLY_CHANGE = ("authority_id", "month", "industrial_zone_id", "ownership", "size_band")  # by month
_TALLIES = ("unions", "organized", "active", "official")  # what `_steps` adds up, day by day
_IN_CHUNK = 500

GroupKey = tuple[Any, ...]  # the values of KEY (or of PLACE, CHANGE)
Measures = list[int]  # in the order of MEASURES
Changes = dict[GroupKey, Measures]  # the changes of the measures by the values of CHANGE


def measures_of(group: Any) -> list[ColumnElement[int]]:
    """An enterprise's measures (`CoverageGroup.measures` of one) from its group's flags,
    `group` being columns named like KEY's."""
    without_organization = group.with_party_organization == 0
    return [
        literal(1).label(MEASURES[0]),
        group.with_trade_union.label(MEASURES[1]),
        group.with_party_organization.label(MEASURES[2]),
        flag(and_(without_organization, group.with_members == 1)).label(MEASURES[3]),
        flag(and_(without_organization, group.enough_official_members == 1)).label(MEASURES[4]),
    ]


def _measures(key: GroupKey) -> Measures:
    """`measures_of` for a group's values."""
    union, organized, members, enough = key[len(PLACE) :]
    return [1, union, organized, (1 - organized) * members, (1 - organized) * enough]


@dataclass(frozen=True)
class CoverageSettings:
    """What an enterprise's group depends on besides its facts."""

    bands: SizeBands = field(default_factory=SizeBands)
    minimum_official: int = DEFAULT_MINIMUM_OFFICIAL_MEMBERS

    def row(self) -> dict[str, Any]:
        return {
            "size_bands": ",".join(str(limit) for limit in self.bands.limits),
            "minimum_official_members": self.minimum_official,
        }


def size_band(workers: ColumnElement[Any], bands: SizeBands) -> ColumnElement[str]:
    """`SizeBands.band_of` in SQL."""
    keys = bands.keys()
    return case(
        (workers.is_(None), literal(UNKNOWN_SIZE)),
        *((workers < limit, literal(key)) for limit, key in zip(bands.limits, keys, strict=False)),
        else_=literal(keys[-1]),
    )


def flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


def kept_settings(connection: Connection, tables: ProjectionTables = LIVE) -> CoverageSettings | None:
    """The settings the kept counts were made with; None when none are kept."""
    row = connection.execute(select(tables.coverage_settings)).first()
    if row is None:
        return None
    limits = tuple(int(limit) for limit in row.size_bands.split(","))
    return CoverageSettings(SizeBands(limits), int(row.minimum_official_members))


def _latest_places(tables: ProjectionTables, ids: BindParameter[Any] | None) -> Select[Any]:
    p = tables.enterprise_places
    latest = select(p.c.enterprise_id, func.max(p.c.valid_from).label("valid_from"))
    if ids is not None:
        latest = latest.where(p.c.enterprise_id.in_(ids))
    latest_day = latest.group_by(p.c.enterprise_id).subquery()
    return select(p.c.enterprise_id, p.c.authority_id, p.c.industrial_zone_id).join(
        latest_day, and_(latest_day.c.enterprise_id == p.c.enterprise_id, latest_day.c.valid_from == p.c.valid_from)
    )


def groups_now(
    tables: ProjectionTables, settings: CoverageSettings, ids: BindParameter[Any] | None = None
) -> Select[Any]:
    """Each operating enterprise (of `ids`, if given) with its group in its latest state:
    `CoverageGroup`'s rules on a day after every recorded one."""
    e, members = tables.fact_enterprises, tables.enterprise_members
    o, covered, mass = tables.organizations, tables.organization_enterprises, tables.mass_organizations

    def only(column: ColumnElement[Any]) -> list[ColumnElement[bool]]:
        return [column.in_(ids)] if ids is not None else []

    place = _latest_places(tables, ids).subquery()
    unions = (
        select(mass.c.enterprise_id)
        .where(
            mass.c.kind == "trade_union",
            mass.c.founded_on.is_not(None),
            mass.c.dissolved_on.is_(None),
            *only(mass.c.enterprise_id),
        )
        .distinct()
        .subquery()
    )
    organized = (
        select(covered.c.enterprise_id)
        .join(o, o.c.organization_id == covered.c.organization_id)
        .where(o.c.founded_on.is_not(None), o.c.ended_on.is_(None), *only(covered.c.enterprise_id))
        .distinct()
        .subquery()
    )
    return (
        select(
            e.c.enterprise_id,
            place.c.authority_id,
            func.coalesce(place.c.industrial_zone_id, NONE).label("industrial_zone_id"),
            func.coalesce(e.c.ownership, NONE).label("ownership"),
            size_band(e.c.worker_count, settings.bands).label("size_band"),
            flag(unions.c.enterprise_id.is_not(None)).label("with_trade_union"),
            flag(organized.c.enterprise_id.is_not(None)).label("with_party_organization"),
            flag(func.coalesce(members.c.active, 0) > 0).label("with_members"),
            flag(func.coalesce(members.c.official, 0) >= settings.minimum_official).label("enough_official_members"),
        )
        .select_from(
            e.join(place, place.c.enterprise_id == e.c.enterprise_id)
            .outerjoin(members, members.c.enterprise_id == e.c.enterprise_id)
            .outerjoin(unions, unions.c.enterprise_id == e.c.enterprise_id)
            .outerjoin(organized, organized.c.enterprise_id == e.c.enterprise_id)
        )
        .where(e.c.registered_on.is_not(None), e.c.closed_on.is_(None), *only(e.c.enterprise_id))
    )


def _left(m: Any) -> ColumnElement[bool]:
    """Whether a member has left (domain/member_counts.py `status_now`): from `ended_on` on."""
    return and_(m.c.ended_on.is_not(None), func.coalesce(m.c.status, "").in_(LEFT_STATUSES))


def _later(first: ColumnElement[Any], then: ColumnElement[Any]) -> ColumnElement[Any]:
    """The later of a day and a day that may be empty."""
    return case((and_(then.is_not(None), then > first), then), else_=first)


def _steps(tables: ProjectionTables, ids: BindParameter[Any] | None) -> CompoundSelect[Any]:
    """What moves each registered enterprise's group, day by day: its registration and
    closing, its places, its trade unions founded and dissolved, the organizations covering
    it founded and ended, its members becoming active or official and leaving; one row a
    fact (enterprise, day, then the change of its trade unions, organizations, active and
    official members, and the day of a place that begins then). A trade union or an
    organization counts from its founding until its end, if later; a member is active from
    admission until leaving, official from the later of admission and recognition (the
    rules of `_groups_on` in adapters/fact_queries.py)."""
    e, p = tables.fact_enterprises, tables.enterprise_places
    o, covered, mass = tables.organizations, tables.organization_enterprises, tables.mass_organizations

    def only(column: ColumnElement[Any]) -> list[ColumnElement[bool]]:
        return [column.in_(ids)] if ids is not None else []

    def step(
        enterprise: ColumnElement[Any],
        day: ColumnElement[Any],
        unions: int = 0,
        organized: int = 0,
        active: int | ColumnElement[int] = 0,
        official: int | ColumnElement[int] = 0,
        place: ColumnElement[Any] | None = None,
    ) -> list[ColumnElement[Any]]:
        return [
            enterprise.label("enterprise_id"),
            day.label("day"),
            literal(unions).label("unions"),
            literal(organized).label("organized"),
            (literal(active) if isinstance(active, int) else active).label("active"),
            (literal(official) if isinstance(official, int) else official).label("official"),
            (place if place is not None else cast(null(), String)).label("place_from"),
        ]

    union = [mass.c.kind == "trade_union", mass.c.enterprise_id.is_not(None), mass.c.founded_on.is_not(None)]
    return union_all(
        select(*step(e.c.enterprise_id, e.c.registered_on)).where(
            e.c.registered_on.is_not(None), *only(e.c.enterprise_id)
        ),
        select(*step(e.c.enterprise_id, e.c.closed_on)).where(e.c.closed_on.is_not(None), *only(e.c.enterprise_id)),
        select(*step(p.c.enterprise_id, p.c.valid_from, place=p.c.valid_from)).where(*only(p.c.enterprise_id)),
        select(*step(mass.c.enterprise_id, mass.c.founded_on, unions=1)).where(*union, *only(mass.c.enterprise_id)),
        select(*step(mass.c.enterprise_id, mass.c.dissolved_on, unions=-1)).where(
            *union, mass.c.dissolved_on > mass.c.founded_on, *only(mass.c.enterprise_id)
        ),
        select(*step(covered.c.enterprise_id, o.c.founded_on, organized=1))
        .join(o, o.c.organization_id == covered.c.organization_id)
        .where(o.c.founded_on.is_not(None), *only(covered.c.enterprise_id)),
        select(*step(covered.c.enterprise_id, o.c.ended_on, organized=-1))
        .join(o, o.c.organization_id == covered.c.organization_id)
        .where(o.c.founded_on.is_not(None), o.c.ended_on > o.c.founded_on, *only(covered.c.enterprise_id)),
        *_member_steps(tables, ids, step),
    )


def _member_steps(tables: ProjectionTables, ids: BindParameter[Any] | None, step: Any) -> list[Select[Any]]:
    """`_steps` of the members: their latest state, kept per enterprise
    (`reporting_fact_enterprise_members`), stands from the enterprise's registration on,
    less what the members with a day after the registration brought to it after it, which
    counts on those days instead. Most of a nation's millions of members came before their
    enterprise was registered and changed nothing since: only the others are read one by one."""
    e, m, kept = tables.fact_enterprises, tables.members, tables.enterprise_members
    registered = e.c.registered_on
    later = (
        select(m.c.enterprise_id, registered, m.c.admitted_on, m.c.official_on, m.c.ended_on, m.c.status)
        .join(e, e.c.enterprise_id == m.c.enterprise_id)
        .where(
            m.c.admitted_on.is_not(None),
            m.c.authority_id.is_not(None),
            registered.is_not(None),
            or_(m.c.admitted_on > registered, m.c.official_on > registered, m.c.ended_on > registered),
            *([m.c.enterprise_id.in_(ids)] if ids is not None else []),
        )
        .cte("later_members")
    )
    member = later.c
    official_from = _later(member.admitted_on, member.official_on)
    left = _left(later)
    changes = (  # a member's day, its change of the active and official members, when it counts
        (member.admitted_on, 1, 0, or_(~left, member.ended_on > member.admitted_on)),
        (member.ended_on, -1, 0, and_(left, member.ended_on > member.admitted_on)),
        (official_from, 0, 1, and_(member.official_on.is_not(None), or_(~left, member.ended_on > official_from))),
        (member.ended_on, 0, -1, and_(member.official_on.is_not(None), left, member.ended_on > official_from)),
    )
    steps = [
        select(*step(kept.c.enterprise_id, registered, active=kept.c.active, official=kept.c.official))
        .join(e, e.c.enterprise_id == kept.c.enterprise_id)
        .where(registered.is_not(None), *([kept.c.enterprise_id.in_(ids)] if ids is not None else []))
    ]
    for day, active, official, counts in changes:
        steps += [
            select(*step(member.enterprise_id, day, active=active, official=official)).where(
                counts, day > member.registered_on
            ),
            select(*step(member.enterprise_id, member.registered_on, active=-active, official=-official)).where(
                counts, day > member.registered_on
            ),
        ]
    return steps


def coverage_changes(
    tables: ProjectionTables, settings: CoverageSettings, ids: BindParameter[Any] | None = None
) -> Select[Any]:
    """How the coverage report's measures of the enterprises (of `ids`, if given) changed,
    per unit, industrial zone, ownership, size band and day (`CHANGE`, then `MEASURES`;
    changes that add up to nothing left out): each enterprise's group is worked out on
    each day one of its facts moves it (`_steps`, summed up to that day) by
    `CoverageGroup`'s rules, and where it differs from the day before the enterprise
    leaves its former group and enters the new one. The measures on a day are thus the sum
    of the changes up to it, and the kept counts (the latest state) the sum of them all."""
    e, p = tables.fact_enterprises, tables.enterprise_places
    steps = _steps(tables, ids).subquery()
    daily = (
        select(
            steps.c.enterprise_id,
            steps.c.day,
            *(func.sum(steps.c[n]).label(n) for n in _TALLIES),
            func.max(steps.c.place_from).label("place_from"),
        )
        .group_by(steps.c.enterprise_id, steps.c.day)
        .subquery()
    )
    summed = select(
        daily.c.enterprise_id,
        daily.c.day,
        *(
            func.sum(daily.c[n]).over(partition_by=daily.c.enterprise_id, order_by=daily.c.day).label(n)
            for n in _TALLIES
        ),
        func.max(daily.c.place_from).over(partition_by=daily.c.enterprise_id, order_by=daily.c.day).label("place_from"),
    ).subquery()
    operating = and_(or_(e.c.closed_on.is_(None), summed.c.day < e.c.closed_on), summed.c.place_from.is_not(None))

    def when_operating(value: ColumnElement[Any]) -> ColumnElement[Any]:
        return case((operating, value), else_=null())

    group = select(
        summed.c.enterprise_id,
        summed.c.day,
        when_operating(p.c.authority_id).label("authority_id"),
        when_operating(func.coalesce(p.c.industrial_zone_id, NONE)).label("industrial_zone_id"),
        when_operating(func.coalesce(e.c.ownership, NONE)).label("ownership"),
        when_operating(size_band(e.c.worker_count, settings.bands)).label("size_band"),
        when_operating(flag(summed.c.unions > 0)).label("with_trade_union"),
        when_operating(flag(summed.c.organized > 0)).label("with_party_organization"),
        when_operating(flag(summed.c.active > 0)).label("with_members"),
        when_operating(flag(summed.c.official >= settings.minimum_official)).label("enough_official_members"),
    ).select_from(
        summed.join(e, e.c.enterprise_id == summed.c.enterprise_id).outerjoin(
            p, and_(p.c.enterprise_id == summed.c.enterprise_id, p.c.valid_from == summed.c.place_from)
        )
    )
    # Days before its registration or after its closing do not move an enterprise's group.
    group = group.where(
        e.c.registered_on.is_not(None),
        summed.c.day >= e.c.registered_on,
        or_(e.c.closed_on.is_(None), summed.c.day <= e.c.closed_on),
    )
    now = group.subquery()
    paired = select(
        now.c.day,
        *(now.c[k] for k in KEY),
        *(
            func.lag(now.c[k]).over(partition_by=now.c.enterprise_id, order_by=now.c.day).label(f"former_{k}")
            for k in KEY
        ),
    ).cte("paired")  # read twice: worked out once
    former = _Group({k: paired.c[f"former_{k}"] for k in KEY})
    moved = or_(*(paired.c[k].is_distinct_from(former[k]) for k in KEY))
    changes = union_all(
        select(*(paired.c[k] for k in PLACE), paired.c.day, *measures_of(paired.c)).where(
            moved, paired.c.authority_id.is_not(None)
        ),
        select(
            *(former[k].label(k) for k in PLACE),
            paired.c.day,
            *(-m for m in measures_of(former)),
        ).where(moved, former["authority_id"].is_not(None)),
    ).subquery()
    place = [changes.c[k] for k in CHANGE]
    sums = [func.sum(changes.c[m]) for m in MEASURES]
    return (
        select(*place, *(s.label(m) for s, m in zip(sums, MEASURES, strict=True)))
        .group_by(*place)
        .having(or_(*(s != 0 for s in sums)))
    )


class _Group(dict[str, ColumnElement[Any]]):
    """A group's columns by name, readable as attributes (`measures_of`)."""

    def __getattr__(self, name: str) -> ColumnElement[Any]:
        return self[name]


def count_coverage(connection: Connection, tables: ProjectionTables, settings: CoverageSettings | None = None) -> None:
    """Fill the coverage counts from the stored facts and member counts, replacing what they
    held, with `settings` (default: those they were made with, else the defaults). Once at
    the end of a rebuild, after the member counts, and when the settings change."""
    settings = settings or kept_settings(connection, tables) or CoverageSettings()
    counts, each, changes = tables.coverage_counts, tables.enterprise_coverage, tables.coverage_changes
    for table in (
        counts,
        each,
        changes,
        tables.coverage_monthly_changes,
        tables.coverage_half_years,
        tables.coverage_settings,
    ):
        connection.execute(delete(table))
    group_in_memory(connection)
    if connection.dialect.name == "postgresql":
        # Hash joins, whatever the statistics say: a rebuild's fresh tables have none yet,
        # and the planner, taking each for a row or two, scanned the trade unions once per
        # enterprise (minutes at a tenth of the nation).
        connection.exec_driver_sql("SET LOCAL enable_nestloop = off")
    connection.execute(insert(each).from_select(["enterprise_id", *KEY], groups_now(tables, settings)))
    place = [each.c[name] for name in PLACE]
    connection.execute(
        insert(counts).from_select(
            [*PLACE, *MEASURES], select(*place, *(func.sum(m) for m in measures_of(each.c))).group_by(*place)
        )
    )
    by_day = coverage_changes(tables, settings)
    # Stored in the order of their days: a national report reads every unit's changes of the
    # days after its own within its month, which are then on pages of their own (as of a day
    # mid-month at `--scale 1`: 10,663 rows on 14,558 pages, 80 ms, in the order counted).
    connection.execute(insert(changes).from_select([*CHANGE, *MEASURES], by_day.order_by(by_day.selected_columns.day)))
    monthly = tables.coverage_monthly_changes
    connection.execute(insert(monthly).from_select([*MONTHLY_CHANGE, *MEASURES], by_month(tables)))
    half_years.count_half_years(connection, half_year_ends(tables))
    connection.execute(insert(tables.coverage_settings), [settings.row()])


def by_month(tables: ProjectionTables) -> Select[Any]:
    """The kept changes by day (`coverage_changes`) summed per month (`MONTHLY_CHANGE`, then
    `MEASURES`; months whose changes add up to nothing left out)."""
    changes = tables.coverage_changes
    month = func.substr(changes.c.day, 1, 7)
    place = [changes.c[k] for k in PLACE[1:]]
    sums = [func.sum(changes.c[m]) for m in MEASURES]
    return (
        select(changes.c.authority_id, month, *place, *(s.label(m) for s, m in zip(sums, MEASURES, strict=True)))
        .group_by(changes.c.authority_id, month, *place)
        .having(or_(*(s != 0 for s in sums)))
        .order_by(month)  # stored in that order: a report reads the months after its day from pages of their own
    )


def half_year_ends(tables: ProjectionTables) -> HalfYearEnds:
    """The coverage measures' kept half years' ends (adapters/half_years.py)."""
    return HalfYearEnds(tables.coverage_half_years, tables.coverage_monthly_changes, PLACE, MEASURES)


def keep_coverage_settings(engine: Engine, settings: CoverageSettings) -> bool:
    """Recount the kept coverage counts if they were made with other settings, excluding the
    live consumer meanwhile (as a rebuild's swap does). Whether it recounted."""
    with engine.connect() as connection:
        if kept_settings(connection) == settings:
            return False
    with engine.connect().execution_options(coso_write=True) as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"LOCK TABLE {consumer_checkpoints.name} IN ACCESS EXCLUSIVE MODE"))
        if kept_settings(connection) == settings:
            return False
        count_coverage(connection, LIVE, settings)
    return True


def changes_of(connection: Connection, tables: ProjectionTables, touched: Collection[str]) -> Changes | None:
    """The kept changes of the measures (`coverage_changes`) due to the enterprises `touched`,
    from the stored facts; None when no counts are kept. Taken before a batch is written and
    again after it, their difference is what the batch moves (`keep_coverage`)."""
    if not touched:
        return {}
    settings = kept_settings(connection, tables)
    if settings is None:
        return None
    found: Changes = {}
    ids: BindParameter[list[str]] = bindparam("ids", expanding=True)
    ordered = sorted(touched)
    for start in range(0, len(ordered), _IN_CHUNK):
        statement = coverage_changes(tables, settings, ids)
        for row in connection.execute(statement, {"ids": ordered[start : start + _IN_CHUNK]}):
            sums = found.setdefault(tuple(row[: len(CHANGE)]), [0] * len(MEASURES))
            for n, value in enumerate(row[len(CHANGE) :]):
                sums[n] += int(value)
    return found


def keep_coverage(
    connection: Connection, tables: ProjectionTables, touched: Collection[str], before: Changes | None
) -> None:
    """Move the kept coverage counts for the enterprises a batch may have changed: each one's
    group is worked out again from the stored facts (`groups_now`, the rules of a recount),
    and the kept changes by day and by month by the difference of theirs after the batch
    and `before` it (`changes_of`, taken before the batch was written)."""
    if not touched:
        return
    settings = kept_settings(connection, tables)
    if settings is None or before is None:  # no counts kept (the reports group every enterprise)
        return
    moved: dict[GroupKey, Measures] = {}
    ordered = sorted(touched)
    for start in range(0, len(ordered), _IN_CHUNK):
        _regroup(connection, tables, settings, ordered[start : start + _IN_CHUNK], moved)
    _add(connection, tables.coverage_counts, PLACE, moved)
    after = changes_of(connection, tables, touched) or {}
    daily: dict[GroupKey, Measures] = {}
    monthly: dict[GroupKey, Measures] = {}
    for sign, changes in ((1, after), (-1, before)):
        for key, values in changes.items():
            authority_id, day, *place = key
            for differences, at in ((daily, key), (monthly, (authority_id, day[:7], *place))):
                sums = differences.setdefault(at, [0] * len(MEASURES))
                for n, value in enumerate(values):
                    sums[n] += sign * value
    _add(connection, tables.coverage_changes, CHANGE, daily, signed=True)
    _add(connection, tables.coverage_monthly_changes, MONTHLY_CHANGE, monthly, signed=True)
    half_years.keep_half_years(connection, half_year_ends(tables), monthly)


def _add(
    connection: Connection,
    table: Table,
    key: tuple[str, ...],
    moved: Mapping[GroupKey, Measures],
    signed: bool = False,
) -> None:
    """Add `moved` to the kept rows of `table` by `key`; rows left with nothing are deleted.
    Counts come to nothing only when something is taken away; changes (`signed`) also when
    what is added makes up for what was taken away, so each of their rows moved is checked."""
    if signed:
        add_signed(connection, table, key, MEASURES, moved)
        return
    changed = [
        {**dict(zip(key, values, strict=True)), **dict(zip(MEASURES, sums, strict=True))}
        for values, sums in moved.items()
        if any(sums)
    ]
    DriverUpsert.adding(table, MEASURES).execute(connection, changed)
    nothing = and_(*(table.c[m] == 0 for m in MEASURES))
    emptied = sorted({row["authority_id"] for row in changed if any(row[m] < 0 for m in MEASURES)})
    for start in range(0, len(emptied), _IN_CHUNK):
        connection.execute(delete(table).where(nothing, table.c.authority_id.in_(emptied[start : start + _IN_CHUNK])))


def _regroup(
    connection: Connection,
    tables: ProjectionTables,
    settings: CoverageSettings,
    chunk: list[str],
    moved: dict[GroupKey, Measures],
) -> None:
    each = tables.enterprise_coverage
    ids: BindParameter[list[str]] = bindparam("ids", expanding=True)
    before: dict[str, GroupKey] = {
        row[0]: tuple(row[1:])
        for row in connection.execute(
            select(each.c.enterprise_id, *(each.c[k] for k in KEY)).where(each.c.enterprise_id.in_(ids)),
            {"ids": chunk},
        )
    }
    after: dict[str, GroupKey] = {
        row[0]: tuple(row[1:]) for row in connection.execute(groups_now(tables, settings, ids), {"ids": chunk})
    }
    for sign, groups in ((-1, before), (1, after)):
        for key in groups.values():
            sums = moved.setdefault(key[: len(PLACE)], [0] * len(MEASURES))
            for n, value in enumerate(_measures(key)):
                sums[n] += sign * value
    gone = [e for e in before if e not in after]
    if gone:
        connection.execute(delete(each).where(each.c.enterprise_id.in_(gone)))
    DriverUpsert.replacing(each).execute(
        connection,
        [{"enterprise_id": e, **dict(zip(KEY, key, strict=True))} for e, key in after.items() if before.get(e) != key],
    )
