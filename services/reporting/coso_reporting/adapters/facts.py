"""The fact projection: registry and admissions events applied to the fact tables.

`apply_facts` is called by the projection's one batch handler (adapters/projection.py
`apply_events`) with the same run of events as the indicator tally, on the same connection
and in the same transaction. It loads the rows the run touches (one SELECT per table and
500 ids), applies the events in memory (domain/facts.py) and writes the final rows back
with one batched upsert per table (`INSERT ... ON CONFLICT (key) DO UPDATE`, which SQLite
and PostgreSQL both speak): a few round trips per table whatever the number of events,
which is what keeps a rebuild's pages of 5,000 events fast.

The member counts (domain/member_counts.py) move with the same batch: each member touched
is taken out of the counts as it was stored and put back as it ends, under its enterprise's
ownership before and after the batch (at each kept half year's end too, with its status
then: adapters/member_half_years.py); when an enterprise's ownership changes (its
registration arriving after its members, or a change of ownership), its other members move
too. Those are looked up only for an enterprise that has counted members. The coverage
counts move with the batch too: the enterprises it touched (their own events, their trade
unions, the organizations covering them before and after, their members) are grouped again,
and their changes by day worked out before the batch is written and after
(adapters/coverage_counts.py). A rebuild does not move the counts page by page: it counts
them once from the loaded members (`count_members`, a statement per table) and enterprises
(`count_coverage`), which costs a fraction of the moves. The counts of existing party and
mass organizations move the same way (adapters/organization_counts.py). The pipeline
counts move with the batch too: each candidate it proposed or stepped is worked out again,
and its moves between stages worked out before the batch is written and after
(adapters/pipeline_counts.py); a rebuild counts them once (`count_pipeline`,
`count_stage_moves`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, KeysView, Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, case, delete, func, insert, literal, select, union_all

from coso_backbone.contracts import EventContract
from coso_reporting.adapters.coverage_counts import changes_of, keep_coverage
from coso_reporting.adapters.half_years import half_years_between
from coso_reporting.adapters.member_half_years import (
    count_member_half_years,
    end_day,
    keep_member_half_years,
    member_half_years_kept,
)
from coso_reporting.adapters.member_status import job_group, status_now
from coso_reporting.adapters.organization_counts import keep_organization_counts
from coso_reporting.adapters.pipeline_counts import Moves, keep_pipeline, moves_of
from coso_reporting.adapters.tables import ProjectionTables
from coso_reporting.adapters.upsert import DriverUpsert, group_in_memory, insert_rows, rows_with_keys
from coso_reporting.adapters.written_keys import WrittenKeys
from coso_reporting.domain.facts import ENDED_MEMBER_STATUSES, FACT_EVENTS, FactBatch, Row, fact_keys, is_fact_event
from coso_reporting.domain.member_counts import (
    ADMITTED,
    UNKNOWN,
    MemberCountChanges,
    is_counted,
)

_IN_CHUNK = 500
_LOOKUP_CHUNK = 5000  # ids per lookup of a few columns by key


def apply_facts(
    connection: Connection,
    tables: ProjectionTables,
    events: Sequence[EventContract],
    *,
    keep_counts: bool = True,
    written: WrittenKeys | None = None,
) -> FactBatch:
    """Apply the events the fact tables care about; the others are ignored. Without
    `keep_counts` the member counts are left alone (a rebuild counts once at the end,
    `count_members`). A rebuild passes the keys it has `written`, and rows it never wrote
    are not looked up."""
    relevant = [event for event in events if is_fact_event(type(event))]
    if not relevant:
        return FactBatch()
    keys = fact_keys(relevant)
    stored = {
        "enterprises": _load(connection, tables.fact_enterprises, keys.enterprises, written),
        "organizations": _load(connection, tables.organizations, keys.organizations, written),
        "mass_organizations": _load(connection, tables.mass_organizations, keys.mass_organizations, written),
        "members": _load(connection, tables.members, keys.members, written),
    }
    batch = FactBatch.starting_from(**stored)
    batch.add_all(relevant)
    touched: set[str] = set()
    changes_before = None
    candidates = {*batch.candidates, *(candidate_id for candidate_id, _ in batch.steps)}
    moves_before: Moves = Counter()
    if keep_counts:
        covered_before = _covered(connection, tables, keys.organizations)
        touched = _coverage_touched(batch, stored["mass_organizations"], stored["members"], covered_before)
        changes_before = changes_of(connection, tables, touched)
        moves_before = moves_of(connection, tables, candidates)
    _write(connection, tables, batch, {name: rows.keys() for name, rows in stored.items()}, written)
    if keep_counts:
        _count_members(connection, tables, batch, stored["members"], stored["enterprises"])
        keep_coverage(connection, tables, touched, changes_before)
        organized = {"organizations": batch.organizations, "mass_organizations": batch.mass_organizations}
        keep_organization_counts(connection, tables, stored, organized)
        keep_pipeline(connection, tables, candidates, moves_before)
    return batch


def _covered(connection: Connection, tables: ProjectionTables, organization_ids: frozenset[str]) -> set[str]:
    """The enterprises the organizations cover as stored (before the batch)."""
    c = tables.organization_enterprises
    ordered = sorted(organization_ids)
    found: set[str] = set()
    for start in range(0, len(ordered), _IN_CHUNK):
        chunk = ordered[start : start + _IN_CHUNK]
        found.update(connection.execute(select(c.c.enterprise_id).where(c.c.organization_id.in_(chunk))).scalars())
    return found


def _coverage_touched(
    batch: FactBatch, stored_mass: Mapping[str, Row], stored_members: Mapping[str, Row], covered_before: set[str]
) -> set[str]:
    """The enterprises whose coverage the batch may change (adapters/coverage_counts.py): its
    enterprises, those of its trade unions, members and organizations before and after it."""
    touched = set(batch.enterprises) | covered_before
    for rows in (stored_mass.values(), batch.mass_organizations.values()):
        touched.update(row["enterprise_id"] for row in rows if row["enterprise_id"] is not None)
    for covered in batch.organization_enterprises.values():
        touched.update(covered)
    if "members" in batch.changed:
        for rows in (stored_members.values(), batch.members.values()):
            touched.update(row["enterprise_id"] for row in rows if row["enterprise_id"] is not None)
    return touched


def keys_by_table(tables: ProjectionTables, events: Iterable[EventContract]) -> dict[str, frozenset[str]]:
    """The keys of the fact tables' rows the events write, by table name (those `apply_facts`
    adds to its `WrittenKeys`), tables with none left out."""
    keys = fact_keys(events)
    by_table = {
        tables.fact_enterprises.name: keys.enterprises,
        tables.organizations.name: keys.organizations,
        tables.mass_organizations.name: keys.mass_organizations,
        tables.members.name: keys.members,
    }
    return {table: ids for table, ids in by_table.items() if ids}


def _load(connection: Connection, table: Table, ids: frozenset[str], written: WrittenKeys | None) -> dict[str, Row]:
    """The stored rows of `ids`, keyed by id, without the id column: of those that may have
    been `written`, if given."""
    if written is not None:
        ids = written.maybe_written(table.name, ids)
    key, *others = (c.name for c in table.columns)  # the key is each fact table's first column
    found = rows_with_keys(connection, table, key, ids, [key, *others])
    return {row[0]: dict(zip(others, row[1:], strict=True)) for row in found}


def _write(
    connection: Connection,
    tables: ProjectionTables,
    batch: FactBatch,
    stored: Mapping[str, KeysView[str]],
    written: WrittenKeys | None,
) -> None:
    """The batch's rows. Of the tables whose touched rows were loaded first (`stored`), rows
    not found are inserted as new (`DriverUpsert.insert_new`: copied straight in during a
    rebuild) and the others upserted, their keys added to `written` first; the other
    tables' rows are all upserted."""
    changed = batch.changed
    single: list[tuple[str, Table, Mapping[str, Row]]] = [
        ("enterprises", tables.fact_enterprises, batch.enterprises),
        ("organizations", tables.organizations, batch.organizations),
        ("mass_organizations", tables.mass_organizations, batch.mass_organizations),
        ("members", tables.members, batch.members),
        ("candidates", tables.fact_candidates, batch.candidates),
    ]
    for name, table, rows in single:
        if name in changed:
            key = table.primary_key.columns.values()[0].name
            if name not in stored:  # not loaded first: any row may be stored already
                _upsert(table).execute(connection, [{key: k, **row} for k, row in rows.items()])
                continue
            known = stored[name]
            if written is not None:
                written.add(table.name, rows.keys())
            _upsert(table).execute(connection, [{key: k, **row} for k, row in rows.items() if k in known])
            _upsert(table).insert_new(connection, [{key: k, **row} for k, row in rows.items() if k not in known])
    paired: list[tuple[str, Table, Mapping[tuple[Any, Any], Row]]] = [
        ("places", tables.enterprise_places, batch.places),
        ("organization_ratings", tables.organization_ratings, batch.organization_ratings),
        ("member_ratings", tables.member_ratings, batch.member_ratings),
        ("steps", tables.candidate_steps, batch.steps),
    ]
    for name, table, keyed in paired:
        if name in changed:
            first, second = (c.name for c in table.primary_key.columns)
            _upsert(table).execute(connection, [{first: k1, second: k2, **row} for (k1, k2), row in keyed.items()])
    if "organization_enterprises" in changed:
        covered = tables.organization_enterprises
        ordered = sorted(batch.organization_enterprises)
        for start in range(0, len(ordered), _IN_CHUNK):
            connection.execute(delete(covered).where(covered.c.organization_id.in_(ordered[start : start + _IN_CHUNK])))
        pairs = [
            {"organization_id": o, "enterprise_id": e} for o, ids in batch.organization_enterprises.items() for e in ids
        ]
        insert_rows(connection, covered, pairs)


def _count_members(
    connection: Connection,
    tables: ProjectionTables,
    batch: FactBatch,
    stored_members: Mapping[str, Row],
    stored_enterprises: Mapping[str, Row],
) -> None:
    """Move the member counts by what the batch changed (see the module's docstring)."""
    owned_before = {e: row["ownership"] for e, row in stored_enterprises.items()}
    owned_after = {e: row["ownership"] for e, row in batch.enterprises.items()}
    reowned = [e for e in owned_after if owned_after[e] != owned_before.get(e)]
    if "members" not in batch.changed and not reowned:
        return
    members = batch.members if "members" in batch.changed else {}
    elsewhere = {
        row["enterprise_id"]
        for rows in (members.values(), stored_members.values())
        for row in rows
        if row["enterprise_id"] is not None and row["enterprise_id"] not in owned_after
    }
    stored_ownership = _ownership(connection, tables, elsewhere)
    owned_before.update(stored_ownership)
    owned_after.update(stored_ownership)
    kept_ends = member_half_years_kept(connection, tables)
    ends = [(end, end_day(end)) for end in half_years_between(*kept_ends)] if kept_ends else []
    changes = MemberCountChanges(ends)
    for member_id, after in members.items():
        before = stored_members.get(member_id)
        changes.move(
            member_id,
            before,
            owned_before.get(before["enterprise_id"]) if before is not None else None,
            after,
            owned_after.get(after["enterprise_id"]),
        )
    for member_id, row in _members_of(connection, tables, reowned):
        if member_id not in members:
            ownership_of = row["enterprise_id"]
            changes.move(member_id, row, owned_before.get(ownership_of), row, owned_after.get(ownership_of))
    _write_counts(connection, tables, changes)
    keep_member_half_years(connection, tables, changes)


def count_members(connection: Connection, tables: ProjectionTables) -> None:
    """Fill the member counts from the stored members, replacing what they held (the rules
    of domain/member_counts.py in SQL: the statements of migration p0007)."""
    count_member_kinds(connection, tables)
    count_member_flows(connection, tables)
    count_enterprise_members(connection, tables)


def count_member_kinds(connection: Connection, tables: ProjectionTables) -> None:
    """Each member's last change by day, with what counts it on any day (the members joined
    to their enterprises once), and from those rows the counts per unit, job category,
    ownership and status (and their sums) and at the kept half years' ends
    (adapters/member_half_years.py). The coverage counts do not read these: a rebuild
    counts them on a connection of their own while the enterprises' members and the
    coverage are counted."""
    m, e = tables.members, tables.fact_enterprises
    kept, changes = tables.member_counts, tables.member_changes
    for table in (kept, changes, tables.member_unit_counts, tables.member_compositions):
        connection.execute(delete(table))
    group_in_memory(connection)
    job, ownership = func.coalesce(m.c.job_category, UNKNOWN), func.coalesce(e.c.ownership, UNKNOWN)
    later = case(
        (and_(m.c.official_on.is_not(None), m.c.official_on > m.c.admitted_on), m.c.official_on), else_=m.c.admitted_on
    )
    last = case((and_(m.c.ended_on.is_not(None), m.c.ended_on > later), m.c.ended_on), else_=later)
    days = (m.c.admitted_on, m.c.official_on, m.c.ended_on)
    # Stored in the order of their days (a report as of a past day reads the changes after
    # it), not also of their members within a day: at `--scale 1` this statement took
    # 21-27 s sorting the 5.7 million rows by day and member, 19-21 s by day alone, and the
    # key built after it about as long either way (2.7-4.1 s and 3.6-3.7 s).
    connection.execute(
        insert(changes).from_select(
            [c.name for c in changes.columns],
            select(last, m.c.member_id, m.c.authority_id, job, ownership, m.c.status, *days)
            .select_from(m.outerjoin(e, e.c.enterprise_id == m.c.enterprise_id))
            .where(_counted(m))
            .order_by(last),
        )
    )
    c, status = changes, status_now(changes)  # every counted member, once
    connection.execute(
        insert(kept).from_select(
            ["authority_id", "job_category", "ownership", "status", "members"],
            select(c.c.authority_id, c.c.job_category, c.c.ownership, status, func.count()).group_by(
                c.c.authority_id, c.c.job_category, c.c.ownership, status
            ),
        )
    )
    _sum_counts(connection, tables)
    count_member_half_years(connection, tables)


def count_member_flows(connection: Connection, tables: ProjectionTables) -> None:
    """The members admitted and those who left, per unit and month, from the counted members
    as stored: the rows of `reporting_fact_member_changes` hold the same columns, but
    reading the members lets a rebuild count the flows while those rows are written."""
    m, flows_table = tables.members, tables.member_flows
    connection.execute(delete(flows_table))
    group_in_memory(connection)
    admitted_in, ended_in = func.substr(m.c.admitted_on, 1, 7), func.substr(m.c.ended_on, 1, 7)
    left = and_(m.c.ended_on.is_not(None), m.c.status.in_(sorted(ENDED_MEMBER_STATUSES)))
    flows = union_all(
        select(m.c.authority_id, admitted_in.label("month"), literal(ADMITTED).label("flow")).where(_counted(m)),
        select(m.c.authority_id, ended_in, m.c.status).where(_counted(m), left),
    ).subquery()
    # Stored in the order of their months: the members report reads the period's months,
    # which are then on pages of their own (at `--scale 1` a national year's 21,802 rows lay
    # on 9,320 of the table's 16,461 pages in the order they were grouped; read from the
    # disk, 110 of that report's 170-198 ms).
    connection.execute(
        insert(flows_table).from_select(
            ["authority_id", "month", "flow", "members"],
            select(flows.c.authority_id, flows.c.month, flows.c.flow, func.count())
            .group_by(flows.c.authority_id, flows.c.month, flows.c.flow)
            .order_by(flows.c.month),
        )
    )


def count_enterprise_members(connection: Connection, tables: ProjectionTables) -> None:
    """Each enterprise's members, active and official members: what the coverage counts read."""
    m, per_enterprise = tables.members, tables.enterprise_members
    connection.execute(delete(per_enterprise))
    group_in_memory(connection)
    status = status_now(m)
    connection.execute(
        insert(per_enterprise).from_select(
            ["enterprise_id", "members", "active", "official"],
            select(
                m.c.enterprise_id,
                func.count(),
                func.sum(case((status.in_(("probationary", "official")), 1), else_=0)),
                func.sum(case((status == "official", 1), else_=0)),
            )
            .where(_counted(m), m.c.enterprise_id.is_not(None))
            .group_by(m.c.enterprise_id),
        )
    )


def _counted(m: Table) -> Any:
    return and_(m.c.admitted_on.is_not(None), m.c.authority_id.is_not(None))


def _sum_counts(connection: Connection, tables: ProjectionTables) -> None:
    """The kept counts summed per unit, status and job group, and over every unit."""
    kept = tables.member_counts
    group = job_group(kept.c.job_category)
    connection.execute(
        insert(tables.member_unit_counts).from_select(
            ["authority_id", "status", "job_group", "members"],
            select(kept.c.authority_id, kept.c.status, group, func.sum(kept.c.members)).group_by(
                kept.c.authority_id, kept.c.status, group
            ),
        )
    )
    axes = (kept.c.job_category, kept.c.ownership, kept.c.status)
    connection.execute(
        insert(tables.member_compositions).from_select(
            ["job_category", "ownership", "status", "members"],
            select(*axes, func.sum(kept.c.members)).group_by(*axes),
        )
    )


def _ownership(connection: Connection, tables: ProjectionTables, ids: set[str]) -> dict[str, str | None]:
    e = tables.fact_enterprises
    query = select(e.c.enterprise_id, e.c.ownership).where(e.c.enterprise_id.in_(bindparam("ids", expanding=True)))
    ordered = sorted(ids)
    found: dict[str, str | None] = {}
    for start in range(0, len(ordered), _LOOKUP_CHUNK):
        for enterprise_id, ownership in connection.execute(query, {"ids": ordered[start : start + _LOOKUP_CHUNK]}):
            found[enterprise_id] = ownership
    return found


def _members_of(connection: Connection, tables: ProjectionTables, enterprise_ids: list[str]) -> list[tuple[str, Row]]:
    """The stored members of the enterprises that have counted members (none for an enterprise
    registered before its members, so that common case costs one lookup by key)."""
    if not enterprise_ids:
        return []
    counted = tables.enterprise_members
    with_members = sorted(
        connection.execute(
            select(counted.c.enterprise_id).where(counted.c.enterprise_id.in_(enterprise_ids), counted.c.members > 0)
        ).scalars()
    )
    m = tables.members
    found: list[tuple[str, Row]] = []
    for start in range(0, len(with_members), _IN_CHUNK):
        chunk = with_members[start : start + _IN_CHUNK]
        for row in connection.execute(select(m).where(m.c.enterprise_id.in_(chunk))).mappings():
            values = dict(row)
            member_id = values.pop("member_id")
            if is_counted(values):
                found.append((member_id, values))
    return found


def _write_counts(connection: Connection, tables: ProjectionTables, changes: MemberCountChanges) -> None:
    counts, enterprises = changes.changed_counts(), changes.changed_enterprises()
    DriverUpsert.adding(tables.member_counts, ("members",)).execute(
        connection,
        [
            {"authority_id": a, "job_category": j, "ownership": o, "status": s, "members": n}
            for (a, j, o, s), n in counts.items()
        ],
    )
    DriverUpsert.adding(tables.enterprise_members, ("members", "active", "official")).execute(
        connection,
        [{"enterprise_id": e, "members": n, "active": a, "official": o} for e, (n, a, o) in enterprises.items()],
    )
    emptied = sorted({a for (a, *_), n in counts.items() if n < 0})
    c = tables.member_counts
    for start in range(0, len(emptied), _IN_CHUNK):
        connection.execute(delete(c).where(c.c.members == 0, c.c.authority_id.in_(emptied[start : start + _IN_CHUNK])))
    units = changes.changed_units()
    DriverUpsert.adding(tables.member_unit_counts, ("members",)).execute(
        connection, [{"authority_id": a, "status": s, "job_group": j, "members": n} for (a, s, j), n in units.items()]
    )
    compositions = changes.changed_compositions()
    DriverUpsert.adding(tables.member_compositions, ("members",)).execute(
        connection,
        [{"job_category": j, "ownership": o, "status": s, "members": n} for (j, o, s), n in compositions.items()],
    )
    _delete_emptied(connection, tables.member_unit_counts, [key for key, n in units.items() if n < 0])
    _delete_emptied(connection, tables.member_compositions, [key for key, n in compositions.items() if n < 0])
    flows = changes.changed_flows()
    DriverUpsert.adding(tables.member_flows, ("members",)).execute(
        connection, [{"authority_id": a, "month": m, "flow": f, "members": n} for (a, m, f), n in flows.items()]
    )
    _delete_emptied(connection, tables.member_flows, [key for key, n in flows.items() if n < 0])
    left = sorted(e for e, (n, _, _) in enterprises.items() if n < 0)
    em = tables.enterprise_members
    for start in range(0, len(left), _IN_CHUNK):
        connection.execute(delete(em).where(em.c.members == 0, em.c.enterprise_id.in_(left[start : start + _IN_CHUNK])))
    days, by_key = tables.member_changes, lambda change: change[:2]  # (day, member)
    if changes.changes_removed:
        connection.execute(
            delete(days).where(and_(days.c.changed_on == bindparam("day"), days.c.member_id == bindparam("member"))),
            [{"day": c.changed_on, "member": c.member_id} for c in sorted(changes.changes_removed, key=by_key)],
        )
    _upsert(days).execute(connection, [c._asdict() for c in sorted(changes.changes_added, key=by_key)])


def _delete_emptied(connection: Connection, table: Table, keys: list[tuple[str, ...]]) -> None:
    """Delete the rows of these keys whose count went down to 0."""
    if not keys:
        return
    names = [c.name for c in table.primary_key.columns]
    emptied = and_(table.c.members == 0, *(table.c[name] == bindparam(f"key_{name}") for name in names))
    connection.execute(
        delete(table).where(emptied),
        [{f"key_{name}": v for name, v in zip(names, key, strict=True)} for key in sorted(keys)],
    )


@cache
def _upsert(table: Table) -> DriverUpsert:
    if all(c.primary_key for c in table.columns):  # nothing to replace but the key itself
        keys = [c.name for c in table.columns]
        return DriverUpsert(table.name, keys, keys, f"{keys[-1]} = excluded.{keys[-1]}")
    return DriverUpsert.replacing(table)


# The fact events beyond those the indicator tally already subscribes to (the projection's
# batch handler lists these too).
FACT_EVENTS_NOT_TALLIED: tuple[type[EventContract], ...] = tuple(
    e for e in FACT_EVENTS if e.event_name not in {"EnterpriseRegistered", "CandidateProposed"}
)
