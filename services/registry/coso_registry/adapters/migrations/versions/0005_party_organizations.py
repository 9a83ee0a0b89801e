"""Party organizations and the enterprises they cover.

Revision ID: r0005
Revises: r0004
"""

import sqlalchemy as sa
from alembic import op

revision = "r0005"
down_revision = "r0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registry_organizations",
        sa.Column("organization_id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("authority_id", sa.String(100), nullable=False, index=True),
        sa.Column("founded_on", sa.Date, nullable=False),
        sa.Column("decision_number", sa.String(100), nullable=False),
        sa.Column("official_members_at_founding", sa.Integer, nullable=False),
        sa.Column("dissolved_on", sa.Date, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "registry_organization_enterprises",
        sa.Column("organization_id", sa.String(100), primary_key=True),
        sa.Column("enterprise_id", sa.String(100), primary_key=True, index=True),
    )


def downgrade() -> None:
    op.drop_table("registry_organization_enterprises")
    op.drop_table("registry_organizations")
