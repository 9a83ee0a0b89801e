"""Access control: who is calling (bearer token) and which authorities they may see or change.

`AccessControl` answers for a principal the scope of a role (today's subtrees of the
authorities granted, with the units merged into them). With access control switched off
(`coso.options.access_control: false`, for local development) every caller is unrestricted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from coso_backbone.access import bearer_token, new_token, token_hash
from coso_registry.application.ports import AccessStore
from coso_registry.domain.access import EVERYWHERE, Grant, Principal, Role, Scope, require, roots_with, scope_of
from coso_registry.domain.errors import AccessDenied


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
                "the API token is not known", field="Authorization", rule="a token issued by the registry"
            )
        return principal

    def scope(self, principal: Principal, role: Role, on: date | None = None) -> Scope:
        roots = roots_with(principal, role)
        if EVERYWHERE in roots:
            return scope_of(None)
        return scope_of(self._store.covered_by(roots, on or date.today()) if roots else set())

    def require(self, principal: Principal, authority_id: str | None, role: Role, field: str = "authority_id") -> None:
        """Refuse unless the principal holds `role` over the authority (None: the whole registry)."""
        scope = self.scope(principal, role)
        if authority_id is None:
            if not scope.everywhere:
                raise AccessDenied(
                    f"{principal.user} may not act as {role.value} on the whole registry",
                    field=field,
                    rule=f"{role.value} granted on '*'",
                )
            return
        require(scope, authority_id, role, principal.user, field)

    def issue_token(self, user: str, grants: Sequence[Grant]) -> str:
        """A new API token for a user (shown once; only its hash is kept), with added grants."""
        token = new_token()
        self._store.add_token(user, token_hash(token), grants)
        return token
