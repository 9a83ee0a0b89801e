"""Who may see and change what in admissions: roles granted on an authority's subtree.

The same model as the registry's (viewer < editor < administrator, a grant on `*` covers
everything), plus one thing only admissions holds: personal data. A grant reads or writes
candidates' and members' personal fields (Decree 13/2023) only if it says so
(`personal_data`); without it, the caller sees the files with their personal fields withheld.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from coso_admissions.domain.errors import AccessDenied, InvalidGrant

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
    personal_data: bool = False


@dataclass(frozen=True)
class Principal:
    """The caller of a command or query, with its grants."""

    user: str
    grants: tuple[Grant, ...] = field(default=())

    @classmethod
    def unrestricted(cls, user: str = "local") -> Principal:
        """Everything allowed: access control switched off (local development), RPC, the operator's CLI."""
        return cls(user, (Grant(EVERYWHERE, Role.ADMINISTRATOR, personal_data=True),))


@dataclass(frozen=True)
class Scope:
    """The authorities a principal may act on with some role; `everywhere` covers all."""

    authority_ids: frozenset[str]
    everywhere: bool = False

    def __contains__(self, authority_id: object) -> bool:
        return self.everywhere or authority_id in self.authority_ids

    @property
    def within(self) -> frozenset[str] | None:
        """The authorities to filter lists to (None: no filter)."""
        return None if self.everywhere else self.authority_ids


def roots_with(principal: Principal, role: Role, personal_data: bool = False) -> list[str]:
    """The authorities at which the principal holds `role` or a stronger one (with personal data if asked)."""
    return [
        g.authority_id for g in principal.grants if g.role.rank >= role.rank and (g.personal_data or not personal_data)
    ]


def scope_of(covered: Iterable[str] | None) -> Scope:
    """`covered` are the authorities under the principal's grant roots (None: a root is `*`)."""
    if covered is None:
        return Scope(frozenset(), everywhere=True)
    return Scope(frozenset(covered))


def require(
    scope: Scope, authority_id: str, role: Role, user: str, field_name: str = "authority_id", personal: bool = False
) -> None:
    if authority_id not in scope:
        what = f"{role.value} with personal data" if personal else role.value
        raise AccessDenied(
            f"{user} may not act as {what} on authority {authority_id}",
            field=field_name,
            rule=f"{what} granted on a superior authority",
        )


def parse_grant(authority_id: str, role: str, personal_data: bool = False) -> Grant:
    try:
        parsed = Role(role)
    except ValueError:
        raise InvalidGrant(
            f"role {role!r} is not one of {', '.join(r.value for r in Role)}", field="role", rule="known role"
        ) from None
    if not authority_id.strip():
        raise InvalidGrant("a grant names an authority (or '*')", field="authority_id", rule="required")
    return Grant(authority_id.strip(), parsed, personal_data)
