"""The effective-dated hierarchy: each authority's periods (name, level, superior) and who
succeeded the authorities that ended (adapters/tables.py).

Authorities already registered are copied in as valid since 1900-01-01 with their latest
particulars, so reports keep answering after the upgrade; `coso-reporting rebuild` then
replaces them with their real dated history from the registry.

Revision ID: p0004
Revises: p0003
"""

import sqlalchemy as sa
from alembic import op

revision = "p0004"
down_revision = "p0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reporting_authority_periods",
        sa.Column("authority_id", sa.String(100), primary_key=True),
        sa.Column("valid_from", sa.String(10), primary_key=True),
        sa.Column("valid_to", sa.String(10), nullable=True),
        sa.Column("name", sa.String(300), nullable=True),
        sa.Column("level", sa.String(30), nullable=True),
        sa.Column("parent_id", sa.String(100), nullable=True),
    )
    op.create_table(
        "reporting_successions",
        sa.Column("authority_id", sa.String(100), primary_key=True),
        sa.Column("successor_id", sa.String(100), primary_key=True),
        sa.Column("effective_from", sa.String(10), nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
    )
    op.execute(
        "INSERT INTO reporting_authority_periods (authority_id, valid_from, valid_to, name, level, parent_id) "
        "SELECT authority_id, '1900-01-01', NULL, name, level, parent_id "
        "FROM reporting_authority_indicators WHERE name IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_table("reporting_successions")
    op.drop_table("reporting_authority_periods")
