"""Who may see and change what: roles granted on an authority's subtree.

A grant gives a user a role (viewer, editor, administrator) on one authority and everything
under it in today's hierarchy, including the history of units merged into it. A grant on
`*` covers the whole registry (a national administrator). The model (roles, grants,
principals, scopes) is the backbone's (`coso_backbone.access`); the registry's refusals are here.
"""

from __future__ import annotations

from coso_backbone.access import EVERYWHERE, Grant, Principal, Role, Scope, roots_with, scope_of
from coso_registry.domain.errors import AccessDenied, InvalidAuthority

__all__ = ["EVERYWHERE", "Grant", "Principal", "Role", "Scope", "parse_grant", "require", "roots_with", "scope_of"]


def require(scope: Scope, authority_id: str, role: Role, user: str, field_name: str = "authority_id") -> None:
    if authority_id not in scope:
        raise AccessDenied(
            f"{user} may not act as {role.value} on authority {authority_id}",
            field=field_name,
            rule=f"{role.value} granted on a superior authority",
        )


def parse_grant(authority_id: str, role: str) -> Grant:
    try:
        parsed = Role(role)
    except ValueError:
        raise InvalidAuthority(
            f"role {role!r} is not one of {', '.join(r.value for r in Role)}", field="role", rule="known role"
        ) from None
    if not authority_id.strip():
        raise InvalidAuthority("a grant names an authority (or '*')", field="authority_id", rule="required")
    return Grant(authority_id.strip(), parsed)
