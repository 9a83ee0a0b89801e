"""Fixtures of the admissions tests.

Admissions knows the registry only from its events, so tests announce authorities and
enterprises the way the worker would: as envelopes applied by a real `Consumer` with
admissions' handlers (the dead-letter sink is a fake; the broker is not involved). Helpers
are fixtures because test modules are imported with `--import-mode=importlib`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine

from coso_admissions import bootstrap
from coso_admissions.adapters.registry_events import registry_event_handlers
from coso_backbone import wiring
from coso_backbone.config import CosoSettings
from coso_backbone.consumer import ApplyOutcome, Consumer, Incoming
from coso_backbone.contracts import EventContract
from coso_backbone.contracts.registry import AuthorityLevel, AuthorityRegistered, EnterpriseRegistered, Ownership
from coso_backbone.deadletters import DeadLetter
from coso_backbone.envelope import Envelope
from coso_backbone.testing_schemas import database_url_fixture

# A master key for tests only (a Fernet key); deployments take theirs from COSO_ADMISSIONS_MASTER_KEYS.
TEST_MASTER_KEY = "iZ8y3mTq9k6v0c9b2Yb2t7W1nQ4l3Jx8mB5sV0aE6dQ="


class FakeDeadLetters:
    """Keeps dead letters in a list instead of sending them to RabbitMQ."""

    def __init__(self) -> None:
        self.letters: list[DeadLetter] = []

    def send(self, letters: list[DeadLetter]) -> None:
        self.letters.extend(letters)


class RegistryAnnouncements:
    """Registry events, numbered as one registry source would number them, applied to admissions."""

    def __init__(self, app: bootstrap.AdmissionsApp, source: str) -> None:
        self.source = source
        self.position = 0
        self.dead_letters = FakeDeadLetters()
        self.consumer = Consumer("admissions", app.store.engine, registry_event_handlers(), self.dead_letters)

    def envelope(self, event: EventContract, authority: str, subject: str) -> Envelope:
        self.position += 1
        new = event.to_new_event(authority)
        return Envelope(
            id=new.event_id,
            source=self.source,
            producer=event.event_producer,
            event_type=event.event_name,
            version=event.event_version,
            time=datetime.now(UTC),
            subject=subject,
            sequence=self.position,
            authority=authority,
            data_json=new.data_json(),
        )

    def apply(self, *envelopes: Envelope) -> ApplyOutcome:
        return self.consumer.apply([Incoming.from_catch_up(e) for e in envelopes])

    def authority(self, authority_id: str, parent_id: str | None = "hn") -> Envelope:
        event = AuthorityRegistered(
            authority_id=authority_id,
            name=f"Đảng ủy {authority_id}",
            level=AuthorityLevel.PROVINCE if parent_id is None else AuthorityLevel.INDUSTRIAL_ZONE,
            parent_id=parent_id,
            effective_from=date(2025, 7, 1),
        )
        return self.envelope(event, authority_id, f"authority-{authority_id}")

    def enterprise(
        self, enterprise_id: str, authority_id: str, tax_code: str = "0100109106", name: str = "Công ty TNHH Minh Phát"
    ) -> Envelope:
        event = EnterpriseRegistered(
            enterprise_id=enterprise_id,
            tax_code=tax_code,
            name=name,
            authority_id=authority_id,
            ownership=Ownership.DOMESTIC_PRIVATE,
            worker_count=850,
            registered_on=date(2024, 3, 12),
        )
        return self.envelope(event, authority_id, f"enterprise-{enterprise_id}")


# One candidate's road through the whole pipeline, as (step, body) of `POST /candidates/<id>/<step>`.
BODY = "Chi bộ Công ty Minh Phát"
MEMBERS = [
    {"kind": "official_member", "ref": "m-1", "worked_with_candidate_since": "2023-01-01"},
    {"kind": "trade_union_committee", "ref": "cdcs-minh-phat", "worked_with_candidate_since": "2023-01-01"},
]
ADMISSION_PATH: list[tuple[str, dict[str, Any]]] = [
    (
        "awareness-class",
        {"on": "2024-08-20", "body": "Trung tâm Chính trị", "document": {"number": "CC-7", "issued_on": "2024-08-20"}},
    ),
    ("application", {"on": "2024-09-02", "body": BODY}),
    ("background-check", {"on": "2024-10-01", "body": BODY}),
    ("introduction", {"on": "2024-11-01", "body": BODY, "introducers": MEMBERS}),
    ("cell-vote", {"on": "2024-11-15", "body": BODY, "votes_for": 5, "official_members": 6}),
    (
        "grassroots-resolution",
        {"on": "2024-12-16", "body": "Đảng ủy Công ty", "document": {"number": "12-NQ/ĐU", "issued_on": "2024-12-16"}},
    ),
    (
        "decision",
        {"on": "2025-03-03", "body": "Đảng ủy Khối", "document": {"number": "125-QĐ/ĐU", "issued_on": "2025-03-03"}},
    ),
    ("ceremony", {"on": "2025-03-20", "body": BODY}),
    (
        "recognition",
        {
            "on": "2026-04-01",
            "body": "Đảng ủy Khối",
            "votes_for": 6,
            "official_members": 6,
            "document": {"number": "40-QĐ/ĐU", "issued_on": "2026-04-01"},
        },
    ),
]


@pytest.fixture
def admission_path() -> list[tuple[str, dict[str, Any]]]:
    """The steps of a candidate admitted in March 2025 and recognised in April 2026 (dates past Tết Ất Tỵ)."""
    return ADMISSION_PATH


@pytest.fixture
def settings_for(amqp_uri: str, run_id: str) -> Callable[..., CosoSettings]:
    """Admissions settings for a database; broker names are unique to the test."""

    def make(database_url: str, **overrides: Any) -> CosoSettings:
        values: dict[str, Any] = {
            "service": "admissions",
            "deployment": run_id,
            "database_url": database_url,
            "amqp_uri": amqp_uri,
            "http_port": 0,
            "metrics_port": 0,
            "options": {
                "timezone": "Asia/Ho_Chi_Minh",
                "personal_data": {"master_keys": TEST_MASTER_KEY},
                "access_control": False,
            },
        }
        values.update(overrides)
        return CosoSettings.model_validate(values)

    return make


@pytest.fixture
def admissions_on(settings_for: Callable[..., CosoSettings]) -> Iterator[Callable[[str], bootstrap.AdmissionsApp]]:
    """The wired admissions application on a migrated database."""
    built: list[bootstrap.AdmissionsApp] = []

    def make(database_url: str) -> bootstrap.AdmissionsApp:
        settings = settings_for(database_url)
        bootstrap.migrate(settings)
        app = bootstrap.build(settings)
        built.append(app)
        return app

    yield make
    for app in built:
        app.store.engine.dispose()


def migrate_admissions(engine: Engine) -> None:
    wiring.migrate_engine(engine, "admissions", bootstrap.MIGRATIONS)


migrated_database_url = database_url_fixture("admissions", migrate_admissions, name="migrated_database_url")


@pytest.fixture
def app(admissions_on: Callable[[str], bootstrap.AdmissionsApp], migrated_database_url: str) -> bootstrap.AdmissionsApp:
    """Admissions on SQLite and on PostgreSQL (the test runs once on each), its database copied
    from a migrated template."""
    return admissions_on(migrated_database_url)


@pytest.fixture
def registry(app: bootstrap.AdmissionsApp, run_id: str) -> RegistryAnnouncements:
    return RegistryAnnouncements(app, f"/coso/{run_id}/registry")


@pytest.fixture
def announcements_for(run_id: str) -> Callable[[bootstrap.AdmissionsApp], RegistryAnnouncements]:
    return lambda app: RegistryAnnouncements(app, f"/coso/{run_id}/registry")


@pytest.fixture
def on_the_command_line(
    settings_for: Callable[..., CosoSettings], tmp_path: Path, run_id: str
) -> Iterator[tuple[bootstrap.AdmissionsApp, Path, RegistryAnnouncements]]:
    """Admissions on a SQLite file, the configuration file its command line reads (`--config`),
    and the registry's announcements to it."""
    settings = settings_for(f"sqlite:///{tmp_path / 'admissions.db'}")
    bootstrap.migrate(settings)
    app = bootstrap.build(settings)
    config = tmp_path / "config.yml"
    config.write_text(yaml.safe_dump({"coso": settings.model_dump()}), encoding="utf-8")
    yield app, config, RegistryAnnouncements(app, f"/coso/{run_id}/registry")
    app.store.engine.dispose()


@pytest.fixture
def service(
    admissions_on: Callable[[str], bootstrap.AdmissionsApp],
    announcements_for: Callable[[bootstrap.AdmissionsApp], RegistryAnnouncements],
    sqlite_url: str,
) -> Iterator[Any]:
    """The nameko service on SQLite (via `worker_factory`), with one authority and one enterprise announced."""
    import psycopg2.extensions
    from nameko.testing.services import worker_factory

    from coso_admissions.entrypoints.service import AdmissionsService

    app = admissions_on(sqlite_url)
    registry = announcements_for(app)
    registry.apply(registry.authority("hn.kcn-thang-long"), registry.enterprise("ent-minh-phat", "hn.kcn-thang-long"))
    yield worker_factory(AdmissionsService, app=app)
    # Importing the service makes psycopg2 cooperate with eventlet; undo it for other tests.
    psycopg2.extensions.set_wait_callback(None)
