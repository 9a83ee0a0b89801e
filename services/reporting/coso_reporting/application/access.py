"""Access control of reporting: who is calling, and which authorities' figures and plans
they may see (viewer) or change (editor).

A caller presents an API token issued by `coso-reporting create-token` as the header
`Authorization: Bearer <token>`. The dashboard signs in once with a token (`POST /session`)
and gets a session in its place: a random id (its cookie) of which only the hash is kept,
with the token's hash and when it ends (`options.dashboard_session_hours`, default 12), so
the page's plain links to exports carry no token. A session serves reads only: changes take
the header alone, so no other site can make a signed-in browser change a plan. Signing out
forgets the session; so does its end.

A grant covers its authority's subtree in reporting's own hierarchy as of today, with the
ended units whose records passed to it (`Tree.held_within`): a report drawn on an earlier
day of a commune since merged stays visible to the viewers of its successor. With access
control switched off (`coso.options.access_control: false`, local development) every caller
is unrestricted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from coso_backbone.access import (
    EVERYWHERE,
    Grant,
    Principal,
    Role,
    Scope,
    TokenAccess,
    new_token,
    roots_with,
    scope_of,
    token_hash,
)
from coso_reporting.application.ports import AccessStore, AuthorityTrees
from coso_reporting.domain.errors import AccessDenied, InvalidGrant, NotSignedIn

DEFAULT_SESSION_HOURS = 12


@dataclass(frozen=True)
class Session:
    """A dashboard session: the id its cookie holds (known to the browser alone), its holder,
    and when it ends."""

    id: str
    principal: Principal
    expires_at: datetime


class AccessControl(TokenAccess[AccessStore]):
    """Bearer tokens (`TokenAccess`: a missing or unknown one is NotSignedIn), the dashboard's
    sessions, and the scopes of reporting's hierarchy."""

    refusal = NotSignedIn
    issued_by = "a token issued by `coso-reporting create-token`"

    def __init__(
        self,
        store: AccessStore,
        trees: AuthorityTrees,
        enabled: bool = True,
        today: Callable[[], date] = date.today,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        session_lifetime: timedelta = timedelta(hours=DEFAULT_SESSION_HOURS),
    ) -> None:
        super().__init__(store, enabled)
        self._trees = trees
        self._today = today
        self._now = now
        self.session_lifetime = session_lifetime

    def authenticate(self, authorization: str | None, session: str | None = None) -> Principal:
        """The principal behind an `Authorization: Bearer <token>` header, else behind the
        dashboard's session (None: a change, which takes the header alone)."""
        if not self.enabled:
            return Principal.unrestricted()
        if authorization is None and session and session.strip():
            return self.principal_of_session(session.strip())
        rule = "Authorization: Bearer <token>" + ("" if session is None else ", or the dashboard's session")
        return self.principal_of(self.token_in(authorization, rule))

    def principal_of_session(self, session_id: str) -> Principal:
        """The holder of an open session, or NotSignedIn (unknown, ended or signed out)."""
        principal = self._store.principal_for_session(token_hash(session_id), self._now())
        if principal is None:
            raise NotSignedIn(
                "the dashboard's session has ended or is not known", field="session", rule="sign in with an API token"
            )
        return principal

    def sign_in(self, token: str) -> Session:
        """A new session for the holder of the token (NotSignedIn if the token is not known)."""
        principal = self.principal_of(token)
        session_id, now = new_token(), self._now()
        expires_at = now + self.session_lifetime
        self._store.open_session(token_hash(session_id), token_hash(token), expires_at, now)
        return Session(session_id, principal, expires_at)

    def sign_out(self, session_id: str | None) -> None:
        """Forget the session, so its cookie opens nothing even if kept (nothing if unknown)."""
        if session_id and session_id.strip():
            self._store.close_session(token_hash(session_id.strip()))

    def scope(self, principal: Principal, role: Role) -> Scope:
        """The authorities the principal holds `role` (or a stronger one) over, today."""
        roots = roots_with(principal, role)
        if EVERYWHERE in roots:
            return scope_of(None)
        tree = self._trees.as_of(self._today()) if roots else None
        covered: set[str] = set()
        for root in roots:
            covered |= {root} | (tree.held_within(root) if tree is not None else set())
        return scope_of(covered)

    def require(self, principal: Principal, authority_id: str, role: Role, field: str = "authority_id") -> None:
        """Refuse unless the principal holds `role` over the authority."""
        if authority_id not in self.scope(principal, role):
            raise AccessDenied(
                f"{principal.user} may not act as {role.value} on authority {authority_id!r}",
                field=field,
                rule=f"{role.value} granted on the authority or a superior one",
            )

    def visible(self, principal: Principal, entries: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """The entries (each naming its `authority_id`) the principal may view."""
        scope = self.scope(principal, Role.VIEWER)
        return [entry for entry in entries if entry.get("authority_id") in scope]

    def issue_token(self, user: str, grants: Sequence[Grant]) -> str:
        """A new API token for a named user (shown once; only its hash is kept), with added grants."""
        if not user.strip():
            raise InvalidGrant("a token is issued to a named user", field="user", rule="required")
        return super().issue_token(user.strip(), grants)
