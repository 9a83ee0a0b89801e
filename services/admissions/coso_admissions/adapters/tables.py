"""Tables admissions keeps beside its events.

- `admissions_candidates`: the candidates read model (stage, deadlines), written inline with their events.
- `admissions_members`, `admissions_member_transfers`: the members read model and their
  transfers (received_on NULL: pending), written inline with the members' events.
- `admissions_member_ratings`: each member's rating per year (a correction replaces it).
- `admissions_federation_proposals`: which candidate each labour-federation proposal created
  (a proposal is applied once).
- `admissions_person_keys`: each person's data key, wrapped by the master key; deleting the
  row erases the person (see adapters/personal_data.py).
- `admissions_registry_authorities`, `admissions_registry_enterprises`: what the registry's
  events said, copied by the worker's consumer; admissions' own knowledge of who exists.
- `admissions_authority_successions`: which authority took over one merged, split or dissolved
  (from the registry's events), so that a grant on the successor covers the predecessor's files.
- `admissions_api_tokens`, `admissions_grants`: access control (hashes of API tokens; roles
  granted on authority subtrees, with or without personal data). Never published.
- `admissions_incoming_transfers`: members another deployment transfers to one of this
  deployment's authorities (from its `MemberTransferStarted`), pending until confirmed here.
"""

from sqlalchemy import Column, Date, Integer, MetaData, String, Table, Text

from coso_backbone.access_store import access_tables

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
    Column("stage_on", Date, nullable=True),
    Column("file_expires_on", Date, nullable=True, index=True),
    Column("decision_due", Date, nullable=True, index=True),
    Column("ceremony_due", Date, nullable=True),
    Column("probation_ends_on", Date, nullable=True),
    Column("recognition_due", Date, nullable=True, index=True),
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

person_keys = Table(
    "admissions_person_keys",
    metadata,
    Column("person_id", String(100), primary_key=True),
    Column("wrapped_key", Text, nullable=False),
)

members = Table(
    "admissions_members",
    metadata,
    Column("member_id", String(100), primary_key=True),
    Column("authority_id", String(100), nullable=False, index=True),
    Column("organization", String(300), nullable=False),
    Column("enterprise_id", String(100), nullable=True, index=True),
    Column("job_category", String(50), nullable=False),
    Column("status", String(30), nullable=False),
    Column("admitted_on", Date, nullable=False),
    Column("official_on", Date, nullable=True),
    Column("via", String(20), nullable=False),
)

member_transfers = Table(
    "admissions_member_transfers",
    metadata,
    Column("transfer_id", String(100), primary_key=True),
    Column("member_id", String(100), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("from_organization", String(300), nullable=False),
    Column("from_authority_id", String(100), nullable=False, index=True),
    Column("to_organization", String(300), nullable=False),
    Column("to_authority_id", String(100), nullable=False, index=True),
    Column("started_on", Date, nullable=False),
    Column("present_by", Date, nullable=False),
    Column("returns_on", Date, nullable=True),
    Column("received_on", Date, nullable=True),
)

member_ratings = Table(
    "admissions_member_ratings",
    metadata,
    Column("member_id", String(100), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("authority_id", String(100), nullable=False, index=True),
    Column("rating", String(20), nullable=False),
    Column("rated_on", Date, nullable=False),
    Column("corrections", Integer, nullable=False),
)

federation_proposals = Table(
    "admissions_federation_proposals",
    metadata,
    Column("proposal_id", String(100), primary_key=True),
    Column("federation", String(100), nullable=False),
    Column("candidate_id", String(100), nullable=False),
)

authority_successions = Table(
    "admissions_authority_successions",
    metadata,
    Column("predecessor_id", String(100), primary_key=True),
    Column("successor_id", String(100), primary_key=True),
    Column("effective_from", Date, nullable=False),
)

api_tokens, grants = access_tables(metadata, "admissions", personal_data=True)

incoming_transfers = Table(
    "admissions_incoming_transfers",
    metadata,
    Column("transfer_id", String(100), primary_key=True),
    Column("member_id", String(100), nullable=False),
    Column("from_source", String(300), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("from_organization", String(300), nullable=False),
    Column("from_authority_id", String(100), nullable=False),
    Column("to_organization", String(300), nullable=False),
    Column("to_authority_id", String(100), nullable=False, index=True),
    Column("started_on", Date, nullable=False),
    Column("present_by", Date, nullable=False),
    Column("returns_on", Date, nullable=True),
    Column("received_on", Date, nullable=True),
    Column("job_category", String(50), nullable=True),
    Column("status", String(30), nullable=True),
    Column("admitted_on", Date, nullable=True),
    Column("official_on", Date, nullable=True),
)
