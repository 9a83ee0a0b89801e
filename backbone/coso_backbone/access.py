"""Who may see and change what: roles granted on an authority's subtree, and API tokens.

A grant gives a user a role (viewer, editor, administrator) on one authority and everything
under it in today's hierarchy, including the history of units merged into it. A grant on
`*` covers every authority (a national administrator). Admissions also holds personal data
(Decree 13/2023): a grant reads or writes it only if it says so (`personal_data`); the other
services hold none and leave the flag false. Each service keeps its own users' grants and
token hashes (`coso_backbone.access_store`), finds what a grant's subtree covers in its own
hierarchy, and refuses with its own errors; this module is the model they share. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from coso_backbone.errors import InvalidInput

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
        """Everything allowed: access control switched off (local development) or the operator's CLI."""
        return cls(user, (Grant(EVERYWHERE, Role.ADMINISTRATOR, personal_data=True),))


@dataclass(frozen=True)
class Scope:
    """The authorities a principal may act on with at least some role; `everywhere` covers all."""

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


class InvalidGrant(InvalidInput):
    """A grant that cannot be given: no authority, or an unknown role."""


def grant_of(authority_id: str, role: str, personal_data: bool = False) -> Grant:
    """A grant of `role` (viewer, editor, administrator) on an authority (`*`: every one), or InvalidGrant."""
    try:
        parsed = Role(role.strip())
    except ValueError:
        raise InvalidGrant(
            f"role {role!r} is not one of {', '.join(r.value for r in Role)}", field="role", rule="known role"
        ) from None
    if not authority_id.strip():
        raise InvalidGrant("a grant names an authority (or '*')", field="authority_id", rule="required")
    return Grant(authority_id.strip(), parsed, personal_data)


def parse_grant(text: str, personal_data: bool = False) -> Grant:
    """`AUTHORITY:ROLE` (e.g. `hn.kcn:viewer`, `*:administrator`) as a grant, or InvalidGrant."""
    authority_id, separator, role = text.rpartition(":")
    if not separator or not authority_id.strip():
        raise InvalidGrant(f"{text!r} is not AUTHORITY:ROLE", field="grant", rule="AUTHORITY:ROLE")
    try:
        return grant_of(authority_id, role, personal_data)
    except InvalidGrant as refused:
        raise InvalidGrant(refused.message, field="grant", rule=refused.rule) from None


def token_hash(token: str) -> str:
    """What is kept of an API token: its SHA-256, hex (a token is random, so no salt is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A fresh API token (URL-safe, 256 random bits), shown once to its user."""
    return secrets.token_urlsafe(32)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None when there is none."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()
