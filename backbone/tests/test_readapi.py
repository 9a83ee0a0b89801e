"""The read API consumers catch up through: the page builder and its HTTP client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine

from coso_backbone import readapi
from coso_backbone.envelope import Envelope
from coso_backbone.errors import EventSourceUnavailable
from coso_backbone.eventstore import EventStore
from coso_backbone.readapi import HttpEventSource

SOURCE = "/coso/test/registry"


def test_a_page_holds_the_events_after_a_position_in_structured_form(
    sqlite_url: str, contracts: Any, engines: Callable[[str], Engine], seed: Callable[..., Any]
) -> None:
    store = EventStore(engines(sqlite_url))
    seed(store, contracts, 7)

    page = readapi.page(store, contracts.producer, SOURCE, after=2, limit=3)

    assert page["source"] == SOURCE
    assert [doc["sequence"] for doc in page["events"]] == ["3", "4", "5"]
    assert page["events"][0]["type"] == f"vn.coso.{contracts.producer}.Counted.v1"
    assert readapi.info(store, contracts.producer, SOURCE) == {
        "producer": contracts.producer,
        "source": SOURCE,
        "last_position": 7,
    }


@pytest.mark.parametrize(
    ("after", "limit", "problem"),
    [(-1, 10, "after must be 0 or a position"), (0, 0, "limit must be between 1 and 5000"), (0, 5001, "limit must be")],
)
def test_a_page_request_out_of_range_is_refused_naming_the_parameter(
    sqlite_url: str, engines: Callable[[str], Engine], after: int, limit: int, problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        readapi.page(EventStore(engines(sqlite_url)), "registry", SOURCE, after, limit)


def test_the_http_client_reads_the_same_envelopes_the_relay_would_publish(
    sqlite_url: str,
    contracts: Any,
    engines: Callable[[str], Engine],
    seed: Callable[..., Any],
    serve_read_api: Callable[[EventStore, str, str], str],
) -> None:
    store = EventStore(engines(sqlite_url))
    seed(store, contracts, 12)
    client = HttpEventSource(serve_read_api(store, contracts.producer, SOURCE))

    read = client.read_after(4, limit=5)

    assert read == [Envelope.from_recorded(e, contracts.producer, SOURCE) for e in store.read_after(4, 5)]
    assert client.info()["last_position"] == 12
    assert client.read_after(12) == []


def test_a_read_api_that_answers_badly_or_not_at_all_is_reported_as_unavailable(
    sqlite_url: str,
    engines: Callable[[str], Engine],
    serve_read_api: Callable[[EventStore, str, str], str],
) -> None:
    url = serve_read_api(EventStore(engines(sqlite_url)), "registry", SOURCE)

    with pytest.raises(EventSourceUnavailable, match=r"answered 400: .*limit must be between 1 and 5000"):
        HttpEventSource(url).read_after(0, limit=0)
    with pytest.raises(EventSourceUnavailable, match=r"127\.0\.0\.1:9/events/info"):
        HttpEventSource("http://127.0.0.1:9", timeout=2).info()
