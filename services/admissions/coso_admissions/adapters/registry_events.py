"""What admissions does with the registry's events: keeps its own copy of who exists.

The handlers run in the consumer's transaction (which also stores the checkpoint) and write
with SQLAlchemy Core on the connection they are given. They assume nothing about order
across event types: an enterprise whose authority admissions has not heard of is recorded
all the same. A row is replaced if the same id is announced again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, insert, update

from coso_admissions.adapters.tables import registry_authorities, registry_enterprises
from coso_backbone.contracts.registry import AuthorityRegistered, EnterpriseRegistered
from coso_backbone.envelope import Envelope
from coso_backbone.handlers import EventHandlers


def registry_event_handlers() -> EventHandlers:
    return EventHandlers().on(AuthorityRegistered, remember_authority).on(EnterpriseRegistered, remember_enterprise)


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
