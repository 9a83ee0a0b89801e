"""Enterprise particulars (sector, address, zone, director), status, stream version and
the workforce over time.

Revision ID: r0003
Revises: r0002
"""

import sqlalchemy as sa
from alembic import op

revision = "r0003"
down_revision = "r0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("registry_enterprises") as batch:
        batch.add_column(sa.Column("sector", sa.String(200), nullable=True))
        batch.add_column(sa.Column("address", sa.String(500), nullable=True))
        batch.add_column(sa.Column("industrial_zone_id", sa.String(100), nullable=True))
        batch.add_column(sa.Column("director", sa.String(200), nullable=True))
        batch.add_column(sa.Column("status", sa.String(20), nullable=False, server_default="operating"))
        batch.add_column(sa.Column("status_since", sa.Date, nullable=True))
        batch.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))
    op.create_table(
        "registry_enterprise_workforce",
        sa.Column("enterprise_id", sa.String(100), primary_key=True),
        sa.Column("counted_on", sa.Date, primary_key=True),
        sa.Column("worker_count", sa.Integer, nullable=False),
    )
    op.execute(
        "INSERT INTO registry_enterprise_workforce (enterprise_id, counted_on, worker_count) "
        "SELECT enterprise_id, registered_on, worker_count FROM registry_enterprises"
    )


def downgrade() -> None:
    op.drop_table("registry_enterprise_workforce")
    with op.batch_alter_table("registry_enterprises") as batch:
        for column in ("version", "status_since", "status", "director", "industrial_zone_id", "address", "sector"):
            batch.drop_column(column)
