"""Rows looked up by key on a rebuild's bulk connection (adapters/upsert.py `rows_with_keys`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import insert

from coso_backbone.database import create_database_engine
from coso_reporting.adapters.schema import migrate_engine
from coso_reporting.adapters.tables import LIVE
from coso_reporting.adapters.upsert import BULK, rows_with_keys


@pytest.fixture
def bulk_engine(postgres_url: str) -> Iterator:
    import psycopg2.extensions

    green = psycopg2.extensions.get_wait_callback()
    psycopg2.extensions.set_wait_callback(None)  # as a rebuild runs: COPY and bulk lookups
    engine = create_database_engine(postgres_url)
    migrate_engine(engine)
    yield engine
    engine.dispose()
    psycopg2.extensions.set_wait_callback(green)


@pytest.mark.parametrize(
    "ids",
    [["e1", "e2", "e,3"], ["e1", "e\x1f2", "e2"], [""]],
    ids=["plain", "an-id-holding-the-separator", "only-an-empty-id"],
)
def test_a_bulk_lookup_finds_exactly_the_rows_of_the_ids_asked(bulk_engine, ids: list[str]) -> None:
    table = LIVE.enterprises
    stored = ["e1", "e2", "e,3", "e\x1f2", "", "e"]
    with bulk_engine.begin() as connection:
        connection.execute(insert(table), [{"enterprise_id": e, "authority_id": f"a-{e}"} for e in stored])
    with bulk_engine.connect().execution_options(**{BULK: True}) as connection:
        found = rows_with_keys(connection, table, "enterprise_id", set(ids), ["enterprise_id", "authority_id"])

    assert sorted(found) == sorted((e, f"a-{e}") for e in ids)
