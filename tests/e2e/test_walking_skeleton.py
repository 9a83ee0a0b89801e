"""End to end: the four services as separate processes, over the real RabbitMQ and PostgreSQL.

register an authority and an enterprise -> propose a candidate -> reporting's projection
shows the counts -> a signed webhook is received.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests

from coso_backbone.testing import wait_until
from tests.e2e.stack import Stack, running_stack

SECRET = "e2e-secret"


class WebhookReceiver:
    """A partner system's webhook endpoint: records each delivery and its signature check."""

    def __init__(self) -> None:
        self.deliveries: list[dict[str, Any]] = []
        received = self.deliveries

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
                received.append(
                    {
                        "body": json.loads(body),
                        "signed": hmac.compare_digest(expected, self.headers.get("X-Coso-Signature", "")),
                        "delivery": self.headers.get("X-Coso-Delivery"),
                    }
                )
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hooks/coso"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    hook = WebhookReceiver()
    yield hook
    hook.close()


@pytest.fixture
def stack(tmp_path: Path, receiver: WebhookReceiver) -> Iterator[Stack]:
    env = {"COSO_NOTIFICATIONS_WEBHOOK_URL": receiver.url, "COSO_NOTIFICATIONS_WEBHOOK_SECRET": SECRET}
    with running_stack(tmp_path, env) as running:
        yield running


def eventually(check: Callable[[], Any], stack: Stack) -> Any:
    """Poll `check` until it answers, failing with the stack's logs (at once if a process died)."""
    try:
        return wait_until(check, getattr(check, "__name__", "a check"), interval=0.2, also=stack.check_alive)
    except AssertionError as timed_out:
        raise AssertionError(f"{timed_out}\n{stack.logs()}") from None


def test_a_candidate_proposed_in_a_registered_enterprise_is_counted_and_announced(
    stack: Stack, receiver: WebhookReceiver
) -> None:
    registry, admissions = stack.url("registry"), stack.url("admissions")
    reporting, notifications = stack.url("reporting"), stack.url("notifications")
    for authority in (
        {"authority_id": "hn", "name": "Thành ủy Hà Nội", "level": "province", "effective_from": "2025-07-01"},
        {
            "authority_id": "hn.ba-dinh",
            "name": "Đảng ủy phường Ba Đình",
            "level": "commune",
            "parent_id": "hn",
            "effective_from": "2025-07-01",
        },
    ):
        assert requests.post(f"{registry}/authorities", json=authority, timeout=10).status_code == 201
    enterprise = requests.post(
        f"{registry}/enterprises",
        json={
            "tax_code": "0100109106",
            "name": "Công ty TNHH May Ba Đình",
            "authority_id": "hn.ba-dinh",
            "worker_count": 320,
            "registered_on": "2025-09-01",
        },
        timeout=10,
    )
    assert enterprise.status_code == 201, enterprise.text
    enterprise_id = enterprise.json()["enterprise_id"]

    proposal = {
        "enterprise_id": enterprise_id,
        "source_channel": "enterprise_trade_union",
        "job_category": "production_worker",
        "proposed_on": "2026-10-01",
    }
    unknown = requests.post(f"{admissions}/candidates", json={**proposal, "enterprise_id": "no-such"}, timeout=10)
    assert unknown.status_code == 404 and unknown.json()["field"] == "enterprise_id"

    def propose() -> requests.Response | None:
        # Admissions knows the enterprise only once registry's event has reached it.
        answer = requests.post(f"{admissions}/candidates", json=proposal, timeout=10)
        return answer if answer.status_code == 201 else None

    candidate_id = eventually(propose, stack).json()["candidate_id"]

    def counted() -> dict[str, Any] | None:
        answer = requests.get(f"{reporting}/indicators/hn", timeout=10)
        if answer.status_code != 200:
            return None
        body = answer.json()
        return body if body["subtree"]["candidates_proposed"] == 1 and body["subtree"]["enterprises"] == 1 else None

    province = eventually(counted, stack)
    assert province["own"]["enterprises"] == 0
    commune = requests.get(f"{reporting}/indicators/hn.ba-dinh", timeout=10).json()
    assert commune["own"] == {"enterprises": 1, "candidates_proposed": 1} | {
        k: v for k, v in commune["own"].items() if k not in ("enterprises", "candidates_proposed")
    }

    eventually(lambda: receiver.deliveries, stack)
    (delivery,) = receiver.deliveries
    assert delivery["signed"]
    assert delivery["body"]["subject"] == candidate_id
    assert delivery["body"]["data"]["enterprise_id"] == enterprise_id

    def delivered() -> list[dict[str, Any]] | None:
        log = requests.get(f"{notifications}/deliveries", timeout=10).json()
        return log if log and log[0]["status"] == "delivered" else None

    (logged,) = eventually(delivered, stack)
    assert logged["notification_id"] == delivery["delivery"]
