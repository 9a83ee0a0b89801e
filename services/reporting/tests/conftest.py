"""Fixtures of reporting's tests: stand-ins for the registry's and admissions' event stores,
an in-process event source over them, and a projection database migrated to head.

The stand-ins are real event stores (SQLite files) holding real contract events under
sources unique to the test; reporting's tests never import another service.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from coso_backbone import readapi
from coso_backbone.broker import (
    DEAD_LETTER_EXCHANGE,
    ConfirmingPublisher,
    consumer_queue,
    dead_letter_queue,
    open_channel,
)
from coso_backbone.consumer import ApplyOutcome, Consumer, ConsumerLoop, Incoming
from coso_backbone.contracts import EventContract
from coso_backbone.contracts.admissions import CandidateProposed, JobCategory, SourceChannel
from coso_backbone.contracts.registry import AuthorityLevel, AuthorityRegistered, EnterpriseRegistered, Ownership
from coso_backbone.database import create_database_engine
from coso_backbone.deadletters import DeadLetter
from coso_backbone.envelope import Envelope
from coso_backbone.eventstore import EventStore, StreamAppend
from coso_backbone.migrate import upgrade_backbone
from coso_backbone.relay import OutboxRelay
from coso_backbone.testing import WAIT_SECONDS
from coso_backbone.testing_schemas import database_url_fixture
from coso_reporting.adapters.projection import projection_handlers
from coso_reporting.adapters.queries import SqlIndicatorQueries
from coso_reporting.adapters.schema import migrate_engine
from coso_reporting.adapters.tables import LIVE
from coso_reporting.adapters.trees import SqlAuthorityTrees
from coso_reporting.application.indicators import Indicators

CONSUMER = "reporting"


class StoreSource:
    """An event source over an event store, in process (what the read API serves, without HTTP)."""

    def __init__(self, store: EventStore, producer: str, source: str) -> None:
        self.store, self.producer, self.source = store, producer, source

    def info(self) -> dict[str, Any]:
        return readapi.info(self.store, self.producer, self.source)

    def read_after(self, position: int, limit: int = 1000) -> list[Envelope]:
        return [Envelope.from_recorded(e, self.producer, self.source) for e in self.store.read_after(position, limit)]


@dataclass
class Producer:
    """One producing service's stand-in: its event store and its ce-source."""

    name: str
    store: EventStore
    source: str

    @property
    def event_source(self) -> StoreSource:
        return StoreSource(self.store, self.name, self.source)

    def record(self, stream_id: str, event: EventContract) -> Envelope:
        with self.store.transaction() as recording:
            [recorded] = recording.append(stream_id, recording.stream_version(stream_id), [event.to_new_event("hn")])
        return Envelope.from_recorded(recorded, self.name, self.source)

    def record_many(self, events: Sequence[tuple[str, EventContract]]) -> None:
        """Append many events, each to a new stream of its own, in one transaction."""
        self.store.append_many([StreamAppend(s, 0, [e.to_new_event("hn")]) for s, e in events])

    def envelopes(self) -> list[Envelope]:
        return self.event_source.read_after(0, 100_000)


@dataclass
class World:
    """Registry and admissions stand-ins, with helpers in the domain's words."""

    registry: Producer
    admissions: Producer

    def authority(
        self,
        authority_id: str,
        parent_id: str | None = None,
        name: str | None = None,
        since: date = date(2020, 1, 1),
    ) -> Envelope:
        """Registered from `since` (default 2020, before every record the tests file under it)."""
        level = AuthorityLevel.PROVINCE if parent_id is None else AuthorityLevel.COMMUNE
        event = AuthorityRegistered(
            authority_id=authority_id,
            name=name or f"Đảng ủy {authority_id}",
            level=level,
            parent_id=parent_id,
            effective_from=since,
        )
        return self.registry.record(f"authority-{authority_id}", event)

    def enterprise(self, enterprise_id: str, authority_id: str, stream: str | None = None) -> Envelope:
        return self.registry.record(
            stream or f"enterprise-{enterprise_id}", enterprise_event(enterprise_id, authority_id)
        )

    def candidate(self, candidate_id: str, enterprise_id: str, authority_id: str) -> Envelope:
        return self.admissions.record(
            f"candidate-{candidate_id}", candidate_event(candidate_id, enterprise_id, authority_id)
        )

    @property
    def sources(self) -> list[StoreSource]:
        return [self.registry.event_source, self.admissions.event_source]


def enterprise_event(enterprise_id: str, authority_id: str) -> EnterpriseRegistered:
    return EnterpriseRegistered(
        enterprise_id=enterprise_id,
        tax_code="0100109106",
        name=f"Công ty {enterprise_id}",
        authority_id=authority_id,
        ownership=Ownership.DOMESTIC_PRIVATE,
        worker_count=120,
        registered_on=date(2024, 1, 2),
    )


def candidate_event(candidate_id: str, enterprise_id: str, authority_id: str) -> CandidateProposed:
    return CandidateProposed(
        candidate_id=candidate_id,
        enterprise_id=enterprise_id,
        authority_id=authority_id,
        source_channel=SourceChannel.ENTERPRISE_TRADE_UNION,
        job_category=JobCategory.PRODUCTION_WORKER,
        proposed_on=date(2025, 3, 4),
    )


@pytest.fixture
def plain_database_driver() -> Iterator[None]:
    """The rebuild as its command runs it: psycopg2 without eventlet's wait callback (which
    importing the nameko service installs for the whole test process), so that PostgreSQL's
    pages go through COPY and the rebuild's lanes run (neither does under eventlet)."""
    import psycopg2.extensions

    green = psycopg2.extensions.get_wait_callback()
    psycopg2.extensions.set_wait_callback(None)
    yield
    psycopg2.extensions.set_wait_callback(green)


@pytest.fixture
def world(tmp_path: Path, run_id: str, schema_templates: Any) -> Iterator[World]:
    """Registry and admissions event stores (SQLite files) with sources unique to the test."""
    engines = []
    producers = []
    for name in ("registry", "admissions"):
        engine = create_database_engine(
            schema_templates.sqlite_url(tmp_path / f"{name}-source.db", "backbone", upgrade_backbone)
        )
        engines.append(engine)
        producers.append(Producer(name, EventStore(engine), f"/coso/{run_id}/{name}"))
    yield World(*producers)
    for engine in engines:
        engine.dispose()


class FakeDeadLetterSink:
    def __init__(self) -> None:
        self.letters: list[DeadLetter] = []

    def send(self, letters: list[DeadLetter]) -> None:
        self.letters.extend(letters)


@dataclass
class Projection:
    """Reporting's database, with the live consumer and the indicator queries over it."""

    engine: Engine
    sink: FakeDeadLetterSink
    consumer: Consumer

    @property
    def indicators(self) -> Indicators:
        return Indicators(SqlIndicatorQueries(self.engine, CONSUMER), SqlAuthorityTrees(self.engine))

    def deliver(self, envelopes: Sequence[Envelope]) -> ApplyOutcome:
        return self.consumer.apply([Incoming.from_catch_up(e) for e in envelopes])

    def counts(self) -> dict[str, tuple[tuple[int, int], tuple[int, int]]]:
        """authority -> ((own enterprises, own candidates), (subtree enterprises, subtree candidates))"""
        return {
            a["authority_id"]: (
                (a["own"]["enterprises"], a["own"]["candidates_proposed"]),
                (a["subtree"]["enterprises"], a["subtree"]["candidates_proposed"]),
            )
            for a in self.indicators.all()["authorities"]
        }

    def rows(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of the projection's tables, sorted, to compare two projections."""
        with self.engine.connect() as connection:
            return {t.name: sorted(tuple(r) for r in connection.execute(select(t))) for t in LIVE.all()}


@pytest.fixture
def projection_at() -> Iterator[Callable[[str], Projection]]:
    """Open reporting's database at a URL, migrated, with a consumer named `reporting`."""
    opened: list[Engine] = []

    def open_projection(url: str) -> Projection:
        engine = create_database_engine(url)
        migrate_engine(engine)
        opened.append(engine)
        sink = FakeDeadLetterSink()
        return Projection(engine, sink, Consumer(CONSUMER, engine, projection_handlers(), sink))

    yield open_projection
    for engine in opened:
        engine.dispose()


migrated_database_url = database_url_fixture("reporting", migrate_engine, name="migrated_database_url")


@pytest.fixture
def projection(projection_at: Callable[[str], Projection], migrated_database_url: str) -> Projection:
    """Reporting's database on SQLite and on PostgreSQL (the test runs once on each), copied
    from a migrated template."""
    return projection_at(migrated_database_url)


@pytest.fixture
def consume_over_rabbitmq(amqp_uri: str, run_id: str) -> Callable[[World, Projection], None]:
    """`consume(world, projection)`: registry's and admissions' relays publish what their
    stores hold to their exchanges; reporting's consumer loop (queues named after the run)
    applies it; returns once the consumer's checkpoints reach what was published, and
    removes the run's queues."""
    return lambda world, projection: _consume_over_rabbitmq(world, projection, amqp_uri, run_id)


def _consume_over_rabbitmq(world: World, projection: Projection, amqp_uri: str, run_id: str) -> None:
    name = f"{run_id}-reporting"
    consumer = Consumer(name, projection.engine, projection_handlers(), projection.sink)
    loop = ConsumerLoop(consumer, amqp_uri, ["registry", "admissions"])
    loop.declare()
    stop = threading.Event()
    worker = threading.Thread(target=loop.run, args=(stop,), daemon=True)
    worker.start()
    try:
        published = {}
        for producer in (world.registry, world.admissions):
            publisher = ConfirmingPublisher(amqp_uri, producer.name)
            try:
                published[producer.source] = OutboxRelay(
                    producer.store, publisher, producer.name, producer.source
                ).publish_pending()
            finally:
                publisher.close()
        deadline = time.monotonic() + WAIT_SECONDS
        while consumer.checkpoints() != published:
            assert time.monotonic() < deadline, f"the consumer reached {consumer.checkpoints()} of {published}"
            time.sleep(0.05)
    finally:
        stop.set()
        worker.join(timeout=15)
        connection, channel = open_channel(amqp_uri)
        try:
            for producer in ("registry", "admissions"):
                channel.queue_delete(consumer_queue(name, producer))
            channel.queue_unbind(dead_letter_queue(name), DEAD_LETTER_EXCHANGE, name)
            channel.queue_delete(dead_letter_queue(name))
        finally:
            connection.release()
