"""The organizations' foundings and endings summed per family, month and unit and kind, and
the same per year (adapters/organization_counts.py), so that the organizations report
reads the whole months and years of its period, and of the time after its day, rather
than each organization founded or ended then. Filled here from the stored organizations,
by the statements a rebuild runs (`count_organization_flows`), so that an upgrade needs no
rebuild.

Revision ID: p0026
Revises: p0025
"""

import sqlalchemy as sa
from alembic import op

from coso_reporting.adapters.organization_counts import count_organization_flows
from coso_reporting.adapters.tables import LIVE

revision = "p0026"
down_revision = "p0025"
branch_labels = None
depends_on = None

_FLOWS = ("founded", "ended", "dissolved", "merged")
_KEY = (("family", 10), ("authority_id", 100), ("kind", 40))
_TABLES = (
    ("reporting_fact_organization_monthly_flows", "month", 7),
    ("reporting_fact_organization_yearly_flows", "year", 4),
)


def upgrade() -> None:
    bytewise = {"collation": "C"} if op.get_bind().dialect.name == "postgresql" else {}
    for name, span, size in _TABLES:
        key = (_KEY[0], (span, size), *_KEY[1:])
        op.create_table(
            name,
            *(sa.Column(column, sa.String(length, **bytewise), primary_key=True) for column, length in key),
            *(sa.Column(flow, sa.Integer, nullable=False) for flow in _FLOWS),
        )
    count_organization_flows(op.get_bind(), LIVE)


def downgrade() -> None:
    for name, _, _ in reversed(_TABLES):
        op.drop_table(name)
