"""The management API client against a local HTTP server that answers as a busy broker can:
a 500 on an idempotent call is retried, and one that persists is reported."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from coso_backbone.links.admin import RETRIES, ManagementApi, ManagementError

LINKS = [{"upstream": "coso-link.x.up.registry", "status": "running"}]


class Broker:
    """Answers `failures` requests with 500, then the federation links."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.requests = 0
        broker = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                broker.requests += 1
                if broker.requests <= broker.failures:
                    self.send_response(500)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = json.dumps(LINKS).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def serve() -> Iterator[list[Broker]]:
    brokers: list[Broker] = []
    yield brokers
    for broker in brokers:
        broker.server.shutdown()
        broker.server.server_close()


def _started(brokers: list[Broker], failures: int) -> Broker:
    broker = Broker(failures)
    threading.Thread(target=broker.server.serve_forever, daemon=True).start()
    brokers.append(broker)
    return broker


def test_a_passing_500_from_the_broker_is_retried_and_the_answer_read(serve: list[Broker]) -> None:
    broker = _started(serve, failures=2)
    links = ManagementApi(broker.url, "guest", "guest").federation_links("coso")
    assert links == LINKS
    assert broker.requests == 3


def test_a_500_that_persists_is_reported_with_the_status_after_the_retries(serve: list[Broker]) -> None:
    broker = _started(serve, failures=100)
    with pytest.raises(ManagementError, match="answered 500"):
        ManagementApi(broker.url, "guest", "guest").federation_links("coso")
    assert broker.requests == RETRIES + 1
