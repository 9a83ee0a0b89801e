"""The fact tables behind the organization, coverage, member, rating and pipeline reports
(adapters/fact_tables.py). They start empty: `coso-reporting rebuild` fills them from the
sources' history.

Revision ID: p0005
Revises: p0004
"""

import sqlalchemy as sa
from alembic import op

revision = "p0005"
down_revision = "p0004"
branch_labels = None
depends_on = None

_ID = 100
_DAY = 10


def _id(name: str, primary_key: bool = False) -> sa.Column:
    return sa.Column(name, sa.String(_ID), primary_key=primary_key, nullable=not primary_key)


def _day(name: str, primary_key: bool = False) -> sa.Column:
    return sa.Column(name, sa.String(_DAY), primary_key=primary_key, nullable=not primary_key)


def upgrade() -> None:
    op.create_table(
        "reporting_fact_enterprises",
        _id("enterprise_id", True),
        _id("authority_id"),
        _id("industrial_zone_id"),
        sa.Column("ownership", sa.String(40), nullable=True),
        sa.Column("worker_count", sa.Integer, nullable=True),
        _day("workers_counted_on"),
        _day("registered_on"),
        sa.Column("status", sa.String(20), nullable=True),
        _day("status_since"),
        _day("closed_on"),
    )
    op.create_table(
        "reporting_fact_enterprise_places",
        _id("enterprise_id", True),
        _day("valid_from", True),
        sa.Column("authority_id", sa.String(_ID), nullable=False),
        _id("industrial_zone_id"),
    )
    op.create_table(
        "reporting_fact_organizations",
        _id("organization_id", True),
        sa.Column("name", sa.String(300), nullable=True),
        sa.Column("kind", sa.String(40), nullable=True),
        _id("authority_id"),
        _day("founded_on"),
        _day("ended_on"),
        sa.Column("ended_by", sa.String(20), nullable=True),
        _id("successor_id"),
        sa.Column("official_members", sa.Integer, nullable=True),
    )
    op.create_table(
        "reporting_fact_organization_enterprises",
        _id("organization_id", True),
        _id("enterprise_id", True),
    )
    op.create_table(
        "reporting_fact_mass_organizations",
        _id("mass_organization_id", True),
        sa.Column("kind", sa.String(40), nullable=True),
        _id("enterprise_id"),
        _id("authority_id"),
        _day("founded_on"),
        _day("dissolved_on"),
        sa.Column("members", sa.Integer, nullable=True),
        _day("members_counted_on"),
    )
    op.create_table(
        "reporting_fact_members",
        _id("member_id", True),
        _id("authority_id"),
        sa.Column("organization", sa.String(300), nullable=True),
        _id("enterprise_id"),
        sa.Column("job_category", sa.String(40), nullable=True),
        sa.Column("status", sa.String(20), nullable=True),
        _day("admitted_on"),
        _day("official_on"),
        _day("ended_on"),
    )
    op.create_table(
        "reporting_fact_member_ratings",
        _id("member_id", True),
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("authority_id", sa.String(_ID), nullable=False),
        sa.Column("rating", sa.String(20), nullable=False),
    )
    op.create_table(
        "reporting_fact_organization_ratings",
        _id("organization_id", True),
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("authority_id", sa.String(_ID), nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
    )
    op.create_table(
        "reporting_fact_candidates",
        _id("candidate_id", True),
        sa.Column("authority_id", sa.String(_ID), nullable=False),
        sa.Column("enterprise_id", sa.String(_ID), nullable=False),
        sa.Column("display_ref", sa.String(64), nullable=True),
        sa.Column("proposed_on", sa.String(_DAY), nullable=False),
    )
    op.create_table(
        "reporting_fact_candidate_steps",
        _id("candidate_id", True),
        sa.Column("step", sa.String(30), primary_key=True),
        sa.Column("authority_id", sa.String(_ID), nullable=False),
        sa.Column("on_day", sa.String(_DAY), nullable=False),
        _day("due"),
    )


def downgrade() -> None:
    for table in (
        "reporting_fact_candidate_steps",
        "reporting_fact_candidates",
        "reporting_fact_organization_ratings",
        "reporting_fact_member_ratings",
        "reporting_fact_members",
        "reporting_fact_mass_organizations",
        "reporting_fact_organization_enterprises",
        "reporting_fact_organizations",
        "reporting_fact_enterprise_places",
        "reporting_fact_enterprises",
    ):
        op.drop_table(table)
