"""Fixtures of the registry's integration tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from coso_backbone import wiring
from coso_registry import bootstrap


def migrate_registry(engine: Engine) -> None:
    wiring.migrate_engine(engine, "registry", bootstrap.MIGRATIONS)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, schema_templates: Any) -> Iterator[str]:
    """The registry's database on SQLite and on PostgreSQL (each test runs once on each), copied
    from a migrated template: the service's own migrate finds it current."""
    if request.param == "sqlite":
        yield schema_templates.sqlite_url(tmp_path / "registry.db", "registry", migrate_registry)
    else:
        with schema_templates.postgres_url("registry", migrate_registry) as url:
            yield url
