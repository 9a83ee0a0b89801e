"""Each kept candidate's last day anything about it happened (`changed_on` of
`reporting_fact_candidate_stages`) is dropped: since p0019 no report reads it (the past
day's pipeline takes back the stage moves, and its deadlines read `deadlines_changed_on`).
Going back fills it again from the stored steps: the latest step's day, or the proposal's
if later or if there is no step.

Revision ID: p0022
Revises: p0021
"""

import sqlalchemy as sa
from alembic import op

revision = "p0022"
down_revision = "p0021"
branch_labels = None
depends_on = None

_TABLE = "reporting_fact_candidate_stages"


def upgrade() -> None:
    with op.batch_alter_table(_TABLE) as batch:
        batch.drop_column("changed_on")


def downgrade() -> None:
    bytewise = {"collation": "C"} if op.get_bind().dialect.name == "postgresql" else {}
    op.add_column(_TABLE, sa.Column("changed_on", sa.String(10, **bytewise)))
    op.execute(
        f"UPDATE {_TABLE} SET changed_on = COALESCE(("
        f" SELECT CASE WHEN MAX(s.on_day) > {_TABLE}.proposed_on THEN MAX(s.on_day) ELSE {_TABLE}.proposed_on END"
        f" FROM reporting_fact_candidate_steps s WHERE s.candidate_id = {_TABLE}.candidate_id), {_TABLE}.proposed_on)"
    )
    with op.batch_alter_table(_TABLE) as batch:
        batch.alter_column("changed_on", existing_type=sa.String(10, **bytewise), nullable=False)
