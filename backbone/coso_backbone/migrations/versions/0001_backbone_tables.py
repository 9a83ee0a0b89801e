"""Event store, relay and consumer checkpoints, dead letters.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column(
            "position", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=False
        ),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("stream_id", sa.String(200), nullable=False),
        sa.Column("stream_version", sa.Integer, nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("event_version", sa.Integer, nullable=False),
        sa.Column("authority", sa.String(100), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("stream_id", "stream_version", name="uq_events_stream_version"),
    )
    op.create_table(
        "relay_checkpoints",
        sa.Column("relay", sa.String(100), primary_key=True),
        sa.Column("position", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "consumer_checkpoints",
        sa.Column("consumer", sa.String(100), primary_key=True),
        sa.Column("source", sa.String(300), primary_key=True),
        sa.Column("position", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "dead_letters",
        sa.Column("consumer", sa.String(100), primary_key=True),
        sa.Column("source", sa.String(300), primary_key=True),
        sa.Column("position", sa.BigInteger, primary_key=True),
        sa.Column("event_type", sa.String(300), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("dead_lettered_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in ("dead_letters", "consumer_checkpoints", "relay_checkpoints", "events"):
        op.drop_table(table)
