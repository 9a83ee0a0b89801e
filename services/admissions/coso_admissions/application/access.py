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

from coso_admissions.domain.access import EVERYWHERE, Principal, Role, Scope, require, roots_with, scope_of
from coso_admissions.domain.errors import NotSignedIn
from coso_backbone.access import TokenAccess, TokenStore


class AccessStore(TokenStore, Protocol):
    """Users, their API tokens and their grants (kept beside the events, never published)."""

    def covered_by(self, roots: Sequence[str], on: date) -> set[str]:
        """The roots' subtrees, plus every unit merged, split or dissolved into them by `on`."""


class AccessControl(TokenAccess[AccessStore]):
    """Bearer tokens (`TokenAccess`: a missing or unknown one is NotSignedIn, HTTP 401) and the scopes
    of admissions' grants, with personal data or without."""

    refusal = NotSignedIn
    issued_by = "a token issued by `coso-admissions create-token`"

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
