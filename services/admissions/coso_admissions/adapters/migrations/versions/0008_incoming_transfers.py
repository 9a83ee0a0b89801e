"""Transfers arriving from another deployment's admissions, pending until confirmed.

Revision ID: a0008
Revises: a0007
"""

import sqlalchemy as sa
from alembic import op

revision = "a0008"
down_revision = "a0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admissions_incoming_transfers",
        sa.Column("transfer_id", sa.String(100), primary_key=True),
        sa.Column("member_id", sa.String(100), nullable=False),
        sa.Column("from_source", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("from_organization", sa.String(300), nullable=False),
        sa.Column("from_authority_id", sa.String(100), nullable=False),
        sa.Column("to_organization", sa.String(300), nullable=False),
        sa.Column("to_authority_id", sa.String(100), nullable=False, index=True),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("present_by", sa.Date, nullable=False),
        sa.Column("returns_on", sa.Date, nullable=True),
        sa.Column("received_on", sa.Date, nullable=True),
        sa.Column("job_category", sa.String(50), nullable=True),
        sa.Column("status", sa.String(30), nullable=True),
        sa.Column("admitted_on", sa.Date, nullable=True),
        sa.Column("official_on", sa.Date, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("admissions_incoming_transfers")
