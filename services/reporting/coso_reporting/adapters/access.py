"""SQL adapter of access control: the users' API token hashes and their grants (migration p0020)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Column, Date, Engine, MetaData, String, Table, insert, select

from coso_backbone.access import Grant, Principal, Role

metadata = MetaData()

api_tokens = Table(
    "reporting_api_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_name", String(200), nullable=False, index=True),
    Column("created_at", Date, nullable=False),
)

grants = Table(
    "reporting_grants",
    metadata,
    Column("user_name", String(200), primary_key=True),
    Column("authority_id", String(100), primary_key=True),
    Column("role", String(20), primary_key=True),
)


class SqlAccessStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def principal_for_token(self, token_hash: str) -> Principal | None:
        with self._engine.connect() as connection:
            user = connection.scalar(select(api_tokens.c.user_name).where(api_tokens.c.token_hash == token_hash))
            if user is None:
                return None
            rows = connection.execute(
                select(grants.c.authority_id, grants.c.role)
                .where(grants.c.user_name == user)
                .order_by(grants.c.authority_id, grants.c.role)
            )
            return Principal(user, tuple(Grant(r.authority_id, Role(r.role)) for r in rows))

    def add_token(self, user: str, token_hash: str, new_grants: Sequence[Grant]) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                insert(api_tokens).values(token_hash=token_hash, user_name=user, created_at=date.today())
            )
            held = {
                (r.authority_id, r.role)
                for r in connection.execute(
                    select(grants.c.authority_id, grants.c.role).where(grants.c.user_name == user)
                )
            }
            for grant in dict.fromkeys(new_grants):
                if (grant.authority_id, grant.role.value) not in held:
                    connection.execute(
                        insert(grants).values(user_name=user, authority_id=grant.authority_id, role=grant.role.value)
                    )
