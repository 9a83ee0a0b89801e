"""What the fact projection says a plan achieved: counts per recorded authority of the
members admitted (of whom production workers), organizations founded, and enterprises that
gained a trade union or a party organization within a period.

Each count is filed under the authority the record was made for (the member's
organization's authority, the organization's, the mass organization's); the plan rolls
them up on the tree of its day like the indicator counts.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Engine, Table, distinct, func, select

from coso_backbone.contracts.reporting import TargetIndicator
from coso_reporting.adapters.plans import NAMED_AUTHORITIES_AT_MOST
from coso_reporting.adapters.tables import LIVE, ProjectionTables

FROM_FACTS = (
    TargetIndicator.MEMBERS_ADMITTED,
    TargetIndicator.MEMBERS_ADMITTED_PRODUCTION_WORKERS,
    TargetIndicator.ORGANIZATIONS_FOUNDED,
    TargetIndicator.ENTERPRISES_WITH_TRADE_UNION,
    TargetIndicator.ENTERPRISES_WITH_PARTY_ORGANIZATION,
)


class SqlPlanAchievements:
    def __init__(self, engine: Engine, tables: ProjectionTables = LIVE) -> None:
        self._engine = engine
        self._tables = tables

    @property
    def indicators(self) -> tuple[TargetIndicator, ...]:
        return FROM_FACTS

    def between(
        self,
        start: date,
        end: date,
        authorities: Collection[str] | None = None,
        indicators: Collection[TargetIndicator] | None = None,
    ) -> dict[str, dict[TargetIndicator, int]]:
        """Per recorded authority (of `authorities`, read by their index when they are few;
        None: every one), what each indicator (of `indicators`, one statement each, the two
        of members admitted one together; None: every one) achieved from `start` to `end`."""
        first, last = start.isoformat(), end.isoformat()
        # Each counted member's kept last change (domain/member_counts.py), which comes on or
        # after its admission: those admitted in the period are among the members changed
        # since its first day, one range read of that table's key, where the members, with no
        # index on their admission, were read whole (5.7 million at `--scale 1`: 1.7-2.8 s).
        members = self._tables.member_changes
        organizations = self._tables.organizations
        covered = self._tables.organization_enterprises
        unions = self._tables.mass_organizations
        named = authorities is not None and len(authorities) <= NAMED_AUTHORITIES_AT_MOST

        def of(table: Table) -> list[ColumnElement[bool]]:
            """A few authorities are named, their rows read by the tables' authority indexes."""
            return [table.c.authority_id.in_(sorted(authorities or ()))] if named else []

        admitted = (members.c.changed_on >= first, members.c.admitted_on.between(first, last), *of(members))
        founded = (organizations.c.founded_on.between(first, last), *of(organizations))
        worker = members.c.job_category == "production_worker"
        queries: list[tuple[tuple[TargetIndicator, ...], Any]] = [
            # The longest first: it is read beside the others (`_read`).
            (
                (TargetIndicator.ENTERPRISES_WITH_TRADE_UNION,),
                select(unions.c.authority_id, func.count(distinct(unions.c.enterprise_id)))
                .where(unions.c.kind == "trade_union", unions.c.founded_on.between(first, last), *of(unions))
                .group_by(unions.c.authority_id),
            ),
            (  # both member counts from one read of the range
                (TargetIndicator.MEMBERS_ADMITTED, TargetIndicator.MEMBERS_ADMITTED_PRODUCTION_WORKERS),
                select(members.c.authority_id, func.count(), func.count().filter(worker))
                .where(*admitted)
                .group_by(members.c.authority_id),
            ),
            (
                (TargetIndicator.ORGANIZATIONS_FOUNDED,),
                select(organizations.c.authority_id, func.count())
                .where(*founded)
                .group_by(organizations.c.authority_id),
            ),
            (
                (TargetIndicator.ENTERPRISES_WITH_PARTY_ORGANIZATION,),
                select(organizations.c.authority_id, func.count(distinct(covered.c.enterprise_id)))
                .select_from(organizations.join(covered, covered.c.organization_id == organizations.c.organization_id))
                .where(*founded)
                .group_by(organizations.c.authority_id),
            ),
        ]
        chosen = [
            (counted, wanted, query)
            for counted, query in queries
            if (wanted := [i for i in counted if indicators is None or i in indicators])
        ]
        found: dict[str, dict[TargetIndicator, int]] = {}
        for (counted, wanted, _), rows in zip(chosen, self._read([q for _, _, q in chosen]), strict=True):
            _add(found, counted, wanted, rows)
        return found

    def _read(self, queries: list[Any]) -> list[Sequence[Any]]:
        """Each query's rows. On PostgreSQL the first (the longest) is read on a connection of
        its own while the others are read here: a national year's trade unions (65,000
        foundings counted by distinct enterprise, 52-75 ms) took as long as the other three
        together, and the server has a CPU for each. Under eventlet the reader is a green
        thread, which the green database driver lets wait beside this one."""
        if self._engine.dialect.name != "postgresql" or len(queries) < 2:
            with self._engine.connect() as connection:
                return [connection.execute(query).all() for query in queries]
        first: list[Any] = []
        failed: list[BaseException] = []

        def read_first() -> None:
            try:
                with self._engine.connect() as connection:
                    first.extend(connection.execute(queries[0]).all())
            except Exception as error:  # noqa: BLE001 - raised again on the calling thread
                failed.append(error)

        reader = threading.Thread(target=read_first, name="plan-achievements", daemon=True)
        reader.start()
        try:
            with self._engine.connect() as connection:
                rest = [connection.execute(query).all() for query in queries[1:]]
        finally:
            reader.join()
        if failed:
            raise failed[0]
        return [first, *rest]


def _add(
    found: dict[str, dict[TargetIndicator, int]],
    counted: tuple[TargetIndicator, ...],
    wanted: list[TargetIndicator],
    rows: Iterable[Any],
) -> None:
    """Each row: an authority, then one count per indicator `counted`; those `wanted` kept."""
    kept = [(column, indicator) for column, indicator in enumerate(counted, start=1) if indicator in wanted]
    for row in rows:
        authority_id = row[0]
        if authority_id is None:
            continue
        for column, indicator in kept:
            if row[column]:
                found.setdefault(authority_id, {})[indicator] = int(row[column])
