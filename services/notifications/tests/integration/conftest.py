"""Fixtures of the notifications integration tests: a webhook receiver, a clock that moves
only when told, and the service wired by its bootstrap on a real database.

Helpers are fixtures because test modules are imported with `--import-mode=importlib`
and cannot import each other.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine

from coso_backbone import wiring
from coso_backbone.config import CosoSettings
from coso_backbone.consumer import ApplyOutcome, Consumer, Incoming
from coso_backbone.contracts import EventContract
from coso_backbone.contracts.admissions import CandidateProposed, JobCategory, SourceChannel
from coso_backbone.envelope import Envelope
from coso_backbone.events import RecordedEvent
from coso_backbone.eventstore import EventStore
from coso_backbone.testing import free_port, rabbitmq_vhost
from coso_backbone.testing_schemas import database_url_fixture
from coso_notifications import bootstrap
from coso_notifications.adapters.sql import SqlDeliveryQueries
from coso_notifications.adapters.sql_deadlines import SqlDeadlineBook, SqlSubscriptions
from coso_notifications.application import deadline_tracking
from coso_notifications.application.deadline_scheduler import DeadlineScheduler
from coso_notifications.application.delivering import Deliverer
from coso_notifications.application.delivery_log import DeliveryLog
from coso_notifications.application.ports import WebhookSender
from coso_notifications.application.subscriptions import Subscriptions
from coso_notifications.domain.deadlines import Deadline, DeadlineKind
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
    other_sequences: dict[str, int] = field(default_factory=dict)

    def _write(self) -> Any:
        return self.store.engine.connect().execution_options(coso_write=True)

    def track(self, *deadlines: Deadline) -> None:
        """Deadlines as admissions' deadline events will give them, through the handlers' own calls.

        Admissions publishes no deadline event yet: the tests feed the deadline book the way
        the consumer's handlers will, in one transaction.
        """
        with self._write() as connection, connection.begin():
            for deadline in deadlines:
                deadline_tracking.deadline_set(SqlDeadlineBook(connection), deadline)

    def meet(self, subject: str, kind: DeadlineKind) -> None:
        with self._write() as connection, connection.begin():
            deadline_tracking.deadline_met(SqlDeadlineBook(connection), subject, kind)

    def subscribe(self, **request: Any) -> dict[str, Any]:
        return dict(Subscriptions(SqlSubscriptions(self.store)).subscribe(request))

    def scheduler(self, fresh_store: bool = False) -> DeadlineScheduler:
        store = self.store
        if fresh_store:
            store = wiring.event_store(self.settings)
            self.stores.append(store)
        return bootstrap.deadline_scheduler(self.settings, store, self.clock)

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

    def event(self, data: EventContract) -> Incoming:
        """An admissions (or registry) event, next in its source's sequence, as the consumer would receive it."""
        producer = data.event_producer
        if producer == "admissions":
            self.sequence += 1
            sequence, source = self.sequence, self.source
        else:
            self.other_sequences[producer] = sequence = self.other_sequences.get(producer, 0) + 1
            source = self.source.replace("/admissions", f"/{producer}")
        envelope = Envelope(
            id=str(uuid.uuid4()),
            source=source,
            producer=producer,
            event_type=data.event_name,
            version=data.event_version,
            time=self.clock.now(),
            subject=f"{producer}-{sequence}",
            sequence=sequence,
            authority=getattr(data, "authority_id", "hn"),
            data_json=data.model_dump_json(),
        )
        return Incoming(
            envelope, envelope.data_json.encode(), envelope.amqp_headers(), f"{producer}.events", data.event_name
        )

    def apply(self, *incoming: Incoming, consumer: Consumer | None = None) -> ApplyOutcome:
        return (consumer or self.consumer).apply(list(incoming))

    def another_consumer(self, name: str) -> Consumer:
        return wiring.consumer(
            self.settings, self.store, bootstrap.handlers(self.settings, self.store, self.clock), name
        )

    def deliverer(self, sender: WebhookSender | None = None, fresh_store: bool = False) -> Deliverer:
        """The deliverer the worker runs; `fresh_store` opens the database anew, as a restarted process does."""
        store = self.store
        if fresh_store:
            store = wiring.event_store(self.settings)
            self.stores.append(store)
        return bootstrap.deliverer(self.settings, store, self.clock, sender)

    def log(self, status: str | None = None, **filters: str) -> list[dict[str, Any]]:
        return DeliveryLog(SqlDeliveryQueries(self.store)).deliveries(status, filters=filters)

    def dead_letters(self) -> list[dict[str, Any]]:
        return DeliveryLog(SqlDeliveryQueries(self.store)).failed()

    def entry_feed(self, recipient: str) -> list[dict[str, Any]]:
        return DeliveryLog(SqlDeliveryQueries(self.store)).feed(recipient)

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
            pending = [p for p in self.log("pending") if p["next_attempt_at"]]  # held digest items wait
            if not pending:
                return attempts
            next_at = min(datetime.fromisoformat(p["next_attempt_at"]) for p in pending)
            self.clock.time = max(self.clock.time, next_at)
        raise AssertionError(f"still pending after {max_rounds} rounds: {self.log('pending')}")

    def close(self) -> None:
        for store in [self.store, *self.stores]:
            store.engine.dispose()


def migrate_notifications(engine: Engine) -> None:
    wiring.migrate_engine(engine, "notifications", bootstrap.MIGRATIONS)


database_url = database_url_fixture("notifications", migrate_notifications)


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
        consumer = wiring.consumer(
            settings, store, bootstrap.handlers(settings, store, clock), f"{run_id}-notifications"
        )
        service = Notifications(settings, store, clock, consumer, source=f"/coso/{run_id}/admissions")
        opened.append(service)
        return service

    yield open_service
    for service in opened:
        service.close()


# --- an SMTP sink ------------------------------------------------------------------


class SmtpSink:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.port = free_port()
        sink = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd hook
                parsed = BytesParser(policy=default_policy).parsebytes(envelope.original_content or envelope.content)
                sink.messages.append(parsed)  # type: ignore[arg-type]
                return "250 Message accepted for delivery"

        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def close(self) -> None:
        self._controller.stop()


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    yield sink
    sink.close()


# --- RabbitMQ ---------------------------------------------------------------------
@pytest.fixture
def vhost_uri(run_id: str) -> Iterator[str]:
    """The URI of a RabbitMQ vhost of this test's own, deleted with all it holds afterwards.

    Tests that run the whole service use the real exchange and queue names (`admissions.events`,
    `rpc-notifications`), which must not meet other tests' or a running stack's messages.
    """
    with rabbitmq_vhost(f"coso-test-{run_id}") as uri:
        yield uri
