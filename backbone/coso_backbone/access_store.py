"""Where a service keeps its users' API tokens and grants: two tables of its own, one store.

Each service has its two tables (`access_tables`: `<service>_api_tokens` with `token_hash`,
`user_name`, `created_at`; `<service>_grants` with `user_name`, `authority_id`, `role`, the
three the key), created by its own migrations; a grants table with a `personal_data` column
(admissions') keeps that flag too. A service's store subclasses this one to add what only it
needs (the authorities a grant covers, the dashboard's sessions). Only a token's hash is
ever stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Boolean, Column, Connection, Date, Engine, MetaData, String, Table, delete, insert, select

from coso_backbone.access import Grant, Principal, Role


def access_tables(metadata: MetaData, service: str, personal_data: bool = False) -> tuple[Table, Table]:
    """The service's tables of tokens (only their SHA-256) and grants, as its migrations make them."""
    tokens = Table(
        f"{service}_api_tokens",
        metadata,
        Column("token_hash", String(64), primary_key=True),
        Column("user_name", String(200), nullable=False, index=True),
        Column("created_at", Date, nullable=False),
    )
    grants = Table(
        f"{service}_grants",
        metadata,
        Column("user_name", String(200), primary_key=True),
        Column("authority_id", String(100), primary_key=True),
        Column("role", String(20), primary_key=True),
        *([Column("personal_data", Boolean, nullable=False)] if personal_data else []),
    )
    return tokens, grants


class SqlAccessStore:
    """Users' tokens and grants in a service's two tables (kept beside its events, never published)."""

    def __init__(self, engine: Engine, tokens: Table, grants: Table) -> None:
        self._engine = engine
        self._tokens = tokens
        self._grants = grants
        self._personal = "personal_data" in grants.c

    def principal_for_token(self, token_hash: str) -> Principal | None:
        """The user holding the token of that hash, with all their grants; None if unknown."""
        with self._engine.connect() as connection:
            return self.principal_on(connection, token_hash)

    def principal_on(self, connection: Connection, token_hash: str) -> Principal | None:
        """`principal_for_token` within a connection the caller holds."""
        tokens = self._tokens
        user = connection.scalar(select(tokens.c.user_name).where(tokens.c.token_hash == token_hash))
        if user is None:
            return None
        grants = self._grants
        columns = [grants.c.authority_id, grants.c.role] + ([grants.c.personal_data] if self._personal else [])
        rows = connection.execute(
            select(*columns).where(grants.c.user_name == user).order_by(grants.c.authority_id, grants.c.role)
        )
        return Principal(
            user,
            tuple(Grant(r.authority_id, Role(r.role), bool(self._personal and r.personal_data)) for r in rows),
        )

    def revoke(self, user: str, grants_too: bool) -> tuple[int, int]:
        """Delete every token of the user, and their grants with `grants_too`: how many of each."""
        with self._engine.begin() as connection:
            tokens = connection.execute(delete(self._tokens).where(self._tokens.c.user_name == user)).rowcount
            grants = 0
            if grants_too:
                grants = connection.execute(delete(self._grants).where(self._grants.c.user_name == user)).rowcount
        return tokens, grants

    def add_token(self, user: str, token_hash: str, grants: Sequence[Grant]) -> None:
        """Record a new token of the user and the grants they do not hold yet (the first of
        any repeated authority and role; a role already held keeps its personal-data flag)."""
        table = self._grants
        with self._engine.begin() as connection:
            connection.execute(
                insert(self._tokens).values(token_hash=token_hash, user_name=user, created_at=date.today())
            )
            held = {
                (r.authority_id, r.role)
                for r in connection.execute(select(table.c.authority_id, table.c.role).where(table.c.user_name == user))
            }
            for grant in grants:
                key = (grant.authority_id, grant.role.value)
                if key in held:
                    continue
                held.add(key)
                row: dict[str, object] = {
                    "user_name": user,
                    "authority_id": grant.authority_id,
                    "role": grant.role.value,
                }
                if self._personal:
                    row["personal_data"] = grant.personal_data
                connection.execute(insert(table).values(**row))
