"""Members and their transfers (read model).

Revision ID: a0004
Revises: a0003
"""

import sqlalchemy as sa
from alembic import op

revision = "a0004"
down_revision = "a0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admissions_members",
        sa.Column("member_id", sa.String(100), primary_key=True),
        sa.Column("authority_id", sa.String(100), nullable=False, index=True),
        sa.Column("organization", sa.String(300), nullable=False),
        sa.Column("enterprise_id", sa.String(100), nullable=True, index=True),
        sa.Column("job_category", sa.String(50), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("admitted_on", sa.Date, nullable=False),
        sa.Column("official_on", sa.Date, nullable=True),
        sa.Column("via", sa.String(20), nullable=False),
    )
    op.create_table(
        "admissions_member_transfers",
        sa.Column("transfer_id", sa.String(100), primary_key=True),
        sa.Column("member_id", sa.String(100), nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("from_organization", sa.String(300), nullable=False),
        sa.Column("from_authority_id", sa.String(100), nullable=False, index=True),
        sa.Column("to_organization", sa.String(300), nullable=False),
        sa.Column("to_authority_id", sa.String(100), nullable=False, index=True),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("present_by", sa.Date, nullable=False),
        sa.Column("returns_on", sa.Date, nullable=True),
        sa.Column("received_on", sa.Date, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("admissions_member_transfers")
    op.drop_table("admissions_members")
