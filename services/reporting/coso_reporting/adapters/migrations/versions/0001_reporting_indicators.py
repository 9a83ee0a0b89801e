"""Reporting's first projection: indicators per authority, enterprises, candidates.

Revision ID: p0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "p0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reporting_authority_indicators",
        sa.Column("authority_id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(300), nullable=True),
        sa.Column("level", sa.String(30), nullable=True),
        sa.Column("parent_id", sa.String(100), nullable=True),
        sa.Column("enterprises", sa.Integer, nullable=False),
        sa.Column("candidates_proposed", sa.Integer, nullable=False),
    )
    op.create_table(
        "reporting_enterprises",
        sa.Column("enterprise_id", sa.String(100), primary_key=True),
        sa.Column("authority_id", sa.String(100), nullable=False),
    )
    op.create_table(
        "reporting_candidates",
        sa.Column("candidate_id", sa.String(100), primary_key=True),
        sa.Column("enterprise_id", sa.String(100), nullable=False),
        sa.Column("authority_id", sa.String(100), nullable=False),
    )
    op.create_table(
        "reporting_waiting_candidates",
        sa.Column("enterprise_id", sa.String(100), primary_key=True),
        sa.Column("candidate_id", sa.String(100), primary_key=True),
        sa.Column("counted_under", sa.String(100), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "reporting_waiting_candidates",
        "reporting_candidates",
        "reporting_enterprises",
        "reporting_authority_indicators",
    ):
        op.drop_table(table)
