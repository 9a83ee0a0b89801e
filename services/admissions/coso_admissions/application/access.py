"""Access control: who is calling (bearer token) and which authorities they may see or change.

`AccessControl` answers for a principal the scope of a role (the subtrees of the authorities
granted, with the units merged into them), optionally only the grants that include personal
data. With access control switched off (`coso.options.access_control: false`, the bundled
development configuration) every caller is unrestricted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from coso_admissions.domain.access import EVERYWHERE, Grant, Principal, Role, Scope, require, roots_with, scope_of
from coso_admissions.domain.errors import AccessDenied
from coso_backbone.access import bearer_token, new_token, token_hash


class AccessStore(Protocol):
    """Users, their API tokens and their grants (kept beside the events, never published)."""

    def principal_for_token(self, token_hash: str) -> Principal | None: ...

    def covered_by(self, roots: Sequence[str], on: date) -> set[str]:
        """The roots' subtrees, plus every unit merged, split or dissolved into them by `on`."""

    def add_token(self, user: str, token_hash: str, grants: Sequence[Grant]) -> None: ...


class AccessControl:
    def __init__(self, store: AccessStore, enabled: bool = True) -> None:
        self._store = store
        self.enabled = enabled

    def authenticate(self, authorization: str | None) -> Principal:
        """The principal behind an `Authorization: Bearer <token>` header."""
        if not self.enabled:
            return Principal.unrestricted()
        token = bearer_token(authorization)
        if token is None:
            raise AccessDenied(
                "this request needs an API token", field="Authorization", rule="Authorization: Bearer <token>"
            )
        principal = self._store.principal_for_token(token_hash(token))
        if principal is None:
            raise AccessDenied(
                "the API token is not known",
                field="Authorization",
                rule="a token issued by `coso-admissions create-token`",
            )
        return principal

    def scope(self, principal: Principal, role: Role, personal_data: bool = False) -> Scope:
        roots = roots_with(principal, role, personal_data)
        if EVERYWHERE in roots:
            return scope_of(None)
        return scope_of(self._store.covered_by(roots, date.today()) if roots else set())

    def require(
        self,
        principal: Principal,
        authority_id: str,
        role: Role,
        field: str = "authority_id",
        personal_data: bool = False,
    ) -> None:
        """Refuse unless the principal holds `role` (with personal data if asked) over the authority."""
        require(self.scope(principal, role, personal_data), authority_id, role, principal.user, field, personal_data)

    def may(self, principal: Principal, authority_id: str, role: Role, personal_data: bool = False) -> bool:
        return authority_id in self.scope(principal, role, personal_data)

    def issue_token(self, user: str, grants: Sequence[Grant]) -> str:
        """A new API token for a user (shown once; only its hash is kept), with added grants."""
        token = new_token()
        self._store.add_token(user, token_hash(token), grants)
        return token
