"""Upgrading to p0004 copies the registered authorities into the dated hierarchy, so reports
keep answering until a rebuild brings their real history."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from coso_backbone.database import create_database_engine
from coso_backbone.migrate import upgrade, upgrade_backbone
from coso_reporting.adapters.schema import MIGRATIONS, VERSION_TABLE, migrate_engine
from coso_reporting.adapters.trees import SqlAuthorityTrees


def test_registered_authorities_are_copied_in_as_valid_since_1900_and_unregistered_ones_are_not(
    database_url: str,
) -> None:
    engine = create_database_engine(database_url)
    try:
        upgrade_backbone(engine)
        upgrade(engine, MIGRATIONS, VERSION_TABLE, "p0003")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO reporting_authority_indicators "
                    "(authority_id, name, level, parent_id, enterprises, candidates_proposed) VALUES "
                    "('hn', 'Thành ủy Hà Nội', 'province', NULL, 1, 0), "
                    "('hn.kcn', 'Đảng ủy các KCN', 'industrial_zone', 'hn', 2, 3), "
                    "('dn', NULL, NULL, NULL, 0, 1)"
                )
            )
        migrate_engine(engine)
        tree = SqlAuthorityTrees(engine).as_of(date(2026, 1, 1))
        assert set(tree.units) == {"hn", "hn.kcn"}
        assert (tree.children("hn"), tree.name("hn.kcn")) == (["hn.kcn"], "Đảng ủy các KCN")
        assert tree.units["hn"].valid_from == date(1900, 1, 1)
    finally:
        engine.dispose()
