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
    members,
    organizations,
    subjects,
    subscriptions,
)
from coso_notifications.domain.deadlines import Deadline, DeadlineKind
from coso_notifications.domain.delivery import Delivery, DeliveryStatus
from coso_notifications.domain.recipients import Subscription
from coso_notifications.domain.rules import Channel, Rule

OPEN, CLOSED = "open", "closed"
OFFICIAL = "official"


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
    """Members and organizations per enterprise, on the consumer's connection."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def member(self, member_id: str, enterprise_id: str | None, authority_id: str, status: str) -> None:
        values = {"authority_id": authority_id, "status": status}
        if enterprise_id is not None:
            values["enterprise_id"] = enterprise_id
        where = members.c.member_id == member_id
        if self._connection.execute(update(members).where(where).values(**values)).rowcount == 0:
            self._connection.execute(
                insert(members).values(
                    member_id=member_id, enterprise_id=enterprise_id, authority_id=authority_id, status=status
                )
            )

    def enterprise_of(self, member_id: str) -> tuple[str, str] | None:
        query = select(members.c.enterprise_id, members.c.authority_id).where(members.c.member_id == member_id)
        row = self._connection.execute(query).first()
        return None if row is None or row.enterprise_id is None else (row.enterprise_id, row.authority_id)

    def official_members(self, enterprise_id: str) -> int:
        query = select(func.count()).where(and_(members.c.enterprise_id == enterprise_id, members.c.status == OFFICIAL))
        return int(self._connection.scalar(query) or 0)

    def has_organization(self, enterprise_id: str) -> bool:
        query = select(organizations.c.organization_id).where(organizations.c.enterprise_id == enterprise_id)
        return self._connection.execute(query.limit(1)).first() is not None

    def organization(self, organization_id: str, enterprise_ids: list[str], authority_id: str) -> None:
        self._connection.execute(delete(organizations).where(organizations.c.organization_id == organization_id))
        if enterprise_ids:
            self._connection.execute(
                insert(organizations),
                [
                    {"organization_id": organization_id, "enterprise_id": e, "authority_id": authority_id}
                    for e in set(enterprise_ids)
                ],
            )

    def dissolve(self, organization_id: str) -> list[tuple[str, str]]:
        query = select(organizations.c.enterprise_id, organizations.c.authority_id).where(
            organizations.c.organization_id == organization_id
        )
        covered = [(r.enterprise_id, r.authority_id) for r in self._connection.execute(query)]
        self._connection.execute(delete(organizations).where(organizations.c.organization_id == organization_id))
        return covered

    def open_if_absent(self, deadline: Deadline) -> None:
        key = and_(deadlines.c.subject == deadline.subject, deadlines.c.kind == deadline.kind.value)
        found = self._connection.execute(select(deadlines.c.status).where(key)).first()
        if found is not None and found.status == OPEN:
            return
        SqlDeadlineBook(self._connection).track(deadline)
