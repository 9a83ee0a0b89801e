"""Schema migrations with Alembic, run programmatically.

The backbone's tables and each service's own tables live in the same database but are
migrated independently, each with its own Alembic version table, so a service can add
tables without touching the backbone's history.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

if TYPE_CHECKING:
    from alembic.config import Config

BACKBONE_MIGRATIONS = Path(__file__).parent / "migrations"


# Alembic is imported when a migration runs, not with the module: the services' API and worker
# processes, which import this through their wiring and never migrate, start about 0.2 s sooner.


def upgrade(engine: Engine, script_location: Path, version_table: str, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(_config(engine, script_location, version_table), revision)


def downgrade(engine: Engine, script_location: Path, version_table: str, revision: str) -> None:
    """Undo the migrations after `revision`, last first."""
    from alembic import command

    command.downgrade(_config(engine, script_location, version_table), revision)


def _config(engine: Engine, script_location: Path, version_table: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["engine"] = engine
    config.attributes["version_table"] = version_table
    return config


def upgrade_backbone(engine: Engine) -> None:
    upgrade(engine, BACKBONE_MIGRATIONS, "coso_backbone_version")
