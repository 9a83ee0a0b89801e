"""Members' annual ratings (read model): one row per member and year.

Revision ID: a0006
Revises: a0005
"""

import sqlalchemy as sa
from alembic import op

revision = "a0006"
down_revision = "a0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admissions_member_ratings",
        sa.Column("member_id", sa.String(100), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("authority_id", sa.String(100), nullable=False, index=True),
        sa.Column("rating", sa.String(20), nullable=False),
        sa.Column("rated_on", sa.Date, nullable=False),
        sa.Column("corrections", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("admissions_member_ratings")
