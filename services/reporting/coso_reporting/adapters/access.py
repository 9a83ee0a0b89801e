"""SQL adapter of access control: the users' API token hashes and their grants (migration
p0020), kept by the backbone's store, and the dashboard's sessions (p0021)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, Engine, MetaData, String, Table, delete, insert, select

from coso_backbone.access import Principal
from coso_backbone.access_store import SqlAccessStore as BaseAccessStore
from coso_backbone.access_store import access_tables

metadata = MetaData()

api_tokens, grants = access_tables(metadata, "reporting")

sessions = Table(
    "reporting_sessions",
    metadata,
    Column("session_hash", String(64), primary_key=True),
    Column("token_hash", String(64), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
)


class SqlAccessStore(BaseAccessStore):
    """Tokens and grants (`reporting_api_tokens`, `reporting_grants`) and sessions
    (`reporting_sessions`)."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine, api_tokens, grants)

    def open_session(self, session_hash: str, token_hash: str, expires_at: datetime, now: datetime) -> None:
        with self._engine.begin() as connection:
            connection.execute(delete(sessions).where(sessions.c.expires_at <= _utc(now)))
            connection.execute(
                insert(sessions).values(session_hash=session_hash, token_hash=token_hash, expires_at=_utc(expires_at))
            )

    def principal_for_session(self, session_hash: str, now: datetime) -> Principal | None:
        with self._engine.connect() as connection:
            token_hash = connection.scalar(
                select(sessions.c.token_hash).where(
                    sessions.c.session_hash == session_hash, sessions.c.expires_at > _utc(now)
                )
            )
            return None if token_hash is None else self.principal_on(connection, token_hash)

    def close_session(self, session_hash: str) -> None:
        with self._engine.begin() as connection:
            connection.execute(delete(sessions).where(sessions.c.session_hash == session_hash))


def _utc(moment: datetime) -> datetime:
    """The moment in UTC (SQLite keeps the wall clock alone, so every moment bound is in UTC)."""
    return moment.astimezone(UTC)
