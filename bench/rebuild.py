"""Benchmark (c): rebuilding reporting's projection from registry's event store."""

from __future__ import annotations

from dataclasses import dataclass

from coso_backbone.database import create_database_engine
from coso_backbone.eventstore import EventStore
from coso_backbone.readapi import StoreEventSource
from coso_reporting.adapters.rebuild import rebuild


@dataclass
class RebuildResult:
    backend: str
    events: int
    seconds: float

    def line(self) -> str:
        return (
            f"(c) {self.backend:10s} rebuild of reporting's projection from {self.events} events in "
            f"{self.seconds:.2f} s: {self.events / self.seconds:,.0f} events/s"
        )


def run_rebuild(backend: str, registry_url: str, target_url: str) -> RebuildResult:
    store = EventStore(create_database_engine(registry_url))
    target = create_database_engine(target_url)
    try:
        source = StoreEventSource(store, "registry", "/coso/bench/registry")
        stats = rebuild(target, [source])
    finally:
        store.engine.dispose()
        target.dispose()
    return RebuildResult(backend, stats.events, stats.seconds)
