"""The fact tables: the records the reports other than the indicator counts are made of.

Each is a field of `ProjectionTables` (adapters/tables.py), so a rebuild makes and swaps
them with the others, declared indexes included: the candidates, their steps and the
organizations are indexed on their authority (migration p0009), since a report of a
province or a commune reads its authorities' rows only; the enterprises' trade unions and
organizations also on their enterprise (p0010), and the members (p0014), for the coverage
counts a batch moves.
Days are ISO strings (`YYYY-MM-DD`); a column is empty until the event that says it
arrives (see domain/facts.py).

- `reporting_fact_enterprises`: where an enterprise is (authority, industrial zone), its
  ownership, latest worker count, registration day, status and the day it closed.
- `reporting_fact_enterprise_places`: from which day an enterprise lay under which
  authority and zone (its registration and each move), for reports as of a day.
- `reporting_fact_organizations`: party organizations: kind, superior authority, founded,
  ended (dissolved or merged, with the successor), official members when known.
- `reporting_fact_organization_enterprises`: the enterprises each organization covers.
- `reporting_fact_mass_organizations`: trade unions, Youth Union, women's and veterans'
  organizations: kind, enterprise, founded, dissolved, latest membership count.
- `reporting_fact_members`: party members: authority, organization, enterprise, job
  category, status, admitted, recognised official, left (transferred out, deceased, removed).
- `reporting_fact_member_ratings`, `reporting_fact_organization_ratings`: a year's rating.
- `reporting_fact_candidates`: candidates with their authority and display reference
  (never personal data); `reporting_fact_candidate_steps`: each step's day and the
  deadline it set.
- the counts kept for the members' latest state (domain/member_counts.py):
  `reporting_fact_member_counts`, members per unit, job category, enterprise ownership and
  status; `reporting_fact_enterprise_members`, each enterprise's members, active and
  official; `reporting_fact_member_changes`, each member's last change by day and the unit
  it is filed under, its key beginning with the day so that the members changed after a
  day are one range read, and indexed on the unit and the day so that a province's or a
  commune's are range reads of its units (p0012); with the member's job category, its
  enterprise's ownership, status and days (p0018), so that a report recounts the members
  changed after its day from these rows alone;
  `reporting_fact_member_flows`, the members admitted and those who left (by how: transferred
  out, deceased, removed) per unit and month (`YYYY-MM`), indexed on the month too, so that a
  period's admissions and departures in whole months are a sum over its months' rows;
  `reporting_fact_member_unit_counts`, the member counts summed per unit, status and job
  group (production workers, owners, others), which are all the report's unit columns
  need; `reporting_fact_member_compositions`, the member counts summed over every unit
  (a national report takes out those of the few units it does not hold) (p0012);
  `reporting_fact_member_unit_half_years` and `reporting_fact_member_composition_half_years`
  (p0027), the active members as they stood at the end of each half year (keyed by its
  last month) per unit, status and job group and per composition, so that a national
  report of a day long past starts from the nearest end (adapters/member_half_years.py).
- the coverage counts kept for the enterprises' latest state (adapters/coverage_counts.py):
  `reporting_fact_coverage_counts`, the coverage report's measures of the operating
  enterprises per unit, industrial zone, ownership and size band ("" for no zone or unknown
  ownership); `reporting_fact_enterprise_coverage`, each operating enterprise's place,
  ownership, size band and whether it has a trade union, a party organization, active
  members, the minimum of official members;
  `reporting_fact_coverage_changes` (p0014), how those measures changed per unit, day,
  industrial zone, ownership and size band, its key beginning with the unit and the day so
  that a subtree's changes after a day are range reads, and indexed on the day (p0017) for
  a nation's; `reporting_fact_coverage_monthly_changes` (p0017), the same changes summed
  per month, indexed on it, so that a past day reads whole months and the days left of its
  own month; `reporting_fact_coverage_half_years` (p0024), the measures as they stood at the
  end of each half year (keyed by its last month, `YYYY-06` or `YYYY-12`), so that a day
  long past starts from the nearest half year's end rather than from today;
  `reporting_fact_coverage_settings`, the size bands and minimum the counts were made with.
- `reporting_fact_organization_counts`: the party ("party") and mass ("mass") organizations
  existing now, per authority and kind ("" when unknown) (domain/organization_counts.py).
  The organizations are indexed on the days they were founded and ended (p0016): a report
  on a day reads those founded or ended after it, and those founded or ended in its period.
  Revision p0026 adds their foundings and endings per family, month and unit and kind
  (`reporting_fact_organization_monthly_flows`) and the same per year
  (`reporting_fact_organization_yearly_flows`): a report reads the whole years and months
  of those spans, and only the days at their edges from the organizations.
- the pipeline counts kept for the candidates' latest state (adapters/pipeline_counts.py):
  `reporting_fact_candidate_stages`, each proposed candidate's unit, stage, proposal and
  last day (proposal or latest step; indexed on that day and on unit and day until p0019,
  dropped by p0022);
  `reporting_fact_candidate_deadlines`, each candidate's open deadlines with their due day,
  indexed on it so that the earliest are read first; `reporting_fact_pipeline_counts`, the
  candidates per unit and stage; `reporting_fact_deadline_counts`, the open deadlines per
  unit and due day. Revision p0019 adds each candidate's last day its open deadlines
  changed (`deadlines_changed_on`, none if it never had one), indexed on that day and on
  unit and day, so that the candidates whose deadlines changed after a day are one range
  read (one per unit for a few units), in place of the last day's indexes,
  and the candidates' moves between stages (`reporting_fact_stage_moves`: per unit, day and
  stage the candidates that came into it less those that left it; the same per unit, month
  and stage in `reporting_fact_monthly_stage_moves`), each indexed on its day or month, so
  that the moves after a day are the whole months after it and the days left of its month;
  `reporting_fact_stage_half_years` (p0025), the candidates per unit and stage as they stood
  at the end of each half year (keyed by its last month), so that a day long past starts
  from the nearest half year's end rather than from today (adapters/half_years.py).
"""

from __future__ import annotations

from sqlalchemy import Column, Float, Index, Integer, MetaData, String, Table

from coso_reporting.domain.organization_counts import FLOWS

metadata = MetaData()

_ID = 100
_DAY = 10
_MONTH = 7

fact_enterprises = Table(
    "reporting_fact_enterprises",
    metadata,
    Column("enterprise_id", String(_ID), primary_key=True),
    Column("authority_id", String(_ID), nullable=True),
    Column("industrial_zone_id", String(_ID), nullable=True),
    Column("ownership", String(40), nullable=True),
    Column("worker_count", Integer, nullable=True),
    Column("workers_counted_on", String(_DAY), nullable=True),
    Column("registered_on", String(_DAY), nullable=True),
    Column("status", String(20), nullable=True),
    Column("status_since", String(_DAY), nullable=True),
    Column("closed_on", String(_DAY), nullable=True),
)

enterprise_places = Table(
    "reporting_fact_enterprise_places",
    metadata,
    Column("enterprise_id", String(_ID), primary_key=True),
    Column("valid_from", String(_DAY), primary_key=True),
    Column("authority_id", String(_ID), nullable=False),
    Column("industrial_zone_id", String(_ID), nullable=True),
)

organizations = Table(
    "reporting_fact_organizations",
    metadata,
    Column("organization_id", String(_ID), primary_key=True),
    Column("name", String(300), nullable=True),
    Column("kind", String(40), nullable=True),
    Column("authority_id", String(_ID), nullable=True),
    Column("founded_on", String(_DAY), nullable=True),
    Column("ended_on", String(_DAY), nullable=True),
    Column("ended_by", String(20), nullable=True),
    Column("successor_id", String(_ID), nullable=True),
    Column("official_members", Integer, nullable=True),
    Index("ix_reporting_fact_organizations_authority", "authority_id"),
    Index("ix_reporting_fact_organizations_founded", "founded_on"),
    Index("ix_reporting_fact_organizations_ended", "ended_on"),
)

organization_enterprises = Table(
    "reporting_fact_organization_enterprises",
    metadata,
    Column("organization_id", String(_ID), primary_key=True),
    Column("enterprise_id", String(_ID), primary_key=True),
    Index("ix_reporting_fact_organization_enterprises_enterprise", "enterprise_id"),
)

mass_organizations = Table(
    "reporting_fact_mass_organizations",
    metadata,
    Column("mass_organization_id", String(_ID), primary_key=True),
    Column("kind", String(40), nullable=True),
    Column("enterprise_id", String(_ID), nullable=True),
    Column("authority_id", String(_ID), nullable=True),
    Column("founded_on", String(_DAY), nullable=True),
    Column("dissolved_on", String(_DAY), nullable=True),
    Column("members", Integer, nullable=True),
    Column("members_counted_on", String(_DAY), nullable=True),
    Index("ix_reporting_fact_mass_organizations_authority", "authority_id"),
    Index("ix_reporting_fact_mass_organizations_enterprise", "enterprise_id"),
    Index("ix_reporting_fact_mass_organizations_founded", "founded_on"),
    Index("ix_reporting_fact_mass_organizations_dissolved", "dissolved_on"),
)

members = Table(
    "reporting_fact_members",
    metadata,
    Column("member_id", String(_ID), primary_key=True),
    Column("authority_id", String(_ID), nullable=True),
    Column("organization", String(300), nullable=True),
    Column("enterprise_id", String(_ID), nullable=True),
    Column("job_category", String(40), nullable=True),
    Column("status", String(20), nullable=True),
    Column("admitted_on", String(_DAY), nullable=True),
    Column("official_on", String(_DAY), nullable=True),
    Column("ended_on", String(_DAY), nullable=True),
    Index("ix_reporting_fact_members_enterprise", "enterprise_id"),  # p0014: an enterprise's coverage by day
)

member_ratings = Table(
    "reporting_fact_member_ratings",
    metadata,
    Column("member_id", String(_ID), primary_key=True),
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("authority_id", String(_ID), nullable=False),
    Column("rating", String(20), nullable=False),
)

organization_ratings = Table(
    "reporting_fact_organization_ratings",
    metadata,
    Column("organization_id", String(_ID), primary_key=True),
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("authority_id", String(_ID), nullable=False),
    Column("level", String(20), nullable=False),
    Column("score", Float, nullable=False),
)

fact_candidates = Table(
    "reporting_fact_candidates",
    metadata,
    Column("candidate_id", String(_ID), primary_key=True),
    Column("authority_id", String(_ID), nullable=False),
    Column("enterprise_id", String(_ID), nullable=False),
    Column("display_ref", String(64), nullable=True),
    Column("proposed_on", String(_DAY), nullable=False),
    Index("ix_reporting_fact_candidates_authority", "authority_id"),
)

candidate_steps = Table(
    "reporting_fact_candidate_steps",
    metadata,
    Column("candidate_id", String(_ID), primary_key=True),
    Column("step", String(30), primary_key=True),
    Column("authority_id", String(_ID), nullable=False),
    Column("on_day", String(_DAY), nullable=False),
    Column("due", String(_DAY), nullable=True),
    Index("ix_reporting_fact_candidate_steps_authority", "authority_id"),
)

member_counts = Table(
    "reporting_fact_member_counts",
    metadata,
    Column("authority_id", String(_ID), primary_key=True),
    Column("job_category", String(40), primary_key=True),  # "" when unknown
    Column("ownership", String(40), primary_key=True),  # of the member's enterprise, "" when unknown
    Column("status", String(20), primary_key=True),
    Column("members", Integer, nullable=False),
)

enterprise_members = Table(
    "reporting_fact_enterprise_members",
    metadata,
    Column("enterprise_id", String(_ID), primary_key=True),
    Column("members", Integer, nullable=False),
    Column("active", Integer, nullable=False),
    Column("official", Integer, nullable=False),
)

member_changes = Table(
    "reporting_fact_member_changes",
    metadata,
    Column("changed_on", String(_DAY), primary_key=True),
    Column("member_id", String(_ID), primary_key=True),
    Column("authority_id", String(_ID), nullable=False),
    # p0018: what counts the member on any day, so that a recount reads no other table
    Column("job_category", String(40), nullable=False),  # "" when unknown
    Column("ownership", String(40), nullable=False),  # of the member's enterprise, "" when unknown
    Column("status", String(20), nullable=True),
    Column("admitted_on", String(_DAY), nullable=False),
    Column("official_on", String(_DAY), nullable=True),
    Column("ended_on", String(_DAY), nullable=True),
    Index("ix_reporting_fact_member_changes_authority", "authority_id", "changed_on"),
)

member_unit_counts = Table(
    "reporting_fact_member_unit_counts",
    metadata,
    Column("authority_id", String(_ID), primary_key=True),
    Column("status", String(20), primary_key=True),
    Column("job_group", String(40), primary_key=True),  # production_worker, owner or "" (the others)
    Column("members", Integer, nullable=False),
)

member_compositions = Table(
    "reporting_fact_member_compositions",
    metadata,
    Column("job_category", String(40), primary_key=True),  # "" when unknown
    Column("ownership", String(40), primary_key=True),  # "" when unknown
    Column("status", String(20), primary_key=True),
    Column("members", Integer, nullable=False),
)

member_flows = Table(
    "reporting_fact_member_flows",
    metadata,
    Column("authority_id", String(_ID), primary_key=True),
    Column("month", String(_MONTH), primary_key=True),  # YYYY-MM
    Column("flow", String(20), primary_key=True),  # "admitted" or a leaving status
    Column("members", Integer, nullable=False),
    Index("ix_reporting_fact_member_flows_month", "month"),
)

_COVERAGE_KEY = (
    ("authority_id", _ID),
    ("industrial_zone_id", _ID),  # "" when none
    ("ownership", 40),  # "" when unknown
    ("size_band", 40),
)
_COVERAGE_FLAGS = ("with_trade_union", "with_party_organization", "with_members", "enough_official_members")
_COVERAGE_MEASURES = (  # domain/coverage.py MEASURES
    "enterprises",
    "with_trade_union",
    "with_party_organization",
    "members_without_organization",
    "enough_members_without_organization",
)

coverage_counts = Table(
    "reporting_fact_coverage_counts",
    metadata,
    *(Column(name, String(size), primary_key=True) for name, size in _COVERAGE_KEY),
    *(Column(measure, Integer, nullable=False) for measure in _COVERAGE_MEASURES),
)

enterprise_coverage = Table(
    "reporting_fact_enterprise_coverage",
    metadata,
    Column("enterprise_id", String(_ID), primary_key=True),
    *(Column(name, String(size), nullable=False) for name, size in _COVERAGE_KEY),
    *(Column(flag, Integer, nullable=False) for flag in _COVERAGE_FLAGS),
)

coverage_changes = Table(
    "reporting_fact_coverage_changes",
    metadata,
    Column("authority_id", String(_ID), primary_key=True),
    Column("day", String(_DAY), primary_key=True),
    *(Column(name, String(size), primary_key=True) for name, size in _COVERAGE_KEY[1:]),
    *(Column(measure, Integer, nullable=False) for measure in _COVERAGE_MEASURES),
    Index("ix_reporting_fact_coverage_changes_day", "day"),  # p0017: a nation's days after a day
)

coverage_monthly_changes = Table(
    "reporting_fact_coverage_monthly_changes",
    metadata,
    Column("authority_id", String(_ID), primary_key=True),
    Column("month", String(_MONTH), primary_key=True),  # YYYY-MM
    *(Column(name, String(size), primary_key=True) for name, size in _COVERAGE_KEY[1:]),
    *(Column(measure, Integer, nullable=False) for measure in _COVERAGE_MEASURES),
    Index("ix_reporting_fact_coverage_monthly_changes_month", "month"),
)

coverage_half_years = Table(
    "reporting_fact_coverage_half_years",
    metadata,
    Column("month", String(_MONTH), primary_key=True),  # the half year's last: YYYY-06 or YYYY-12
    *(Column(name, String(size), primary_key=True) for name, size in _COVERAGE_KEY),
    *(Column(measure, Integer, nullable=False) for measure in _COVERAGE_MEASURES),
)

coverage_settings = Table(
    "reporting_fact_coverage_settings",
    metadata,
    Column("size_bands", String(200), primary_key=True),  # the bands' lower limits, "50,200,1000"
    Column("minimum_official_members", Integer, primary_key=True, autoincrement=False),
)

organization_counts = Table(
    "reporting_fact_organization_counts",
    metadata,
    Column("family", String(10), primary_key=True),  # "party" or "mass"
    Column("authority_id", String(_ID), primary_key=True),
    Column("kind", String(40), primary_key=True),  # "" when unknown
    Column("existing", Integer, nullable=False),
)

# The organizations' foundings and endings per family, month (year), authority and kind
# (domain/organization_counts.py `FLOWS`), keyed by the month (year) first: a national
# report reads a few months' and years' rows of every unit.
_FLOW_KEY = (("family", 10), ("authority_id", _ID), ("kind", 40))
organization_monthly_flows = Table(
    "reporting_fact_organization_monthly_flows",
    metadata,
    Column("family", String(10), primary_key=True),
    Column("month", String(_MONTH), primary_key=True),  # YYYY-MM
    *(Column(name, String(size), primary_key=True) for name, size in _FLOW_KEY[1:]),
    *(Column(flow, Integer, nullable=False) for flow in FLOWS),
)
organization_yearly_flows = Table(
    "reporting_fact_organization_yearly_flows",
    metadata,
    Column("family", String(10), primary_key=True),
    Column("year", String(4), primary_key=True),  # YYYY
    *(Column(name, String(size), primary_key=True) for name, size in _FLOW_KEY[1:]),
    *(Column(flow, Integer, nullable=False) for flow in FLOWS),
)

candidate_stages = Table(
    "reporting_fact_candidate_stages",
    metadata,
    Column("candidate_id", String(_ID), primary_key=True),
    Column("authority_id", String(_ID), nullable=False),
    Column("stage", String(30), nullable=False),
    Column("proposed_on", String(_DAY), nullable=False),
    Column("deadlines_changed_on", String(_DAY), nullable=True),  # none: never had a deadline (p0019)
    Index("ix_reporting_fact_candidate_stages_deadlines", "deadlines_changed_on"),
    Index("ix_reporting_fact_candidate_stages_unit_deadlines", "authority_id", "deadlines_changed_on"),
)

candidate_deadlines = Table(
    "reporting_fact_candidate_deadlines",
    metadata,
    Column("candidate_id", String(_ID), primary_key=True),
    Column("deadline", String(30), primary_key=True),
    Column("authority_id", String(_ID), nullable=False),
    Column("display_ref", String(64), nullable=True),
    Column("due", String(_DAY), nullable=False),
    Index("ix_reporting_fact_candidate_deadlines_due", "due"),
)

pipeline_counts = Table(
    "reporting_fact_pipeline_counts",
    metadata,
    Column("authority_id", String(_ID), primary_key=True),
    Column("stage", String(30), primary_key=True),
    Column("candidates", Integer, nullable=False),
)

deadline_counts = Table(
    "reporting_fact_deadline_counts",
    metadata,
    Column("authority_id", String(_ID), primary_key=True),
    Column("due", String(_DAY), primary_key=True),
    Column("deadlines", Integer, nullable=False),
)

stage_moves = Table(
    "reporting_fact_stage_moves",
    metadata,
    Column("authority_id", String(_ID), primary_key=True),
    Column("day", String(_DAY), primary_key=True),
    Column("stage", String(30), primary_key=True),
    Column("candidates", Integer, nullable=False),
    Index("ix_reporting_fact_stage_moves_day", "day"),
)

monthly_stage_moves = Table(
    "reporting_fact_monthly_stage_moves",
    metadata,
    Column("authority_id", String(_ID), primary_key=True),
    Column("month", String(_MONTH), primary_key=True),  # YYYY-MM
    Column("stage", String(30), primary_key=True),
    Column("candidates", Integer, nullable=False),
    Index("ix_reporting_fact_monthly_stage_moves_month", "month"),
)

stage_half_years = Table(
    "reporting_fact_stage_half_years",
    metadata,
    Column("month", String(_MONTH), primary_key=True),  # the half year's last: YYYY-06 or YYYY-12
    Column("authority_id", String(_ID), primary_key=True),
    Column("stage", String(30), primary_key=True),
    Column("candidates", Integer, nullable=False),
)

member_unit_half_years = Table(
    "reporting_fact_member_unit_half_years",
    metadata,
    Column("month", String(_MONTH), primary_key=True),  # the half year's last: YYYY-06 or YYYY-12
    Column("authority_id", String(_ID), primary_key=True),
    Column("status", String(20), primary_key=True),  # probationary or official
    Column("job_group", String(40), primary_key=True),
    Column("members", Integer, nullable=False),
)

member_composition_half_years = Table(
    "reporting_fact_member_composition_half_years",
    metadata,
    Column("month", String(_MONTH), primary_key=True),
    Column("job_category", String(40), primary_key=True),
    Column("ownership", String(40), primary_key=True),
    Column("status", String(20), primary_key=True),
    Column("members", Integer, nullable=False),
)

FACT_TABLES = (
    fact_enterprises,
    enterprise_places,
    organizations,
    organization_enterprises,
    mass_organizations,
    members,
    member_ratings,
    organization_ratings,
    fact_candidates,
    candidate_steps,
    member_counts,
    enterprise_members,
    member_changes,
    coverage_counts,
    enterprise_coverage,
    coverage_changes,
    coverage_monthly_changes,
    coverage_half_years,
    coverage_settings,
    member_flows,
    member_unit_counts,
    member_compositions,
    organization_counts,
    organization_monthly_flows,
    organization_yearly_flows,
    candidate_stages,
    candidate_deadlines,
    pipeline_counts,
    deadline_counts,
    stage_moves,
    monthly_stage_moves,
    stage_half_years,
    member_unit_half_years,
    member_composition_half_years,
)
