"""What admissions does with the registry's events: keeps its own copy of who exists.

The handlers run in the consumer's transaction (which also stores the checkpoint) and write
with SQLAlchemy Core on the connection they are given. They assume nothing about order
across event types: an enterprise whose authority admissions has not heard of is recorded
all the same. A row is replaced if the same id is announced again. Reparented, merged, split and dissolved
authorities keep the hierarchy that access control walks (adapters/access.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, insert, update

from coso_admissions.adapters.tables import authority_successions, registry_authorities, registry_enterprises
from coso_backbone.contracts.registry import (
    AuthorityDissolved,
    AuthorityMerged,
    AuthorityRegistered,
    AuthorityReparented,
    AuthoritySplit,
    EnterpriseRegistered,
)
from coso_backbone.envelope import Envelope
from coso_backbone.handlers import EventHandlers


def registry_event_handlers() -> EventHandlers:
    return (
        EventHandlers()
        .on(AuthorityRegistered, remember_authority)
        .on(EnterpriseRegistered, remember_enterprise)
        .on(AuthorityReparented, move_authority)
        .on(AuthorityMerged, remember_merger)
        .on(AuthoritySplit, remember_split)
        .on(AuthorityDissolved, remember_dissolution)
    )


def remember_authority(connection: Connection, envelope: Envelope, event: AuthorityRegistered) -> None:
    _upsert(
        connection,
        registry_authorities,
        "authority_id",
        authority_id=event.authority_id,
        name=event.name,
        level=event.level.value,
        parent_id=event.parent_id,
        effective_from=event.effective_from,
    )


def remember_enterprise(connection: Connection, envelope: Envelope, event: EnterpriseRegistered) -> None:
    _upsert(
        connection,
        registry_enterprises,
        "enterprise_id",
        enterprise_id=event.enterprise_id,
        authority_id=event.authority_id,
        tax_code=event.tax_code,
        name=event.name,
    )


def _upsert(connection: Connection, table: Table, key: str, **values: Any) -> None:
    changed = connection.execute(update(table).where(table.c[key] == values[key]).values(**values)).rowcount
    if not changed:
        connection.execute(insert(table).values(**values))


def move_authority(connection: Connection, envelope: Envelope, event: AuthorityReparented) -> None:
    """The authority answers to a new superior (an authority not yet heard of is left for its registration)."""
    connection.execute(
        update(registry_authorities)
        .where(registry_authorities.c.authority_id == event.authority_id)
        .values(parent_id=event.parent_id)
    )


def remember_merger(connection: Connection, envelope: Envelope, event: AuthorityMerged) -> None:
    _succeeded(connection, event.authority_id, event.successor_id, event)


def remember_split(connection: Connection, envelope: Envelope, event: AuthoritySplit) -> None:
    for successor_id in event.successor_ids:
        _succeeded(connection, event.authority_id, successor_id, event)


def remember_dissolution(connection: Connection, envelope: Envelope, event: AuthorityDissolved) -> None:
    if event.successor_id is not None:
        _succeeded(connection, event.authority_id, event.successor_id, event)


def _succeeded(
    connection: Connection,
    predecessor_id: str,
    successor_id: str,
    event: AuthorityMerged | AuthoritySplit | AuthorityDissolved,
) -> None:
    """A grant on the successor covers the predecessor's files from the day it ceased to exist."""
    t = authority_successions
    changed = connection.execute(
        update(t)
        .where(t.c.predecessor_id == predecessor_id, t.c.successor_id == successor_id)
        .values(effective_from=event.effective_from)
    ).rowcount
    if not changed:
        connection.execute(
            insert(t).values(
                predecessor_id=predecessor_id, successor_id=successor_id, effective_from=event.effective_from
            )
        )
