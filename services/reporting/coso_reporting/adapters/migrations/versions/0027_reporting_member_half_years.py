"""The active members as they stood at the end of each half year, per unit, status and job
group and per job category, ownership and status over every unit
(adapters/member_half_years.py), so that a national members report of a day long past
starts from the nearest half year's end and recounts at most three months of members,
rather than every member changed since its day. Filled here from the kept counts and the
members' last changes, by the statements a rebuild runs (`count_member_half_years`), so
that an upgrade needs no rebuild.

Revision ID: p0027
Revises: p0026
"""

import sqlalchemy as sa
from alembic import op

from coso_reporting.adapters.member_half_years import count_member_half_years
from coso_reporting.adapters.tables import LIVE

revision = "p0027"
down_revision = "p0026"
branch_labels = None
depends_on = None

_TABLES = {
    "reporting_fact_member_unit_half_years": (("month", 7), ("authority_id", 100), ("status", 20), ("job_group", 40)),
    "reporting_fact_member_composition_half_years": (
        ("month", 7),
        ("job_category", 40),
        ("ownership", 40),
        ("status", 20),
    ),
}


def upgrade() -> None:
    bytewise = {"collation": "C"} if op.get_bind().dialect.name == "postgresql" else {}
    for name, key in _TABLES.items():
        op.create_table(
            name,
            *(sa.Column(column, sa.String(size, **bytewise), primary_key=True) for column, size in key),
            sa.Column("members", sa.Integer, nullable=False),
        )
    count_member_half_years(op.get_bind(), LIVE)


def downgrade() -> None:
    for name in reversed(_TABLES):
        op.drop_table(name)
