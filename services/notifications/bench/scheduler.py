"""The deadline scheduler over 100,000 pending deadlines, and webhook delivery throughput.

    .venv/bin/python -m services.notifications.bench.scheduler                 # SQLite
    .venv/bin/python -m services.notifications.bench.scheduler --postgres      # PostgreSQL
    .venv/bin/python -m services.notifications.bench.scheduler --deadlines 10000 --webhooks 500
    .venv/bin/python -m services.notifications.bench.scheduler --rule-sets 35  # rules adopted per province

Deadlines (seeded, deterministic) are spread over 35 provinces' communes, the four kinds,
with due dates from 30 days ago to 335 days ahead; one feed subscription per province
(organization department); `--rule-sets N` adopts, before the first pass, rules for N provinces
(7 working days ahead of a decision, as `POST /rules` records them). Printed figures:
- the first pass (which fires the rules for every deadline overdue or due within its window:
  ~10 % of them) and a steady pass (nothing new fires: the per-minute cost), in seconds, with
  the peak Python memory of the pass (tracemalloc) and the process's max RSS;
- notifications delivered per second by one deliverer to a local webhook receiver (HTTP 200).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import resource
import tempfile
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, text

from coso_backbone import wiring
from coso_backbone.config import CosoSettings
from coso_notifications import bootstrap
from coso_notifications.adapters.sql_deadlines import SqlSubscriptions
from coso_notifications.adapters.tables import deadlines
from coso_notifications.application.commands import AdoptRules
from coso_notifications.application.subscriptions import Subscriptions
from coso_notifications.domain.deadlines import DeadlineKind

START = datetime(2025, 11, 25, 1, 0, tzinfo=UTC)
PROVINCES = [f"p{n:02d}" for n in range(35)]


class Clock:
    def __init__(self) -> None:
        self.time = START

    def now(self) -> datetime:
        return self.time


def _database(postgres: bool, workdir: Path) -> str:
    if not postgres:
        return f"sqlite:///{workdir / 'notifications-bench.db'}"
    name = f"coso_bench_notifications_{uuid.uuid4().hex[:8]}"
    admin = create_engine("postgresql+psycopg2://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"postgresql+psycopg2://postgres@127.0.0.1:5432/{name}"


def _drop(url: str) -> None:
    if url.startswith("postgresql"):
        name = url.rsplit("/", 1)[1]
        admin = create_engine("postgresql+psycopg2://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _settings(url: str, **options: Any) -> CosoSettings:
    return CosoSettings(
        service="notifications",
        database_url=url,
        amqp_uri="amqp://guest:guest@127.0.0.1:5672//",
        http_port=0,
        metrics_port=0,
        options={"retry": {"base_seconds": 1, "factor": 2, "max_attempts": 3}, **options},
    )


def _seed_deadlines(settings: CosoSettings, count: int, ahead: int = 335) -> None:
    rng = random.Random(7)
    kinds = [k for k in DeadlineKind if k is not DeadlineKind.ENTERPRISE_READY]  # deadlines, not conditions
    store = wiring.event_store(settings)
    rows = [
        {
            "subject": f"c-{n:07d}",
            "kind": rng.choice(kinds).value,
            "due_on": START.date() + timedelta(days=rng.randint(-30, ahead)),
            "authority": f"{rng.choice(PROVINCES)}.x{rng.randint(0, 99):02d}",
            "status": "open",
            "context": json.dumps({"enterprise_id": f"e-{rng.randint(0, 50_000)}"}),
        }
        for n in range(count)
    ]
    with store.engine.begin() as connection:
        for start in range(0, len(rows), 5000):
            connection.execute(insert(deadlines), rows[start : start + 5000])
    store.engine.dispose()


def _measured(call: Any) -> tuple[Any, float, float]:
    """The call's result, its duration, and the growth of the process's max RSS in MiB (untraced:
    tracemalloc would slow the pass several times)."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - started
    return result, seconds, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024


def _adopt(settings: CosoSettings, count: int) -> None:
    app = bootstrap.build(settings)
    for province in (PROVINCES * (count // len(PROVINCES) + 1))[:count]:
        adopted = {"authority_id": province, "effective_from": "2025-01-01", "legal_basis": "bench"}
        app.rules.adopt(AdoptRules.model_validate({**adopted, "values": {"decision_due_soon_working_days": 7}}))
    app.store.engine.dispose()


def bench_scheduler(url: str, count: int, ahead: int, rule_sets: int = 0) -> None:
    settings = _settings(url)
    bootstrap.migrate(settings)
    store = wiring.event_store(settings)
    if rule_sets:
        _adopt(settings, rule_sets)
        print(f"adopted {rule_sets} rule sets")
    subscriptions = Subscriptions(SqlSubscriptions(store))
    for province in PROVINCES:
        subscriptions.subscribe(
            {"authority": province, "role": "organization_department", "channel": "feed", "target": f"btc-{province}"}
        )
    started = time.perf_counter()
    # Seeded by a child process, so that this process's max RSS measures the scheduler alone.
    seeding = multiprocessing.get_context("fork").Process(target=_seed_deadlines, args=(settings, count, ahead))
    seeding.start()
    seeding.join()
    print(f"seeded {count:,} open deadlines in {time.perf_counter() - started:.1f}s")
    clock = Clock()
    scheduler = bootstrap.deadline_scheduler(settings, store, clock)
    first, seconds, peak = _measured(scheduler.evaluate)
    print(
        f"first pass:  {seconds:7.2f}s  examined {first.examined:,}, fired {first.fired:,}, "
        f"scheduled {first.scheduled:,} ({first.scheduled / seconds:,.0f} reminders/s); max RSS +{peak:.1f} MiB"
    )
    steady, seconds, peak = _measured(scheduler.evaluate)
    print(
        f"steady pass: {seconds:7.3f}s  examined {steady.examined:,}, scheduled {steady.scheduled}; "
        f"max RSS +{peak:.1f} MiB"
    )
    clock.time += timedelta(days=1)
    next_day, seconds, peak = _measured(scheduler.evaluate)
    print(
        f"next day:    {seconds:7.3f}s  examined {next_day.examined:,}, fired {next_day.fired:,}, "
        f"scheduled {next_day.scheduled:,}; max RSS +{peak:.1f} MiB"
    )
    print(f"max RSS of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    store.engine.dispose()


class _Receiver:
    def __init__(self) -> None:
        self.count = 0
        lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with lock:
                    receiver.count += 1
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"


def bench_webhooks(url: str, count: int, concurrency: int) -> None:
    receiver = _Receiver()
    settings = _settings(url, batch_size=500, concurrency=concurrency)
    bootstrap.migrate(settings)
    store = wiring.event_store(settings)
    Subscriptions(SqlSubscriptions(store)).subscribe(
        {
            "authority": "wh",
            "role": "organization_department",
            "channel": "webhook",
            "target": receiver.url,
            "secret": "k",
        }
    )
    rows = [
        {
            "subject": f"w-{n:06d}",
            "kind": DeadlineKind.CEREMONY_DUE.value,
            "due_on": date(2025, 11, 1),
            "authority": "wh.x",
            "status": "open",
            "context": "{}",
        }
        for n in range(count)
    ]
    with store.engine.begin() as connection:
        connection.execute(insert(deadlines), rows)
    clock = Clock()
    scheduled = bootstrap.deadline_scheduler(settings, store, clock).evaluate().scheduled
    deliverer = bootstrap.deliverer(settings, store, clock)  # `concurrency` threads (default 4)
    started = time.perf_counter()
    delivered = 0
    while delivered < scheduled:
        attempted = deliverer.deliver_due()
        if attempted == 0:
            break
        delivered += attempted
    seconds = time.perf_counter() - started
    print(
        f"webhooks: {receiver.count:,} of {scheduled:,} notifications delivered in {seconds:.2f}s "
        f"= {receiver.count / seconds:,.0f}/s (one deliverer, {concurrency} sending threads; "
        "signed POST, log row and events per notification)"
    )
    receiver.server.shutdown()
    store.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deadlines", type=int, default=100_000)
    parser.add_argument("--webhooks", type=int, default=2_000)
    parser.add_argument(
        "--ahead", type=int, default=335, help="due dates from 30 days ago to this many days ahead (0: all fire)"
    )
    parser.add_argument("--concurrency", type=int, default=4, help="the deliverer's sending threads")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL at 127.0.0.1:5432 instead of SQLite")
    parser.add_argument("--rule-sets", type=int, default=0, help="rule sets adopted for provinces before the passes")
    args = parser.parse_args()
    print(f"notifications bench on {'PostgreSQL' if args.postgres else 'SQLite'}")
    with tempfile.TemporaryDirectory() as workdir:
        for run in (
            lambda u: bench_scheduler(u, args.deadlines, args.ahead, args.rule_sets),
            lambda u: bench_webhooks(u, args.webhooks, args.concurrency),
        ):
            url = _database(args.postgres, Path(workdir))
            try:
                run(url)
            finally:
                _drop(url)
            if not args.postgres:
                Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
