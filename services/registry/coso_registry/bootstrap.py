"""The registry's composition root: the one place where adapters are chosen and wired."""

from __future__ import annotations

from pathlib import Path

from coso_backbone import wiring
from coso_backbone.config import CosoSettings
from coso_backbone.eventstore import EventStore
from coso_registry.adapters.sql import SqlRegistryQueries, SqlRegistryUnitOfWork
from coso_registry.application.registry import Registry

MIGRATIONS = Path(__file__).parent / "adapters" / "migrations"


class RegistryApp:
    """What the entrypoints get: the use cases and the store behind them."""

    def __init__(self, settings: CosoSettings, store: EventStore) -> None:
        self.settings = settings
        self.store = store
        self.registry = Registry(lambda: SqlRegistryUnitOfWork(store), SqlRegistryQueries(store))


def build(settings: CosoSettings) -> RegistryApp:
    return RegistryApp(settings, wiring.event_store(settings))


def migrate(settings: CosoSettings) -> None:
    wiring.migrate(settings, MIGRATIONS)


def worker_loops(settings: CosoSettings) -> list[tuple[str, wiring.Loop]]:
    """The registry's worker publishes its events; it consumes nothing."""
    return [wiring.relay_loop(settings, wiring.event_store(settings))]
