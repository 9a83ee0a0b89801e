"""Members tied to their party organization, party organizations with their declared count of
official members, and mass organizations (trade unions) per enterprise.

Revision ID: n0003
Revises: n0002
"""

import sqlalchemy as sa
from alembic import op

revision = "n0003"
down_revision = "n0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notifications_members") as batch:
        batch.add_column(sa.Column("organization", sa.String(300), nullable=True))
    op.create_index("ix_notifications_members_organization", "notifications_members", ["organization", "status"])
    op.create_table(
        "notifications_party_organizations",
        sa.Column("organization_id", sa.String(200), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("authority_id", sa.String(100), nullable=False),
        sa.Column("declared_members", sa.Integer, nullable=False),
        sa.Column("armed", sa.Boolean, nullable=False),
    )
    op.create_table(
        "notifications_mass_organizations",
        sa.Column("mass_organization_id", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("enterprise_id", sa.String(200), nullable=False),
        sa.Column("authority_id", sa.String(100), nullable=False),
        sa.Column("members", sa.Integer, nullable=False),
    )
    op.create_index(
        "ix_notifications_mass_organizations_enterprise", "notifications_mass_organizations", ["enterprise_id"]
    )


def downgrade() -> None:
    op.drop_table("notifications_mass_organizations")
    op.drop_table("notifications_party_organizations")
    op.drop_index("ix_notifications_members_organization", "notifications_members")
    with op.batch_alter_table("notifications_members") as batch:
        batch.drop_column("organization")
