"""Registry lookup tables: authorities and enterprises.

Revision ID: r0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "r0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registry_authorities",
        sa.Column("authority_id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("level", sa.String(30), nullable=False),
        sa.Column("parent_id", sa.String(100), nullable=True),
        sa.Column("effective_from", sa.Date, nullable=False),
    )
    op.create_table(
        "registry_enterprises",
        sa.Column("enterprise_id", sa.String(100), primary_key=True),
        sa.Column("tax_code", sa.String(20), nullable=False, unique=True),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("authority_id", sa.String(100), nullable=False, index=True),
        sa.Column("ownership", sa.String(30), nullable=False),
        sa.Column("worker_count", sa.Integer, nullable=False),
        sa.Column("registered_on", sa.Date, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("registry_enterprises")
    op.drop_table("registry_authorities")
