"""Each member's kept last change carries what counts the member on any day: its job
category and its enterprise's ownership ("" when unknown), its status and its admission,
recognition and leaving days (domain/member_counts.py `ChangedMember`). A report of a past
day recounts the members changed after it from these rows alone, one range read, rather
than looking each one up among the members and then its enterprise (two index probes per
member: most of a national report's time as of half a year back). Filled here from the
stored members and enterprises, as the projection keeps them.

Revision ID: p0018
Revises: p0017
"""

import sqlalchemy as sa
from alembic import op

revision = "p0018"
down_revision = "p0017"
branch_labels = None
depends_on = None

_TABLE = "reporting_fact_member_changes"
_INDEX = ("ix_reporting_fact_member_changes_authority", _TABLE, ["authority_id", "changed_on"])
_COUNTED = "m.admitted_on IS NOT NULL AND m.authority_id IS NOT NULL"
# The latest of the admission, recognition and leaving days (those recorded), as p0012.
_LATER_OF_TWO = (
    "CASE WHEN m.official_on IS NOT NULL AND m.official_on > m.admitted_on THEN m.official_on ELSE m.admitted_on END"
)
_LAST_CHANGE = (
    f"CASE WHEN m.ended_on IS NOT NULL AND m.ended_on > ({_LATER_OF_TWO}) THEN m.ended_on ELSE {_LATER_OF_TWO} END"
)


# (name, length, nullable) after the key (changed_on, member_id); p0012's table has the first.
_COLUMNS = (
    ("authority_id", 100, False),
    ("job_category", 40, False),
    ("ownership", 40, False),
    ("status", 20, True),
    ("admitted_on", 10, False),
    ("official_on", 10, True),
    ("ended_on", 10, True),
)


def _create(*, counted: bool) -> None:
    """The table of p0012 (`counted` False) or with the columns that count the member."""
    bytewise = {"collation": "C"} if op.get_bind().dialect.name == "postgresql" else {}
    op.create_table(
        _TABLE,
        sa.Column("changed_on", sa.String(10, **bytewise), primary_key=True),
        sa.Column("member_id", sa.String(100, **bytewise), primary_key=True),
        *(
            sa.Column(name, sa.String(length, **bytewise), nullable=nullable)
            for name, length, nullable in (_COLUMNS if counted else _COLUMNS[:1])
        ),
    )
    op.create_index(*_INDEX)


def upgrade() -> None:
    op.drop_table(_TABLE)
    _create(counted=True)
    op.execute(
        f"INSERT INTO {_TABLE} (changed_on, member_id, authority_id, job_category, ownership, status,"
        " admitted_on, official_on, ended_on)"
        f" SELECT {_LAST_CHANGE}, m.member_id, m.authority_id, COALESCE(m.job_category, ''),"
        " COALESCE(e.ownership, ''), m.status, m.admitted_on, m.official_on, m.ended_on"
        " FROM reporting_fact_members m"
        " LEFT JOIN reporting_fact_enterprises e ON e.enterprise_id = m.enterprise_id"
        f" WHERE {_COUNTED}"
    )


def downgrade() -> None:
    op.drop_table(_TABLE)
    _create(counted=False)
    op.execute(
        f"INSERT INTO {_TABLE} (changed_on, member_id, authority_id)"
        f" SELECT {_LAST_CHANGE}, m.member_id, m.authority_id FROM reporting_fact_members m WHERE {_COUNTED}"
    )
