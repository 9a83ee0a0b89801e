"""The authorities' hierarchy, from registry's events: which superiors' rule sets cover an authority.

Revision ID: n0004
Revises: n0003
"""

import sqlalchemy as sa
from alembic import op

revision = "n0004"
down_revision = "n0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notifications_authorities",
        sa.Column("authority_id", sa.String(100), primary_key=True),
        sa.Column("parent_id", sa.String(100), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("notifications_authorities")
