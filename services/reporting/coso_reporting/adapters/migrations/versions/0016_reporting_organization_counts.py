"""The organizations existing now, counted per family ("party", "mass"), authority and kind
("" when unknown) (adapters/organization_counts.py), filled here from the stored
organizations; and the organizations' founding and ending days indexed, for a report's
reads of those founded or ended after its day or within its period.

Revision ID: p0016
Revises: p0015
"""

import sqlalchemy as sa
from alembic import op

revision = "p0016"
down_revision = "p0015"
branch_labels = None
depends_on = None

_INDEXES = (
    ("ix_reporting_fact_organizations_founded", "reporting_fact_organizations", "founded_on"),
    ("ix_reporting_fact_organizations_ended", "reporting_fact_organizations", "ended_on"),
    ("ix_reporting_fact_mass_organizations_founded", "reporting_fact_mass_organizations", "founded_on"),
    ("ix_reporting_fact_mass_organizations_dissolved", "reporting_fact_mass_organizations", "dissolved_on"),
)
_FAMILIES = (
    ("party", "reporting_fact_organizations", "ended_on"),
    ("mass", "reporting_fact_mass_organizations", "dissolved_on"),
)


def upgrade() -> None:
    bytewise = {"collation": "C"} if op.get_bind().dialect.name == "postgresql" else {}
    op.create_table(
        "reporting_fact_organization_counts",
        sa.Column("family", sa.String(10, **bytewise), primary_key=True),
        sa.Column("authority_id", sa.String(100, **bytewise), primary_key=True),
        sa.Column("kind", sa.String(40, **bytewise), primary_key=True),
        sa.Column("existing", sa.Integer, nullable=False),
    )
    for name, table, column in _INDEXES:
        op.create_index(name, table, [column])
    for family, table, ended in _FAMILIES:
        op.execute(
            "INSERT INTO reporting_fact_organization_counts (family, authority_id, kind, existing)"
            f" SELECT '{family}', authority_id, COALESCE(kind, ''), COUNT(*) FROM {table}"
            f" WHERE founded_on IS NOT NULL AND authority_id IS NOT NULL AND {ended} IS NULL"
            " GROUP BY authority_id, COALESCE(kind, '')"
        )


def downgrade() -> None:
    for name, table, _ in _INDEXES:
        op.drop_index(name, table_name=table)
    op.drop_table("reporting_fact_organization_counts")
