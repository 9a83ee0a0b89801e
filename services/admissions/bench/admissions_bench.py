"""The admissions benchmark: candidates through the whole pipeline, in bulk and through the API.

    .venv/bin/python -m services.admissions.bench.admissions_bench                    # SQLite
    .venv/bin/python -m services.admissions.bench.admissions_bench --postgres --bulk 150000

(a) Bulk: N candidates' full histories (proposal, nine steps, one personal-data record: 11
    events each) built by the domain on Vietnam's calendar and appended with `record_many`
    in batches of 1,000 streams. Figures: events/s, candidates/s.
(b) API: M candidates proposed and taken through the nine steps by the application's
    commands (`propose_candidate`, `advance`), one transaction each. Figures: commands/s,
    events/s, p50/p99 command latency.
(c) Long history: one candidate with K personal-data corrections; time to read it back
    (`Admissions.candidate`: the stream rebuilt, the personal data opened) and to rebuild
    the aggregate alone.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text

from coso_admissions import bootstrap
from coso_admissions.adapters.sql import SqlAdmissionsUnitOfWork
from coso_admissions.application.commands import ProposeCandidate, RecordPersonalData
from coso_admissions.application.pipeline import STEPS
from coso_admissions.domain.candidate import Candidate, StepFacts, stream_of_candidate
from coso_admissions.domain.enterprise import EnterpriseOnRecord
from coso_backbone.config import CosoSettings
from coso_backbone.contracts import EventContract
from coso_backbone.contracts.registry import AuthorityLevel, AuthorityRegistered, EnterpriseRegistered, Ownership

POSTGRES_SERVER = os.environ.get("COSO_TEST_POSTGRES", "postgresql+psycopg2://postgres@127.0.0.1:5432")
AUTHORITY, ENTERPRISE, TAX_CODE = "hn.kcn-thang-long", "ent-minh-phat", "0100109106"
BODY = "Chi bộ Công ty Minh Phát"
DOCUMENT = {"number": "125-QĐ/ĐU", "issued_on": "2025-03-03"}
PERSONAL = {"full_name": "Nguyễn Văn An", "birth_date": "1995-05-05", "national_id": "001095000123"}
STEPS_OF_A_CANDIDATE: list[tuple[str, dict[str, Any]]] = [
    ("awareness-class", {"on": "2024-08-20", "body": "Trung tâm Chính trị", "document": DOCUMENT}),
    ("application", {"on": "2024-09-02", "body": BODY}),
    ("background-check", {"on": "2024-10-01", "body": BODY}),
    (
        "introduction",
        {
            "on": "2024-11-01",
            "body": BODY,
            "introducers": [
                {"kind": "official_member", "ref": "m-1", "worked_with_candidate_since": "2023-01-01"},
                {"kind": "official_member", "ref": "m-2", "worked_with_candidate_since": "2023-01-01"},
            ],
        },
    ),
    ("cell-vote", {"on": "2024-11-15", "body": BODY, "votes_for": 5, "official_members": 6}),
    ("grassroots-resolution", {"on": "2024-12-16", "body": "Đảng ủy Công ty", "document": DOCUMENT}),
    ("decision", {"on": "2025-03-03", "body": "Đảng ủy Khối", "document": DOCUMENT}),
    ("ceremony", {"on": "2025-03-20", "body": BODY}),
    (
        "recognition",
        {"on": "2026-04-01", "body": "Đảng ủy Khối", "votes_for": 6, "official_members": 6, "document": DOCUMENT},
    ),
]


@contextmanager
def database(postgres: bool, folder: Path) -> Iterator[str]:
    if not postgres:
        yield f"sqlite:///{folder / f'admissions-{uuid.uuid4().hex[:6]}.db'}"
        return
    name = f"coso_bench_admissions_{uuid.uuid4().hex[:8]}"
    admin = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepared(url: str) -> bootstrap.AdmissionsApp:
    settings = CosoSettings(
        service="admissions",
        database_url=url,
        amqp_uri="amqp://guest:guest@127.0.0.1:5672//",
        http_port=0,
        metrics_port=0,
        options={"personal_data": {"master_keys": Fernet.generate_key().decode()}},
    )
    bootstrap.migrate(settings)
    app = bootstrap.build(settings)
    _announce_enterprise(app)
    return app


def _announce_enterprise(app: bootstrap.AdmissionsApp) -> None:
    """What the registry's consumer would have written: the authority and the enterprise."""
    from coso_admissions.adapters.registry_events import remember_authority, remember_enterprise

    authority = AuthorityRegistered(
        authority_id=AUTHORITY,
        name="Đảng ủy các KCN",
        level=AuthorityLevel.INDUSTRIAL_ZONE,
        parent_id="hn",
        effective_from=date(2025, 7, 1),
    )
    enterprise = EnterpriseRegistered(
        enterprise_id=ENTERPRISE,
        tax_code=TAX_CODE,
        name="Công ty TNHH Minh Phát",
        authority_id=AUTHORITY,
        ownership=Ownership.DOMESTIC_PRIVATE,
        worker_count=850,
        registered_on=date(2024, 3, 12),
    )
    with app.store.engine.begin() as connection:
        remember_authority(connection, None, authority)  # type: ignore[arg-type]
        remember_enterprise(connection, None, enterprise)  # type: ignore[arg-type]


CALENDAR = bootstrap.working_calendar(
    CosoSettings(service="admissions", database_url="", amqp_uri="", http_port=0, metrics_port=0)
)


def history_of(candidate_id: str, app: bootstrap.AdmissionsApp, sealed: str) -> list[EventContract]:
    """A candidate's eleven events, built by the domain exactly as the commands would."""
    enterprise = EnterpriseOnRecord(ENTERPRISE, AUTHORITY, TAX_CODE, "Công ty TNHH Minh Phát")
    today = datetime.now(UTC).date()
    candidate = Candidate.propose(
        candidate_id,
        enterprise=enterprise,
        source_channel="enterprise_trade_union",  # type: ignore[arg-type]
        job_category="production_worker",
        proposed_on=date(2024, 8, 1),
        today=today,  # type: ignore[arg-type]
    )
    candidate.record_personal_data(sealed, today)
    rules, calendar = bootstrap.rule_book(app.settings), CALENDAR
    for step, fields in STEPS_OF_A_CANDIDATE:
        known = STEPS[step]
        command = known.command.model_validate(fields)
        facts = StepFacts(on=command.on, body=command.body, today=today, document=command.document)
        known.apply(candidate, command, facts, rules.rules_for(AUTHORITY, command.on), calendar)
    return candidate.pending


def bulk(app: bootstrap.AdmissionsApp, count: int, batch: int = 1000) -> dict[str, float]:
    started = time.perf_counter()
    events = 0
    for first in range(0, count, batch):
        with SqlAdmissionsUnitOfWork(app.store, bootstrap.envelope_cipher(app.settings)) as uow:
            appends = []
            for _ in range(min(batch, count - first)):
                candidate_id = str(uuid.uuid4())
                sealed = uow.seal_personal_data(candidate_id, PERSONAL)
                history = history_of(candidate_id, app, sealed)
                events += len(history)
                appends.append((stream_of_candidate(candidate_id), 0, history, AUTHORITY))
            uow.record_many(appends)
            uow.commit()
    elapsed = time.perf_counter() - started
    return {
        "candidates": count,
        "events": events,
        "seconds": elapsed,
        "events_per_s": events / elapsed,
        "candidates_per_s": count / elapsed,
    }


def through_api(app: bootstrap.AdmissionsApp, count: int) -> dict[str, float]:
    latencies: list[float] = []
    events_before = app.store.last_position()
    proposal = ProposeCandidate.model_validate(
        {
            "enterprise_id": ENTERPRISE,
            "source_channel": "labour_federation",
            "job_category": "technician",
            "proposed_on": "2024-08-01",
            "personal": PERSONAL,
        }
    )
    started = time.perf_counter()
    for _ in range(count):
        t0 = time.perf_counter()
        candidate_id = app.admissions.propose_candidate(proposal)["candidate_id"]
        latencies.append(time.perf_counter() - t0)
        for step, fields in STEPS_OF_A_CANDIDATE:
            t0 = time.perf_counter()
            app.admissions.advance(candidate_id, step, fields)
            latencies.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    events = app.store.last_position() - events_before
    ordered = sorted(latencies)
    return {
        "candidates": count,
        "commands": len(latencies),
        "events": events,
        "seconds": elapsed,
        "commands_per_s": len(latencies) / elapsed,
        "events_per_s": events / elapsed,
        "p50_ms": 1000 * statistics.median(ordered),
        "p99_ms": 1000 * ordered[int(0.99 * (len(ordered) - 1))],
    }


def long_history(app: bootstrap.AdmissionsApp, corrections: int, repeat: int = 20) -> dict[str, float]:
    proposal = ProposeCandidate.model_validate(
        {
            "enterprise_id": ENTERPRISE,
            "source_channel": "youth_union",
            "job_category": "technician",
            "proposed_on": "2024-08-01",
        }
    )
    candidate_id = app.admissions.propose_candidate(proposal)["candidate_id"]
    with SqlAdmissionsUnitOfWork(app.store, bootstrap.envelope_cipher(app.settings)) as uow:
        candidate = Candidate.from_history(uow.candidate_history(candidate_id))
        for n in range(corrections):
            candidate.record_personal_data(
                uow.seal_personal_data(candidate_id, {**PERSONAL, "education": str(n)}), date(2025, 1, 1)
            )
        uow.record(stream_of_candidate(candidate_id), 1, candidate.pending, AUTHORITY)
        uow.commit()
    app.admissions.record_personal_data(candidate_id, RecordPersonalData.model_validate({"personal": PERSONAL}))

    def timed(call: Any) -> float:
        samples = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            call()
            samples.append(time.perf_counter() - t0)
        return 1000 * statistics.median(samples)

    def rebuild() -> None:
        with SqlAdmissionsUnitOfWork(app.store) as uow:
            Candidate.from_history(uow.candidate_history(candidate_id))

    return {
        "events": corrections + 2,
        "read_ms": timed(lambda: app.admissions.candidate(candidate_id)),
        "rebuild_ms": timed(rebuild),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--bulk", type=int, default=20_000, help="candidates appended in bulk")
    parser.add_argument("--api", type=int, default=500, help="candidates taken through the API")
    parser.add_argument("--long", type=int, default=5_000, help="events of the long-history candidate")
    args = parser.parse_args()
    backend = "PostgreSQL" if args.postgres else "SQLite"
    with tempfile.TemporaryDirectory() as folder, database(args.postgres, Path(folder)) as url:
        app = prepared(url)
        b = bulk(app, args.bulk)
        print(
            f"admissions bulk ({backend}): {b['candidates']:,} candidates, {b['events']:,} events in "
            f"{b['seconds']:.1f}s: {b['events_per_s']:,.0f} events/s, {b['candidates_per_s']:,.0f} candidates/s"
        )
        a = through_api(app, args.api)
        print(
            f"admissions API ({backend}, {b['events']:,} events already stored): {a['candidates']:,} candidates, "
            f"{a['commands']:,} commands, {a['events']:,} events in {a['seconds']:.1f}s: "
            f"{a['commands_per_s']:,.0f} commands/s, {a['events_per_s']:,.0f} events/s, "
            f"latency p50 {a['p50_ms']:.2f} ms, p99 {a['p99_ms']:.2f} ms"
        )
        h = long_history(app, args.long)
        print(
            f"admissions long history ({backend}): a candidate of {h['events']:,} events read in "
            f"{h['read_ms']:.1f} ms (aggregate rebuilt alone: {h['rebuild_ms']:.1f} ms), median of 20"
        )
        app.store.engine.dispose()


if __name__ == "__main__":
    main()
