"""Harness of the links tests and the federation benchmark: a province and communes, each
a stack of its own (vhost, databases, read APIs), on the local RabbitMQ and PostgreSQL,
joined by links that `coso_backbone.links` applies.

Only what the links need runs: each commune's admissions and registry event stores with
their relays, their read APIs (the services' own read API code behind a small WSGI server),
and the province's reporting projection consumer, in process.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from sqlalchemy import text
from werkzeug.wrappers import Request, Response

from coso_backbone import wiring
from coso_backbone.broker import ConfirmingPublisher
from coso_backbone.config import CosoSettings
from coso_backbone.consumer import ConsumerLoop
from coso_backbone.contracts.admissions import CandidateProposed, JobCategory, PersonalDataRecorded, SourceChannel
from coso_backbone.contracts.registry import AuthorityLevel, AuthorityRegistered
from coso_backbone.events import NewEvent
from coso_backbone.eventstore import EventStore, StreamAppend
from coso_backbone.links.admin import ManagementApi
from coso_backbone.links.spec import LinkSpec
from coso_backbone.relay import OutboxRelay
from coso_backbone.service_support import events_info, events_page
from coso_backbone.testing import AMQP_URI, POSTGRES_SERVER, drop_postgres_databases, postgres_databases, wait_until

BROKER = "/".join(AMQP_URI.split("/")[:3])  # amqp://guest:guest@127.0.0.1:5672


def admin() -> ManagementApi:
    return ManagementApi("http://127.0.0.1:15672", "guest", "guest")


class _Threading(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve_read_api(store: EventStore, settings: CosoSettings) -> tuple[str, Callable[[], None]]:
    """The service's read API (`service_support.events_page/events_info`, with its link
    access control) on a free port; returns the base URL and a stop function."""

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        if request.path == "/events":
            response = events_page(request, store, settings)
        elif request.path == "/events/info":
            response = events_info(store, settings, request)
        else:
            response = Response("not found", status=404)
        return response(environ, start_response)

    server = make_server("127.0.0.1", 0, app, server_class=_Threading, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return f"http://127.0.0.1:{server.server_port}", stop


@dataclass
class Stack:
    """One authority's stack: a vhost, and per service a store, a relay and a read API."""

    deployment: str
    vhost: str
    directory: Path  # the producers' stores are SQLite files here (each service its own)
    stores: dict[str, EventStore] = field(default_factory=dict)
    settings: dict[str, CosoSettings] = field(default_factory=dict)
    read_apis: dict[str, str] = field(default_factory=dict)
    _stoppers: list[Callable[[], None]] = field(default_factory=list)

    @property
    def amqp_uri(self) -> str:
        return f"{BROKER}/{self.vhost}"

    def source(self, producer: str) -> str:
        return f"/coso/{self.deployment}/{producer}"

    def start_service(self, producer: str, read_api_links: Sequence[dict[str, str]] = ()) -> None:
        settings = CosoSettings(
            service=producer,
            deployment=self.deployment,
            database_url=f"sqlite:///{self.directory / f'{producer}.db'}",
            amqp_uri=self.amqp_uri,
            http_port=0,
            metrics_port=0,
            read_api_links=list(read_api_links),
            read_api_open=True,  # its own services read without a token; a superior only with its link token
        )
        wiring.migrate(settings, None)
        store = wiring.event_store(settings)
        self.stores[producer], self.settings[producer] = store, settings
        url, stop = serve_read_api(store, settings)
        self.read_apis[producer] = url
        self._stoppers.append(stop)

    def publish(self, producer: str) -> int:
        """Run the producer's outbox relay until everything recorded is published."""
        store = self.stores[producer]
        publisher = ConfirmingPublisher(self.amqp_uri, producer)
        relay = OutboxRelay(store, publisher, producer, self.source(producer), batch_size=1000)
        total = 0
        try:
            while published := relay.publish_pending():
                total += published
        finally:
            publisher.close()
        return total

    def propose(self, count: int, authority: str, personal_every: int = 0) -> list[str]:
        """Record `count` candidates proposed in this stack's admissions (and, every
        `personal_every`, the candidate's sealed personal data)."""
        store = self.stores["admissions"]
        appends, ids = [], []
        for i in range(count):
            candidate = str(uuid.uuid4())
            ids.append(candidate)
            events: list[NewEvent] = [
                CandidateProposed(
                    candidate_id=candidate,
                    enterprise_id=f"{authority}-e{i % 7}",
                    authority_id=authority,
                    source_channel=SourceChannel.ENTERPRISE_TRADE_UNION,
                    job_category=JobCategory.PRODUCTION_WORKER,
                    proposed_on=date(2026, 3, 2),
                ).to_new_event(authority)
            ]
            if personal_every and i % personal_every == 0:
                events.append(
                    PersonalDataRecorded(
                        candidate_id=candidate,
                        authority_id=authority,
                        recorded_on=date(2026, 3, 2),
                        sealed="gAAAAAB-personal-NGUYEN-VAN-A",
                    ).to_new_event(authority)
                )
            appends.append(StreamAppend(f"candidate-{candidate}", 0, events))
        for start in range(0, len(appends), 1000):
            store.append_many(appends[start : start + 1000])
        return ids

    def register_authority(self, authority: str, parent: str | None, level: AuthorityLevel) -> None:
        event = AuthorityRegistered(
            authority_id=authority,
            name=f"Đảng ủy {authority}",
            level=level,
            parent_id=parent,
            effective_from=date(2025, 7, 1),
        )
        self.stores["registry"].append(f"authority-{authority}", 0, [event.to_new_event(authority)])

    def close(self) -> None:
        for stop in self._stoppers:
            stop()
        for store in self.stores.values():
            store.engine.dispose()


@dataclass
class Federation:
    run: str
    province: Stack
    communes: dict[str, Stack]
    links: dict[str, LinkSpec]
    databases: list[str]

    def database_url(self, name: str) -> str:
        return f"{POSTGRES_SERVER}/coso_fed_{self.run}_{name}"

    def link_yaml(self, name: str, policy: str) -> str:
        commune = self.communes[name]
        apis = "".join(f"\n          {p}: {u}" for p, u in commune.read_apis.items())
        return f"""
links:
  - name: {self.run}-{name}
    superior: {{deployment: {self.province.deployment}, vhost: {self.province.vhost}}}
    lower:
      deployment: {commune.deployment}
      vhost: {commune.vhost}
      read_apis:{apis}
    up:
      policy: {policy}
      password: up-{self.run}-{name}
      read_api_token: token-{self.run}-{name}-0123456789
    down:
      password: down-{self.run}-{name}
"""


KEYS = ("province", "a", "b")  # a federation's stacks, each in a vhost `coso-fed-<run>-<key>`
_LEFT_VHOST = re.compile(rf"coso-fed-(?P<run>[a-z0-9]+)-(?P<key>{'|'.join(KEYS)})")


def clear_leftovers(api: ManagementApi) -> list[str]:
    """Remove what federations left when their test's process was killed before tearing
    them down: their vhosts, link users and databases. Only call it where no federation can
    exist (the conftest's lock held, before setting one up). The vhosts removed."""
    left = [v["name"] for v in api.get("/vhosts") if _LEFT_VHOST.fullmatch(v["name"])]
    for vhost in left:
        found = _LEFT_VHOST.fullmatch(vhost)
        assert found is not None
        for direction in ("up", "down"):
            api.delete(f"/users/coso-link.{found['run']}-{found['key']}.{direction}")
        api.delete(f"/vhosts/{vhost}")
    drop_postgres_databases(sorted(postgres_databases("coso_fed_")))
    return left


def wait_for_federation(api: ManagementApi, vhost: str, expected: int) -> None:
    def running() -> bool:
        links = api.federation_links(vhost)
        return len([f for f in links if f.get("status") == "running"]) >= expected

    wait_until(running, f"{expected} running federation links in {vhost}")


class Reporting:
    """A stack's reporting projection consumer, run in process (its ConsumerLoop in a thread)."""

    def __init__(self, stack: Stack, database_url: str, source_read_apis: dict[str, Any], **options: Any) -> None:
        from coso_reporting import bootstrap
        from coso_reporting.adapters.projection import projection_handlers

        self.settings = CosoSettings(
            service="reporting",
            deployment=stack.deployment,
            database_url=database_url,
            amqp_uri=stack.amqp_uri,
            http_port=0,
            metrics_port=0,
            read_apis={p: u for p, u in stack.read_apis.items() if p in ("registry", "admissions")},
            source_read_apis=source_read_apis,
            **options,
        )
        bootstrap.migrate(self.settings)
        self.store = wiring.event_store(self.settings)
        self.consumer = wiring.consumer(self.settings, self.store, projection_handlers())
        self.loop = ConsumerLoop(
            self.consumer, stack.amqp_uri, ["registry", "admissions"], batch_size=500, idle_catch_up=1.0
        )
        self.loop.declare()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Reporting:
        self._stop.clear()
        self._thread = threading.Thread(target=self.loop.run, args=(self._stop,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def candidates(self) -> dict[str, int]:
        with self.store.engine.connect() as connection:
            rows = connection.execute(
                text("SELECT authority_id, count(*) FROM reporting_candidates GROUP BY authority_id")
            )
            return {a: int(n) for a, n in rows}

    def authorities(self) -> set[str]:
        with self.store.engine.connect() as connection:
            rows = connection.execute(
                text("SELECT authority_id FROM reporting_authority_indicators WHERE name IS NOT NULL")
            )
            return {a for (a,) in rows}

    def close(self) -> None:
        self.stop()
        self.store.engine.dispose()


def source_read_apis(*links: LinkSpec) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for link in links:
        merged.update(link.source_read_apis())
    return merged
