"""The tables: the delivery log, kept beside the notification events in the same transactions;
the deadlines tracked from events, their firings, and the subscriptions; the authorities'
hierarchy (for the rules in force). Rule sets are the backbone's `rule_sets` table.

A delivery-log row per notification: derived from its stream (scheduled, attempts failed, delivered or
failed), plus the claim a deliverer holds while sending (`next_attempt_at` moved ahead).
"""

from sqlalchemy import Boolean, Column, Date, DateTime, Index, Integer, MetaData, String, Table, Text

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
    Index("ix_notifications_deliveries_feed", "channel", "target"),
)

# --- deadlines, their firings and the subscriptions (migration n0002) -------------------
# One open deadline per subject and kind, as admissions' events gave it.
deadlines = Table(
    "notifications_deadlines",
    metadata,
    Column("subject", String(200), primary_key=True),
    Column("kind", String(30), primary_key=True),
    Column("due_on", Date, nullable=False),
    Column("authority", String(100), nullable=False),
    Column("status", String(10), nullable=False),  # open | closed
    Column("context", Text, nullable=False),  # JSON object of strings, from the event
    Index("ix_notifications_deadlines_open", "kind", "status", "due_on", "subject"),
)

# What a subject is (its enterprise, its file reference), for the templates.
subjects = Table(
    "notifications_subjects",
    metadata,
    Column("subject", String(200), primary_key=True),
    Column("authority", String(100), nullable=False),
    Column("context", Text, nullable=False),
)

# A rule fired for a deadline (and its deliveries were scheduled in the same transaction).
firings = Table(
    "notifications_firings",
    metadata,
    Column("rule", String(50), primary_key=True),
    Column("subject", String(200), primary_key=True),
    Column("due_on", Date, primary_key=True),
    Column("fired_at", DateTime(timezone=True), nullable=False),
)

subscriptions = Table(
    "notifications_subscriptions",
    metadata,
    Column("subscription_id", String(36), primary_key=True),
    Column("authority", String(100), nullable=False),
    Column("role", String(200), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("target", String(2000), nullable=False),
    Column("rules", Text, nullable=False),  # JSON list of rule names; empty: the role's rules
    Column("secret", String(500), nullable=False),
    Column("language", String(5), nullable=False),
    Column("digest", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Official members and party organizations per enterprise, for the enterprise-ready rule.
members = Table(
    "notifications_members",
    metadata,
    Column("member_id", String(200), primary_key=True),
    Column("enterprise_id", String(200), nullable=True),
    Column("authority_id", String(100), nullable=False),
    Column("status", String(30), nullable=False),
    Column("organization", String(300), nullable=True),  # id or name, as admissions gives it
    Index("ix_notifications_members_enterprise", "enterprise_id", "status"),
    Index("ix_notifications_members_organization", "organization", "status"),
)

organizations = Table(
    "notifications_organizations",
    metadata,
    Column("organization_id", String(200), primary_key=True),
    Column("enterprise_id", String(200), primary_key=True),
    Column("authority_id", String(100), nullable=False),
    Index("ix_notifications_organizations_enterprise", "enterprise_id"),
)

# Party organizations themselves, for the below-minimum rule: registry's declared count of
# official members, and whether admissions' count has reached the minimum once (`armed`).
party_organizations = Table(
    "notifications_party_organizations",
    metadata,
    Column("organization_id", String(200), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("authority_id", String(100), nullable=False),
    Column("declared_members", Integer, nullable=False),
    Column("armed", Boolean, nullable=False),
)

# Grassroots trade unions (and other mass organizations) per enterprise, with their member counts.
mass_organizations = Table(
    "notifications_mass_organizations",
    metadata,
    Column("mass_organization_id", String(200), primary_key=True),
    Column("kind", String(30), nullable=False),
    Column("enterprise_id", String(200), nullable=False),
    Column("authority_id", String(100), nullable=False),
    Column("members", Integer, nullable=False),
    Index("ix_notifications_mass_organizations_enterprise", "enterprise_id"),
)

# Who answers to whom, from registry's AuthorityRegistered / AuthorityReparented (migration n0004):
# which superiors' rule sets cover an authority.
authorities = Table(
    "notifications_authorities",
    metadata,
    Column("authority_id", String(100), primary_key=True),
    Column("parent_id", String(100), nullable=True),
)
