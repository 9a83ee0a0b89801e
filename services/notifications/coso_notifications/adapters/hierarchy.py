"""The authorities' hierarchy as registry's events describe it (`AuthorityRegistered`,
`AuthorityReparented`), kept by the consumer in `notifications_authorities`: the superiors
whose rule sets cover an authority (`authority_lineage`)."""

from __future__ import annotations

from sqlalchemy import Connection, insert, update

from coso_backbone.contracts.registry import AuthorityRegistered, AuthorityReparented
from coso_backbone.envelope import Envelope
from coso_backbone.eventstore import EventStore
from coso_backbone.handlers import EventHandlers
from coso_backbone.rulesets.lineage import SqlParentLineage
from coso_notifications.adapters.tables import authorities


def _place(connection: Connection, authority_id: str, parent_id: str | None) -> None:
    moved = connection.execute(
        update(authorities).where(authorities.c.authority_id == authority_id).values(parent_id=parent_id)
    ).rowcount
    if not moved:
        connection.execute(insert(authorities).values(authority_id=authority_id, parent_id=parent_id))


def register_hierarchy_events(handlers: EventHandlers) -> EventHandlers:
    def on_registered(connection: Connection, envelope: Envelope, event: AuthorityRegistered) -> None:
        _place(connection, event.authority_id, event.parent_id)

    def on_reparented(connection: Connection, envelope: Envelope, event: AuthorityReparented) -> None:
        _place(connection, event.authority_id, event.parent_id)

    return handlers.on(AuthorityRegistered, on_registered).on(AuthorityReparented, on_reparented)


def authority_lineage(store: EventStore) -> SqlParentLineage:
    return SqlParentLineage(store.engine, authorities.c.authority_id, authorities.c.parent_id)
