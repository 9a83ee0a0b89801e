"""The coverage counts' changes summed per month (adapters/coverage_counts.py), so that a
report of a past day takes out whole months and the days left of its own month rather than
every day after it; indexed on the month, and the changes by day on the day, so that a
national report reads the changes after its day by their day rather than looking up each
of its 4,400 units. Filled here from the stored changes by day, by the statement a recount
runs (`by_month`), so that an upgrade needs no rebuild.

Revision ID: p0017
Revises: p0016
"""

import sqlalchemy as sa
from alembic import op

from coso_reporting.adapters.coverage_counts import MONTHLY_CHANGE, by_month
from coso_reporting.adapters.tables import LIVE
from coso_reporting.domain.coverage import MEASURES

revision = "p0017"
down_revision = "p0016"
branch_labels = None
depends_on = None

_KEY = (
    ("authority_id", 100),
    ("month", 7),
    ("industrial_zone_id", 100),
    ("ownership", 40),
    ("size_band", 40),
)
_MONTHLY = "reporting_fact_coverage_monthly_changes"
_INDEXES = (
    ("ix_reporting_fact_coverage_changes_day", "reporting_fact_coverage_changes", "day"),
    ("ix_reporting_fact_coverage_monthly_changes_month", _MONTHLY, "month"),
)


def upgrade() -> None:
    bytewise = {"collation": "C"} if op.get_bind().dialect.name == "postgresql" else {}
    op.create_table(
        _MONTHLY,
        *(sa.Column(name, sa.String(size, **bytewise), primary_key=True) for name, size in _KEY),
        *(sa.Column(name, sa.Integer, nullable=False) for name in MEASURES),
    )
    op.get_bind().execute(
        sa.insert(LIVE.coverage_monthly_changes).from_select([*MONTHLY_CHANGE, *MEASURES], by_month(LIVE))
    )
    for name, table, column in _INDEXES:
        op.create_index(name, table, [column])


def downgrade() -> None:
    for name, table, _ in _INDEXES:
        op.drop_index(name, table_name=table)
    op.drop_table(_MONTHLY)
