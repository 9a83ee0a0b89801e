"""The projection's text columns compare byte by byte on PostgreSQL, whatever the database's
language: a database created for Vietnamese (ICU `vi-VN`) still orders ids in code points,
as Python does, and the migration brings existing tables to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, create_engine, insert, select, text

from coso_backbone.migrate import upgrade, upgrade_backbone
from coso_backbone.testing import new_postgres_database
from coso_reporting.adapters.rebuild import rebuild
from coso_reporting.adapters.schema import MIGRATIONS, VERSION_TABLE, migrate_engine
from coso_reporting.adapters.tables import LIVE

IDS = ["b", "B", "a", "Ă", "A", "ă", "z"]


@pytest.fixture
def vietnamese_postgres_url() -> Iterator[str]:
    """A new PostgreSQL database whose default collation is Vietnamese."""
    vietnamese = "TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8' LOCALE_PROVIDER icu ICU_LOCALE 'vi-VN'"
    with new_postgres_database(vietnamese, prefix="coso_test_vi_") as url:
        yield url


def text_collations(engine: Engine) -> dict[tuple[str, str], str | None]:
    """(table, column) -> collation of every text column of the live projection tables."""
    names = [t.name for t in LIVE.all()]
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT table_name, column_name, collation_name FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = ANY(:names)"
                " AND data_type IN ('character varying', 'text')"
            ),
            {"names": names},
        )
        return {(table, column): collation for table, column, collation in rows}


def ordered_ids(engine: Engine) -> list[str]:
    table = LIVE.enterprises
    with engine.begin() as connection:
        connection.execute(table.delete())
        connection.execute(insert(table), [{"enterprise_id": i, "authority_id": "x"} for i in IDS])
        return list(connection.execute(select(table.c.enterprise_id).order_by(table.c.enterprise_id)).scalars())


def test_a_vietnamese_database_orders_ids_by_code_point_in_the_projection(vietnamese_postgres_url: str) -> None:
    engine = create_engine(vietnamese_postgres_url)
    with engine.connect() as connection:
        in_language = text("SELECT i FROM unnest(CAST(:ids AS text[])) AS i ORDER BY i")
        language_order = list(connection.execute(in_language, {"ids": IDS}).scalars())
    assert language_order != sorted(IDS)  # what a column of the database's collation would answer

    migrate_engine(engine)

    collations = text_collations(engine)
    assert collations and set(collations.values()) == {"C"}
    assert ordered_ids(engine) == sorted(IDS)
    engine.dispose()


def test_a_rebuild_swaps_in_tables_that_compare_bytewise(
    vietnamese_postgres_url: str, world, projection_at: Callable[..., object]
) -> None:
    projection = projection_at(vietnamese_postgres_url)
    world.authority("hn")
    world.enterprise("e1", "hn")

    rebuild(projection.engine, world.sources)  # type: ignore[attr-defined]

    assert set(text_collations(projection.engine).values()) == {"C"}  # type: ignore[attr-defined]
    assert ordered_ids(projection.engine) == sorted(IDS)  # type: ignore[attr-defined]


def test_the_migration_brings_existing_text_columns_to_bytewise_keeping_rows(vietnamese_postgres_url: str) -> None:
    engine = create_engine(vietnamese_postgres_url)
    upgrade_backbone(engine)
    upgrade(engine, MIGRATIONS, VERSION_TABLE, "p0010")  # the tables as they were before p0015
    enterprises = LIVE.enterprises.name
    with engine.begin() as connection:
        connection.execute(
            text(f"INSERT INTO {enterprises} (enterprise_id, authority_id) VALUES (:e, 'x')"), [{"e": i} for i in IDS]
        )
    assert set(text_collations(engine).values()) == {None}

    migrate_engine(engine)

    assert set(text_collations(engine).values()) == {"C"}
    with engine.connect() as connection:
        kept = connection.execute(text(f"SELECT enterprise_id FROM {enterprises} ORDER BY enterprise_id"))
        assert list(kept.scalars()) == sorted(IDS)
    engine.dispose()
