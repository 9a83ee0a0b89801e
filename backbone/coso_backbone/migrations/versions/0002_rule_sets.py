"""Rule sets adopted here or received from a superior's stack (coso_backbone.rulesets).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rule_sets",
        sa.Column("source", sa.String(300), primary_key=True),
        sa.Column("position", sa.BigInteger, primary_key=True),
        sa.Column("authority_id", sa.String(100), nullable=False),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("legal_basis", sa.Text, nullable=False),
        sa.Column("rule_values", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rule_sets")
