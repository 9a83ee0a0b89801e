"""The pipeline counts kept for the candidates' latest state (adapters/pipeline_counts.py):
each proposed candidate's unit, stage, proposal and last day (proposal or latest step),
indexed on that day and on unit and day; each candidate's open deadlines, indexed on their
due day; the candidates per unit and stage; the open deadlines per unit and due day.
Filled here from the stored candidates and steps, as the projection would have kept them
(domain/pipeline.py's rules, written out as they stood at this revision).

Revision ID: p0011
Revises: p0010
"""

import sqlalchemy as sa
from alembic import op

revision = "p0011"
down_revision = "p0010"
branch_labels = None
depends_on = None

_STEPS = (
    "awareness_class",
    "application_submitted",
    "background_verified",
    "introduced",
    "cell_voted",
    "grassroots_resolved",
    "decision_extended",
    "admission_decided",
    "ceremony_held",
    "recognised",
    "probationary_removed",
    "withdrawn",
    "rejected",
)
_SETTERS = ("application_submitted", "grassroots_resolved", "decision_extended", "admission_decided", "ceremony_held")
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
# deadline -> (its due day, the steps that close it besides a withdrawal or rejection)
_DEADLINES = {
    "file_expires_on": ("t.due_application_submitted", ("admission_decided",)),
    "decision_due": ("COALESCE(t.due_decision_extended, t.due_grassroots_resolved)", ("admission_decided",)),
    "ceremony_due": ("t.due_admission_decided", ("ceremony_held",)),
    "recognition_due": ("t.due_ceremony_held", ("recognised", "probationary_removed")),
}


def _taken(step: str) -> str:
    return f"COALESCE(t.{step}, 0) = 1"


_TAKEN = (
    "SELECT candidate_id, MAX(on_day) AS last_step, "
    + ", ".join(f"MAX(CASE WHEN step = '{s}' THEN 1 ELSE 0 END) AS {s}" for s in _STEPS)
    + ", "
    + ", ".join(f"MAX(CASE WHEN step = '{s}' THEN due END) AS due_{s}" for s in _SETTERS)
    + " FROM reporting_fact_candidate_steps GROUP BY candidate_id"
)
_STAGE = "CASE " + " ".join(f"WHEN {_taken(s)} THEN '{s}'" for s in _STAGE_ORDER) + " ELSE 'proposed' END"
_DUES = ", ".join(
    f"CASE WHEN {' OR '.join(_taken(s) for s in ('withdrawn', 'rejected', *closers))} THEN NULL ELSE {due} END"
    f" AS {deadline}"
    for deadline, (due, closers) in _DEADLINES.items()
)
_STATES = (
    f"SELECT c.candidate_id, c.authority_id, c.display_ref, {_STAGE} AS stage, c.proposed_on,"
    " CASE WHEN t.last_step IS NOT NULL AND t.last_step > c.proposed_on THEN t.last_step"
    f" ELSE c.proposed_on END AS changed_on, {_DUES}"
    f" FROM reporting_fact_candidates c LEFT JOIN ({_TAKEN}) t ON t.candidate_id = c.candidate_id"
)


def upgrade() -> None:
    op.create_table(
        "reporting_fact_candidate_stages",
        sa.Column("candidate_id", sa.String(100), primary_key=True),
        sa.Column("authority_id", sa.String(100), nullable=False),
        sa.Column("stage", sa.String(30), nullable=False),
        sa.Column("proposed_on", sa.String(10), nullable=False),
        sa.Column("changed_on", sa.String(10), nullable=False),
    )
    op.create_index("ix_reporting_fact_candidate_stages_changed", "reporting_fact_candidate_stages", ["changed_on"])
    op.create_index(
        "ix_reporting_fact_candidate_stages_authority_changed",
        "reporting_fact_candidate_stages",
        ["authority_id", "changed_on"],
    )
    op.create_table(
        "reporting_fact_candidate_deadlines",
        sa.Column("candidate_id", sa.String(100), primary_key=True),
        sa.Column("deadline", sa.String(30), primary_key=True),
        sa.Column("authority_id", sa.String(100), nullable=False),
        sa.Column("display_ref", sa.String(64), nullable=True),
        sa.Column("due", sa.String(10), nullable=False),
    )
    op.create_index("ix_reporting_fact_candidate_deadlines_due", "reporting_fact_candidate_deadlines", ["due"])
    op.create_table(
        "reporting_fact_pipeline_counts",
        sa.Column("authority_id", sa.String(100), primary_key=True),
        sa.Column("stage", sa.String(30), primary_key=True),
        sa.Column("candidates", sa.Integer, nullable=False),
    )
    op.create_table(
        "reporting_fact_deadline_counts",
        sa.Column("authority_id", sa.String(100), primary_key=True),
        sa.Column("due", sa.String(10), primary_key=True),
        sa.Column("deadlines", sa.Integer, nullable=False),
    )
    op.execute(
        "INSERT INTO reporting_fact_candidate_stages (candidate_id, authority_id, stage, proposed_on, changed_on) "
        f"SELECT candidate_id, authority_id, stage, proposed_on, changed_on FROM ({_STATES}) states"
    )
    op.execute(
        "INSERT INTO reporting_fact_candidate_deadlines (candidate_id, deadline, authority_id, display_ref, due) "
        + " UNION ALL ".join(
            f"SELECT candidate_id, '{deadline}', authority_id, display_ref, {deadline}"
            f" FROM ({_STATES}) states WHERE {deadline} IS NOT NULL"
            for deadline in _DEADLINES
        )
    )
    op.execute(
        "INSERT INTO reporting_fact_pipeline_counts (authority_id, stage, candidates) "
        "SELECT authority_id, stage, COUNT(*) FROM reporting_fact_candidate_stages GROUP BY authority_id, stage"
    )
    op.execute(
        "INSERT INTO reporting_fact_deadline_counts (authority_id, due, deadlines) "
        "SELECT authority_id, due, COUNT(*) FROM reporting_fact_candidate_deadlines GROUP BY authority_id, due"
    )


def downgrade() -> None:
    op.drop_table("reporting_fact_deadline_counts")
    op.drop_table("reporting_fact_pipeline_counts")
    op.drop_index("ix_reporting_fact_candidate_deadlines_due", "reporting_fact_candidate_deadlines")
    op.drop_table("reporting_fact_candidate_deadlines")
    op.drop_index("ix_reporting_fact_candidate_stages_authority_changed", "reporting_fact_candidate_stages")
    op.drop_index("ix_reporting_fact_candidate_stages_changed", "reporting_fact_candidate_stages")
    op.drop_table("reporting_fact_candidate_stages")
