"""The index of `reporting_daily_candidates` by day holds the table's other columns too
(PostgreSQL's `INCLUDE`), so that the admissions report reads a period's rows from the index
alone. SQLite has no `INCLUDE`: its index stays as it was.

The table's pages count as all-visible, which an index-only scan needs, once the table is
vacuumed: autovacuum does that after the upgrade, a rebuild at its end.

Revision ID: p0023
Revises: p0022
"""

from alembic import op

revision = "p0023"
down_revision = "p0022"
branch_labels = None
depends_on = None

_TABLE = "reporting_daily_candidates"
_INDEX = "ix_reporting_daily_candidates_day"
_INCLUDED = ["authority_id", "source_channel", "job_category", "candidates"]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(_INDEX, _TABLE)
    op.create_index(_INDEX, _TABLE, ["day"], postgresql_include=_INCLUDED)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(_INDEX, _TABLE)
    op.create_index(_INDEX, _TABLE, ["day"])
