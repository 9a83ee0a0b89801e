"""SQL adapters of deadlines and subscriptions: the deadline book and the party presence per
enterprise (inside the consumer's transaction), the scheduler's reminder repository, and the
subscription store."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime

from sqlalchemy import Connection, and_, delete, exists, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from coso_backbone.eventstore import EventStore
from coso_notifications.adapters.sql import add_new_deliveries, delivery_of, save_delivery, subscription_of
from coso_notifications.adapters.tables import (
    deadlines,
    deliveries,
    firings,
    mass_organizations,
    members,
    organizations,
    party_organizations,
    subjects,
    subscriptions,
)
from coso_notifications.domain.deadlines import Deadline, DeadlineKind
from coso_notifications.domain.delivery import Delivery, DeliveryStatus
from coso_notifications.domain.membership import OrganizationStrength
from coso_notifications.domain.recipients import Subscription
from coso_notifications.domain.rules import Channel, Rule

OPEN, CLOSED = "open", "closed"
OFFICIAL = "official"
TRADE_UNION = "trade_union"


class SqlDeadlineBook:
    """Writes deadlines on the consumer's connection, in its transaction."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def track(self, deadline: Deadline) -> None:
        key = and_(deadlines.c.subject == deadline.subject, deadlines.c.kind == deadline.kind.value)
        values = {
            "due_on": deadline.due_on,
            "authority": deadline.authority,
            "status": OPEN,
            "context": json.dumps(dict(deadline.context), ensure_ascii=False),
        }
        if self._connection.execute(update(deadlines).where(key).values(**values)).rowcount == 0:
            self._connection.execute(
                insert(deadlines).values(subject=deadline.subject, kind=deadline.kind.value, **values)
            )

    def close(self, subject: str, kind: DeadlineKind | None = None) -> None:
        condition = deadlines.c.subject == subject
        if kind is not None:
            condition = and_(condition, deadlines.c.kind == kind.value)
        self._connection.execute(update(deadlines).where(condition).values(status=CLOSED))

    def describe(self, subject: str, authority: str, context: Mapping[str, str]) -> None:
        values = {"authority": authority, "context": json.dumps(dict(context), ensure_ascii=False)}
        if self._connection.execute(update(subjects).where(subjects.c.subject == subject).values(**values)).rowcount:
            return
        self._connection.execute(insert(subjects).values(subject=subject, **values))


class SqlReminders:
    """The deadline scheduler's repository."""

    def __init__(self, store: EventStore) -> None:
        self._engine = store.engine

    def open_deadlines(
        self,
        kind: DeadlineKind,
        rule: Rule,
        due_from: date | None,
        due_to: date,
        after: tuple[date, str] | None,
        limit: int,
    ) -> list[Deadline]:
        fired = exists().where(
            and_(
                firings.c.rule == rule.value,
                firings.c.subject == deadlines.c.subject,
                firings.c.due_on == deadlines.c.due_on,
            )
        )
        conditions = [
            deadlines.c.kind == kind.value,
            deadlines.c.status == OPEN,
            deadlines.c.due_on <= due_to,
            ~fired,
        ]
        if due_from is not None:
            conditions.append(deadlines.c.due_on >= due_from)
        if after is not None:
            conditions.append(
                or_(
                    deadlines.c.due_on > after[0],
                    and_(deadlines.c.due_on == after[0], deadlines.c.subject > after[1]),
                )
            )
        query = (
            select(deadlines, subjects.c.context.label("subject_context"))
            .select_from(deadlines.outerjoin(subjects, subjects.c.subject == deadlines.c.subject))
            .where(and_(*conditions))
            .order_by(deadlines.c.due_on, deadlines.c.subject)
            .limit(limit)
        )
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
        found = []
        for row in rows:
            context = json.loads(row.subject_context) if row.subject_context else {}
            context.update(json.loads(row.context))
            found.append(Deadline(row.subject, DeadlineKind(row.kind), row.due_on, row.authority, context))
        return found

    def subscriptions(self) -> list[Subscription]:
        with self._engine.connect() as connection:
            return [subscription_of(r._mapping) for r in connection.execute(select(subscriptions))]

    def record(self, fired: list[tuple[Rule, Deadline]], scheduled: list[Delivery]) -> int:
        now = datetime.now(UTC)
        try:
            with self._engine.connect().execution_options(coso_write=True) as connection, connection.begin():
                connection.execute(
                    insert(firings),
                    [{"rule": r.value, "subject": d.subject, "due_on": d.due_on, "fired_at": now} for r, d in fired],
                )
                return add_new_deliveries(connection, scheduled)
        except IntegrityError:
            return 0  # another scheduler fired these first; the next pass takes what it left

    def held_items(self) -> list[Delivery]:
        query = (
            select(deliveries)
            .where(
                and_(
                    deliveries.c.channel == Channel.DIGEST.value,
                    deliveries.c.status == DeliveryStatus.PENDING.value,
                )
            )
            .order_by(deliveries.c.scheduled_at, deliveries.c.notification_id)
        )
        with self._engine.connect() as connection:
            return [delivery_of(r._mapping) for r in connection.execute(query)]

    def digest_composed(self, channel: Channel, target: str, subject: str) -> bool:
        query = select(deliveries.c.notification_id).where(
            and_(
                deliveries.c.rule == Rule.DAILY_DIGEST.value,
                deliveries.c.channel == channel.value,
                deliveries.c.target == target,
                deliveries.c.subject == subject,
            )
        )
        with self._engine.connect() as connection:
            return connection.execute(query.limit(1)).first() is not None

    def record_digest(self, digest: Delivery, items: list[Delivery]) -> bool:
        now = datetime.now(UTC)
        try:
            with self._engine.connect().execution_options(coso_write=True) as connection, connection.begin():
                if not add_new_deliveries(connection, [digest]):
                    return False
                for item in items:
                    item.delivered(now)
                    if not save_delivery(connection, item):
                        raise IntegrityError("digest item changed meanwhile", None, Exception(item.notification_id))
        except IntegrityError:
            return False  # another scheduler gathered them first
        return True


class SqlSubscriptions:
    def __init__(self, store: EventStore) -> None:
        self._engine = store.engine

    def add(self, subscription: Subscription) -> None:
        with self._engine.connect().execution_options(coso_write=True) as connection, connection.begin():
            connection.execute(
                insert(subscriptions).values(
                    subscription_id=subscription.subscription_id,
                    authority=subscription.authority,
                    role=subscription.role,
                    channel=subscription.channel.value,
                    target=subscription.target,
                    rules=json.dumps(sorted(r.value for r in subscription.rules)),
                    secret=subscription.secret,
                    language=subscription.language,
                    digest=subscription.digest,
                    created_at=datetime.now(UTC),
                )
            )

    def find(self, subscription_id: str) -> Subscription | None:
        query = select(subscriptions).where(subscriptions.c.subscription_id == subscription_id)
        with self._engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else subscription_of(row._mapping)

    def remove(self, subscription_id: str) -> bool:
        with self._engine.connect().execution_options(coso_write=True) as connection, connection.begin():
            removed = connection.execute(
                delete(subscriptions).where(subscriptions.c.subscription_id == subscription_id)
            ).rowcount
        return bool(removed)

    def list(self, authority: str | None, role: str | None, channel: str | None) -> list[Subscription]:
        query = select(subscriptions).order_by(subscriptions.c.created_at, subscriptions.c.subscription_id)
        if authority is not None:
            query = query.where(subscriptions.c.authority == authority)
        if role is not None:
            query = query.where(subscriptions.c.role == role)
        if channel is not None:
            query = query.where(subscriptions.c.channel == channel)
        with self._engine.connect() as connection:
            return [subscription_of(r._mapping) for r in connection.execute(query)]

    def secret_for(self, url: str) -> str | None:
        query = select(subscriptions.c.secret).where(
            and_(subscriptions.c.channel == Channel.WEBHOOK.value, subscriptions.c.target == url)
        )
        with self._engine.connect() as connection:
            return connection.scalar(query.limit(1))


class SqlPartyPresence:
    """Members, party organizations and trade unions per enterprise, on the consumer's connection."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    # --- members -------------------------------------------------------------------------
    def member(
        self,
        member_id: str,
        enterprise_id: str | None,
        authority_id: str,
        status: str,
        organization: str | None = None,
    ) -> None:
        values = {"authority_id": authority_id, "status": status}
        if enterprise_id is not None:
            values["enterprise_id"] = enterprise_id
        if organization is not None:
            values["organization"] = organization
        self._upsert_member(member_id, values)

    def transferred(self, member_id: str, organization: str, authority_id: str) -> None:
        """The member now belongs to `organization`; the enterprise it works in is no longer known."""
        values = {"organization": organization, "authority_id": authority_id, "enterprise_id": None}
        self._upsert_member(member_id, values)

    def _upsert_member(self, member_id: str, values: Mapping[str, str | None]) -> None:
        where = members.c.member_id == member_id
        if self._connection.execute(update(members).where(where).values(**values)).rowcount == 0:
            row = {"enterprise_id": None, "status": "unknown", "organization": None, **values}
            self._connection.execute(insert(members).values(member_id=member_id, **row))

    def enterprise_of(self, member_id: str) -> tuple[str, str] | None:
        query = select(members.c.enterprise_id, members.c.authority_id).where(members.c.member_id == member_id)
        row = self._connection.execute(query).first()
        return None if row is None or row.enterprise_id is None else (row.enterprise_id, row.authority_id)

    def official_members(self, enterprise_id: str) -> int:
        query = select(func.count()).where(and_(members.c.enterprise_id == enterprise_id, members.c.status == OFFICIAL))
        return int(self._connection.scalar(query) or 0)

    # --- party organizations -------------------------------------------------------------
    def has_organization(self, enterprise_id: str) -> bool:
        query = select(organizations.c.organization_id).where(organizations.c.enterprise_id == enterprise_id)
        return self._connection.execute(query.limit(1)).first() is not None

    def organization(
        self, organization_id: str, enterprise_ids: list[str], authority_id: str, name: str = "", declared: int = 0
    ) -> None:
        self._connection.execute(delete(organizations).where(organizations.c.organization_id == organization_id))
        if enterprise_ids:
            self._connection.execute(
                insert(organizations),
                [
                    {"organization_id": organization_id, "enterprise_id": e, "authority_id": authority_id}
                    for e in set(enterprise_ids)
                ],
            )
        where = party_organizations.c.organization_id == organization_id
        self._connection.execute(delete(party_organizations).where(where))
        self._connection.execute(
            insert(party_organizations).values(
                organization_id=organization_id,
                name=name or organization_id,
                authority_id=authority_id,
                declared_members=declared,
                armed=False,
            )
        )

    def organization_changed(
        self,
        organization_id: str,
        *,
        name: str | None = None,
        authority_id: str | None = None,
        declared: int | None = None,
    ) -> bool:
        """Record a rename, a transfer or a new declared count; False if the organization is unknown."""
        values: dict[str, object] = {}
        if name is not None:
            values["name"] = name
        if authority_id is not None:
            values["authority_id"] = authority_id
            self._connection.execute(
                update(organizations)
                .where(organizations.c.organization_id == organization_id)
                .values(authority_id=authority_id)
            )
        if declared is not None:
            values["declared_members"] = declared
        where = party_organizations.c.organization_id == organization_id
        return bool(self._connection.execute(update(party_organizations).where(where).values(**values)).rowcount)

    def strength(self, organization_id: str) -> tuple[OrganizationStrength, str, str] | None:
        """What is known of the organization's official members, its authority and its name."""
        found = self._connection.execute(
            select(party_organizations).where(party_organizations.c.organization_id == organization_id)
        ).first()
        if found is None:
            return None
        covered = select(organizations.c.enterprise_id).where(organizations.c.organization_id == organization_id)
        known = self._connection.scalar(
            select(func.count()).where(
                and_(
                    members.c.status == OFFICIAL,
                    or_(
                        members.c.organization.in_([organization_id, found.name]),
                        members.c.enterprise_id.in_(covered.scalar_subquery()),
                    ),
                )
            )
        )
        strength = OrganizationStrength(found.declared_members, int(known or 0), bool(found.armed))
        return strength, found.authority_id, found.name

    def arm(self, organization_id: str) -> None:
        where = party_organizations.c.organization_id == organization_id
        self._connection.execute(update(party_organizations).where(where).values(armed=True))

    def organizations_of_member(self, member_id: str) -> list[str]:
        """The organizations the member is tied to: by its organization (id or name), or by its enterprise."""
        row = self._connection.execute(
            select(members.c.organization, members.c.enterprise_id).where(members.c.member_id == member_id)
        ).first()
        if row is None:
            return []
        found: set[str] = set()
        if row.organization:
            query = select(party_organizations.c.organization_id).where(
                or_(
                    party_organizations.c.organization_id == row.organization,
                    party_organizations.c.name == row.organization,
                )
            )
            found.update(self._connection.scalars(query))
        if row.enterprise_id is not None:
            query = select(organizations.c.organization_id).where(organizations.c.enterprise_id == row.enterprise_id)
            found.update(self._connection.scalars(query))
        return sorted(found)

    def organizations_under(self, authority_id: str) -> list[str]:
        query = select(party_organizations.c.organization_id).where(party_organizations.c.authority_id == authority_id)
        return list(self._connection.scalars(query))

    def dissolve(self, organization_id: str) -> list[tuple[str, str]]:
        query = select(organizations.c.enterprise_id, organizations.c.authority_id).where(
            organizations.c.organization_id == organization_id
        )
        covered = [(r.enterprise_id, r.authority_id) for r in self._connection.execute(query)]
        self._connection.execute(delete(organizations).where(organizations.c.organization_id == organization_id))
        self._connection.execute(
            delete(party_organizations).where(party_organizations.c.organization_id == organization_id)
        )
        return covered

    # --- mass organizations --------------------------------------------------------------
    def mass_organization(
        self, mass_organization_id: str, kind: str, enterprise_id: str, authority_id: str, member_count: int
    ) -> None:
        where = mass_organizations.c.mass_organization_id == mass_organization_id
        self._connection.execute(delete(mass_organizations).where(where))
        self._connection.execute(
            insert(mass_organizations).values(
                mass_organization_id=mass_organization_id,
                kind=kind,
                enterprise_id=enterprise_id,
                authority_id=authority_id,
                members=member_count,
            )
        )

    def mass_counted(self, mass_organization_id: str, member_count: int) -> tuple[str, str] | None:
        """Record a new count; the (enterprise, authority) of the mass organization, if known."""
        where = mass_organizations.c.mass_organization_id == mass_organization_id
        self._connection.execute(update(mass_organizations).where(where).values(members=member_count))
        return self._mass_place(mass_organization_id)

    def mass_dissolved(self, mass_organization_id: str) -> tuple[str, str] | None:
        place = self._mass_place(mass_organization_id)
        where = mass_organizations.c.mass_organization_id == mass_organization_id
        self._connection.execute(delete(mass_organizations).where(where))
        return place

    def _mass_place(self, mass_organization_id: str) -> tuple[str, str] | None:
        row = self._connection.execute(
            select(mass_organizations.c.enterprise_id, mass_organizations.c.authority_id).where(
                mass_organizations.c.mass_organization_id == mass_organization_id
            )
        ).first()
        return None if row is None else (row.enterprise_id, row.authority_id)

    def union_members(self, enterprise_id: str) -> int:
        query = select(func.coalesce(func.sum(mass_organizations.c.members), 0)).where(
            and_(mass_organizations.c.enterprise_id == enterprise_id, mass_organizations.c.kind == TRADE_UNION)
        )
        return int(self._connection.scalar(query) or 0)

    # --- conditions ----------------------------------------------------------------------
    def open_if_absent(self, deadline: Deadline) -> None:
        """Open the condition from its date, or, if it is open, keep its date (it fired once for
        that date) and take the new authority and context."""
        key = and_(deadlines.c.subject == deadline.subject, deadlines.c.kind == deadline.kind.value)
        found = self._connection.execute(select(deadlines.c.status).where(key)).first()
        if found is not None and found.status == OPEN:
            context = json.dumps(dict(deadline.context), ensure_ascii=False)
            self._connection.execute(update(deadlines).where(key).values(authority=deadline.authority, context=context))
            return
        SqlDeadlineBook(self._connection).track(deadline)
