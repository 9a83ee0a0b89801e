"""Indexes on the day of the daily counts (adapters/tables.py), for sums over a period of all
authorities (the admissions report, a plan's progress). A rebuild makes them on its fresh
tables and gives them these names when it swaps.

Revision ID: p0008
Revises: p0007
"""

from alembic import op

revision = "p0008"
down_revision = "p0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_reporting_daily_indicators_day", "reporting_daily_indicators", ["day"])
    op.create_index("ix_reporting_daily_candidates_day", "reporting_daily_candidates", ["day"])


def downgrade() -> None:
    op.drop_index("ix_reporting_daily_candidates_day", "reporting_daily_candidates")
    op.drop_index("ix_reporting_daily_indicators_day", "reporting_daily_indicators")
