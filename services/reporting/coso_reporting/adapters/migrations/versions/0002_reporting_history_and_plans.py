"""Dated history of the indicators (per authority and day) and the plans' read model.

Candidates keep their proposal date so a candidate that moves to its enterprise's
authority moves in the history too. Rows recorded before this revision have no date:
`coso-reporting rebuild` fills the history from the sources.

Revision ID: p0002
Revises: p0001
"""

import sqlalchemy as sa
from alembic import op

revision = "p0002"
down_revision = "p0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reporting_candidates") as batch:
        batch.add_column(sa.Column("proposed_on", sa.String(10), nullable=True))
    with op.batch_alter_table("reporting_waiting_candidates") as batch:
        batch.add_column(sa.Column("proposed_on", sa.String(10), nullable=True))
    op.create_table(
        "reporting_daily_indicators",
        sa.Column("authority_id", sa.String(100), primary_key=True),
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("enterprises", sa.Integer, nullable=False),
        sa.Column("candidates_proposed", sa.Integer, nullable=False),
    )
    op.create_table(
        "reporting_plans",
        sa.Column("plan_id", sa.String(100), primary_key=True),
        sa.Column("authority_id", sa.String(100), nullable=False, index=True),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("adopted_on", sa.Date, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("reporting_plans")
    op.drop_table("reporting_daily_indicators")
    with op.batch_alter_table("reporting_waiting_candidates") as batch:
        batch.drop_column("proposed_on")
    with op.batch_alter_table("reporting_candidates") as batch:
        batch.drop_column("proposed_on")
