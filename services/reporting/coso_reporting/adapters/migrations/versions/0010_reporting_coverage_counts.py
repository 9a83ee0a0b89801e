"""The coverage counts kept for the enterprises' latest state (adapters/coverage_counts.py):
the coverage report's measures of the operating enterprises per unit, industrial zone,
ownership and size band; each operating enterprise's group (those and whether it has a
trade union, a party organization, active members, the minimum of official members);
each enterprise's last relevant day under every unit it has lain in; the settings the
counts were made with (the defaults: bands 50, 200, 1000 and 3 official members;
`coso-reporting migrate` recounts if configured otherwise). Filled here from the stored
facts and member counts, as the projection would have kept them.

Revision ID: p0010
Revises: p0009
"""

import sqlalchemy as sa
from alembic import op

revision = "p0010"
down_revision = "p0009"
branch_labels = None
depends_on = None

_KEY = (
    ("authority_id", 100),
    ("industrial_zone_id", 100),
    ("ownership", 40),
    ("size_band", 40),
)
_FLAGS = ("with_trade_union", "with_party_organization", "with_members", "enough_official_members")
_COLUMNS = ", ".join([name for name, _ in _KEY] + list(_FLAGS))
_PLACE = ", ".join(name for name, _ in _KEY)
_MEASURES = (
    "enterprises",
    "with_trade_union",
    "with_party_organization",
    "members_without_organization",
    "enough_members_without_organization",
)

_BAND = (
    "CASE WHEN e.worker_count IS NULL THEN 'unknown' WHEN e.worker_count < 50 THEN '0-49'"
    " WHEN e.worker_count < 200 THEN '50-199' WHEN e.worker_count < 1000 THEN '200-999' ELSE '1000+' END"
)
_LATEST_PLACES = (
    "SELECT p.enterprise_id, p.authority_id, p.industrial_zone_id FROM reporting_fact_enterprise_places p"
    " JOIN (SELECT enterprise_id, MAX(valid_from) AS valid_from FROM reporting_fact_enterprise_places"
    " GROUP BY enterprise_id) latest ON latest.enterprise_id = p.enterprise_id AND latest.valid_from = p.valid_from"
)
_UNIONS = (
    "SELECT DISTINCT enterprise_id FROM reporting_fact_mass_organizations"
    " WHERE kind = 'trade_union' AND founded_on IS NOT NULL AND dissolved_on IS NULL"
)
_ORGANIZED = (
    "SELECT DISTINCT c.enterprise_id FROM reporting_fact_organization_enterprises c"
    " JOIN reporting_fact_organizations o ON o.organization_id = c.organization_id"
    " WHERE o.founded_on IS NOT NULL AND o.ended_on IS NULL"
)
_LATER_OF_TWO = (
    "CASE WHEN m.official_on IS NOT NULL AND m.official_on > m.admitted_on THEN m.official_on ELSE m.admitted_on END"
)
_MEMBER_LAST_CHANGE = (
    f"CASE WHEN m.ended_on IS NOT NULL AND m.ended_on > ({_LATER_OF_TWO}) THEN m.ended_on ELSE {_LATER_OF_TWO} END"
)
_DAYS = " UNION ALL ".join(
    (
        "SELECT enterprise_id, closed_on AS day FROM reporting_fact_enterprises WHERE closed_on IS NOT NULL",
        "SELECT enterprise_id, valid_from FROM reporting_fact_enterprise_places",
        "SELECT enterprise_id,"
        " CASE WHEN dissolved_on IS NOT NULL AND dissolved_on > founded_on THEN dissolved_on ELSE founded_on END"
        " FROM reporting_fact_mass_organizations"
        " WHERE kind = 'trade_union' AND enterprise_id IS NOT NULL AND founded_on IS NOT NULL",
        "SELECT c.enterprise_id,"
        " CASE WHEN o.ended_on IS NOT NULL AND o.ended_on > o.founded_on THEN o.ended_on ELSE o.founded_on END"
        " FROM reporting_fact_organization_enterprises c"
        " JOIN reporting_fact_organizations o ON o.organization_id = c.organization_id WHERE o.founded_on IS NOT NULL",
        f"SELECT m.enterprise_id, {_MEMBER_LAST_CHANGE} FROM reporting_fact_members m"
        " WHERE m.admitted_on IS NOT NULL AND m.authority_id IS NOT NULL AND m.enterprise_id IS NOT NULL",
    )
)


def upgrade() -> None:
    op.create_table(
        "reporting_fact_coverage_counts",
        *(sa.Column(name, sa.String(size), primary_key=True) for name, size in _KEY),
        *(sa.Column(name, sa.Integer, nullable=False) for name in _MEASURES),
    )
    op.create_table(
        "reporting_fact_enterprise_coverage",
        sa.Column("enterprise_id", sa.String(100), primary_key=True),
        *(sa.Column(name, sa.String(size), nullable=False) for name, size in _KEY),
        *(sa.Column(name, sa.Integer, nullable=False) for name in _FLAGS),
    )
    op.create_table(
        "reporting_fact_enterprise_changes",
        sa.Column("authority_id", sa.String(100), primary_key=True),
        sa.Column("changed_on", sa.String(10), primary_key=True),
        sa.Column("enterprise_id", sa.String(100), primary_key=True),
    )
    op.create_table(
        "reporting_fact_coverage_settings",
        sa.Column("size_bands", sa.String(200), primary_key=True),
        sa.Column("minimum_official_members", sa.Integer, primary_key=True, autoincrement=False),
    )
    # The enterprises' trade unions and organizations, for the counts a batch moves.
    for table, index in (
        ("reporting_fact_organization_enterprises", "ix_reporting_fact_organization_enterprises_enterprise"),
        ("reporting_fact_mass_organizations", "ix_reporting_fact_mass_organizations_enterprise"),
    ):
        op.create_index(index, table, ["enterprise_id"])
    if op.get_bind().dialect.name == "postgresql":  # hash joins, even if the tables have no statistics yet
        op.execute("SET LOCAL enable_nestloop = off")
    op.execute(
        f"INSERT INTO reporting_fact_enterprise_coverage (enterprise_id, {_COLUMNS}) "
        "SELECT e.enterprise_id, place.authority_id, COALESCE(place.industrial_zone_id, ''), COALESCE(e.ownership, ''),"
        f" {_BAND},"
        " CASE WHEN unions.enterprise_id IS NOT NULL THEN 1 ELSE 0 END,"
        " CASE WHEN organized.enterprise_id IS NOT NULL THEN 1 ELSE 0 END,"
        " CASE WHEN COALESCE(members.active, 0) > 0 THEN 1 ELSE 0 END,"
        " CASE WHEN COALESCE(members.official, 0) >= 3 THEN 1 ELSE 0 END"
        f" FROM reporting_fact_enterprises e JOIN ({_LATEST_PLACES}) place ON place.enterprise_id = e.enterprise_id"
        " LEFT JOIN reporting_fact_enterprise_members members ON members.enterprise_id = e.enterprise_id"
        f" LEFT JOIN ({_UNIONS}) unions ON unions.enterprise_id = e.enterprise_id"
        f" LEFT JOIN ({_ORGANIZED}) organized ON organized.enterprise_id = e.enterprise_id"
        " WHERE e.registered_on IS NOT NULL AND e.closed_on IS NULL"
    )
    op.execute(
        f"INSERT INTO reporting_fact_coverage_counts ({_PLACE}, {', '.join(_MEASURES)}) "
        f"SELECT {_PLACE}, COUNT(*), SUM(with_trade_union), SUM(with_party_organization),"
        " SUM(CASE WHEN with_party_organization = 0 AND with_members = 1 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN with_party_organization = 0 AND enough_official_members = 1 THEN 1 ELSE 0 END)"
        f" FROM reporting_fact_enterprise_coverage GROUP BY {_PLACE}"
    )
    op.execute(
        "INSERT INTO reporting_fact_enterprise_changes (authority_id, changed_on, enterprise_id) "
        "SELECT units.authority_id,"
        " CASE WHEN later.day > e.registered_on THEN later.day ELSE e.registered_on END, e.enterprise_id"
        " FROM reporting_fact_enterprises e"
        f" LEFT JOIN (SELECT enterprise_id, MAX(day) AS day FROM ({_DAYS}) days GROUP BY enterprise_id) later"
        " ON later.enterprise_id = e.enterprise_id"
        " JOIN (SELECT DISTINCT enterprise_id, authority_id FROM reporting_fact_enterprise_places) units"
        " ON units.enterprise_id = e.enterprise_id"
        " WHERE e.registered_on IS NOT NULL"
    )
    op.execute(
        "INSERT INTO reporting_fact_coverage_settings (size_bands, minimum_official_members) VALUES ('50,200,1000', 3)"
    )


def downgrade() -> None:
    op.drop_index("ix_reporting_fact_mass_organizations_enterprise", "reporting_fact_mass_organizations")
    op.drop_index("ix_reporting_fact_organization_enterprises_enterprise", "reporting_fact_organization_enterprises")
    op.drop_table("reporting_fact_coverage_settings")
    op.drop_table("reporting_fact_enterprise_changes")
    op.drop_table("reporting_fact_enterprise_coverage")
    op.drop_table("reporting_fact_coverage_counts")
