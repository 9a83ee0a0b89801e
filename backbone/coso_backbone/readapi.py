"""The read API over a service's event store, used by consumers to catch up.

Server side: `page()` builds the JSON answer for `GET /events?after=N&limit=M`, served by
each service's HTTP entrypoint together with `GET /events/info`.
Client side: `HttpEventSource` fetches those pages.
"""

from __future__ import annotations

from typing import Any

import requests

from coso_backbone.envelope import Envelope
from coso_backbone.errors import EventSourceUnavailable
from coso_backbone.eventstore import EventStore

MAX_PAGE = 5000


def info(store: EventStore, producer: str, source: str) -> dict[str, Any]:
    return {"producer": producer, "source": source, "last_position": store.last_position()}


def page(store: EventStore, producer: str, source: str, after: int, limit: int) -> dict[str, Any]:
    """One page of events after a position, in CloudEvents structured JSON form."""
    if after < 0:
        raise ValueError("after must be 0 or a position")
    if not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"limit must be between 1 and {MAX_PAGE}")
    recorded = store.read_after(after, limit)
    return {
        "source": source,
        "events": [Envelope.from_recorded(e, producer, source).to_structured() for e in recorded],
    }


class HttpEventSource:
    """Reads a source service's events over its read API."""

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._session = requests.Session()

    def info(self) -> dict[str, Any]:
        return self._get("/events/info", {})

    def read_after(self, position: int, limit: int = 1000) -> list[Envelope]:
        body = self._get("/events", {"after": position, "limit": limit})
        return [Envelope.from_structured(doc) for doc in body["events"]]

    def _get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        url = self.base_url + path
        try:
            response = self._session.get(url, params=params, timeout=self._timeout)
        except requests.RequestException as exc:
            raise EventSourceUnavailable(f"{url}: {exc}") from exc
        if response.status_code != 200:
            raise EventSourceUnavailable(f"{url} answered {response.status_code}: {response.text[:200]}")
        result: dict[str, Any] = response.json()
        return result


class StoreEventSource:
    """A producer's event store read in process, page by page, as its read API serves it.

    Same interface as `HttpEventSource`: for rebuilds and benchmarks that run beside the store.
    """

    def __init__(self, store: EventStore, producer: str, source: str) -> None:
        self.store, self.producer, self.source = store, producer, source

    def info(self) -> dict[str, Any]:
        return info(self.store, self.producer, self.source)

    def read_after(self, position: int, limit: int = 1000) -> list[Envelope]:
        return [Envelope.from_recorded(e, self.producer, self.source) for e in self.store.read_after(position, limit)]
