"""Who may see and change what: roles granted on an authority's subtree, and API tokens.

A grant gives a user a role (viewer, editor, administrator) on one authority and everything
under it in today's hierarchy, including the history of units merged into it. A grant on
`*` covers every authority (a national administrator). Each service keeps its own users'
grants and token hashes, finds what a grant's subtree covers in its own hierarchy, and
refuses with its own errors; this module is the model they share. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

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
