"""Access control of reporting's HTTP API: the users' API tokens (only their SHA-256 is kept)
and their grants (a role on an authority's subtree, `*` for every authority)
(adapters/access.py). A new stack has no users yet: `coso-reporting create-token` adds them,
so the tables start empty.

Revision ID: p0020
Revises: p0019
"""

import sqlalchemy as sa
from alembic import op

revision = "p0020"
down_revision = "p0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reporting_api_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_name", sa.String(200), nullable=False, index=True),
        sa.Column("created_at", sa.Date, nullable=False),
    )
    op.create_table(
        "reporting_grants",
        sa.Column("user_name", sa.String(200), primary_key=True),
        sa.Column("authority_id", sa.String(100), primary_key=True),
        sa.Column("role", sa.String(20), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("reporting_grants")
    op.drop_table("reporting_api_tokens")
