"""The candidates per unit and stage as they stood at the end of each half year
(adapters/pipeline_counts.py, adapters/half_years.py), so that the pipeline report of a
day long past starts from the nearest half year's end and reads at most three months of
moves between stages, rather than every month between the day and today. Filled here from
the stored moves by month, by the statement a rebuild runs (`count_half_years`), so that
an upgrade needs no rebuild.

Revision ID: p0025
Revises: p0024
"""

import sqlalchemy as sa
from alembic import op

from coso_reporting.adapters.half_years import count_half_years
from coso_reporting.adapters.pipeline_counts import half_year_ends
from coso_reporting.adapters.tables import LIVE

revision = "p0025"
down_revision = "p0024"
branch_labels = None
depends_on = None

_KEY = (("month", 7), ("authority_id", 100), ("stage", 30))
_HALF_YEARS = "reporting_fact_stage_half_years"


def upgrade() -> None:
    bytewise = {"collation": "C"} if op.get_bind().dialect.name == "postgresql" else {}
    op.create_table(
        _HALF_YEARS,
        *(sa.Column(name, sa.String(size, **bytewise), primary_key=True) for name, size in _KEY),
        sa.Column("candidates", sa.Integer, nullable=False),
    )
    count_half_years(op.get_bind(), half_year_ends(LIVE))


def downgrade() -> None:
    op.drop_table(_HALF_YEARS)
