"""The coverage counts' changes by day (adapters/coverage_counts.py): how the coverage
report's measures changed per unit, day, industrial zone, ownership and size band, so that
a report of a past day takes the changes after it out of the kept counts rather than
recounting every enterprise changed since; they replace each enterprise's last day under
every unit (`reporting_fact_enterprise_changes`). The members get an index on their
enterprise, for the changes a batch moves. Filled here from the stored facts with the
settings the kept counts were made with, by the statement a recount runs
(`coverage_changes`), so that an upgrade needs no rebuild.

Revision ID: p0014
Revises: p0013
"""

import sqlalchemy as sa
from alembic import op

from coso_reporting.adapters.coverage_counts import CHANGE, coverage_changes, kept_settings
from coso_reporting.adapters.tables import LIVE
from coso_reporting.domain.coverage import MEASURES

revision = "p0014"
down_revision = "p0013"
branch_labels = None
depends_on = None

_KEY = (
    ("authority_id", 100),
    ("day", 10),
    ("industrial_zone_id", 100),
    ("ownership", 40),
    ("size_band", 40),
)
_MEMBERS_INDEX = ("ix_reporting_fact_members_enterprise", "reporting_fact_members")


def upgrade() -> None:
    op.create_index(*_MEMBERS_INDEX, ["enterprise_id"])
    op.create_table(
        "reporting_fact_coverage_changes",
        *(sa.Column(name, sa.String(size), primary_key=True) for name, size in _KEY),
        *(sa.Column(name, sa.Integer, nullable=False) for name in MEASURES),
    )
    connection = op.get_bind()
    settings = kept_settings(connection, LIVE)
    if settings is not None:
        if connection.dialect.name == "postgresql":  # hash joins, even if the tables have no statistics yet
            op.execute("SET LOCAL enable_nestloop = off")
        connection.execute(
            sa.insert(LIVE.coverage_changes).from_select([*CHANGE, *MEASURES], coverage_changes(LIVE, settings))
        )
    op.drop_table("reporting_fact_enterprise_changes")


def downgrade() -> None:
    op.create_table(
        "reporting_fact_enterprise_changes",
        sa.Column("authority_id", sa.String(100), primary_key=True),
        sa.Column("changed_on", sa.String(10), primary_key=True),
        sa.Column("enterprise_id", sa.String(100), primary_key=True),
    )
    # Every registered enterprise under every unit it has lain in, dated after every day:
    # p0010's reports then recount each enterprise of their units (slow, never wrong)
    # until a rebuild dates them exactly.
    op.execute(
        "INSERT INTO reporting_fact_enterprise_changes (authority_id, changed_on, enterprise_id)"
        " SELECT DISTINCT p.authority_id, '9999-12-31', p.enterprise_id FROM reporting_fact_enterprise_places p"
        " JOIN reporting_fact_enterprises e ON e.enterprise_id = p.enterprise_id WHERE e.registered_on IS NOT NULL"
    )
    op.drop_table("reporting_fact_coverage_changes")
    op.drop_index(*_MEMBERS_INDEX)
