"""Annual quality ratings of party organizations.

Revision ID: r0006
Revises: r0005
"""

import sqlalchemy as sa
from alembic import op

revision = "r0006"
down_revision = "r0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registry_ratings",
        sa.Column("organization_id", sa.String(100), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("authority_id", sa.String(100), nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("registry_ratings")
