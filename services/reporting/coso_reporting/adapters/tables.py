"""The projection's tables, and the same tables under another name for a rebuild.

- `reporting_authority_indicators`: per authority its registration (name, level, parent)
  and its own counts. A row may exist before the registration arrives (name is null).
- `reporting_enterprises`: every enterprise, its authority and its registration day, so a
  candidate's enterprise can be resolved and the projection compared with the registry.
- `reporting_candidates`: every proposed candidate and the authority it counts under.
- `reporting_waiting_candidates`: candidates whose enterprise is not known yet, by
  enterprise, so they can be moved when it arrives (usually empty).
- `reporting_daily_indicators`: the dated history of the own counts: per authority and
  day (ISO `YYYY-MM-DD`: the enterprise's registration date, the candidate's proposal
  date) how many enterprises were registered and candidates proposed. Sums over a range
  of days answer "achieved in a period, as of a date".
- `reporting_daily_candidates`: proposed candidates per authority, day, source channel and
  job category (the admissions report's axes).
- `reporting_monthly_indicators`, `reporting_yearly_indicators`: the daily counts summed per
  authority and month (`YYYY-MM`), and per authority and year (`YYYY`), so that a period is
  summed over its whole years, whole months and edge days (domain/calendar_spans.py)
  rather than day by day. Kept with the daily counts as events arrive; a rebuild counts
  the own and daily counts once from the enterprises and candidates it loaded
  (adapters/indicator_counts.py), then sums the months and years from the daily counts
  (adapters/calendar_counts.py).
- `reporting_authority_periods`: the effective-dated hierarchy: an authority's name, level
  and superior from `valid_from` until the day before `valid_to` (null: still in force).
- `reporting_successions`: who took over the records of an authority that ended (merged,
  split, dissolved), from which day; `rank` orders a split's successors as registry gave them.
- the fact tables (`reporting_fact_*`, defined in adapters/fact_tables.py): enterprises,
  organizations, mass organizations, members, ratings and candidates' steps for the other
  reports, and the member, coverage and pipeline counts kept for the latest state.

Alembic creates the live tables (adapters/migrations); a rebuild creates a fresh copy of
each under a suffixed name from these definitions and renames them over the live ones.
Primary keys are unnamed (PostgreSQL's `<table>_pkey` names are renamed with the tables).
A table may declare secondary indexes (`Index(...)`, or `index=True` on a column): their
names are global in a database, so the fresh copy's are suffixed too (`renamed`), and the
rebuild gives them their declared names when it swaps (adapters/rebuild.py). A declared
index needs a migration that creates it on the live table.

Every text column of the projection compares byte by byte on PostgreSQL (collation "C",
`_compared_bytewise`), whatever collation the database was created with: the reports filter
on ISO days and list ids in code-point order, as Python sorts them and as SQLite compares.
In a database created for Vietnamese (ICU `vi-VN`), a column of the database's collation
orders "B" after "a" and "Ă" between "A" and "B", so the same report would have listed its
rows in another order there, and every comparison of days went through the locale.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, Index, Integer, MetaData, String, Table
from sqlalchemy.sql.elements import quoted_name

from coso_reporting.adapters import fact_tables

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
    # ISO date; null for rows of before p0028. A rebuild counts the daily counts from it
    # (adapters/indicator_counts.py).
    Column("registered_on", String(10), nullable=True),
)

candidates = Table(
    "reporting_candidates",
    metadata,
    Column("candidate_id", String(100), primary_key=True),
    Column("enterprise_id", String(100), nullable=False),
    Column("authority_id", String(100), nullable=False),
    Column("proposed_on", String(10), nullable=True),  # ISO date; null for rows of before 0002
    Column("source_channel", String(40), nullable=True),  # null for rows of before 0003
    Column("job_category", String(40), nullable=True),
)

waiting_candidates = Table(
    "reporting_waiting_candidates",
    metadata,
    Column("enterprise_id", String(100), primary_key=True),
    Column("candidate_id", String(100), primary_key=True),
    Column("counted_under", String(100), nullable=False),
    Column("proposed_on", String(10), nullable=True),
    Column("source_channel", String(40), nullable=True),
    Column("job_category", String(40), nullable=True),
)

daily_indicators = Table(
    "reporting_daily_indicators",
    metadata,
    Column("authority_id", String(100), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("enterprises", Integer, nullable=False),
    Column("candidates_proposed", Integer, nullable=False),
    Index("ix_reporting_daily_indicators_day", "day"),  # sums over a period, all authorities
)

daily_candidates = Table(
    "reporting_daily_candidates",
    metadata,
    Column("authority_id", String(100), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("source_channel", String(40), primary_key=True),
    Column("job_category", String(40), primary_key=True),
    Column("candidates", Integer, nullable=False),
    # The admissions report's period. On PostgreSQL the index holds the other columns too
    # (`INCLUDE`), so the report reads a year's rows from it alone (an index-only scan): a
    # nation's year, 140,000 rows, sat on as many table pages (the table was in the order the
    # events came, not by day; a rebuild now stores it by day, adapters/indicator_counts.py,
    # but the rows added as events arrive go where there is room) and took 66-77 ms to read
    # through the table, 16 ms from the index. The rebuild vacuums the table
    # (`_read_index_only`, adapters/rebuild.py), so its pages count as all-visible from the
    # swap on; autovacuum keeps that up as events arrive.
    Index(
        "ix_reporting_daily_candidates_day",
        "day",
        postgresql_include=["authority_id", "source_channel", "job_category", "candidates"],
    ),
)

monthly_indicators = Table(
    "reporting_monthly_indicators",
    metadata,
    Column("authority_id", String(100), primary_key=True),
    Column("month", String(7), primary_key=True),  # YYYY-MM
    Column("enterprises", Integer, nullable=False),
    Column("candidates_proposed", Integer, nullable=False),
    Index("ix_reporting_monthly_indicators_month", "month"),  # months of all authorities
)

yearly_indicators = Table(
    "reporting_yearly_indicators",
    metadata,
    Column("authority_id", String(100), primary_key=True),
    Column("year", String(4), primary_key=True),  # YYYY
    Column("enterprises", Integer, nullable=False),
    Column("candidates_proposed", Integer, nullable=False),
    Index("ix_reporting_yearly_indicators_year", "year"),  # years of all authorities
)

authority_periods = Table(
    "reporting_authority_periods",
    metadata,
    Column("authority_id", String(100), primary_key=True),
    Column("valid_from", String(10), primary_key=True),  # ISO date
    Column("valid_to", String(10), nullable=True),  # ISO date; null while in force
    Column("name", String(300), nullable=True),
    Column("level", String(30), nullable=True),
    Column("parent_id", String(100), nullable=True),
)

successions = Table(
    "reporting_successions",
    metadata,
    Column("authority_id", String(100), primary_key=True),
    Column("successor_id", String(100), primary_key=True),
    Column("effective_from", String(10), nullable=False),  # ISO date: first day without the authority
    Column("rank", Integer, nullable=False),
)


@dataclass(frozen=True)
class ProjectionTables:
    """One complete set of the projection's tables: the live one, or a rebuild's."""

    authority_indicators: Table
    enterprises: Table
    candidates: Table
    waiting_candidates: Table
    daily_indicators: Table
    daily_candidates: Table
    fact_enterprises: Table
    enterprise_places: Table
    organizations: Table
    organization_enterprises: Table
    mass_organizations: Table
    members: Table
    member_ratings: Table
    organization_ratings: Table
    fact_candidates: Table
    candidate_steps: Table
    member_counts: Table
    enterprise_members: Table
    member_changes: Table
    coverage_counts: Table
    enterprise_coverage: Table
    coverage_changes: Table
    coverage_monthly_changes: Table
    coverage_half_years: Table
    coverage_settings: Table
    member_flows: Table
    member_unit_counts: Table
    member_compositions: Table
    organization_counts: Table
    organization_monthly_flows: Table
    organization_yearly_flows: Table
    candidate_stages: Table
    candidate_deadlines: Table
    pipeline_counts: Table
    deadline_counts: Table
    stage_moves: Table
    monthly_stage_moves: Table
    stage_half_years: Table
    member_unit_half_years: Table
    member_composition_half_years: Table
    authority_periods: Table
    successions: Table
    monthly_indicators: Table
    yearly_indicators: Table

    def all(self) -> tuple[Table, ...]:
        return (
            self.authority_indicators,
            self.enterprises,
            self.candidates,
            self.waiting_candidates,
            self.daily_indicators,
            self.daily_candidates,
            self.fact_enterprises,
            self.enterprise_places,
            self.organizations,
            self.organization_enterprises,
            self.mass_organizations,
            self.members,
            self.member_ratings,
            self.organization_ratings,
            self.fact_candidates,
            self.candidate_steps,
            self.member_counts,
            self.enterprise_members,
            self.member_changes,
            self.coverage_counts,
            self.enterprise_coverage,
            self.coverage_changes,
            self.coverage_monthly_changes,
            self.coverage_half_years,
            self.coverage_settings,
            self.member_flows,
            self.member_unit_counts,
            self.member_compositions,
            self.organization_counts,
            self.organization_monthly_flows,
            self.organization_yearly_flows,
            self.candidate_stages,
            self.candidate_deadlines,
            self.pipeline_counts,
            self.deadline_counts,
            self.stage_moves,
            self.monthly_stage_moves,
            self.stage_half_years,
            self.member_unit_half_years,
            self.member_composition_half_years,
            self.authority_periods,
            self.successions,
            self.monthly_indicators,
            self.yearly_indicators,
        )

    def renamed(self, suffix: str) -> ProjectionTables:
        """The same tables named `<name><suffix>`, in a metadata of their own, their
        secondary indexes named `<declared name><suffix>`."""
        other = MetaData()
        return ProjectionTables(*(_renamed(table, other, suffix) for table in self.all()))


def _renamed(table: Table, metadata: MetaData, suffix: str) -> Table:
    copy = table.to_metadata(metadata, name=f"{table.name}{suffix}")
    declared = {_shape(index): index.name for index in table.indexes}
    for index in copy.indexes:
        index.name = quoted_name(f"{declared[_shape(index)]}{suffix}", None)
    return copy


def _shape(index: Index) -> tuple[tuple[str, ...], bool]:
    """What pairs an index with its copy (whose automatic name differs): columns, uniqueness."""
    return tuple(column.name for column in index.columns), bool(index.unique)


def _compared_bytewise(tables: ProjectionTables) -> ProjectionTables:
    """The tables, each text column given the "C" collation on PostgreSQL (migration p0015)."""
    for table in tables.all():
        for column in table.columns:
            if isinstance(column.type, String) and column.type.collation is None:
                length = column.type.length
                column.type = String(length).with_variant(String(length, collation="C"), "postgresql")
    return tables


LIVE = ProjectionTables(
    authority_indicators,
    enterprises,
    candidates,
    waiting_candidates,
    daily_indicators,
    daily_candidates,
    *fact_tables.FACT_TABLES,
    authority_periods,
    successions,
    monthly_indicators,
    yearly_indicators,
)
_compared_bytewise(LIVE)
REBUILD_SUFFIX = "__rebuild"
REBUILD = LIVE.renamed(REBUILD_SUFFIX)  # where a rebuild writes before it swaps
