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
- `enterprise_changes`: each registered enterprise's last relevant day (registration,
  closing, moves, its trade unions founded or dissolved, the organizations covering it
  founded or ended, its members admitted, recognised or leaving), under every unit it has
  lain in.

A report as of a day sums the kept counts of its units, takes out the enterprises of those
units changed after the day as they are kept, and puts them back as they were on the day
(adapters/fact_queries.py): on a day after every recorded change, that is none of them.
Worker counts and ownership are not dated (the latest stands for every day): they move an
enterprise's group, never its day.

The groups depend on the size bands and the official minimum (options.fact_reports), so
the counts record the settings they were made with (`coverage_settings`). When the
configured ones differ, `coso-reporting migrate` recounts (`keep_coverage_settings`);
meanwhile, and for a report asked with other settings, the report groups every enterprise
of the day instead (slow, never wrong).

As the projection follows events, an enterprise's last day only moves later: its members'
days are not looked up again when the enterprise changes (members have no index by
enterprise). A day later than needed only recounts an enterprise that did not change; a
rebuild, the migration and a recount set the days exactly.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    select,
    text,
    union_all,
)
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from coso_backbone.schema import consumer_checkpoints
from coso_reporting.adapters.tables import LIVE, ProjectionTables
from coso_reporting.adapters.upsert import DriverUpsert
from coso_reporting.domain.coverage import DEFAULT_MINIMUM_OFFICIAL_MEMBERS, MEASURES, UNKNOWN_SIZE, SizeBands

NONE = ""  # no industrial zone, unknown ownership: the kept keys cannot be empty
PLACE = ("authority_id", "industrial_zone_id", "ownership", "size_band")  # the kept counts' key
KEY = (
    *PLACE,
    "with_trade_union",
    "with_party_organization",
    "with_members",
    "enough_official_members",
)
_IN_CHUNK = 500

GroupKey = tuple[Any, ...]  # the values of KEY
Measures = list[int]  # in the order of MEASURES


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


def _member_last_change(tables: ProjectionTables) -> ColumnElement[str]:
    """domain/member_counts.py `last_change` in SQL."""
    m = tables.members
    later = case(
        (and_(m.c.official_on.is_not(None), m.c.official_on > m.c.admitted_on), m.c.official_on), else_=m.c.admitted_on
    )
    return case((and_(m.c.ended_on.is_not(None), m.c.ended_on > later), m.c.ended_on), else_=later)


def _members_days(tables: ProjectionTables, ids: BindParameter[Any] | None) -> Select[Any]:
    m = tables.members
    where = [m.c.admitted_on.is_not(None), m.c.authority_id.is_not(None), m.c.enterprise_id.is_not(None)]
    if ids is not None:
        where.append(m.c.enterprise_id.in_(ids))
    return select(m.c.enterprise_id, _member_last_change(tables).label("day")).where(*where)


def _later(first: ColumnElement[Any], then: ColumnElement[Any]) -> ColumnElement[Any]:
    """The later of a day and a day that may be empty."""
    return case((and_(then.is_not(None), then > first), then), else_=first)


def last_days(tables: ProjectionTables, ids: BindParameter[Any] | None = None, members: bool = True) -> Select[Any]:
    """Each registered enterprise (of `ids`, if given) with the last day of its relevant
    facts (the module's docstring); its members' days only with `members`."""
    e, p = tables.fact_enterprises, tables.enterprise_places
    o, covered, mass = tables.organizations, tables.organization_enterprises, tables.mass_organizations

    def only(column: ColumnElement[Any]) -> list[ColumnElement[bool]]:
        return [column.in_(ids)] if ids is not None else []

    # A trade union or organization counts from its founding; its end, only once founded.
    parts: list[Select[Any]] = [
        select(e.c.enterprise_id, e.c.closed_on.label("day")).where(
            e.c.closed_on.is_not(None), *only(e.c.enterprise_id)
        ),
        select(p.c.enterprise_id, p.c.valid_from).where(*only(p.c.enterprise_id)),
        select(mass.c.enterprise_id, _later(mass.c.founded_on, mass.c.dissolved_on)).where(
            mass.c.kind == "trade_union",
            mass.c.enterprise_id.is_not(None),
            mass.c.founded_on.is_not(None),
            *only(mass.c.enterprise_id),
        ),
        select(covered.c.enterprise_id, _later(o.c.founded_on, o.c.ended_on))
        .join(o, o.c.organization_id == covered.c.organization_id)
        .where(o.c.founded_on.is_not(None), *only(covered.c.enterprise_id)),
    ]
    if members:
        parts.append(_members_days(tables, ids))
    days = union_all(*parts).subquery()
    later = select(days.c.enterprise_id, func.max(days.c.day).label("day")).group_by(days.c.enterprise_id).subquery()
    last = case((later.c.day > e.c.registered_on, later.c.day), else_=e.c.registered_on)
    return (
        select(e.c.enterprise_id, last.label("changed_on"))
        .select_from(e.outerjoin(later, later.c.enterprise_id == e.c.enterprise_id))
        .where(e.c.registered_on.is_not(None), *only(e.c.enterprise_id))
    )


def count_coverage(connection: Connection, tables: ProjectionTables, settings: CoverageSettings | None = None) -> None:
    """Fill the coverage counts from the stored facts and member counts, replacing what they
    held, with `settings` (default: those they were made with, else the defaults). Once at
    the end of a rebuild, after the member counts, and when the settings change."""
    settings = settings or kept_settings(connection, tables) or CoverageSettings()
    counts, each, changes = tables.coverage_counts, tables.enterprise_coverage, tables.enterprise_changes
    for table in (counts, each, changes, tables.coverage_settings):
        connection.execute(delete(table))
    if connection.dialect.name == "postgresql":
        # The groupings in memory; and hash joins, whatever the statistics say: a rebuild's
        # fresh tables have none yet, and the planner, taking each for a row or two, scanned
        # the trade unions once per enterprise (minutes at a tenth of the nation).
        connection.exec_driver_sql("SET LOCAL work_mem = '128MB'")
        connection.exec_driver_sql("SET LOCAL enable_nestloop = off")
    connection.execute(insert(each).from_select(["enterprise_id", *KEY], groups_now(tables, settings)))
    place = [each.c[name] for name in PLACE]
    connection.execute(
        insert(counts).from_select(
            [*PLACE, *MEASURES], select(*place, *(func.sum(m) for m in measures_of(each.c))).group_by(*place)
        )
    )
    p = tables.enterprise_places
    days = last_days(tables).subquery()
    units = select(p.c.enterprise_id, p.c.authority_id).distinct().subquery()
    connection.execute(
        insert(changes).from_select(
            ["authority_id", "changed_on", "enterprise_id"],
            select(units.c.authority_id, days.c.changed_on, days.c.enterprise_id).join(
                units, units.c.enterprise_id == days.c.enterprise_id
            ),
        )
    )
    connection.execute(insert(tables.coverage_settings), [settings.row()])


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


def keep_coverage(
    connection: Connection, tables: ProjectionTables, touched: Collection[str], member_days: Mapping[str, str]
) -> None:
    """Move the kept coverage counts for the enterprises a batch may have changed: each one's
    group is worked out again from the stored facts (`groups_now`, the rules of a recount)
    and its last day moved later if a fact of the batch (or `member_days`, its members'
    last changes) is later."""
    if not touched:
        return
    settings = kept_settings(connection, tables)
    if settings is None:  # no counts kept (the reports group every enterprise)
        return
    moved: dict[GroupKey, Measures] = {}
    ordered = sorted(touched)
    for start in range(0, len(ordered), _IN_CHUNK):
        chunk = ordered[start : start + _IN_CHUNK]
        _regroup(connection, tables, settings, chunk, moved)
        _redate(connection, tables, chunk, member_days)
    changed = [
        {**dict(zip(PLACE, place, strict=True)), **dict(zip(MEASURES, values, strict=True))}
        for place, values in moved.items()
        if any(values)
    ]
    _adding(tables).execute(connection, changed)
    emptied = sorted({row["authority_id"] for row in changed if row["enterprises"] < 0})
    c = tables.coverage_counts
    for start in range(0, len(emptied), _IN_CHUNK):
        connection.execute(
            delete(c).where(c.c.enterprises == 0, c.c.authority_id.in_(emptied[start : start + _IN_CHUNK]))
        )


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


def _redate(connection: Connection, tables: ProjectionTables, chunk: list[str], member_days: Mapping[str, str]) -> None:
    changes, p, kept = tables.enterprise_changes, tables.enterprise_places, tables.enterprise_members
    ids: BindParameter[list[str]] = bindparam("ids", expanding=True)
    days: dict[str, str] = {
        e: day for e, day in connection.execute(last_days(tables, ids, members=False), {"ids": chunk})
    }
    units: dict[str, set[str]] = {}
    for enterprise_id, authority_id in connection.execute(
        select(p.c.enterprise_id, p.c.authority_id).where(p.c.enterprise_id.in_(ids)).distinct(), {"ids": chunk}
    ):
        units.setdefault(enterprise_id, set()).add(authority_id)
    all_units = sorted({a for found in units.values() for a in found})
    old: set[tuple[str, str, str]] = set()
    if all_units:
        old = {
            (a, day, e)
            for a, day, e in connection.execute(
                select(changes).where(changes.c.authority_id.in_(all_units), changes.c.enterprise_id.in_(ids)),
                {"ids": chunk},
            )
        }
    old_day: dict[str, str] = {}
    for _, day, e in old:
        old_day[e] = max(day, old_day.get(e, day))
    # An enterprise dated for the first time (its registration has just arrived) whose
    # members came before it: their days are looked up once.
    first = [e for e in days if e not in old_day]
    with_members = (
        sorted(
            connection.execute(
                select(kept.c.enterprise_id).where(kept.c.enterprise_id.in_(first), kept.c.members > 0)
            ).scalars()
        )
        if first
        else []
    )
    earlier_members: dict[str, str] = {}
    if with_members:
        found = _members_days(tables, ids).subquery()
        earlier_members = {
            e: day
            for e, day in connection.execute(
                select(found.c.enterprise_id, func.max(found.c.day)).group_by(found.c.enterprise_id),
                {"ids": with_members},
            )
        }
    new = {
        (a, max(day, member_days.get(e, ""), old_day.get(e, ""), earlier_members.get(e, "")), e)
        for e, day in days.items()
        for a in units.get(e, ())
    }
    gone = old - new
    if gone:
        connection.execute(
            delete(changes).where(
                changes.c.authority_id == bindparam("a"),
                changes.c.changed_on == bindparam("day"),
                changes.c.enterprise_id == bindparam("e"),
            ),
            [{"a": a, "day": day, "e": e} for a, day, e in sorted(gone)],
        )
    added = new - old
    if added:
        connection.execute(
            insert(changes), [{"authority_id": a, "changed_on": day, "enterprise_id": e} for a, day, e in sorted(added)]
        )


@cache
def _adding_upsert(name: str) -> DriverUpsert:
    adding = ", ".join(f"{m} = {name}.{m} + excluded.{m}" for m in MEASURES)
    return DriverUpsert(name, [*PLACE, *MEASURES], PLACE, adding)


def _adding(tables: ProjectionTables) -> DriverUpsert:
    return _adding_upsert(tables.coverage_counts.name)
