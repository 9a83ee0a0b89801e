"""Baseline (b): nameko's own EventDispatcher -> @event_handler, carrying the same payloads.

Run as its own process (it monkey-patches with eventlet): `python -m bench.nameko_baseline N URI`.
Prints one JSON line: events, seconds, events_per_s, p50_ms, p99_ms.
"""

from __future__ import annotations

import eventlet

eventlet.monkey_patch()

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

from nameko.events import event_handler  # noqa: E402
from nameko.runners import ServiceRunner  # noqa: E402
from nameko.standalone.events import event_dispatcher  # noqa: E402

from bench.payloads import enterprise_payloads  # noqa: E402

SENT: dict[str, float] = {}
LATENCIES: list[float] = []


class BaselineProjection:
    name = "bench_baseline_projection"

    @event_handler("bench_baseline_registry", "EnterpriseRegistered")
    def on_enterprise_registered(self, payload: dict) -> None:
        LATENCIES.append(time.perf_counter() - SENT[payload["enterprise_id"]])


def main() -> None:
    count, uri = int(sys.argv[1]), sys.argv[2]
    config = {"AMQP_URI": uri, "max_workers": 10}
    runner = ServiceRunner(config)
    runner.add_service(BaselineProjection)
    runner.start()
    payloads = enterprise_payloads(count, "baseline")
    dispatch = event_dispatcher(config)
    SENT[payloads[0]["enterprise_id"]] = time.perf_counter()
    dispatch("bench_baseline_registry", "EnterpriseRegistered", payloads[0])  # declare and warm up
    deadline = time.monotonic() + 30
    while not LATENCIES and time.monotonic() < deadline:
        eventlet.sleep(0.01)
    LATENCIES.clear()
    started = time.perf_counter()
    for payload in payloads:
        SENT[payload["enterprise_id"]] = time.perf_counter()
        dispatch("bench_baseline_registry", "EnterpriseRegistered", payload)
    deadline = time.monotonic() + 600
    while len(LATENCIES) < count and time.monotonic() < deadline:
        eventlet.sleep(0.01)
    elapsed = time.perf_counter() - started
    runner.stop()
    ordered = sorted(LATENCIES)
    print(
        json.dumps(
            {
                "events": len(LATENCIES),
                "seconds": round(elapsed, 3),
                "events_per_s": round(len(LATENCIES) / elapsed, 1),
                "p50_ms": round(ordered[len(ordered) // 2] * 1000, 1),
                "p99_ms": round(ordered[int(len(ordered) * 0.99)] * 1000, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
