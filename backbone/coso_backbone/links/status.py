"""How each link is doing: federation state, lag per source, dead letters, last error.

Read from the brokers' management APIs (federation link state), the lower stack's read APIs
(how far each source is, through the link's token, so the lag counts only what the link may
see) and the superior consumers' databases (checkpoints, dead letters). `LinkMetrics` exports
the same as Prometheus gauges with the names the Grafana dashboard expects.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, Gauge
from sqlalchemy import and_, func, select
from sqlalchemy.engine import Engine

from coso_backbone.database import create_database_engine
from coso_backbone.errors import BackboneError
from coso_backbone.links.admin import management
from coso_backbone.links.spec import LinkSpec
from coso_backbone.readapi import HttpEventSource, read_page
from coso_backbone.schema import consumer_checkpoints, dead_letters


@dataclass
class FederationState:
    direction: str
    exchange: str
    status: str  # running, starting, error, missing, unknown
    error: str | None = None
    error_at: float | None = None


@dataclass
class SourceLag:
    source: str
    last_position: int | None
    checkpoint: int
    lag_events: int | None
    lag_seconds: float | None
    error: str | None = None


@dataclass
class LinkStatus:
    link: str
    up: bool
    federation: list[FederationState] = field(default_factory=list)
    sources: list[SourceLag] = field(default_factory=list)
    dead_letters: int = 0
    last_error: str | None = None
    last_error_at: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _timestamp(value: Any) -> float | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value)).replace(tzinfo=UTC).timestamp()
    except ValueError:
        return time.time()


class LinkInspector:
    """Computes LinkStatus for links; keeps database engines between calls."""

    def __init__(self) -> None:
        self._engines: dict[str, Engine] = {}

    def _engine(self, url: str) -> Engine:
        engine = self._engines.get(url)
        if engine is None:
            engine = self._engines[url] = create_database_engine(url)
        return engine

    def close(self) -> None:
        for engine in self._engines.values():
            engine.dispose()
        self._engines.clear()

    def status(self, link: LinkSpec) -> LinkStatus:
        result = LinkStatus(link=link.name, up=False)
        errors: list[tuple[float, str]] = []
        result.federation = self._federation(link, errors)
        result.up = bool(result.federation) and all(f.status == "running" for f in result.federation)
        checkpoints = self._checkpoints(link, errors)
        for producer in link.up.producers:
            result.sources.append(self._lag(link, producer, checkpoints, errors))
        result.dead_letters = self._dead_letters(link, errors)
        if errors:
            result.last_error_at, result.last_error = max(errors)
        return result

    def _federation(self, link: LinkSpec, errors: list[tuple[float, str]]) -> list[FederationState]:
        states: list[FederationState] = []
        ends = [("up", link.superior, link.up.producers), ("down", link.lower, link.down_producers())]
        for direction, receiver, producers in ends:
            if not producers:
                continue
            try:
                found = {f.get("upstream"): f for f in management(receiver).federation_links(receiver.vhost)}
            except BackboneError as exc:
                errors.append((time.time(), f"management API of {receiver.vhost}: {exc}"))
                states.extend(FederationState(direction, link.link_exchange(p), "unknown") for p in producers)
                continue
            for producer in producers:
                state = found.get(link.upstream(direction, producer))  # type: ignore[arg-type]
                if state is None:
                    states.append(FederationState(direction, link.link_exchange(producer), "missing"))
                    continue
                error = state.get("error")
                at = _timestamp(state.get("timestamp")) if error else None
                states.append(
                    FederationState(direction, link.link_exchange(producer), str(state.get("status")), error, at)
                )
                if error:
                    errors.append((at or time.time(), f"federation {direction} {producer}: {str(error)[:300]}"))
        return states

    def _watched(self, link: LinkSpec, producer: str) -> list[Any]:
        return [c for c in link.superior.consumers if c.producers is None or producer in c.producers]

    def _checkpoints(self, link: LinkSpec, errors: list[tuple[float, str]]) -> dict[str, int]:
        """Smallest checkpoint per source over the superior consumers that apply it."""
        lowest: dict[str, int] = {}
        for producer in link.up.producers:
            source = link.lower.source(producer)
            for consumer in self._watched(link, producer):
                try:
                    with self._engine(consumer.database_url).connect() as connection:
                        position = connection.execute(
                            select(consumer_checkpoints.c.position).where(
                                and_(
                                    consumer_checkpoints.c.consumer == consumer.name,
                                    consumer_checkpoints.c.source == source,
                                )
                            )
                        ).scalar()
                except Exception as exc:  # noqa: BLE001 - reported as the link's error
                    errors.append((time.time(), f"checkpoints of {consumer.name}: {exc}"))
                    continue
                lowest[source] = min(lowest.get(source, int(position or 0)), int(position or 0))
        return lowest

    def _lag(
        self, link: LinkSpec, producer: str, checkpoints: dict[str, int], errors: list[tuple[float, str]]
    ) -> SourceLag:
        source = link.lower.source(producer)
        checkpoint = checkpoints.get(source, 0)
        url = link.lower.read_apis.get(producer)
        if url is None:
            return SourceLag(source, None, checkpoint, None, None, "no read API in the link file")
        client = HttpEventSource(url, link.up.read_api_token, timeout=10)
        try:
            last = int(client.info()["last_position"])
            page = read_page(client, checkpoint, 1)
        except BackboneError as exc:
            errors.append((time.time(), f"read API of {source}: {exc}"))
            return SourceLag(source, None, checkpoint, None, None, str(exc))
        if not page.events:  # nothing the link may see is waiting
            return SourceLag(source, last, checkpoint, 0, 0.0)
        waiting = (datetime.now(UTC) - page.events[0].time).total_seconds()
        return SourceLag(source, last, checkpoint, max(0, last - checkpoint), max(0.0, waiting))

    def _dead_letters(self, link: LinkSpec, errors: list[tuple[float, str]]) -> int:
        total = 0
        sources = link.sources()
        for consumer in link.superior.consumers:
            try:
                with self._engine(consumer.database_url).connect() as connection:
                    total += int(
                        connection.execute(
                            select(func.count()).where(
                                and_(dead_letters.c.consumer == consumer.name, dead_letters.c.source.in_(sources))
                            )
                        ).scalar()
                        or 0
                    )
            except Exception as exc:  # noqa: BLE001 - reported as the link's error
                errors.append((time.time(), f"dead letters of {consumer.name}: {exc}"))
        return total


class LinkMetrics:
    """The links' Prometheus gauges (names fixed: the Grafana dashboard uses them)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.up = Gauge(
            "coso_link_up", "1 when every federation link of the link runs", ["link"], registry=self.registry
        )
        self.lag_events = Gauge(
            "coso_link_lag_events", "Source positions not yet applied above", ["link", "source"], registry=self.registry
        )
        self.lag_seconds = Gauge(
            "coso_link_lag_seconds",
            "Age of the oldest shared event not yet applied above",
            ["link", "source"],
            registry=self.registry,
        )
        self.dead_letters = Gauge(
            "coso_link_dead_letters", "Dead letters of the link's sources above", ["link"], registry=self.registry
        )
        self.last_error = Gauge(
            "coso_link_last_error_timestamp_seconds",
            "Unix time of the last error seen on the link (0: none)",
            ["link"],
            registry=self.registry,
        )
        self._last_error_at: dict[str, float] = {}

    def update(self, statuses: Iterable[LinkStatus]) -> None:
        for status in statuses:
            self.up.labels(status.link).set(1 if status.up else 0)
            for lag in status.sources:
                # Unknown lag (source unreachable) is exported as -1 rather than hidden.
                self.lag_events.labels(status.link, lag.source).set(-1 if lag.lag_events is None else lag.lag_events)
                self.lag_seconds.labels(status.link, lag.source).set(-1 if lag.lag_seconds is None else lag.lag_seconds)
            self.dead_letters.labels(status.link).set(status.dead_letters)
            if status.last_error_at:
                previous = self._last_error_at.get(status.link, 0.0)
                self._last_error_at[status.link] = max(previous, status.last_error_at)
            self.last_error.labels(status.link).set(self._last_error_at.get(status.link, 0.0))
