"""Helpers for each service's composition root (bootstrap.py): the store, migrations,
the relay and the consumer loops, built from a service's settings."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import Engine

from coso_backbone.broker import ConfirmingPublisher, superior_rules_exchange
from coso_backbone.config import CosoSettings
from coso_backbone.consumer import Consumer, ConsumerLoop
from coso_backbone.contracts import ContractType
from coso_backbone.database import create_database_engine
from coso_backbone.deadletters import DeadLetterQueue
from coso_backbone.eventstore import EventStore
from coso_backbone.handlers import EventHandlers
from coso_backbone.migrate import upgrade, upgrade_backbone
from coso_backbone.relay import OutboxRelay
from coso_backbone.rulesets.records import received_rules_handlers

Loop = Callable[[threading.Event], None]


def event_store(settings: CosoSettings) -> EventStore:
    return EventStore(create_database_engine(settings.database_url))


def migrate(settings: CosoSettings, service_migrations: Path | None) -> None:
    store = event_store(settings)
    migrate_engine(store.engine, settings.service, service_migrations)
    store.engine.dispose()


def migrate_engine(engine: Engine, service: str, service_migrations: Path | None) -> None:
    """The backbone's tables, then the service's own (if it has any), each at its last revision."""
    upgrade_backbone(engine)
    if service_migrations is not None:
        upgrade(engine, service_migrations, f"{service}_version")


def relay_loop(settings: CosoSettings, store: EventStore) -> tuple[str, Loop]:
    relay = OutboxRelay(
        store,
        ConfirmingPublisher(settings.amqp_uri, settings.service),
        settings.service,
        settings.source,
        batch_size=settings.relay_batch_size,
    )
    return ("relay", relay.run)


def consumer(
    settings: CosoSettings,
    store: EventStore,
    handlers: EventHandlers,
    name: str | None = None,
    reject_sources: Sequence[str] = (),
) -> Consumer:
    consumer_name = name or settings.service
    return Consumer(
        consumer_name,
        store.engine,
        handlers,
        DeadLetterQueue(settings.amqp_uri, consumer_name),
        read_apis=settings.read_apis,
        source_read_apis=settings.source_read_apis,
        accept_sources=settings.accept_sources,
        reject_sources=reject_sources,
    )


def consumer_loop(
    settings: CosoSettings,
    consumer: Consumer,
    producers: Sequence[str],
    routing_keys: Sequence[str] | None = None,
    exchange: Callable[[str], str] | None = None,
) -> tuple[str, Loop]:
    loop = ConsumerLoop(
        consumer,
        settings.amqp_uri,
        producers,
        batch_size=settings.consumer_batch_size,
        routing_keys=routing_keys,
        exchange=exchange,
    )
    return (f"consumer:{consumer.name}", loop.run)


# --- rules a superior adopts (docs/FEDERATION.md, "Rules decided by a superior") -------------
def superior_sources(settings: CosoSettings, producer: str) -> bool:
    """Whether a link brings a superior's `producer` events (or its rules) down to this stack:
    `source_read_apis` (written by `coso-link service-config`) names a source of `producer`
    other than this stack's own."""
    return any(source.endswith(f"/{producer}") and source != settings.source for source in settings.source_read_apis)


def superior_rules_consumer(settings: CosoSettings, store: EventStore, model: ContractType, name: str) -> Consumer:
    """The consumer of the `RulesAdopted` superiors' stacks adopt: it keeps their rule sets in
    `rule_sets` with its checkpoint, never applies this stack's own (its own ce-source), and
    catches up through `source_read_apis` (the superior's read API, which serves the link's
    down token only `RulesAdopted`)."""
    return consumer(settings, store, received_rules_handlers(model), name=name, reject_sources=[settings.source])


def superior_rules_loop(
    settings: CosoSettings,
    rules_consumer: Consumer,
    model: ContractType,
    exchange: Callable[[str], str] | None = superior_rules_exchange,
) -> tuple[str, Loop]:
    """Its loop: a queue bound to `<producer>.superior-rules` (where a link delivers a superior's
    rules, read by no other consumer) with the key `RulesAdopted` only; `exchange=None` binds
    `<producer>.events` instead (registry's rules come down with its hierarchy)."""
    return consumer_loop(
        settings, rules_consumer, (model.event_producer,), routing_keys=(model.event_name,), exchange=exchange
    )
