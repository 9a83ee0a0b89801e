"""Each enterprise's registration day beside its authority (`reporting_enterprises`), from
which a rebuild counts the own and daily counts once at its end
(adapters/indicator_counts.py) instead of adding them batch by batch. Filled here from the
enterprises' facts, which hold the same day from the same event; a row without a fact
stays null, as a rebuild's never does.

Revision ID: p0028
Revises: p0027
"""

import sqlalchemy as sa
from alembic import op

revision = "p0028"
down_revision = "p0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bytewise = {"collation": "C"} if op.get_bind().dialect.name == "postgresql" else {}
    with op.batch_alter_table("reporting_enterprises") as batch:
        batch.add_column(sa.Column("registered_on", sa.String(10, **bytewise), nullable=True))
    op.execute(
        "UPDATE reporting_enterprises SET registered_on = ("
        "SELECT f.registered_on FROM reporting_fact_enterprises f "
        "WHERE f.enterprise_id = reporting_enterprises.enterprise_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("reporting_enterprises") as batch:
        batch.drop_column("registered_on")
