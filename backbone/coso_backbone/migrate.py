"""Schema migrations with Alembic, run programmatically.

The backbone's tables and each service's own tables live in the same database but are
migrated independently, each with its own Alembic version table, so a service can add
tables without touching the backbone's history.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

BACKBONE_MIGRATIONS = Path(__file__).parent / "migrations"


def upgrade(engine: Engine, script_location: Path, version_table: str, revision: str = "head") -> None:
    command.upgrade(_config(engine, script_location, version_table), revision)


def downgrade(engine: Engine, script_location: Path, version_table: str, revision: str) -> None:
    """Undo the migrations after `revision`, last first."""
    command.downgrade(_config(engine, script_location, version_table), revision)


def _config(engine: Engine, script_location: Path, version_table: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["engine"] = engine
    config.attributes["version_table"] = version_table
    return config


def upgrade_backbone(engine: Engine) -> None:
    upgrade(engine, BACKBONE_MIGRATIONS, "coso_backbone_version")
