"""The coverage measures as they stood at the end of each half year (adapters/coverage_counts.py),
so that the coverage report of a day long past starts from the nearest half year's end and
reads at most three months of changes, rather than every month between the day and today.
Filled here from the stored changes by month, by the statement a recount runs
(`count_half_years`), so that an upgrade needs no rebuild.

Revision ID: p0024
Revises: p0023
"""

import sqlalchemy as sa
from alembic import op

from coso_reporting.adapters.coverage_counts import half_year_ends
from coso_reporting.adapters.half_years import count_half_years
from coso_reporting.adapters.tables import LIVE
from coso_reporting.domain.coverage import MEASURES

revision = "p0024"
down_revision = "p0023"
branch_labels = None
depends_on = None

_KEY = (
    ("month", 7),
    ("authority_id", 100),
    ("industrial_zone_id", 100),
    ("ownership", 40),
    ("size_band", 40),
)
_HALF_YEARS = "reporting_fact_coverage_half_years"


def upgrade() -> None:
    bytewise = {"collation": "C"} if op.get_bind().dialect.name == "postgresql" else {}
    op.create_table(
        _HALF_YEARS,
        *(sa.Column(name, sa.String(size, **bytewise), primary_key=True) for name, size in _KEY),
        *(sa.Column(name, sa.Integer, nullable=False) for name in MEASURES),
    )
    count_half_years(op.get_bind(), half_year_ends(LIVE))


def downgrade() -> None:
    op.drop_table(_HALF_YEARS)
