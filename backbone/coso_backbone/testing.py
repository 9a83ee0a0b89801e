"""pytest fixtures for coso's tests, against the real PostgreSQL and RabbitMQ.

Loaded with `-p coso_backbone.testing`. Every test gets its own PostgreSQL database and its
own RabbitMQ names, so tests never see each other's data.

Environment: COSO_TEST_POSTGRES (server URL, default postgresql+psycopg2://postgres@127.0.0.1:5432)
and COSO_TEST_AMQP (default amqp://guest:guest@127.0.0.1:5672//).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

POSTGRES_SERVER = os.environ.get("COSO_TEST_POSTGRES", "postgresql+psycopg2://postgres@127.0.0.1:5432")
AMQP_URI = os.environ.get("COSO_TEST_AMQP", "amqp://guest:guest@127.0.0.1:5672//")


def unique_name(prefix: str = "t") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """URL of a new, empty PostgreSQL database, dropped after the test."""
    name = unique_name("coso_test_")
    admin = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each test using this runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
    else:
        yield request.getfixturevalue("postgres_url")


@pytest.fixture
def amqp_uri() -> str:
    return AMQP_URI


@pytest.fixture
def run_id() -> str:
    """A short unique tag for broker names (exchanges, queues) used by one test."""
    return unique_name("t")
