"""The tokens-and-grants store every service uses, on SQLite and PostgreSQL: a service's own
two tables, with or without the personal-data flag."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import MetaData

from coso_backbone.access import Grant, Principal, Role, token_hash
from coso_backbone.access_store import SqlAccessStore, access_tables
from coso_backbone.database import create_database_engine

metadata = MetaData()
tokens, plain_grants = access_tables(metadata, "example")
_, personal_grants = access_tables(metadata, "example_personal", personal_data=True)


@pytest.fixture
def stores(database_url: str) -> Iterator[tuple[SqlAccessStore, SqlAccessStore]]:
    engine = create_database_engine(database_url)
    metadata.create_all(engine)
    try:
        yield SqlAccessStore(engine, tokens, plain_grants), SqlAccessStore(engine, tokens, personal_grants)
    finally:
        engine.dispose()


def test_a_users_tokens_share_their_grants_each_recorded_once(stores: tuple[SqlAccessStore, SqlAccessStore]) -> None:
    store, _ = stores
    store.add_token("an@hn", token_hash("one"), [Grant("hn.b", Role.VIEWER), Grant("hn.b", Role.VIEWER)])
    store.add_token("an@hn", token_hash("two"), [Grant("hn.a", Role.EDITOR), Grant("hn.b", Role.VIEWER)])
    both = Principal("an@hn", (Grant("hn.a", Role.EDITOR), Grant("hn.b", Role.VIEWER)))
    assert store.principal_for_token(token_hash("one")) == both
    assert store.principal_for_token(token_hash("two")) == both
    assert store.principal_for_token(token_hash("three")) is None


def test_a_grants_table_with_a_personal_data_column_keeps_the_flag(
    stores: tuple[SqlAccessStore, SqlAccessStore],
) -> None:
    _, store = stores
    store.add_token(
        "ba@hn",
        token_hash("one"),
        [Grant("hn.a", Role.EDITOR, personal_data=True), Grant("hn.a", Role.EDITOR), Grant("hn.b", Role.VIEWER)],
    )
    found = store.principal_for_token(token_hash("one"))
    assert found == Principal("ba@hn", (Grant("hn.a", Role.EDITOR, True), Grant("hn.b", Role.VIEWER, False)))
