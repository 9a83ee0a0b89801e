"""The members' flows kept per unit and month (domain/member_counts.py): the members
admitted, and those who left by how (transferred out, deceased, removed), on the month of
their admission or leaving, so that a period's admissions and departures in whole months
are a sum. Filled here from the stored members, as the projection would have kept them.

Revision ID: p0012
Revises: p0010
"""

import sqlalchemy as sa
from alembic import op

revision = "p0012"
down_revision = "p0010"
branch_labels = None
depends_on = None

_COUNTED = "m.admitted_on IS NOT NULL AND m.authority_id IS NOT NULL"
_LEFT = "m.ended_on IS NOT NULL AND m.status IN ('transferred_out', 'deceased', 'removed')"


def upgrade() -> None:
    op.create_table(
        "reporting_fact_member_flows",
        sa.Column("authority_id", sa.String(100), primary_key=True),
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("flow", sa.String(20), primary_key=True),
        sa.Column("members", sa.Integer, nullable=False),
    )
    op.create_index("ix_reporting_fact_member_flows_month", "reporting_fact_member_flows", ["month"])
    op.execute(
        "INSERT INTO reporting_fact_member_flows (authority_id, month, flow, members) "
        "SELECT authority_id, month, flow, COUNT(*) FROM ("
        f" SELECT m.authority_id, SUBSTR(m.admitted_on, 1, 7) AS month, 'admitted' AS flow"
        f" FROM reporting_fact_members m WHERE {_COUNTED}"
        " UNION ALL"
        f" SELECT m.authority_id, SUBSTR(m.ended_on, 1, 7), m.status"
        f" FROM reporting_fact_members m WHERE {_COUNTED} AND {_LEFT}"
        ") flows GROUP BY authority_id, month, flow"
    )


def downgrade() -> None:
    op.drop_index("ix_reporting_fact_member_flows_month", "reporting_fact_member_flows")
    op.drop_table("reporting_fact_member_flows")
