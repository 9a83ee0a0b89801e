"""The delivery log, kept beside the notification events in the same transactions.

One row per notification: derived from its stream (scheduled, attempts failed, delivered or
failed), plus the claim a deliverer holds while sending (`next_attempt_at` moved ahead).
"""

from sqlalchemy import Column, DateTime, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

deliveries = Table(
    "notifications_deliveries",
    metadata,
    Column("notification_id", String(36), primary_key=True),
    Column("rule", String(50), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("target", String(2000), nullable=False),
    Column("authority", String(100), nullable=False),
    Column("body", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("last_error", Text, nullable=True),
    Column("scheduled_at", DateTime(timezone=True), nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=True),
    Column("last_attempt_at", DateTime(timezone=True), nullable=True),
    Column("delivered_at", DateTime(timezone=True), nullable=True),
    Column("failed_at", DateTime(timezone=True), nullable=True),
    Index("ix_notifications_deliveries_due", "status", "next_attempt_at"),
    Index("ix_notifications_deliveries_scheduled_at", "scheduled_at"),
)
