"""The member counts summed per unit, status and job group (production workers, owners,
others: the report's unit columns) and over every unit (the nation's composition); the
members' flows kept per unit and month (domain/member_counts.py): the members
admitted, and those who left by how (transferred out, deceased, removed), on the month of
their admission or leaving, so that a period's admissions and departures in whole months
are a sum; and each member's last change with the unit it is filed under, indexed on the
unit and the day, so that a province's or a commune's report reads its own members changed
after a day. Filled here from the stored members, as the projection would have kept them
(the last changes made again, with their units).

Revision ID: p0012
Revises: p0011
"""

import sqlalchemy as sa
from alembic import op

revision = "p0012"
down_revision = "p0011"
branch_labels = None
depends_on = None

_COUNTED = "m.admitted_on IS NOT NULL AND m.authority_id IS NOT NULL"
# The latest of the admission, recognition and leaving days (those recorded), as p0007.
_LATER_OF_TWO = (
    "CASE WHEN m.official_on IS NOT NULL AND m.official_on > m.admitted_on THEN m.official_on ELSE m.admitted_on END"
)
_LAST_CHANGE = (
    f"CASE WHEN m.ended_on IS NOT NULL AND m.ended_on > ({_LATER_OF_TWO}) THEN m.ended_on ELSE {_LATER_OF_TWO} END"
)
_JOB_GROUP = "CASE WHEN job_category IN ('production_worker', 'owner') THEN job_category ELSE '' END"
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

    op.create_table(
        "reporting_fact_member_unit_counts",
        sa.Column("authority_id", sa.String(100), primary_key=True),
        sa.Column("status", sa.String(20), primary_key=True),
        sa.Column("job_group", sa.String(40), primary_key=True),
        sa.Column("members", sa.Integer, nullable=False),
    )
    op.execute(
        "INSERT INTO reporting_fact_member_unit_counts (authority_id, status, job_group, members) "
        f"SELECT authority_id, status, {_JOB_GROUP}, SUM(members) FROM reporting_fact_member_counts "
        f"GROUP BY authority_id, status, {_JOB_GROUP}"
    )
    op.create_table(
        "reporting_fact_member_compositions",
        sa.Column("job_category", sa.String(40), primary_key=True),
        sa.Column("ownership", sa.String(40), primary_key=True),
        sa.Column("status", sa.String(20), primary_key=True),
        sa.Column("members", sa.Integer, nullable=False),
    )
    op.execute(
        "INSERT INTO reporting_fact_member_compositions (job_category, ownership, status, members) "
        "SELECT job_category, ownership, status, SUM(members) FROM reporting_fact_member_counts "
        "GROUP BY job_category, ownership, status"
    )
    op.drop_table("reporting_fact_member_changes")
    _create_member_changes(with_unit=True)
    op.create_index(
        "ix_reporting_fact_member_changes_authority", "reporting_fact_member_changes", ["authority_id", "changed_on"]
    )
    op.execute(
        "INSERT INTO reporting_fact_member_changes (changed_on, member_id, authority_id) "
        f"SELECT {_LAST_CHANGE}, m.member_id, m.authority_id FROM reporting_fact_members m WHERE {_COUNTED}"
    )


def _create_member_changes(*, with_unit: bool) -> None:
    op.create_table(
        "reporting_fact_member_changes",
        sa.Column("changed_on", sa.String(10), primary_key=True),
        sa.Column("member_id", sa.String(100), primary_key=True),
        *([sa.Column("authority_id", sa.String(100), nullable=False)] if with_unit else []),
    )


def downgrade() -> None:
    op.drop_table("reporting_fact_member_changes")
    _create_member_changes(with_unit=False)
    op.execute(
        "INSERT INTO reporting_fact_member_changes (changed_on, member_id) "
        f"SELECT {_LAST_CHANGE}, m.member_id FROM reporting_fact_members m WHERE {_COUNTED}"
    )
    op.drop_table("reporting_fact_member_compositions")
    op.drop_table("reporting_fact_member_unit_counts")
    op.drop_index("ix_reporting_fact_member_flows_month", "reporting_fact_member_flows")
    op.drop_table("reporting_fact_member_flows")
