"""The candidates read model follows the pipeline: date of the stage and the deadlines.

Revision ID: a0002
Revises: a0001
"""

import sqlalchemy as sa
from alembic import op

revision = "a0002"
down_revision = "a0001"
branch_labels = None
depends_on = None

_DEADLINES = ("file_expires_on", "decision_due", "ceremony_due", "probation_ends_on", "recognition_due")
_INDEXED = ("file_expires_on", "decision_due", "recognition_due")


def upgrade() -> None:
    with op.batch_alter_table("admissions_candidates") as table:
        table.add_column(sa.Column("stage_on", sa.Date, nullable=True))
        for name in _DEADLINES:
            table.add_column(sa.Column(name, sa.Date, nullable=True))
    for name in _INDEXED:
        op.create_index(f"ix_admissions_candidates_{name}", "admissions_candidates", [name])
    op.execute("UPDATE admissions_candidates SET stage_on = proposed_on")


def downgrade() -> None:
    for name in _INDEXED:
        op.drop_index(f"ix_admissions_candidates_{name}", "admissions_candidates")
    with op.batch_alter_table("admissions_candidates") as table:
        for name in ("stage_on", *_DEADLINES):
            table.drop_column(name)
