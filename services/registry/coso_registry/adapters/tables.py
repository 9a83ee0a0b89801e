"""Lookup tables the registry keeps beside its events, in the same transaction."""

from sqlalchemy import Column, Date, Integer, MetaData, String, Table

metadata = MetaData()

authorities = Table(
    "registry_authorities",
    metadata,
    Column("authority_id", String(100), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("level", String(30), nullable=False),
    Column("parent_id", String(100), nullable=True),
    Column("effective_from", Date, nullable=False),
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
)
