"""The notifications OpenAPI document: valid OpenAPI 3.1, covering every `@http` route, served,
and describing a subscription body the service accepts."""

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from openapi_spec_validator import validate

from coso_backbone.openapi import http_routes
from coso_notifications.entrypoints.openapi_routes import NOTIFICATIONS_API, Subscribe

pytestmark = pytest.mark.filterwarnings(r"ignore:(?s).*Eventlet is deprecated")


@pytest.fixture
def service_class() -> Iterator[type]:
    """`NotificationsService`, imported inside the test (it imports eventlet)."""
    import psycopg2.extensions

    from coso_notifications.entrypoints.service import NotificationsService

    yield NotificationsService
    # Importing the service makes psycopg2 cooperate with eventlet; undo it for other tests.
    psycopg2.extensions.set_wait_callback(None)


def test_the_notifications_openapi_document_is_valid_openapi_3_1() -> None:
    document = NOTIFICATIONS_API.document()
    validate(document)
    subscribe = document["components"]["schemas"]["Subscribe"]
    assert set(subscribe["required"]) == {"authority", "role", "channel", "target"}
    assert "digest" not in subscribe["properties"]["channel"]["enum"]
    created = document["paths"]["/subscriptions"]["post"]
    assert {"201", "409", "422"} <= set(created["responses"])
    listed = document["paths"]["/deliveries"]["get"]
    assert {"status", "rule", "channel", "limit", "offset"} <= {p["name"] for p in listed["parameters"]}


def test_every_http_route_of_the_notifications_service_is_documented(service_class: type) -> None:
    routes = http_routes(service_class)
    assert ("POST", "/subscriptions") in routes and ("GET", "/openapi.json") in routes
    assert routes - NOTIFICATIONS_API.documented() == set(), "undocumented routes"
    assert NOTIFICATIONS_API.documented() - routes == set(), "documented routes the service does not serve"


def test_a_subscription_as_documented_is_accepted(notifications: Callable[..., Any]) -> None:
    body = Subscribe(
        authority="hn",
        role="organization_department",
        channel="email",
        target="btc-hn@example.vn",
        rules=["decision_overdue"],
        language="en",
        digest=True,
    ).model_dump()

    created = notifications().subscribe(**body)

    assert (created["channel"], created["target"], created["language"], created["digest"]) == (
        "email",
        "btc-hn@example.vn",
        "en",
        True,
    )


def test_the_service_serves_its_openapi_document(service_class: type) -> None:
    from nameko.testing.services import worker_factory
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    service = worker_factory(service_class)
    answer = service.openapi_document(Request(EnvironBuilder(path="/openapi.json").get_environ()))

    assert answer.status_code == 200
    assert "/subscriptions/{subscription_id}" in json.loads(answer.get_data())["paths"]
