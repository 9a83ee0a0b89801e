"""Tables admissions keeps beside its events.

- `admissions_candidates`: the candidates read model, written inline with their events.
- `admissions_registry_authorities`, `admissions_registry_enterprises`: what the registry's
  events said, copied by the worker's consumer; admissions' own knowledge of who exists.
"""

from sqlalchemy import Column, Date, Integer, MetaData, String, Table

metadata = MetaData()

candidates = Table(
    "admissions_candidates",
    metadata,
    Column("candidate_id", String(100), primary_key=True),
    Column("enterprise_id", String(100), nullable=False, index=True),
    Column("authority_id", String(100), nullable=False, index=True),
    Column("source_channel", String(50), nullable=False),
    Column("job_category", String(50), nullable=False),
    Column("proposed_on", Date, nullable=False),
    Column("display_ref", String(64), nullable=True),
    Column("stage", String(30), nullable=False),
    Column("version", Integer, nullable=False),
)

registry_authorities = Table(
    "admissions_registry_authorities",
    metadata,
    Column("authority_id", String(100), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("level", String(30), nullable=False),
    Column("parent_id", String(100), nullable=True),
    Column("effective_from", Date, nullable=False),
)

registry_enterprises = Table(
    "admissions_registry_enterprises",
    metadata,
    Column("enterprise_id", String(100), primary_key=True),
    Column("authority_id", String(100), nullable=False, index=True),
    Column("tax_code", String(20), nullable=False),
    Column("name", String(500), nullable=False),
)
