"""Lookup tables the registry keeps beside its events, in the same transaction."""

from sqlalchemy import Column, Date, Float, Index, Integer, MetaData, String, Table

from coso_backbone.access_store import access_tables

metadata = MetaData()

authorities = Table(
    "registry_authorities",
    metadata,
    Column("authority_id", String(100), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("level", String(30), nullable=False),
    Column("parent_id", String(100), nullable=True),
    Column("effective_from", Date, nullable=False),
    Column("ended_on", Date, nullable=True),
)

# One row per period of an authority's timeline: valid from `valid_from` up to, not
# including, `valid_to` (null: still in force). The tree on day D is the rows valid on D.
authority_periods = Table(
    "registry_authority_periods",
    metadata,
    Column("authority_id", String(100), primary_key=True),
    Column("valid_from", Date, primary_key=True),
    Column("valid_to", Date, nullable=True),
    Column("name", String(300), nullable=False),
    Column("level", String(30), nullable=False),
    Column("parent_id", String(100), nullable=True),
    Index("ix_registry_authority_periods_parent", "parent_id", "valid_from"),
)

# Who took over from whom: merges, splits and dissolutions with a successor.
authority_successions = Table(
    "registry_authority_successions",
    metadata,
    Column("predecessor_id", String(100), primary_key=True),
    Column("successor_id", String(100), primary_key=True),
    Column("effective_from", Date, nullable=False),
    Column("kind", String(20), nullable=False),
)

enterprises = Table(
    "registry_enterprises",
    metadata,
    Column("enterprise_id", String(100), primary_key=True),
    Column("tax_code", String(20), nullable=False, unique=True),
    Column("name", String(500), nullable=False),
    Column("authority_id", String(100), nullable=False, index=True),
    Column("ownership", String(30), nullable=False),
    Column("worker_count", Integer, nullable=False),
    Column("registered_on", Date, nullable=False),
    Column("sector", String(200), nullable=True),
    Column("address", String(500), nullable=True),
    Column("industrial_zone_id", String(100), nullable=True),
    Column("director", String(200), nullable=True),
    Column("status", String(20), nullable=False, server_default="operating"),
    Column("status_since", Date, nullable=True),
    Column("version", Integer, nullable=False, server_default="1"),
)

# The workforce of each enterprise over time (the latest count is in registry_enterprises).
enterprise_workforce = Table(
    "registry_enterprise_workforce",
    metadata,
    Column("enterprise_id", String(100), primary_key=True),
    Column("counted_on", Date, primary_key=True),
    Column("worker_count", Integer, nullable=False),
)

# Access control: API tokens (only their SHA-256) and grants of roles on authority subtrees.
api_tokens, grants = access_tables(metadata, "registry")

organizations = Table(
    "registry_organizations",
    metadata,
    Column("organization_id", String(100), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("authority_id", String(100), nullable=False, index=True),
    Column("founded_on", Date, nullable=False),
    Column("decision_number", String(100), nullable=False),
    Column("official_members_at_founding", Integer, nullable=False),
    Column("dissolved_on", Date, nullable=True),
    Column("merged_into", String(100), nullable=True),
    Column("version", Integer, nullable=False),
)

# Which enterprises each organization covers (several for a combined cell).
organization_enterprises = Table(
    "registry_organization_enterprises",
    metadata,
    Column("organization_id", String(100), primary_key=True),
    Column("enterprise_id", String(100), primary_key=True, index=True),
)

# Annual quality ratings of party organizations.
ratings = Table(
    "registry_ratings",
    metadata,
    Column("organization_id", String(100), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("score", Float, nullable=False),
    Column("level", String(20), nullable=False),
    Column("authority_id", String(100), nullable=False, index=True),
)

# Mass organizations in enterprises, with their members over time.
mass_organizations = Table(
    "registry_mass_organizations",
    metadata,
    Column("mass_organization_id", String(100), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("enterprise_id", String(100), nullable=False, index=True),
    Column("authority_id", String(100), nullable=False, index=True),
    Column("name", String(300), nullable=False),
    Column("founded_on", Date, nullable=False),
    Column("chair", String(200), nullable=True),
    Column("members", Integer, nullable=False),
    Column("dissolved_on", Date, nullable=True),
    Column("version", Integer, nullable=False),
)

mass_memberships = Table(
    "registry_mass_memberships",
    metadata,
    Column("mass_organization_id", String(100), primary_key=True),
    Column("counted_on", Date, primary_key=True),
    Column("members", Integer, nullable=False),
)
