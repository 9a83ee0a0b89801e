"""Party organizations merged into another: the successor is kept on the merged one.

Revision ID: r0008
Revises: r0007
"""

import sqlalchemy as sa
from alembic import op

revision = "r0008"
down_revision = "r0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("registry_organizations") as batch:
        batch.add_column(sa.Column("merged_into", sa.String(100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("registry_organizations") as batch:
        batch.drop_column("merged_into")
