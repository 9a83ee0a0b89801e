"""Every text column of the projection's tables (`reporting_*`) compares byte by byte on
PostgreSQL: collation "C" (adapters/tables.py). Days are ISO strings and ids are listed
in code-point order, as Python sorts them, whatever the database's own collation. Each
table is rewritten once, with its indexes, and analyzed again. Nothing to do on SQLite,
which compares bytewise.

Revision ID: p0015
Revises: p0014
"""

import sqlalchemy as sa
from alembic import op

revision = "p0015"
down_revision = "p0014"
branch_labels = None
depends_on = None

# Reporting's own tables that are not part of the projection keep the database's collation.
_NOT_PROJECTED = {"reporting_plans"}


def _projected_text_columns(connection: sa.Connection, bytewise: bool) -> dict[str, list[tuple[str, int | None]]]:
    """Per projection table, its text columns (name, length) whose collation is "C" (`bytewise`)
    or is not."""
    rows = connection.execute(
        sa.text(
            "SELECT table_name, column_name, character_maximum_length FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name LIKE 'reporting\\_%'"
            " AND data_type IN ('character varying', 'text')"
            f" AND COALESCE(collation_name, '') {'=' if bytewise else '<>'} 'C'"
            " ORDER BY table_name, ordinal_position"
        )
    )
    found: dict[str, list[tuple[str, int | None]]] = {}
    for table, column, length in rows:
        if table not in _NOT_PROJECTED:
            found.setdefault(table, []).append((column, length))
    return found


def _alter(collation: str | None) -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    for table, columns in _projected_text_columns(connection, bytewise=collation is None).items():
        changes = ", ".join(
            f'ALTER COLUMN "{name}" TYPE {f"VARCHAR({length})" if length else "TEXT"}'
            + (f' COLLATE "{collation}"' if collation else ' COLLATE pg_catalog."default"')
            for name, length in columns
        )
        op.execute(f'ALTER TABLE "{table}" {changes}')
        op.execute(f'ANALYZE "{table}"')


def upgrade() -> None:
    _alter("C")


def downgrade() -> None:
    _alter(None)
