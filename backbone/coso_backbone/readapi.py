"""The read API over a service's event store, used by consumers to catch up.

Server side: `page()` builds the JSON answer for `GET /events?after=N&limit=M`, served by
each service's HTTP entrypoint together with `GET /events/info`. A superior authority's
stack reads it through a link with the link's bearer token; `LinkAccess` then serves only the
events the link's policy shares, and every page says up to which position it scanned
(`scanned_to`), so the reader can move past positions it will never be shown.
Client side: `HttpEventSource` fetches those pages.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import requests

from coso_backbone.envelope import Envelope
from coso_backbone.errors import BackboneError, EventSourceUnavailable
from coso_backbone.eventstore import EventStore

MAX_PAGE = 5000
# How many stored events one filtered page may scan before answering with what it found.
MAX_SCAN = 20000

EventFilter = Callable[[str], bool]  # event name -> may it be served


def info(store: EventStore, producer: str, source: str) -> dict[str, Any]:
    return {"producer": producer, "source": source, "last_position": store.last_position()}


def page(
    store: EventStore, producer: str, source: str, after: int, limit: int, shared: EventFilter | None = None
) -> dict[str, Any]:
    """One page of events after a position, in CloudEvents structured JSON form.

    `shared` (a link's policy) drops the events it does not share; `scanned_to` is then the
    last position looked at, which may lie beyond the last event served. Without a filter it
    is the last event's position (or `after` when there is none).
    """
    if after < 0:
        raise ValueError("after must be 0 or a position")
    if not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"limit must be between 1 and {MAX_PAGE}")
    if shared is None:
        recorded = store.read_after(after, limit)
        scanned_to = recorded[-1].position if recorded else after
    else:
        recorded, scanned_to = [], after
        while len(recorded) < limit and scanned_to - after < MAX_SCAN:
            chunk = store.read_after(scanned_to, max(limit, 1000))
            if not chunk:
                break
            for event in chunk:
                if shared(event.event_type):
                    recorded.append(event)
                    if len(recorded) == limit:
                        break
            scanned_to = recorded[-1].position if len(recorded) == limit else chunk[-1].position
    return {
        "source": source,
        "events": [Envelope.from_recorded(e, producer, source).to_structured() for e in recorded],
        "scanned_to": scanned_to,
    }


class Unauthorized(BackboneError):
    """A read API request without a token this stack knows (answered 401)."""


@dataclass(frozen=True)
class LinkToken:
    link: str
    token: str
    shared: EventFilter


class ReadApiAccess:
    """Who may read this stack's events, and which of them: the stack's own services read
    everything without a token (when `open`); a superior reads through a link's bearer token,
    filtered by that link's policy."""

    def __init__(self, links: Sequence[LinkToken] = (), open: bool = True) -> None:
        self._links = list(links)
        self._open = open

    def filter_for(self, authorization: str | None) -> EventFilter | None:
        """The filter for a request's Authorization header (None: everything), or Unauthorized."""
        if not authorization:
            if self._open:
                return None
            raise Unauthorized("this read API needs a link's bearer token")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("the Authorization header must be 'Bearer <token>'")
        for link in self._links:
            if hmac.compare_digest(link.token.encode(), token.strip().encode()):
                return link.shared
        raise Unauthorized("unknown token")


@dataclass(frozen=True)
class EventPage:
    """Events read after a position, and the last position the source looked at."""

    events: list[Envelope]
    scanned_to: int


class EventSource(Protocol):
    def info(self) -> dict[str, Any]: ...

    def read_after(self, position: int, limit: int = 1000) -> list[Envelope]: ...


def read_page(client: Any, position: int, limit: int) -> EventPage:
    """A page from any event source; sources without `read_page` scanned up to their last event."""
    reader = getattr(client, "read_page", None)
    if reader is not None:
        result: EventPage = reader(position, limit)
        return result
    events = client.read_after(position, limit)
    return EventPage(events, events[-1].sequence if events else position)


class HttpEventSource:
    """Reads a source service's events over its read API (with a link's token, if given)."""

    def __init__(self, base_url: str, token: str | None = None, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._session = requests.Session()
        if token:
            self._session.headers["Authorization"] = f"Bearer {token}"

    def info(self) -> dict[str, Any]:
        return self._get("/events/info", {})

    def read_after(self, position: int, limit: int = 1000) -> list[Envelope]:
        return self.read_page(position, limit).events

    def read_page(self, position: int, limit: int = 1000) -> EventPage:
        body = self._get("/events", {"after": position, "limit": limit})
        events = [Envelope.from_structured(doc) for doc in body["events"]]
        scanned_to = body.get("scanned_to")
        if scanned_to is None:  # a stack from before links: it filters nothing
            scanned_to = events[-1].sequence if events else position
        return EventPage(events, int(scanned_to))

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

    def __init__(self, store: EventStore, producer: str, source: str, shared: EventFilter | None = None) -> None:
        self.store, self.producer, self.source, self.shared = store, producer, source, shared

    def info(self) -> dict[str, Any]:
        return info(self.store, self.producer, self.source)

    def read_after(self, position: int, limit: int = 1000) -> list[Envelope]:
        return self.read_page(position, limit).events

    def read_page(self, position: int, limit: int = 1000) -> EventPage:
        if self.shared is None:
            recorded = self.store.read_after(position, limit)
            events = [Envelope.from_recorded(e, self.producer, self.source) for e in recorded]
            return EventPage(events, events[-1].sequence if events else position)
        body = page(self.store, self.producer, self.source, position, min(limit, MAX_PAGE), self.shared)
        return EventPage([Envelope.from_structured(d) for d in body["events"]], int(body["scanned_to"]))
