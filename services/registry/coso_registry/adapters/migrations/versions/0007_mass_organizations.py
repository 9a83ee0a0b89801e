"""Mass organizations in enterprises and their members over time.

Revision ID: r0007
Revises: r0006
"""

import sqlalchemy as sa
from alembic import op

revision = "r0007"
down_revision = "r0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registry_mass_organizations",
        sa.Column("mass_organization_id", sa.String(100), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("enterprise_id", sa.String(100), nullable=False, index=True),
        sa.Column("authority_id", sa.String(100), nullable=False, index=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("founded_on", sa.Date, nullable=False),
        sa.Column("chair", sa.String(200), nullable=True),
        sa.Column("members", sa.Integer, nullable=False),
        sa.Column("dissolved_on", sa.Date, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "registry_mass_memberships",
        sa.Column("mass_organization_id", sa.String(100), primary_key=True),
        sa.Column("counted_on", sa.Date, primary_key=True),
        sa.Column("members", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("registry_mass_memberships")
    op.drop_table("registry_mass_organizations")
