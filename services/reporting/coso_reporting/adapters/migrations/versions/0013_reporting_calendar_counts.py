"""The own counts per authority and month, and per authority and year (adapters/tables.py,
adapters/calendar_counts.py): the daily counts summed, so that a period is summed over its
whole years, whole months and edge days. Filled here from the stored daily counts, as the
projection would have kept them.

Revision ID: p0013
Revises: p0012
"""

import sqlalchemy as sa
from alembic import op

revision = "p0013"
down_revision = "p0012"
branch_labels = None
depends_on = None


def _counts() -> list[sa.Column]:
    return [
        sa.Column("enterprises", sa.Integer, nullable=False),
        sa.Column("candidates_proposed", sa.Integer, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "reporting_monthly_indicators",
        sa.Column("authority_id", sa.String(100), primary_key=True),
        sa.Column("month", sa.String(7), primary_key=True),
        *_counts(),
    )
    op.create_table(
        "reporting_yearly_indicators",
        sa.Column("authority_id", sa.String(100), primary_key=True),
        sa.Column("year", sa.String(4), primary_key=True),
        *_counts(),
    )
    op.execute(
        "INSERT INTO reporting_monthly_indicators (authority_id, month, enterprises, candidates_proposed) "
        "SELECT authority_id, SUBSTR(day, 1, 7), SUM(enterprises), SUM(candidates_proposed)"
        " FROM reporting_daily_indicators GROUP BY authority_id, SUBSTR(day, 1, 7)"
    )
    op.execute(
        "INSERT INTO reporting_yearly_indicators (authority_id, year, enterprises, candidates_proposed) "
        "SELECT authority_id, SUBSTR(month, 1, 4), SUM(enterprises), SUM(candidates_proposed)"
        " FROM reporting_monthly_indicators GROUP BY authority_id, SUBSTR(month, 1, 4)"
    )
    op.create_index("ix_reporting_monthly_indicators_month", "reporting_monthly_indicators", ["month"])
    op.create_index("ix_reporting_yearly_indicators_year", "reporting_yearly_indicators", ["year"])


def downgrade() -> None:
    op.drop_index("ix_reporting_yearly_indicators_year", "reporting_yearly_indicators")
    op.drop_index("ix_reporting_monthly_indicators_month", "reporting_monthly_indicators")
    op.drop_table("reporting_yearly_indicators")
    op.drop_table("reporting_monthly_indicators")
