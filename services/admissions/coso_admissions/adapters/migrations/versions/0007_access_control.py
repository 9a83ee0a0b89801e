"""Access control: API tokens, grants on authority subtrees, and authority successions.

Revision ID: a0007
Revises: a0006
"""

import sqlalchemy as sa
from alembic import op

revision = "a0007"
down_revision = "a0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admissions_authority_successions",
        sa.Column("predecessor_id", sa.String(100), primary_key=True),
        sa.Column("successor_id", sa.String(100), primary_key=True),
        sa.Column("effective_from", sa.Date, nullable=False),
    )
    op.create_table(
        "admissions_api_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_name", sa.String(200), nullable=False, index=True),
        sa.Column("created_at", sa.Date, nullable=False),
    )
    op.create_table(
        "admissions_grants",
        sa.Column("user_name", sa.String(200), primary_key=True),
        sa.Column("authority_id", sa.String(100), primary_key=True),
        sa.Column("role", sa.String(20), primary_key=True),
        sa.Column("personal_data", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("admissions_grants")
    op.drop_table("admissions_api_tokens")
    op.drop_table("admissions_authority_successions")
