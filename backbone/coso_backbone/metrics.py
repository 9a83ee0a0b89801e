"""Prometheus metrics every coso service exposes, labelled by service.

events appended, published and consumed; lag per source; dead letters; request latency.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

EVENTS_APPENDED = Counter("coso_events_appended_total", "Events appended to the event store", ["service"])
EVENTS_PUBLISHED = Counter("coso_events_published_total", "Events published with a broker confirm", ["service"])
RELAY_POSITION = Gauge("coso_relay_position", "Last event-store position confirmed by the broker", ["service"])
EVENTS_CONSUMED = Counter("coso_events_consumed_total", "Events applied by a consumer", ["consumer", "source"])
DUPLICATES_SKIPPED = Counter(
    "coso_duplicates_skipped_total", "Redelivered events a consumer skipped", ["consumer", "source"]
)
CONSUMER_LAG = Gauge("coso_consumer_lag_events", "Source positions seen but not yet applied", ["consumer", "source"])
CONSUMER_POSITION = Gauge("coso_consumer_position", "Last source position applied", ["consumer", "source"])
CATCH_UPS = Counter("coso_catch_up_events_total", "Events fetched through a source's read API", ["consumer", "source"])
DEAD_LETTERS = Counter("coso_dead_letters_total", "Messages sent to the dead-letter queue", ["consumer"])
REQUEST_LATENCY = Histogram("coso_request_latency_seconds", "Latency of RPC and HTTP requests", ["service", "endpoint"])
