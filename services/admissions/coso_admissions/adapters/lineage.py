"""An authority's lineage (itself, then its superiors) from the registry's events as admissions
keeps them (`admissions_registry_authorities.parent_id`): which rule sets cover it."""

from __future__ import annotations

from coso_admissions.adapters.tables import registry_authorities
from coso_backbone.eventstore import EventStore
from coso_backbone.rulesets.lineage import SqlParentLineage


def authority_lineage(store: EventStore) -> SqlParentLineage:
    return SqlParentLineage(store.engine, registry_authorities.c.authority_id, registry_authorities.c.parent_id)
