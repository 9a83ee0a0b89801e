"""Fixtures of the notifications integration tests: a webhook receiver, a clock that moves
only when told, and the service wired by its bootstrap on a real database.

Helpers are fixtures because test modules are imported with `--import-mode=importlib`
and cannot import each other.
"""

from __future__ import annotations

import json
import subprocess
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest

from coso_backbone import wiring
from coso_backbone.config import CosoSettings
from coso_backbone.consumer import ApplyOutcome, Consumer, Incoming
from coso_backbone.contracts.admissions import CandidateProposed, JobCategory, SourceChannel
from coso_backbone.envelope import Envelope
from coso_backbone.events import RecordedEvent
from coso_backbone.eventstore import EventStore
from coso_notifications import bootstrap
from coso_notifications.adapters.sql import SqlDeliveryQueries
from coso_notifications.application.delivering import Deliverer
from coso_notifications.application.delivery_log import DeliveryLog
from coso_notifications.application.ports import WebhookSender
from coso_notifications.domain.delivery import stream_of_notification

SECRET = "bí-mật-của-thử-nghiệm"


# --- a webhook receiver ------------------------------------------------------
@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes
    answered: int


class Receiver:
    """An HTTP server on 127.0.0.1 that answers POSTs with the statuses it is given, then 200."""

    def __init__(self, statuses: Sequence[int] = ()) -> None:
        self.statuses = list(statuses)
        self.received: list[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver._lock:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver.received.append(Received(dict(self.headers.items()), body, status))
                answer = b"ok" if status < 300 else b"receiver is down"
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/coso-hook"

    def accepted(self) -> list[Received]:
        return [r for r in self.received if 200 <= r.answered < 300]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def receiver() -> Iterator[Callable[..., Receiver]]:
    """Start webhook receivers: `receiver(503, 503)` fails twice, then accepts."""
    started: list[Receiver] = []

    def start(*statuses: int) -> Receiver:
        started.append(Receiver(statuses))
        return started[-1]

    yield start
    for server in started:
        server.close()


# --- the clock -----------------------------------------------------------------
class FakeClock:
    def __init__(self) -> None:
        self.time = datetime(2025, 11, 25, 1, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.time

    def advance(self, seconds: float) -> None:
        self.time += timedelta(seconds=seconds)


# --- the service on a real database ----------------------------------------------
def settings_for(database_url: str, webhooks: Sequence[str], amqp_uri: str, **options: Any) -> CosoSettings:
    return CosoSettings(
        service="notifications",
        database_url=database_url,
        amqp_uri=amqp_uri,
        http_port=0,
        metrics_port=0,
        options={
            "webhooks": [{"url": url, "secret": SECRET, "rules": ["candidate_proposed"]} for url in webhooks],
            **options,
        },
    )


@dataclass
class Notifications:
    """The notifications service as its worker wires it, with a clock the test moves."""

    settings: CosoSettings
    store: EventStore
    clock: FakeClock
    consumer: Consumer
    source: str
    sequence: int = 0
    stores: list[EventStore] = field(default_factory=list)

    def proposal(self, candidate_id: str | None = None) -> Incoming:
        """A new CandidateProposed from admissions, as the consumer would receive it."""
        self.sequence += 1
        event = CandidateProposed(
            candidate_id=candidate_id or str(uuid.uuid4()),
            enterprise_id="e-1",
            authority_id="hn.kcn-thang-long",
            source_channel=SourceChannel.ENTERPRISE_TRADE_UNION,
            job_category=JobCategory.PRODUCTION_WORKER,
            proposed_on=date(2025, 11, 20),
        )
        envelope = Envelope(
            id=str(uuid.uuid4()),
            source=self.source,
            producer="admissions",
            event_type="CandidateProposed",
            version=1,
            time=self.clock.now(),
            subject=f"candidate-{event.candidate_id}",
            sequence=self.sequence,
            authority="hn.kcn-thang-long",
            data_json=json.dumps(event.model_dump(mode="json")),
        )
        return Incoming(
            envelope, envelope.data_json.encode(), envelope.amqp_headers(), "admissions.events", "CandidateProposed"
        )

    def apply(self, *incoming: Incoming, consumer: Consumer | None = None) -> ApplyOutcome:
        return (consumer or self.consumer).apply(list(incoming))

    def another_consumer(self, name: str) -> Consumer:
        return wiring.consumer(self.settings, self.store, bootstrap.handlers(self.settings, self.clock), name)

    def deliverer(self, sender: WebhookSender | None = None, fresh_store: bool = False) -> Deliverer:
        """The deliverer the worker runs; `fresh_store` opens the database anew, as a restarted process does."""
        store = self.store
        if fresh_store:
            store = wiring.event_store(self.settings)
            self.stores.append(store)
        return bootstrap.deliverer(self.settings, store, self.clock, sender)

    def log(self, status: str | None = None) -> list[dict[str, Any]]:
        return DeliveryLog(SqlDeliveryQueries(self.store)).deliveries(status)

    def entry(self, notification_id: str) -> dict[str, Any]:
        return DeliveryLog(SqlDeliveryQueries(self.store)).delivery(notification_id)

    def stream(self, notification_id: str) -> list[RecordedEvent]:
        return self.store.read_stream(stream_of_notification(notification_id))

    def all_events(self) -> list[RecordedEvent]:
        return self.store.read_after(0, 10_000)

    def deliver_until_settled(self, deliverer: Deliverer, max_rounds: int = 20) -> int:
        """Run passes, moving the clock to each next attempt, until nothing is pending."""
        attempts = 0
        for _ in range(max_rounds):
            attempts += deliverer.deliver_due()
            pending = self.log("pending")
            if not pending:
                return attempts
            next_at = min(datetime.fromisoformat(p["next_attempt_at"]) for p in pending)
            self.clock.time = max(self.clock.time, next_at)
        raise AssertionError(f"still pending after {max_rounds} rounds: {self.log('pending')}")

    def close(self) -> None:
        for store in [self.store, *self.stores]:
            store.engine.dispose()


@pytest.fixture
def notifications(database_url: str, amqp_uri: str, run_id: str) -> Iterator[Callable[..., Notifications]]:
    """`notifications(webhook_url, ..., retry={...})`: the service, migrated, on this test's database."""
    opened: list[Notifications] = []

    def open_service(*webhooks: str, **options: Any) -> Notifications:
        options.setdefault("retry", {"base_seconds": 1, "factor": 2, "max_attempts": 6})
        options.setdefault("request_timeout_seconds", 5)
        settings = settings_for(database_url, webhooks, amqp_uri, **options)
        bootstrap.migrate(settings)
        store = wiring.event_store(settings)
        clock = FakeClock()
        consumer = wiring.consumer(settings, store, bootstrap.handlers(settings, clock), f"{run_id}-notifications")
        service = Notifications(settings, store, clock, consumer, source=f"/coso/{run_id}/admissions")
        opened.append(service)
        return service

    yield open_service
    for service in opened:
        service.close()


# --- RabbitMQ ---------------------------------------------------------------------
@pytest.fixture
def vhost_uri(amqp_uri: str, run_id: str) -> Iterator[str]:
    """The URI of a RabbitMQ vhost of this test's own, deleted with all it holds afterwards.

    Tests that run the whole service use the real exchange and queue names (`admissions.events`,
    `rpc-notifications`), which must not meet other tests' or a running stack's messages.
    """
    vhost = f"coso-test-{run_id}"

    def rabbitmqctl(*args: str) -> None:
        subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)

    rabbitmqctl("add_vhost", vhost)
    try:
        server = urlsplit(amqp_uri)
        rabbitmqctl("set_permissions", "-p", vhost, server.username or "guest", ".*", ".*", ".*")
        yield f"{server.scheme}://{server.netloc}/{vhost}"
    finally:
        rabbitmqctl("delete_vhost", vhost)
