"""Fixtures of the registry's integration tests."""

from __future__ import annotations

from sqlalchemy import Engine

from coso_backbone import wiring
from coso_backbone.testing_schemas import database_url_fixture
from coso_registry import bootstrap


def migrate_registry(engine: Engine) -> None:
    wiring.migrate_engine(engine, "registry", bootstrap.MIGRATIONS)


database_url = database_url_fixture("registry", migrate_registry)
