"""Benchmark (a): events appended in batches to registry's store, as a bulk import would,
published by the outbox relay (in registry's worker process, as deployed) and applied by
reporting's projection: events/s end to end and latency from append to projection (the
consumer's commit).

And (c): rebuilding reporting's projection from the store.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.payloads import enterprise_payloads
from coso_backbone.broker import consumer_queue, open_channel
from coso_backbone.config import CosoSettings
from coso_backbone.consumer import ApplyOutcome, Consumer, ConsumerLoop, Incoming
from coso_backbone.contracts.registry import AuthorityRegistered, EnterpriseRegistered
from coso_backbone.database import create_database_engine
from coso_backbone.eventstore import EventStore, StreamAppend
from coso_backbone.migrate import upgrade_backbone


class _NoDeadLetters:
    def send(self, letters: list[Any]) -> None:
        raise RuntimeError(f"benchmark events were dead-lettered: {[letter.reason for letter in letters]}")


class TimedConsumer(Consumer):
    """Records, for each event, the time from its append to the commit that applied it."""

    latencies: list[float]

    def apply(self, incoming: Sequence[Incoming]) -> ApplyOutcome:
        outcome = super().apply(incoming)
        now = time.time()
        self.latencies.extend(now - item.envelope.time.timestamp() for item in incoming)
        return outcome


@dataclass
class PipelineResult:
    backend: str
    events: int
    seconds: float
    events_per_s: float
    p50_ms: float
    p99_ms: float

    def line(self) -> str:
        return (
            f"(a) {self.backend:10s} {self.events} events in {self.seconds:.2f} s: "
            f"{self.events_per_s:,.0f} events/s, append->projection p50 {self.p50_ms:.0f} ms, p99 {self.p99_ms:.0f} ms"
        )


def authority_events(authorities: int) -> list[StreamAppend]:
    return [
        StreamAppend(
            f"authority-p{i}",
            0,
            [
                AuthorityRegistered(
                    authority_id=f"p{i}",
                    name=f"Tỉnh ủy {i}",
                    level="province",
                    parent_id=None,
                    effective_from="2025-07-01",
                ).to_new_event(f"p{i}")
            ],
        )
        for i in range(authorities)
    ]


def append_enterprises(store: EventStore, count: int, tag: str, batch: int = 500) -> None:
    payloads = enterprise_payloads(count, tag)
    for start in range(0, count, batch):
        store.append_many(
            [
                StreamAppend(
                    f"enterprise-{p['enterprise_id']}",
                    0,
                    [EnterpriseRegistered.model_validate(p).to_new_event(p["authority_id"])],
                )
                for p in payloads[start : start + batch]
            ]
        )


def run_pipeline(
    backend: str, registry_url: str, reporting_url: str, amqp_uri: str, count: int, tag: str
) -> PipelineResult:
    from coso_reporting import bootstrap as reporting_bootstrap
    from coso_reporting.adapters.projection import projection_handlers

    registry_engine = create_database_engine(registry_url)
    upgrade_backbone(registry_engine)
    store = EventStore(registry_engine)
    settings = CosoSettings(
        service="reporting", database_url=reporting_url, amqp_uri=amqp_uri, http_port=0, metrics_port=0
    )
    reporting_bootstrap.migrate(settings)
    reporting_engine = create_database_engine(reporting_url)

    producer = "registry"
    source = f"/coso/bench-{tag}/registry"
    consumer_name = f"bench-{tag}"
    store.append_many(authority_events(50))
    consumer = TimedConsumer(consumer_name, reporting_engine, projection_handlers(), _NoDeadLetters())
    consumer.latencies = []
    loop = ConsumerLoop(consumer, amqp_uri, [producer], batch_size=500)
    loop.declare()
    # The relay runs where it runs in production: in registry's worker process.
    relay = registry_worker(registry_url, amqp_uri, f"bench-{tag}")
    stop = threading.Event()
    threads = [threading.Thread(target=loop.run, args=(stop,))]
    for thread in threads:
        thread.start()
    try:
        _wait_for(lambda: consumer.checkpoints().get(source, 0) >= 50, 60)
        consumer.latencies.clear()
        started = time.perf_counter()
        append_enterprises(store, count, tag)
        last = store.last_position()
        _wait_for(lambda: consumer.checkpoints().get(source, 0) >= last, 600)
        elapsed = time.perf_counter() - started
    finally:
        stop.set()
        relay.terminate()
        relay.wait(timeout=30)
        for thread in threads:
            thread.join()
        _delete_queue(amqp_uri, consumer_queue(consumer_name, producer))
        _delete_queue(amqp_uri, f"{consumer_name}.dead-letters")
    latencies = sorted(consumer.latencies)
    registry_engine.dispose()
    reporting_engine.dispose()
    return PipelineResult(
        backend,
        count,
        elapsed,
        count / elapsed,
        statistics.median(latencies) * 1000,
        latencies[int(len(latencies) * 0.99)] * 1000,
    )


def registry_worker(database_url: str, amqp_uri: str, deployment: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "COSO_REGISTRY_DATABASE_URL": database_url,
        "COSO_AMQP_URI": amqp_uri,
        "COSO_DEPLOYMENT": deployment,
        "COSO_REGISTRY_METRICS_PORT": "0",
    }
    worker = Path(sys.executable).parent / "coso-registry"
    log = Path("bench-results") / "registry-worker.log"
    log.parent.mkdir(exist_ok=True)
    with log.open("ab") as output:
        return subprocess.Popen([str(worker), "worker"], env=env, stdout=output, stderr=subprocess.STDOUT)


def _wait_for(predicate: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the benchmark pipeline did not finish in time; see bench-results/registry-worker.log")
        time.sleep(0.02)


def _delete_queue(amqp_uri: str, queue: str) -> None:
    connection, channel = open_channel(amqp_uri)
    try:
        channel.queue_delete(queue)
    finally:
        connection.release()
