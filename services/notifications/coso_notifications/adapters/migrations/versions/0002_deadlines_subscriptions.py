"""Deadlines tracked from events, rule firings, subject descriptions, subscriptions, and the
official members and party organizations per enterprise.

Revision ID: n0002
Revises: n0001
"""

import sqlalchemy as sa
from alembic import op

revision = "n0002"
down_revision = "n0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notifications_deadlines",
        sa.Column("subject", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(30), primary_key=True),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("authority", sa.String(100), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("context", sa.Text, nullable=False),
    )
    op.create_index(
        "ix_notifications_deadlines_open", "notifications_deadlines", ["kind", "status", "due_on", "subject"]
    )
    op.create_table(
        "notifications_subjects",
        sa.Column("subject", sa.String(200), primary_key=True),
        sa.Column("authority", sa.String(100), nullable=False),
        sa.Column("context", sa.Text, nullable=False),
    )
    op.create_table(
        "notifications_firings",
        sa.Column("rule", sa.String(50), primary_key=True),
        sa.Column("subject", sa.String(200), primary_key=True),
        sa.Column("due_on", sa.Date, primary_key=True),
        sa.Column("fired_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "notifications_subscriptions",
        sa.Column("subscription_id", sa.String(36), primary_key=True),
        sa.Column("authority", sa.String(100), nullable=False),
        sa.Column("role", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("target", sa.String(2000), nullable=False),
        sa.Column("rules", sa.Text, nullable=False),
        sa.Column("secret", sa.String(500), nullable=False),
        sa.Column("language", sa.String(5), nullable=False),
        sa.Column("digest", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_notifications_deliveries_feed", "notifications_deliveries", ["channel", "target"])
    op.create_table(
        "notifications_members",
        sa.Column("member_id", sa.String(200), primary_key=True),
        sa.Column("enterprise_id", sa.String(200), nullable=True),
        sa.Column("authority_id", sa.String(100), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
    )
    op.create_index("ix_notifications_members_enterprise", "notifications_members", ["enterprise_id", "status"])
    op.create_table(
        "notifications_organizations",
        sa.Column("organization_id", sa.String(200), primary_key=True),
        sa.Column("enterprise_id", sa.String(200), primary_key=True),
        sa.Column("authority_id", sa.String(100), nullable=False),
    )
    op.create_index("ix_notifications_organizations_enterprise", "notifications_organizations", ["enterprise_id"])


def downgrade() -> None:
    op.drop_table("notifications_organizations")
    op.drop_table("notifications_members")
    op.drop_index("ix_notifications_deliveries_feed", "notifications_deliveries")
    op.drop_table("notifications_subscriptions")
    op.drop_table("notifications_firings")
    op.drop_table("notifications_subjects")
    op.drop_index("ix_notifications_deadlines_open", "notifications_deadlines")
    op.drop_table("notifications_deadlines")
