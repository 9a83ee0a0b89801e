"""Admissions tables: candidates, and the copies of the registry's authorities and enterprises.

Revision ID: a0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "a0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admissions_candidates",
        sa.Column("candidate_id", sa.String(100), primary_key=True),
        sa.Column("enterprise_id", sa.String(100), nullable=False, index=True),
        sa.Column("authority_id", sa.String(100), nullable=False, index=True),
        sa.Column("source_channel", sa.String(50), nullable=False),
        sa.Column("job_category", sa.String(50), nullable=False),
        sa.Column("proposed_on", sa.Date, nullable=False),
        sa.Column("display_ref", sa.String(64), nullable=True),
        sa.Column("stage", sa.String(30), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "admissions_registry_authorities",
        sa.Column("authority_id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("level", sa.String(30), nullable=False),
        sa.Column("parent_id", sa.String(100), nullable=True),
        sa.Column("effective_from", sa.Date, nullable=False),
    )
    op.create_table(
        "admissions_registry_enterprises",
        sa.Column("enterprise_id", sa.String(100), primary_key=True),
        sa.Column("authority_id", sa.String(100), nullable=False, index=True),
        sa.Column("tax_code", sa.String(20), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("admissions_registry_enterprises")
    op.drop_table("admissions_registry_authorities")
    op.drop_table("admissions_candidates")
