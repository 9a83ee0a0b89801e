"""Who may see and change what: roles granted on an authority's subtree, and API tokens.

A grant gives a user a role (viewer, editor, administrator) on one authority and everything
under it in today's hierarchy, including the history of units merged into it. A grant on
`*` covers every authority (a national administrator). Admissions also holds personal data
(Decree 13/2023): a grant reads or writes it only if it says so (`personal_data`); the other
services hold none and leave the flag false. Each service keeps its own users' grants and
token hashes (`coso_backbone.access_store`), finds what a grant's subtree covers in its own
hierarchy, and refuses with its own errors; this module is the model they share, with
`TokenAccess`, the bearer-token check and issue their `AccessControl` build on. Pure: no I/O
(the store is a port).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import ClassVar, Generic, Protocol, TypeVar

from coso_backbone.errors import CosoError, InvalidInput

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


class TokenStore(Protocol):
    """Where a service keeps its users' token hashes and grants (`coso_backbone.access_store`)."""

    def principal_for_token(self, token_hash: str) -> Principal | None:
        """The user holding the token of that hash, with all their grants; None if unknown."""

    def add_token(self, user: str, token_hash: str, grants: Sequence[Grant]) -> None:
        """Record a new token of the user and the grants they do not hold yet."""

    def revoke(self, user: str, grants_too: bool) -> tuple[int, int]:
        """Delete every token of the user (and their grants, with `grants_too`): how many of each."""


S = TypeVar("S", bound=TokenStore)


class TokenAccess(Generic[S]):
    """Who is calling, from a bearer token checked against the service's store, and new tokens.

    A service's `AccessControl` subclasses it, names the error a caller without a known token
    gets (`refusal`) and where tokens come from (`issued_by`, the rule that error names), and
    adds the scopes of its own hierarchy. With access control switched off (`enabled` false,
    local development) every caller is unrestricted.
    """

    refusal: ClassVar[type[CosoError]]
    issued_by: ClassVar[str]

    def __init__(self, store: S, enabled: bool = True) -> None:
        self._store = store
        self.enabled = enabled

    def authenticate(self, authorization: str | None) -> Principal:
        """The principal behind an `Authorization: Bearer <token>` header."""
        if not self.enabled:
            return Principal.unrestricted()
        return self.principal_of(self.token_in(authorization))

    def token_in(self, authorization: str | None, rule: str = "Authorization: Bearer <token>") -> str:
        """The token of the header, or the service's refusal naming `rule`."""
        token = bearer_token(authorization)
        if token is None:
            raise self.refusal("this request needs an API token", field="Authorization", rule=rule)
        return token

    def principal_of(self, token: str) -> Principal:
        """The user holding the token, with their grants, or the service's refusal."""
        principal = self._store.principal_for_token(token_hash(token))
        if principal is None:
            raise self.refusal("the API token is not known", field="Authorization", rule=self.issued_by)
        return principal

    def issue_token(self, user: str, grants: Sequence[Grant]) -> str:
        """A new API token for a user (shown once; only its hash is kept), with added grants."""
        token = new_token()
        self._store.add_token(user, token_hash(token), grants)
        return token

    def revoke_tokens(self, user: str, grants_too: bool = False) -> tuple[int, int]:
        """Every token of the user stops working at once, and the dashboard sessions opened
        with them (only hashes are kept, so a single token cannot be named). With
        `grants_too` their grants go as well: a token issued later starts with none.
        How many tokens and grants were deleted."""
        return self._store.revoke(user, grants_too)
