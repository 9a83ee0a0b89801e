"""Who may see and change what: roles granted on an authority's subtree.

A grant gives a user a role (viewer, editor, administrator) on one authority and everything
under it in today's hierarchy, including the history of units merged into it. A grant on
`*` covers the whole registry (a national administrator). The model (roles, grants,
principals, scopes) is the backbone's (`coso_backbone.access`); the registry's refusals are here.
"""

from __future__ import annotations

from coso_backbone.access import EVERYWHERE, Grant, Principal, Role, Scope, roots_with, scope_of
from coso_registry.domain.errors import AccessDenied

__all__ = ["EVERYWHERE", "Grant", "Principal", "Role", "Scope", "require", "roots_with", "scope_of"]


def require(scope: Scope, authority_id: str, role: Role, user: str, field_name: str = "authority_id") -> None:
    if authority_id not in scope:
        raise AccessDenied(
            f"{user} may not act as {role.value} on authority {authority_id}",
            field=field_name,
            rule=f"{role.value} granted on a superior authority",
        )
