"""Plans received from superior authorities' stacks (their `reporting.events` carried down a
link): the plans, their targets and the shares split to authorities below
(adapters/received_plans.py). Keyed by the plan's ce-source, so that they never mix with
this stack's own plans (`reporting_plans`).

Revision ID: p0006
Revises: p0005
"""

import sqlalchemy as sa
from alembic import op

revision = "p0006"
down_revision = "p0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reporting_received_plans",
        sa.Column("source", sa.String(200), primary_key=True),
        sa.Column("plan_id", sa.String(100), primary_key=True),
        sa.Column("authority_id", sa.String(100), nullable=False, index=True),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("adopted_on", sa.Date, nullable=False),
    )
    op.create_table(
        "reporting_received_targets",
        sa.Column("source", sa.String(200), primary_key=True),
        sa.Column("plan_id", sa.String(100), primary_key=True),
        sa.Column("indicator", sa.String(100), primary_key=True),
        sa.Column("value", sa.Integer, nullable=False),
    )
    op.create_table(
        "reporting_received_shares",
        sa.Column("source", sa.String(200), primary_key=True),
        sa.Column("plan_id", sa.String(100), primary_key=True),
        sa.Column("indicator", sa.String(100), primary_key=True),
        sa.Column("authority_id", sa.String(100), primary_key=True),
        sa.Column("value", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("reporting_received_shares")
    op.drop_table("reporting_received_targets")
    op.drop_table("reporting_received_plans")
