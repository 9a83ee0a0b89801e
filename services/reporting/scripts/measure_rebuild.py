"""Measure the rebuild's throughput with in-process event sources (no HTTP).

    .venv/bin/python services/reporting/scripts/measure_rebuild.py --enterprises 100000 --candidates 100000

Seeds a registry and an admissions event store (SQLite files under --work, reused if
present), then rebuilds reporting's projection twice into --target: reading the stores
page by page (what a read API would serve), and from envelopes already in memory (the
rebuild alone). Prints events/s for both.
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path
from typing import Any

from coso_backbone.contracts import EventContract
from coso_backbone.contracts.admissions import CandidateProposed, JobCategory, SourceChannel
from coso_backbone.contracts.registry import AuthorityLevel, AuthorityRegistered, EnterpriseRegistered, Ownership
from coso_backbone.database import create_database_engine
from coso_backbone.envelope import Envelope
from coso_backbone.eventstore import EventStore, StreamAppend
from coso_backbone.migrate import upgrade_backbone
from coso_backbone.readapi import StoreEventSource
from coso_reporting.adapters.rebuild import EventSource, rebuild

AUTHORITIES = 300


class MemorySource:
    """Envelopes already in memory: measures the rebuild alone."""

    def __init__(self, envelopes: list[Envelope], source: str) -> None:
        self.envelopes, self.source = envelopes, source

    def info(self) -> dict[str, Any]:
        return {"source": self.source, "last_position": len(self.envelopes)}

    def read_after(self, position: int, limit: int = 1000) -> list[Envelope]:
        return self.envelopes[position : position + limit]


def authority(n: int) -> str:
    return "hn" if n == 0 else f"hn.a{n}"


def registry_events(enterprises: int) -> list[tuple[str, EventContract]]:
    events: list[tuple[str, EventContract]] = []
    for n in range(AUTHORITIES):
        parent = None if n == 0 else ("hn" if n < 30 else authority(n % 29 + 1))
        level = AuthorityLevel.PROVINCE if n == 0 else AuthorityLevel.COMMUNE
        registered = AuthorityRegistered(
            authority_id=authority(n),
            name=f"Đảng ủy {n}",
            level=level,
            parent_id=parent,
            effective_from=date(2025, 7, 1),
        )
        events.append((f"authority-{authority(n)}", registered))
    for n in range(enterprises):
        enterprise = EnterpriseRegistered(
            enterprise_id=f"e{n}",
            tax_code="0100109106",
            name=f"Công ty {n}",
            authority_id=authority(n % AUTHORITIES),
            ownership=Ownership.DOMESTIC_PRIVATE,
            worker_count=100,
            registered_on=date(2024, 1, 1),
        )
        events.append((f"enterprise-e{n}", enterprise))
    return events


def admissions_events(candidates: int, enterprises: int) -> list[tuple[str, EventContract]]:
    return [
        (
            f"candidate-c{n}",
            CandidateProposed(
                candidate_id=f"c{n}",
                enterprise_id=f"e{n % enterprises}",
                authority_id="hn",
                source_channel=SourceChannel.YOUTH_UNION,
                job_category=JobCategory.PRODUCTION_WORKER,
                proposed_on=date(2025, 1, 1),
            ),
        )
        for n in range(candidates)
    ]


def seeded_store(path: Path, events: Any) -> EventStore:
    fresh = not path.exists()
    engine = create_database_engine(f"sqlite:///{path}")
    upgrade_backbone(engine)
    store = EventStore(engine)
    if fresh:
        seeded = events()
        for start in range(0, len(seeded), 5000):
            store.append_many([StreamAppend(s, 0, [e.to_new_event("hn")]) for s, e in seeded[start : start + 5000]])
    return store


def measure(label: str, target: str, sources: list[EventSource]) -> None:
    engine = create_database_engine(target)
    cpu = time.process_time()
    stats = rebuild(engine, sources)
    cpu = time.process_time() - cpu
    engine.dispose()
    print(
        f"{label}: {stats.events} events in {stats.seconds:.2f}s = {stats.events_per_second:,.0f} events/s "
        f"({stats.events / cpu:,.0f} per CPU second)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path("var/measure-rebuild"))
    parser.add_argument("--target", help="reporting's database URL (default: a SQLite file under --work)")
    args = parser.parse_args()
    work = args.work / f"{args.enterprises}-{args.candidates}"
    work.mkdir(parents=True, exist_ok=True)
    target = args.target or f"sqlite:///{work / 'reporting.db'}"
    registry = seeded_store(work / "registry.db", lambda: registry_events(args.enterprises))
    admissions = seeded_store(work / "admissions.db", lambda: admissions_events(args.candidates, args.enterprises))
    sources = [
        StoreEventSource(registry, "registry", "/coso/measure/registry"),
        StoreEventSource(admissions, "admissions", "/coso/measure/admissions"),
    ]
    measure("store sources ", target, list(sources))
    in_memory: list[EventSource] = [MemorySource(s.read_after(0, 10**9), s.source) for s in sources]
    measure("memory sources", target, in_memory)


if __name__ == "__main__":
    main()
