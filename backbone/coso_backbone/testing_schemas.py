"""Test databases that start with a service's tables, copied from a template.

Running every migration again for each test's new database is much of what many tests cost
(reporting alone has 28). A test process runs a schema's migrations once, into a template (a
SQLite file, or a PostgreSQL database), and each test gets a copy: a file copy, or `CREATE
DATABASE … TEMPLATE`. Code under test that migrates its database at start finds every
migration applied. The tests of the migrations themselves still start from empty databases.

PostgreSQL templates are named after the process that made them and dropped when it ends;
those left by a process that did not end cleanly are dropped when the next one makes its first.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from coso_backbone.database import create_database_engine
from coso_backbone.testing import (
    POSTGRES_SERVER,
    create_postgres_databases,
    drop_postgres_databases,
    new_postgres_database,
    postgres_databases,
)

Migrate = Callable[[Engine], None]

TEMPLATE_PREFIX = "coso_tpl_"
_TEMPLATE = re.compile(rf"{TEMPLATE_PREFIX}(?P<pid>[0-9]+)_")


class SchemaTemplates:
    """One process's templates, one per schema name (the name stands for its migrate function)."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._files: dict[str, Path] = {}
        self._databases: dict[str, str] = {}
        self._lock = threading.Lock()

    def sqlite_url(self, path: Path, schema: str, migrate: Migrate) -> str:
        """The URL of a new SQLite file at `path` (which must not exist) holding `schema`'s tables."""
        if path.exists():
            raise FileExistsError(f"{path} exists: a copy of the {schema} template goes only to a new file")
        with self._lock:
            template = self._files.get(schema)
            if template is None:
                template = self._directory / f"{schema}.db"
                _migrated(f"sqlite:///{template}", migrate)
                self._files[schema] = template
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"

    @contextmanager
    def postgres_url(self, schema: str, migrate: Migrate) -> Iterator[str]:
        """The URL of a new PostgreSQL database holding `schema`'s tables, dropped on leaving."""
        with new_postgres_database(f'TEMPLATE "{self._postgres_template(schema, migrate)}"') as url:
            yield url

    @contextmanager
    def database_url(self, database: str, directory: Path, schema: str, migrate: Migrate) -> Iterator[str]:
        """The URL of a new database holding `schema`'s tables: a SQLite file in `directory`
        (`database` "sqlite") or a PostgreSQL database ("postgresql"), dropped on leaving."""
        if database == "sqlite":
            yield self.sqlite_url(directory / f"{schema}-from-template.db", schema, migrate)
        else:
            with self.postgres_url(schema, migrate) as url:
                yield url

    def close(self) -> None:
        """Drop this process's PostgreSQL templates."""
        with self._lock:
            drop_postgres_databases(self._databases.values())
            self._databases.clear()

    def _postgres_template(self, schema: str, migrate: Migrate) -> str:
        with self._lock:
            name = self._databases.get(schema)
            if name is None:
                if not self._databases:
                    drop_postgres_databases(_templates_of_ended_processes())
                name = f"{TEMPLATE_PREFIX}{os.getpid()}_{schema}"
                drop_postgres_databases([name])
                create_postgres_databases([name])
                # Copies are made while no one is connected to the template: the engine is gone.
                _migrated(f"{POSTGRES_SERVER}/{name}", migrate)
                self._databases[schema] = name
            return name


def _migrated(url: str, migrate: Migrate) -> None:
    engine = create_database_engine(url)
    try:
        migrate(engine)
    finally:
        engine.dispose()


def _templates_of_ended_processes() -> list[str]:
    """Templates whose process is no longer running on this machine."""
    ended = []
    for name in postgres_databases(TEMPLATE_PREFIX):
        found = _TEMPLATE.match(name)
        if found and not Path(f"/proc/{found['pid']}").exists():
            ended.append(name)
    return ended


def database_url_fixture(schema: str, migrate: Migrate, name: str = "database_url") -> Any:
    """A fixture for a conftest, named `name`, giving a database URL: each test using it runs
    once on SQLite and once on PostgreSQL, on a copy of `schema`'s template (the service's own
    migrate finds it current)."""

    @pytest.fixture(params=["sqlite", "postgresql"], name=name)
    def database_url(
        request: pytest.FixtureRequest, tmp_path: Path, schema_templates: SchemaTemplates
    ) -> Iterator[str]:
        with schema_templates.database_url(request.param, tmp_path, schema, migrate) as url:
            yield url

    return database_url
