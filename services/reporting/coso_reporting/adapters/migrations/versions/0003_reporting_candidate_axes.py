"""Proposed candidates by source channel and job category (the admissions report's axes).

Rows recorded before this revision have no channel or category: `coso-reporting rebuild`
fills them from the sources.

Revision ID: p0003
Revises: p0002
"""

import sqlalchemy as sa
from alembic import op

revision = "p0003"
down_revision = "p0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("reporting_candidates", "reporting_waiting_candidates"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("source_channel", sa.String(40), nullable=True))
            batch.add_column(sa.Column("job_category", sa.String(40), nullable=True))
    op.create_table(
        "reporting_daily_candidates",
        sa.Column("authority_id", sa.String(100), primary_key=True),
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("source_channel", sa.String(40), primary_key=True),
        sa.Column("job_category", sa.String(40), primary_key=True),
        sa.Column("candidates", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("reporting_daily_candidates")
    for table in ("reporting_waiting_candidates", "reporting_candidates"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("job_category")
            batch.drop_column("source_channel")
