"""SQL adapters: the registry's unit of work and its queries."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from coso_backbone.contracts import EventContract, lookup
from coso_backbone.contracts.registry import (
    AuthorityDissolved,
    AuthorityLevel,
    AuthorityMerged,
    AuthorityRegistered,
    AuthorityRenamed,
    AuthorityReparented,
    AuthoritySplit,
    EnterpriseClosed,
    EnterpriseMoved,
    EnterpriseRegistered,
    EnterpriseResumed,
    EnterpriseSuspended,
    EnterpriseUpdated,
    MassMembershipCounted,
    MassOrganizationChairChanged,
    MassOrganizationDissolved,
    MassOrganizationFounded,
    OrganizationDissolved,
    OrganizationFounded,
    OrganizationMergedInto,
    OrganizationRated,
    OrganizationRenamed,
    OrganizationsMerged,
    OrganizationTransferred,
    OrganizationUpgraded,
    WorkforceCounted,
)
from coso_backbone.eventstore import EventStore
from coso_backbone.unit_of_work import SqlUnitOfWork, row
from coso_registry.adapters.tables import (
    authorities,
    authority_periods,
    authority_successions,
    enterprise_workforce,
    enterprises,
    mass_memberships,
    mass_organizations,
    organization_enterprises,
    organizations,
    ratings,
)
from coso_registry.domain.authority import Authority, stream_of_authority
from coso_registry.domain.enterprise import Enterprise, stream_of_enterprise
from coso_registry.domain.hierarchy import Hierarchy, Node, Succession, successors_on
from coso_registry.domain.mass_organization import MassOrganization, stream_of_mass_organization
from coso_registry.domain.organization import Organization, stream_of_organization

periods = authority_periods


def _valid_on(day: date) -> ColumnElement[bool]:
    return and_(periods.c.valid_from <= day, or_(periods.c.valid_to.is_(None), periods.c.valid_to > day))


def _contracts(stream: list[Any]) -> list[EventContract]:
    parsed = []
    for recorded in stream:
        model = lookup("registry", recorded.event_type, recorded.event_version)
        if model is None:
            raise ValueError(f"unknown registry event {recorded.event_type} v{recorded.event_version}")
        parsed.append(model.model_validate(recorded.data))
    return parsed


def hierarchy_on(connection: Connection, day: date) -> Hierarchy:
    rows = connection.execute(
        select(periods.c.authority_id, periods.c.name, periods.c.level, periods.c.parent_id).where(_valid_on(day))
    )
    return Hierarchy(day, (Node(r.authority_id, r.name, AuthorityLevel(r.level), r.parent_id) for r in rows))


def subtree_on(connection: Connection, authority_id: str, day: date) -> list[Node]:
    """An authority's subtree on a day, walked in the database (recursive CTE)."""
    columns = (periods.c.authority_id, periods.c.name, periods.c.level, periods.c.parent_id)
    tree = select(*columns).where(periods.c.authority_id == authority_id, _valid_on(day)).cte(recursive=True)
    below = select(*columns).join(tree, periods.c.parent_id == tree.c.authority_id).where(_valid_on(day))
    tree = tree.union_all(below)
    nodes = [
        Node(r.authority_id, r.name, AuthorityLevel(r.level), r.parent_id) for r in connection.execute(select(tree))
    ]
    return Hierarchy(day, nodes).subtree(authority_id)


def successors(connection: Connection, authority_id: str, day: date) -> list[str]:
    """Follow successions forward from one authority, reading only the rows on its path."""
    found: list[Succession] = []
    seen = {authority_id}
    frontier = [authority_id]
    while frontier:
        rows = connection.execute(
            select(authority_successions).where(
                authority_successions.c.predecessor_id.in_(frontier), authority_successions.c.effective_from <= day
            )
        ).all()
        found.extend(Succession(r.predecessor_id, r.successor_id, r.effective_from, r.kind) for r in rows)
        frontier = [r.successor_id for r in rows if r.successor_id not in seen]
        seen.update(frontier)
    lifetimes = {
        r.authority_id: (r.effective_from, r.ended_on)
        for r in connection.execute(
            select(authorities.c.authority_id, authorities.c.effective_from, authorities.c.ended_on).where(
                authorities.c.authority_id.in_(seen)
            )
        )
    }
    return successors_on(authority_id, day, lifetimes, found)


class SqlRegistryUnitOfWork(SqlUnitOfWork):
    service = "registry"
    _registrations: list[EnterpriseRegistered] | None = None

    def record_many(self, appends: Sequence[tuple[str, int, Sequence[EventContract], str]]) -> None:
        """As the backbone's, but new enterprises reach the lookup tables in one multi-row insert."""
        self._registrations = []
        try:
            super().record_many(appends)
            self._flush_registrations()
        finally:
            self._registrations = None

    def _flush_registrations(self) -> None:
        if not self._registrations:
            return
        rows = [
            {**e.model_dump(), "status": "operating", "status_since": e.registered_on, "version": 1}
            for e in self._registrations
        ]
        self.connection.execute(insert(enterprises), rows)
        self.connection.execute(
            insert(enterprise_workforce),
            [
                {"enterprise_id": e.enterprise_id, "counted_on": e.registered_on, "worker_count": e.worker_count}
                for e in self._registrations
            ],
        )
        self._registrations.clear()

    def enterprise(self, enterprise_id: str) -> Enterprise | None:
        """The enterprise rebuilt from its stream, or None."""
        stream = self.read_stream(stream_of_enterprise(enterprise_id))
        return Enterprise.replay(_contracts(stream)) if stream else None

    def enterprises_by_tax_code(self, tax_codes: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Current lookup rows of the enterprises with these tax codes, by tax code."""
        found: dict[str, dict[str, Any]] = {}
        codes = list(tax_codes)
        for start in range(0, len(codes), 500):
            query = select(enterprises).where(enterprises.c.tax_code.in_(codes[start : start + 500]))
            found.update({r.tax_code: dict(r._mapping) for r in self.connection.execute(query)})
        return found

    def authority_on(self, authority_id: str, day: date) -> Node | None:
        found = self.connection.execute(
            select(periods).where(periods.c.authority_id == authority_id, _valid_on(day))
        ).first()
        return Node(found.authority_id, found.name, AuthorityLevel(found.level), found.parent_id) if found else None

    def authorities_on(self, day: date) -> dict[str, Node]:
        return hierarchy_on(self.connection, day).nodes

    def authority_levels(self) -> dict[str, AuthorityLevel]:
        rows = self.connection.execute(select(authorities.c.authority_id, authorities.c.level))
        return {r.authority_id: AuthorityLevel(r.level) for r in rows}

    def authority_exists(self, authority_id: str) -> bool:
        query = select(authorities.c.authority_id).where(authorities.c.authority_id == authority_id)
        return self.connection.execute(query).first() is not None

    def authority_exists_on(self, authority_id: str, day: date) -> bool:
        query = select(periods.c.authority_id).where(periods.c.authority_id == authority_id, _valid_on(day))
        return self.connection.execute(query).first() is not None

    def authority(self, authority_id: str) -> Authority | None:
        stream = self.read_stream(stream_of_authority(authority_id))
        if not stream:
            return None
        return Authority.replay(_contracts(stream))

    def hierarchy_on(self, day: date) -> Hierarchy:
        return hierarchy_on(self.connection, day)

    def subtrees_on(self, authority_ids: Sequence[str], day: date) -> Hierarchy:
        nodes = {n.authority_id: n for a in authority_ids for n in subtree_on(self.connection, a, day)}
        return Hierarchy(day, nodes.values())

    def enterprise_by_tax_code(self, tax_code: str) -> str | None:
        query = select(enterprises.c.enterprise_id).where(enterprises.c.tax_code == tax_code)
        return self.connection.scalar(query)

    def apply(self, event: EventContract) -> None:
        if isinstance(event, AuthorityRegistered):
            self.connection.execute(insert(authorities).values(**event.model_dump()))
            self.connection.execute(
                insert(periods).values(
                    authority_id=event.authority_id,
                    valid_from=event.effective_from,
                    valid_to=None,
                    name=event.name,
                    level=event.level.value,
                    parent_id=event.parent_id,
                )
            )
        elif isinstance(event, AuthorityRenamed):
            self._begin_period(event.authority_id, event.effective_from, {"name": event.name})
        elif isinstance(event, AuthorityReparented):
            self._begin_period(event.authority_id, event.effective_from, {"parent_id": event.parent_id})
        elif isinstance(event, AuthorityMerged):
            self._end(event.authority_id, event.effective_from, [event.successor_id], "merged")
        elif isinstance(event, AuthoritySplit):
            self._end(event.authority_id, event.effective_from, event.successor_ids, "split")
        elif isinstance(event, AuthorityDissolved):
            successor = [event.successor_id] if event.successor_id else []
            self._end(event.authority_id, event.effective_from, successor, "dissolved")
        elif isinstance(
            event,
            OrganizationFounded
            | OrganizationRenamed
            | OrganizationUpgraded
            | OrganizationTransferred
            | OrganizationDissolved
            | OrganizationsMerged
            | OrganizationMergedInto,
        ):
            self._apply_organization(event)
        elif isinstance(
            event,
            MassOrganizationFounded | MassMembershipCounted | MassOrganizationChairChanged | MassOrganizationDissolved,
        ):
            self._apply_mass_organization(event)
        elif isinstance(event, OrganizationRated):
            self.connection.execute(insert(ratings).values(**event.model_dump(exclude={"rated_on"})))
        elif isinstance(event, EnterpriseRegistered):
            if self._registrations is not None:
                self._registrations.append(event)
            else:
                self._registrations = [event]
                self._flush_registrations()
                self._registrations = None
        else:
            self._flush_registrations()
            self._apply_enterprise_change(event)

    def _apply_organization(
        self,
        event: OrganizationFounded
        | OrganizationRenamed
        | OrganizationUpgraded
        | OrganizationTransferred
        | OrganizationDissolved
        | OrganizationsMerged
        | OrganizationMergedInto,
    ) -> None:
        if isinstance(event, OrganizationFounded):
            self.connection.execute(
                insert(organizations).values(
                    organization_id=event.organization_id,
                    name=event.name,
                    kind=event.kind.value,
                    authority_id=event.authority_id,
                    founded_on=event.founded_on,
                    decision_number=event.decision_number,
                    official_members_at_founding=event.official_members,
                    version=1,
                )
            )
            self.connection.execute(
                insert(organization_enterprises),
                [{"organization_id": event.organization_id, "enterprise_id": e} for e in event.enterprise_ids],
            )
            return
        changes: dict[str, Any] = {}
        if isinstance(event, OrganizationRenamed):
            changes = {"name": event.name}
        elif isinstance(event, OrganizationUpgraded):
            changes = {"kind": event.kind.value}
        elif isinstance(event, OrganizationTransferred):
            changes = {"authority_id": event.authority_id}
        elif isinstance(event, OrganizationDissolved):
            changes = {"dissolved_on": event.effective_from}
        elif isinstance(event, OrganizationMergedInto):
            changes = {"dissolved_on": event.effective_from, "merged_into": event.successor_id}
        elif isinstance(event, OrganizationsMerged):
            changes = {"kind": event.kind.value, "authority_id": event.authority_id}
            covered = set(
                self.connection.execute(
                    select(organization_enterprises.c.enterprise_id).where(
                        organization_enterprises.c.organization_id == event.organization_id
                    )
                ).scalars()
            )
            added = [e for e in event.enterprise_ids if e not in covered]
            if added:
                self.connection.execute(
                    insert(organization_enterprises),
                    [{"organization_id": event.organization_id, "enterprise_id": e} for e in added],
                )
        self.connection.execute(
            update(organizations)
            .where(organizations.c.organization_id == event.organization_id)
            .values(**changes, version=organizations.c.version + 1)
        )

    def _apply_mass_organization(
        self,
        event: MassOrganizationFounded
        | MassMembershipCounted
        | MassOrganizationChairChanged
        | MassOrganizationDissolved,
    ) -> None:
        key = mass_organizations.c.mass_organization_id == event.mass_organization_id
        if isinstance(event, MassOrganizationFounded):
            self.connection.execute(insert(mass_organizations).values(**event.model_dump(), version=1))
            self.connection.execute(
                insert(mass_memberships).values(
                    mass_organization_id=event.mass_organization_id, counted_on=event.founded_on, members=event.members
                )
            )
            return
        changes: dict[str, Any] = {}
        if isinstance(event, MassMembershipCounted):
            membership = and_(
                mass_memberships.c.mass_organization_id == event.mass_organization_id,
                mass_memberships.c.counted_on == event.counted_on,
            )
            self.connection.execute(delete(mass_memberships).where(membership))
            self.connection.execute(insert(mass_memberships).values(**event.model_dump()))
            changes = {
                "members": select(mass_memberships.c.members)
                .where(mass_memberships.c.mass_organization_id == event.mass_organization_id)
                .order_by(mass_memberships.c.counted_on.desc())
                .limit(1)
                .scalar_subquery()
            }
        elif isinstance(event, MassOrganizationChairChanged):
            changes = {"chair": event.chair}
        elif isinstance(event, MassOrganizationDissolved):
            changes = {"dissolved_on": event.effective_from}
        self.connection.execute(
            update(mass_organizations).where(key).values(**changes, version=mass_organizations.c.version + 1)
        )

    def mass_organization(self, mass_organization_id: str) -> MassOrganization | None:
        stream = self.read_stream(stream_of_mass_organization(mass_organization_id))
        return MassOrganization.replay(_contracts(stream)) if stream else None

    def active_mass_organization(self, enterprise_id: str, kind: str) -> str | None:
        return self.connection.scalar(
            select(mass_organizations.c.mass_organization_id).where(
                mass_organizations.c.enterprise_id == enterprise_id,
                mass_organizations.c.kind == kind,
                mass_organizations.c.dissolved_on.is_(None),
            )
        )

    def organization(self, organization_id: str) -> Organization | None:
        stream = self.read_stream(stream_of_organization(organization_id))
        return Organization.replay(_contracts(stream)) if stream else None

    def organizations_covering(self, enterprise_ids: Sequence[str]) -> dict[str, str]:
        """Active organizations covering these enterprises: enterprise id -> organization id."""
        rows = self.connection.execute(
            select(organization_enterprises.c.enterprise_id, organizations.c.organization_id)
            .join(organizations, organizations.c.organization_id == organization_enterprises.c.organization_id)
            .where(
                organization_enterprises.c.enterprise_id.in_(list(enterprise_ids)),
                organizations.c.dissolved_on.is_(None),
            )
        )
        return {r.enterprise_id: r.organization_id for r in rows}

    def _apply_enterprise_change(self, event: EventContract) -> None:
        changes: dict[str, Any]
        if isinstance(event, EnterpriseUpdated):
            changes = event.model_dump(exclude={"enterprise_id", "effective_from"}, exclude_none=True)
        elif isinstance(event, EnterpriseMoved):
            changes = {"authority_id": event.authority_id, "industrial_zone_id": event.industrial_zone_id}
        elif isinstance(event, EnterpriseSuspended):
            changes = {"status": "suspended", "status_since": event.effective_from}
        elif isinstance(event, EnterpriseResumed):
            changes = {"status": "operating", "status_since": event.effective_from}
        elif isinstance(event, EnterpriseClosed):
            changes = {"status": "closed", "status_since": event.effective_from}
        elif isinstance(event, WorkforceCounted):
            key = and_(
                enterprise_workforce.c.enterprise_id == event.enterprise_id,
                enterprise_workforce.c.counted_on == event.counted_on,
            )
            self.connection.execute(delete(enterprise_workforce).where(key))
            self.connection.execute(insert(enterprise_workforce).values(**event.model_dump()))
            latest = (
                select(enterprise_workforce.c.worker_count)
                .where(enterprise_workforce.c.enterprise_id == event.enterprise_id)
                .order_by(enterprise_workforce.c.counted_on.desc())
                .limit(1)
                .scalar_subquery()
            )
            changes = {"worker_count": latest}
        else:
            return
        self.connection.execute(
            update(enterprises)
            .where(enterprises.c.enterprise_id == event.enterprise_id)
            .values(**changes, version=enterprises.c.version + 1)
        )

    def _open_period(self, authority_id: str) -> Any:
        return self.connection.execute(
            select(periods).where(periods.c.authority_id == authority_id, periods.c.valid_to.is_(None))
        ).one()

    def _begin_period(self, authority_id: str, on: date, changes: dict[str, Any]) -> None:
        current = self._open_period(authority_id)
        key = and_(periods.c.authority_id == authority_id, periods.c.valid_from == current.valid_from)
        if current.valid_from == on:
            self.connection.execute(update(periods).where(key).values(**changes))
        else:
            self.connection.execute(update(periods).where(key).values(valid_to=on))
            self.connection.execute(insert(periods).values({**current._mapping, "valid_from": on, **changes}))
        self.connection.execute(update(authorities).where(authorities.c.authority_id == authority_id).values(**changes))

    def _end(self, authority_id: str, on: date, successor_ids: list[str], kind: str) -> None:
        self.connection.execute(
            update(periods)
            .where(periods.c.authority_id == authority_id, periods.c.valid_to.is_(None))
            .values(valid_to=on)
        )
        self.connection.execute(
            update(authorities).where(authorities.c.authority_id == authority_id).values(ended_on=on)
        )
        for successor_id in successor_ids:
            self.connection.execute(
                insert(authority_successions).values(
                    predecessor_id=authority_id, successor_id=successor_id, effective_from=on, kind=kind
                )
            )


class SqlRegistryQueries:
    def __init__(self, store: EventStore) -> None:
        self._engine = store.engine

    def enterprise(self, enterprise_id: str) -> dict[str, Any] | None:
        with self._engine.connect() as connection:
            found = connection.execute(select(enterprises).where(enterprises.c.enterprise_id == enterprise_id)).first()
            if found is None:
                return None
            workforce = connection.execute(
                select(enterprise_workforce.c.counted_on, enterprise_workforce.c.worker_count)
                .where(enterprise_workforce.c.enterprise_id == enterprise_id)
                .order_by(enterprise_workforce.c.counted_on)
            )
            return {**row(found._mapping), "workforce": [row(r._mapping) for r in workforce]}

    def enterprises(
        self, authority_id: str | None, limit: int, offset: int, within: Collection[str] | None = None
    ) -> list[dict[str, Any]]:
        query = select(enterprises).order_by(enterprises.c.tax_code).limit(limit).offset(offset)
        if authority_id is not None:
            query = query.where(enterprises.c.authority_id == authority_id)
        if within is not None:
            query = query.where(enterprises.c.authority_id.in_(sorted(within)))
        with self._engine.connect() as connection:
            return [row(r._mapping) for r in connection.execute(query)]

    def each_enterprise(self, page: int = 5000) -> Iterator[dict[str, Any]]:
        """Every enterprise's lookup row, in tax-code order, read a page at a time."""
        after = ""
        while True:
            query = (
                select(enterprises).where(enterprises.c.tax_code > after).order_by(enterprises.c.tax_code).limit(page)
            )
            with self._engine.connect() as connection:
                found = [dict(r._mapping) for r in connection.execute(query)]
            yield from found
            if len(found) < page:
                return
            after = found[-1]["tax_code"]

    def organization(self, organization_id: str) -> dict[str, Any] | None:
        with self._engine.connect() as connection:
            found = connection.execute(
                select(organizations).where(organizations.c.organization_id == organization_id)
            ).first()
            if found is None:
                return None
            covered = connection.scalars(
                select(organization_enterprises.c.enterprise_id)
                .where(organization_enterprises.c.organization_id == organization_id)
                .order_by(organization_enterprises.c.enterprise_id)
            )
            return {**row(found._mapping), "enterprise_ids": list(covered)}

    def organizations(self, within: Collection[str] | None, limit: int, offset: int) -> list[dict[str, Any]]:
        query = select(organizations).order_by(organizations.c.organization_id).limit(limit).offset(offset)
        if within is not None:
            query = query.where(organizations.c.authority_id.in_(sorted(within)))
        with self._engine.connect() as connection:
            return [row(r._mapping) for r in connection.execute(query)]

    def mass_organization(self, mass_organization_id: str) -> dict[str, Any] | None:
        with self._engine.connect() as connection:
            found = connection.execute(
                select(mass_organizations).where(mass_organizations.c.mass_organization_id == mass_organization_id)
            ).first()
            if found is None:
                return None
            history = connection.execute(
                select(mass_memberships.c.counted_on, mass_memberships.c.members)
                .where(mass_memberships.c.mass_organization_id == mass_organization_id)
                .order_by(mass_memberships.c.counted_on)
            )
            return {**row(found._mapping), "membership": [row(r._mapping) for r in history]}

    def mass_organizations(self, enterprise_id: str) -> list[dict[str, Any]]:
        query = (
            select(mass_organizations)
            .where(mass_organizations.c.enterprise_id == enterprise_id)
            .order_by(mass_organizations.c.kind, mass_organizations.c.founded_on)
        )
        with self._engine.connect() as connection:
            return [row(r._mapping) for r in connection.execute(query)]

    def rating_levels(self, authority_ids: Collection[str], year: int) -> dict[str, int]:
        """How many organizations under these authorities got each level in a year."""
        query = (
            select(ratings.c.level, func.count())
            .where(ratings.c.year == year, ratings.c.authority_id.in_(sorted(authority_ids)))
            .group_by(ratings.c.level)
        )
        with self._engine.connect() as connection:
            return {level: count for level, count in connection.execute(query)}

    def authorities(self) -> list[dict[str, Any]]:
        with self._engine.connect() as connection:
            return [
                row(r._mapping) for r in connection.execute(select(authorities).order_by(authorities.c.authority_id))
            ]

    def authority(self, authority_id: str) -> dict[str, Any] | None:
        with self._engine.connect() as connection:
            found = connection.execute(select(authorities).where(authorities.c.authority_id == authority_id)).first()
            if found is None:
                return None
            history = connection.execute(
                select(periods.c.valid_from, periods.c.valid_to, periods.c.name, periods.c.level, periods.c.parent_id)
                .where(periods.c.authority_id == authority_id)
                .order_by(periods.c.valid_from)
            )
            succeeded_by = connection.execute(
                select(authority_successions).where(authority_successions.c.predecessor_id == authority_id)
            )
            return {
                **row(found._mapping),
                "periods": [row(r._mapping) for r in history],
                "successions": [row(r._mapping) for r in succeeded_by],
            }

    def hierarchy_on(self, day: date) -> Hierarchy:
        with self._engine.connect() as connection:
            return hierarchy_on(connection, day)

    def subtree_on(self, authority_id: str, day: date) -> list[Node]:
        with self._engine.connect() as connection:
            return subtree_on(connection, authority_id, day)

    def successors_on(self, authority_id: str, day: date) -> list[str]:
        with self._engine.connect() as connection:
            return successors(connection, authority_id, day)
