"""The projection's tables, and the same tables under another name for a rebuild.

- `reporting_authority_indicators`: per authority its registration (name, level, parent)
  and its own counts. A row may exist before the registration arrives (name is null).
- `reporting_enterprises`: every enterprise and its authority, so a candidate's enterprise
  can be resolved and the projection compared with the registry.
- `reporting_candidates`: every proposed candidate and the authority it counts under.
- `reporting_waiting_candidates`: candidates whose enterprise is not known yet, by
  enterprise, so they can be moved when it arrives (usually empty).

Alembic creates the live tables (adapters/migrations); a rebuild creates a fresh copy of
each under a suffixed name from these definitions and renames them over the live ones.
The tables have no secondary indexes and unnamed primary keys, so renaming is all a swap
needs (PostgreSQL's `<table>_pkey` names are renamed along with them).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, Integer, MetaData, String, Table

metadata = MetaData()

authority_indicators = Table(
    "reporting_authority_indicators",
    metadata,
    Column("authority_id", String(100), primary_key=True),
    Column("name", String(300), nullable=True),
    Column("level", String(30), nullable=True),
    Column("parent_id", String(100), nullable=True),
    Column("enterprises", Integer, nullable=False),
    Column("candidates_proposed", Integer, nullable=False),
)

enterprises = Table(
    "reporting_enterprises",
    metadata,
    Column("enterprise_id", String(100), primary_key=True),
    Column("authority_id", String(100), nullable=False),
)

candidates = Table(
    "reporting_candidates",
    metadata,
    Column("candidate_id", String(100), primary_key=True),
    Column("enterprise_id", String(100), nullable=False),
    Column("authority_id", String(100), nullable=False),
)

waiting_candidates = Table(
    "reporting_waiting_candidates",
    metadata,
    Column("enterprise_id", String(100), primary_key=True),
    Column("candidate_id", String(100), primary_key=True),
    Column("counted_under", String(100), nullable=False),
)


@dataclass(frozen=True)
class ProjectionTables:
    """One complete set of the projection's tables: the live one, or a rebuild's."""

    authority_indicators: Table
    enterprises: Table
    candidates: Table
    waiting_candidates: Table

    def all(self) -> tuple[Table, ...]:
        return (self.authority_indicators, self.enterprises, self.candidates, self.waiting_candidates)

    def renamed(self, suffix: str) -> ProjectionTables:
        """The same tables named `<name><suffix>`, in a metadata of their own."""
        other = MetaData()
        return ProjectionTables(*(table.to_metadata(other, name=f"{table.name}{suffix}") for table in self.all()))


LIVE = ProjectionTables(authority_indicators, enterprises, candidates, waiting_candidates)
REBUILD = LIVE.renamed("__rebuild")  # where a rebuild writes before it swaps
