"""Which candidate each labour-federation proposal created (each proposal is applied once).

Revision ID: a0005
Revises: a0004
"""

import sqlalchemy as sa
from alembic import op

revision = "a0005"
down_revision = "a0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admissions_federation_proposals",
        sa.Column("proposal_id", sa.String(100), primary_key=True),
        sa.Column("federation", sa.String(100), nullable=False),
        sa.Column("candidate_id", sa.String(100), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("admissions_federation_proposals")
