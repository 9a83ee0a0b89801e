"""The candidates' moves between stages, per unit, day and stage and per unit, month and
stage (adapters/pipeline_counts.py `stage_moves`), each indexed on its day or month; and
each kept candidate's last day its open deadlines changed (its proposal or its latest step
that sets, closes or stops one; none if no step ever set one), indexed on that day and on
unit and day in place of its last day, which no report reads by its index any more.
Filled here from the stored candidates and steps, as the projection would have kept them
(domain/pipeline.py's rules, written out as they stood at this revision).

Revision ID: p0019
Revises: p0018
"""

import sqlalchemy as sa
from alembic import op

revision = "p0019"
down_revision = "p0018"
branch_labels = None
depends_on = None

# Every step a candidate's file records, in the order of their bits.
_STEPS = (
    "proposed",
    "awareness_class",
    "application_submitted",
    "background_verified",
    "introduced",
    "cell_voted",
    "grassroots_resolved",
    "admission_decided",
    "ceremony_held",
    "recognised",
    "probationary_removed",
    "withdrawn",
    "rejected",
    "decision_extended",
)
_BIT = {step: 1 << i for i, step in enumerate(_STEPS)}
# The first of these taken is the stage: the steps that end a file, then the furthest reached.
_STAGE_ORDER = (
    "withdrawn",
    "rejected",
    "probationary_removed",
    "recognised",
    "ceremony_held",
    "admission_decided",
    "grassroots_resolved",
    "cell_voted",
    "introduced",
    "background_verified",
    "application_submitted",
    "awareness_class",
)
_SETTERS = ("application_submitted", "grassroots_resolved", "decision_extended", "admission_decided", "ceremony_held")
# The steps a candidate's open deadlines change with: those that set, close or stop them.
_DEADLINE_STEPS = (*_SETTERS, "recognised", "probationary_removed", "withdrawn", "rejected")

_STAGE = (
    "CASE "
    + " ".join(f"WHEN (r.taken & {_BIT[step]}) <> 0 THEN '{step}'" for step in _STAGE_ORDER)
    + " ELSE 'proposed' END"
)
_STEP_BIT = "CASE s.step " + " ".join(f"WHEN '{step}' THEN {bit}" for step, bit in _BIT.items()) + " ELSE 0 END"
_MOVES = f"""
WITH days AS (
    SELECT candidate_id, day, CAST(SUM(bits) AS INTEGER) AS bits FROM (
        SELECT candidate_id, proposed_on AS day, 0 AS bits FROM reporting_fact_candidates
        UNION ALL
        SELECT s.candidate_id, CASE WHEN s.on_day > c.proposed_on THEN s.on_day ELSE c.proposed_on END, {_STEP_BIT}
        FROM reporting_fact_candidate_steps s JOIN reporting_fact_candidates c ON c.candidate_id = s.candidate_id
    ) marks GROUP BY candidate_id, day
), running AS (
    SELECT candidate_id, day, SUM(bits) OVER (PARTITION BY candidate_id ORDER BY day) AS taken FROM days
), staged AS (
    SELECT r.candidate_id, r.day, {_STAGE} AS stage FROM running r
), paths AS (
    SELECT candidate_id, day, stage, LAG(stage) OVER (PARTITION BY candidate_id ORDER BY day) AS earlier FROM staged
), moves AS (
    SELECT candidate_id, day, stage, 1 AS candidates FROM paths WHERE earlier IS NULL OR earlier <> stage
    UNION ALL
    SELECT candidate_id, day, earlier, -1 FROM paths WHERE earlier IS NOT NULL AND earlier <> stage
)
SELECT c.authority_id, m.day, m.stage, SUM(m.candidates) AS candidates
FROM moves m JOIN reporting_fact_candidates c ON c.candidate_id = m.candidate_id
GROUP BY c.authority_id, m.day, m.stage
"""
_INDEXES = (
    (
        "ix_reporting_fact_candidate_stages_deadlines",
        "reporting_fact_candidate_stages",
        ["deadlines_changed_on"],
    ),
    (
        "ix_reporting_fact_candidate_stages_unit_deadlines",
        "reporting_fact_candidate_stages",
        ["authority_id", "deadlines_changed_on"],
    ),
    ("ix_reporting_fact_stage_moves_day", "reporting_fact_stage_moves", ["day"]),
    ("ix_reporting_fact_monthly_stage_moves_month", "reporting_fact_monthly_stage_moves", ["month"]),
)


_REPLACED = (  # p0011's
    ("ix_reporting_fact_candidate_stages_changed", ["changed_on"]),
    ("ix_reporting_fact_candidate_stages_authority_changed", ["authority_id", "changed_on"]),
)


def _in(steps: tuple[str, ...]) -> str:
    return ", ".join(f"'{step}'" for step in steps)


def upgrade() -> None:
    bytewise = {"collation": "C"} if op.get_bind().dialect.name == "postgresql" else {}
    op.add_column("reporting_fact_candidate_stages", sa.Column("deadlines_changed_on", sa.String(10, **bytewise)))
    for table, period, length in (
        ("reporting_fact_stage_moves", "day", 10),
        ("reporting_fact_monthly_stage_moves", "month", 7),
    ):
        op.create_table(
            table,
            sa.Column("authority_id", sa.String(100, **bytewise), primary_key=True),
            sa.Column(period, sa.String(length, **bytewise), primary_key=True),
            sa.Column("stage", sa.String(30, **bytewise), primary_key=True),
            sa.Column("candidates", sa.Integer, nullable=False),
        )
    op.execute(
        "UPDATE reporting_fact_candidate_stages SET deadlines_changed_on = ("
        " SELECT CASE WHEN MAX(s.on_day) > reporting_fact_candidate_stages.proposed_on THEN MAX(s.on_day)"
        " ELSE reporting_fact_candidate_stages.proposed_on END"
        " FROM reporting_fact_candidate_steps s"
        " WHERE s.candidate_id = reporting_fact_candidate_stages.candidate_id"
        f" AND s.step IN ({_in(_DEADLINE_STEPS)}))"
        " WHERE candidate_id IN ("
        f" SELECT candidate_id FROM reporting_fact_candidate_steps WHERE step IN ({_in(_SETTERS)}))"
    )
    op.execute(
        "INSERT INTO reporting_fact_stage_moves (authority_id, day, stage, candidates)"
        f" SELECT authority_id, day, stage, candidates FROM ({_MOVES}) moves WHERE candidates <> 0"
    )
    op.execute(
        "INSERT INTO reporting_fact_monthly_stage_moves (authority_id, month, stage, candidates)"
        " SELECT authority_id, SUBSTR(day, 1, 7), stage, SUM(candidates) FROM reporting_fact_stage_moves"
        " GROUP BY authority_id, SUBSTR(day, 1, 7), stage HAVING SUM(candidates) <> 0"
    )
    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns)
    for name, _ in _REPLACED:
        op.drop_index(name, table_name="reporting_fact_candidate_stages")


def downgrade() -> None:
    for name, columns in _REPLACED:
        op.create_index(name, "reporting_fact_candidate_stages", columns)
    for name, table, _ in _INDEXES:
        op.drop_index(name, table_name=table)
    op.drop_table("reporting_fact_monthly_stage_moves")
    op.drop_table("reporting_fact_stage_moves")
    with op.batch_alter_table("reporting_fact_candidate_stages") as batch:
        batch.drop_column("deadlines_changed_on")
