"""The member counts kept for the members' latest state (domain/member_counts.py): members
per unit, job category, enterprise ownership and status; each enterprise's members, active
and official; each member's last change by day. Filled here from the stored members, as
the projection would have kept them.

Revision ID: p0007
Revises: p0006
"""

import sqlalchemy as sa
from alembic import op

revision = "p0007"
down_revision = "p0006"
branch_labels = None
depends_on = None

_COUNTED = "m.admitted_on IS NOT NULL AND m.authority_id IS NOT NULL"
_STATUS_NOW = (
    "CASE WHEN m.ended_on IS NOT NULL AND m.status IN ('transferred_out', 'deceased', 'removed') THEN m.status"
    " WHEN m.official_on IS NOT NULL THEN 'official' ELSE 'probationary' END"
)
# The latest of the admission, recognition and leaving days (those recorded).
_LATER_OF_TWO = (
    "CASE WHEN m.official_on IS NOT NULL AND m.official_on > m.admitted_on THEN m.official_on ELSE m.admitted_on END"
)
_LAST_CHANGE = (
    f"CASE WHEN m.ended_on IS NOT NULL AND m.ended_on > ({_LATER_OF_TWO}) THEN m.ended_on ELSE {_LATER_OF_TWO} END"
)


def upgrade() -> None:
    op.create_table(
        "reporting_fact_member_counts",
        sa.Column("authority_id", sa.String(100), primary_key=True),
        sa.Column("job_category", sa.String(40), primary_key=True),
        sa.Column("ownership", sa.String(40), primary_key=True),
        sa.Column("status", sa.String(20), primary_key=True),
        sa.Column("members", sa.Integer, nullable=False),
    )
    op.create_table(
        "reporting_fact_enterprise_members",
        sa.Column("enterprise_id", sa.String(100), primary_key=True),
        sa.Column("members", sa.Integer, nullable=False),
        sa.Column("active", sa.Integer, nullable=False),
        sa.Column("official", sa.Integer, nullable=False),
    )
    op.create_table(
        "reporting_fact_member_changes",
        sa.Column("changed_on", sa.String(10), primary_key=True),
        sa.Column("member_id", sa.String(100), primary_key=True),
    )
    op.execute(
        "INSERT INTO reporting_fact_member_counts (authority_id, job_category, ownership, status, members) "
        f"SELECT m.authority_id, COALESCE(m.job_category, ''), COALESCE(e.ownership, ''), {_STATUS_NOW}, COUNT(*) "
        "FROM reporting_fact_members m "
        "LEFT JOIN reporting_fact_enterprises e ON e.enterprise_id = m.enterprise_id "
        f"WHERE {_COUNTED} "
        f"GROUP BY m.authority_id, COALESCE(m.job_category, ''), COALESCE(e.ownership, ''), {_STATUS_NOW}"
    )
    op.execute(
        "INSERT INTO reporting_fact_enterprise_members (enterprise_id, members, active, official) "
        "SELECT m.enterprise_id, COUNT(*), "
        f"SUM(CASE WHEN ({_STATUS_NOW}) IN ('probationary', 'official') THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN ({_STATUS_NOW}) = 'official' THEN 1 ELSE 0 END) "
        f"FROM reporting_fact_members m WHERE {_COUNTED} AND m.enterprise_id IS NOT NULL GROUP BY m.enterprise_id"
    )
    op.execute(
        "INSERT INTO reporting_fact_member_changes (changed_on, member_id) "
        f"SELECT {_LAST_CHANGE}, m.member_id FROM reporting_fact_members m WHERE {_COUNTED}"
    )


def downgrade() -> None:
    op.drop_table("reporting_fact_member_changes")
    op.drop_table("reporting_fact_enterprise_members")
    op.drop_table("reporting_fact_member_counts")
