"""The dashboard's sessions (adapters/access.py): the cookie holds a random session id, of
which only the SHA-256 is kept here, with the hash of the API token it was opened with and
when it ends. `DELETE /session` removes its row; ended rows are removed when another opens.
A new stack, or one upgraded from p0020, has no sessions: its users sign in again.

Revision ID: p0021
Revises: p0020
"""

import sqlalchemy as sa
from alembic import op

revision = "p0021"
down_revision = "p0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reporting_sessions",
        sa.Column("session_hash", sa.String(64), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("reporting_sessions")
