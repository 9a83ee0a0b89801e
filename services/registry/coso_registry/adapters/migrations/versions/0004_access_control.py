"""Access control: API tokens and grants of roles on authority subtrees.

Revision ID: r0004
Revises: r0003
"""

import sqlalchemy as sa
from alembic import op

revision = "r0004"
down_revision = "r0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registry_api_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_name", sa.String(200), nullable=False, index=True),
        sa.Column("created_at", sa.Date, nullable=False),
    )
    op.create_table(
        "registry_grants",
        sa.Column("user_name", sa.String(200), primary_key=True),
        sa.Column("authority_id", sa.String(100), primary_key=True),
        sa.Column("role", sa.String(20), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("registry_grants")
    op.drop_table("registry_api_tokens")
