"""Authority timelines: periods of the effective-dated hierarchy and successions.

Revision ID: r0002
Revises: r0001
"""

import sqlalchemy as sa
from alembic import op

revision = "r0002"
down_revision = "r0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("registry_authorities") as batch:
        batch.add_column(sa.Column("ended_on", sa.Date, nullable=True))
    op.create_table(
        "registry_authority_periods",
        sa.Column("authority_id", sa.String(100), primary_key=True),
        sa.Column("valid_from", sa.Date, primary_key=True),
        sa.Column("valid_to", sa.Date, nullable=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("level", sa.String(30), nullable=False),
        sa.Column("parent_id", sa.String(100), nullable=True),
    )
    op.create_index("ix_registry_authority_periods_parent", "registry_authority_periods", ["parent_id", "valid_from"])
    op.create_table(
        "registry_authority_successions",
        sa.Column("predecessor_id", sa.String(100), primary_key=True),
        sa.Column("successor_id", sa.String(100), primary_key=True),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
    )
    # Authorities registered before timelines existed: one open period each.
    op.execute(
        "INSERT INTO registry_authority_periods (authority_id, valid_from, valid_to, name, level, parent_id) "
        "SELECT authority_id, effective_from, NULL, name, level, parent_id FROM registry_authorities"
    )


def downgrade() -> None:
    op.drop_table("registry_authority_successions")
    op.drop_index("ix_registry_authority_periods_parent", "registry_authority_periods")
    op.drop_table("registry_authority_periods")
    with op.batch_alter_table("registry_authorities") as batch:
        batch.drop_column("ended_on")
