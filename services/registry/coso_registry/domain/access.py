"""Who may see and change what: roles granted on an authority's subtree.

A grant gives a user a role (viewer, editor, administrator) on one authority and everything
under it in today's hierarchy, including the history of units merged into it. A grant on
`*` covers the whole registry (a national administrator).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from coso_registry.domain.errors import AccessDenied, InvalidAuthority

EVERYWHERE = "*"


class Role(StrEnum):
    VIEWER = "viewer"
    EDITOR = "editor"
    ADMINISTRATOR = "administrator"

    @property
    def rank(self) -> int:
        return _RANK[self.value]


_RANK = {"viewer": 1, "editor": 2, "administrator": 3}


@dataclass(frozen=True)
class Grant:
    authority_id: str
    role: Role


@dataclass(frozen=True)
class Principal:
    """The caller of a command or query, with its grants."""

    user: str
    grants: tuple[Grant, ...] = field(default=())

    @classmethod
    def unrestricted(cls, user: str = "local") -> Principal:
        """Everything allowed: access control switched off (local development) or the operator's CLI."""
        return cls(user, (Grant(EVERYWHERE, Role.ADMINISTRATOR),))


@dataclass(frozen=True)
class Scope:
    """The authorities a principal may act on with at least some role; `everywhere` covers all."""

    authority_ids: frozenset[str]
    everywhere: bool = False

    def __contains__(self, authority_id: object) -> bool:
        return self.everywhere or authority_id in self.authority_ids


def roots_with(principal: Principal, role: Role) -> list[str]:
    """The authorities at which the principal holds `role` or a stronger one."""
    return [g.authority_id for g in principal.grants if g.role.rank >= role.rank]


def scope_of(covered: Iterable[str] | None) -> Scope:
    """`covered` are the authorities under the principal's grant roots (None: a root is `*`)."""
    if covered is None:
        return Scope(frozenset(), everywhere=True)
    return Scope(frozenset(covered))


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
