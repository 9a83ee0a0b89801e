"""Bringing a database's schema up to date: the backbone's tables and reporting's."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from coso_backbone.migrate import upgrade, upgrade_backbone

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "reporting_version"


def migrate_engine(engine: Engine) -> None:
    """Create or upgrade every table reporting needs (idempotent)."""
    upgrade_backbone(engine)
    upgrade(engine, MIGRATIONS, VERSION_TABLE)
