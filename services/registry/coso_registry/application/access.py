"""Access control: who is calling (bearer token) and which authorities they may see or change.

`AccessControl` answers for a principal the scope of a role (today's subtrees of the
authorities granted, with the units merged into them). With access control switched off
(`coso.options.access_control: false`, for local development) every caller is unrestricted.
"""

from __future__ import annotations

from datetime import date

from coso_backbone.access import TokenAccess
from coso_registry.application.ports import AccessStore
from coso_registry.domain.access import EVERYWHERE, Principal, Role, Scope, require, roots_with, scope_of
from coso_registry.domain.errors import AccessDenied, NotSignedIn


class AccessControl(TokenAccess[AccessStore]):
    """Bearer tokens (`TokenAccess`: a missing or unknown one is NotSignedIn, HTTP 401) and
    the scopes of the registry's hierarchy."""

    refusal = NotSignedIn
    issued_by = "a token issued by the registry"

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
