"""`make bench`: the event backbone's figures, all measured in one run on this machine.

(a) 50,000 events appended in batches to registry's store, published by the outbox relay and
    applied by reporting's projection, on SQLite and on PostgreSQL: events/s and latency.
(b) the baseline: nameko's EventDispatcher -> @event_handler with the same payloads.
(c) rebuilding reporting's projection from the store: events/s.

Environment: COSO_BENCH_EVENTS (default 50000), COSO_BENCH_BASELINE_EVENTS (default 10000),
COSO_TEST_POSTGRES and COSO_TEST_AMQP as for the tests.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.pipeline import run_pipeline
from bench.rebuild import run_rebuild

POSTGRES_SERVER = os.environ.get("COSO_TEST_POSTGRES", "postgresql+psycopg2://postgres@127.0.0.1:5432")
AMQP_URI = os.environ.get("COSO_TEST_AMQP", "amqp://guest:guest@127.0.0.1:5672//")


@contextmanager
def postgres_database() -> Iterator[str]:
    name = f"coso_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def hardware() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def main() -> None:
    events = int(os.environ.get("COSO_BENCH_EVENTS", "50000"))
    baseline_events = int(os.environ.get("COSO_BENCH_BASELINE_EVENTS", "10000"))
    lines = [f"coso bench {time.strftime('%Y-%m-%d %H:%M:%S')} on {hardware()}"]
    print(lines[0], flush=True)

    def report(line: str) -> None:
        lines.append(line)
        print(line, flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        sqlite = run_pipeline(
            "SQLite",
            f"sqlite:///{tmp}/registry.db",
            f"sqlite:///{tmp}/reporting.db",
            AMQP_URI,
            events,
            "sq" + uuid.uuid4().hex[:6],
        )
        report(sqlite.line())
        rebuild = run_rebuild("SQLite", f"sqlite:///{tmp}/registry.db", f"sqlite:///{tmp}/rebuilt.db")
        report(rebuild.line())
    with postgres_database() as registry_url, postgres_database() as reporting_url, postgres_database() as rebuilt_url:
        postgres = run_pipeline(
            "PostgreSQL", registry_url, reporting_url, AMQP_URI, events, "pg" + uuid.uuid4().hex[:6]
        )
        report(postgres.line())
        rebuild_pg = run_rebuild("PostgreSQL", registry_url, rebuilt_url)
        report(rebuild_pg.line())

    baseline_run = subprocess.run(
        [sys.executable, "-m", "bench.nameko_baseline", str(baseline_events), AMQP_URI],
        capture_output=True,
        text=True,
        check=True,
    )
    baseline = json.loads(baseline_run.stdout.strip().splitlines()[-1])
    report(
        f"(b) nameko     {baseline['events']} events in {baseline['seconds']:.2f} s: "
        f"{baseline['events_per_s']:,.0f} events/s, "
        f"dispatch->handler p50 {baseline['p50_ms']} ms, p99 {baseline['p99_ms']} ms"
    )
    report(
        f"(a)/(b): SQLite {sqlite.events_per_s / baseline['events_per_s']:.1f}x, "
        f"PostgreSQL {postgres.events_per_s / baseline['events_per_s']:.1f}x the nameko baseline"
    )
    out = Path("bench-results")
    out.mkdir(exist_ok=True)
    path = out / f"backbone-{time.strftime('%Y%m%d-%H%M%S')}.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written to {path}")


if __name__ == "__main__":
    main()
