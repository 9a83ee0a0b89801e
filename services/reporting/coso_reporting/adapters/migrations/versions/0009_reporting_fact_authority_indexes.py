"""Indexes on the authority of the fact tables the pipeline and organizations reports read
(adapters/fact_tables.py): a report of a province or a commune reads its authorities' rows
only. A rebuild makes them on its fresh tables and gives them these names when it swaps.

Revision ID: p0009
Revises: p0008
"""

from alembic import op

revision = "p0009"
down_revision = "p0008"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_reporting_fact_organizations_authority", "reporting_fact_organizations"),
    ("ix_reporting_fact_mass_organizations_authority", "reporting_fact_mass_organizations"),
    ("ix_reporting_fact_candidates_authority", "reporting_fact_candidates"),
    ("ix_reporting_fact_candidate_steps_authority", "reporting_fact_candidate_steps"),
)


def upgrade() -> None:
    for name, table in INDEXES:
        op.create_index(name, table, ["authority_id"])


def downgrade() -> None:
    for name, table in reversed(INDEXES):
        op.drop_index(name, table)
