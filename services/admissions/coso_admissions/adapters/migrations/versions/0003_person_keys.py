"""Each person's data key, wrapped by the master key (envelope encryption of personal data).

Revision ID: a0003
Revises: a0002
"""

import sqlalchemy as sa
from alembic import op

revision = "a0003"
down_revision = "a0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admissions_person_keys",
        sa.Column("person_id", sa.String(100), primary_key=True),
        sa.Column("wrapped_key", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("admissions_person_keys")
