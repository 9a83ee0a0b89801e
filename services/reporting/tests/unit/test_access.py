"""Reporting's access control on fakes: grants cover today's subtrees with merged units'
history, a stronger role counts as a weaker one, the dashboard's session (not the token)
serves reads only until it ends or is signed out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import pytest

from coso_backbone.access import Grant, Principal, Role, token_hash
from coso_reporting.application.access import AccessControl
from coso_reporting.domain.errors import AccessDenied, NotSignedIn
from coso_reporting.domain.tree import AuthorityPeriod, Succession, Tree

MERGER = date(2025, 7, 1)
TODAY = date(2026, 3, 1)
PERIODS = [
    AuthorityPeriod("bn", "Tỉnh ủy Bắc Ninh", "province", None, date(2000, 1, 1)),
    AuthorityPeriod("bn.a", "Đảng ủy xã A", "commune", "bn", date(2000, 1, 1), MERGER),
    AuthorityPeriod("bn.b", "Đảng ủy xã B", "commune", "bn", date(2000, 1, 1), MERGER),
    AuthorityPeriod("bn.ab", "Đảng ủy xã AB", "commune", "bn", MERGER),
    AuthorityPeriod("bn.c", "Đảng ủy xã C", "commune", "bn", date(2000, 1, 1)),
]
SUCCESSIONS = [Succession("bn.a", "bn.ab", MERGER), Succession("bn.b", "bn.ab", MERGER)]


class FakeTrees:
    def __init__(self) -> None:
        self.days: list[date] = []

    def as_of(self, day: date) -> Tree:
        self.days.append(day)
        return Tree(day, PERIODS, SUCCESSIONS)


class FakeAccessStore:
    def __init__(self) -> None:
        self.tokens: dict[str, str] = {}
        self.grants: dict[str, list[Grant]] = {}
        self.sessions: dict[str, tuple[str, datetime]] = {}

    def principal_for_token(self, token_hash: str) -> Principal | None:
        user = self.tokens.get(token_hash)
        return None if user is None else Principal(user, tuple(self.grants.get(user, [])))

    def add_token(self, user: str, token_hash: str, grants: Sequence[Grant]) -> None:
        self.tokens[token_hash] = user
        self.grants.setdefault(user, []).extend(g for g in grants if g not in self.grants.get(user, []))

    def open_session(self, session_hash: str, token_hash: str, expires_at: datetime, now: datetime) -> None:
        self.sessions[session_hash] = (token_hash, expires_at)

    def principal_for_session(self, session_hash: str, now: datetime) -> Principal | None:
        token_hash, expires_at = self.sessions.get(session_hash, ("", now))
        return self.principal_for_token(token_hash) if expires_at > now else None

    def close_session(self, session_hash: str) -> None:
        self.sessions.pop(session_hash, None)


class Clock:
    def __init__(self) -> None:
        self.moment = datetime(2026, 3, 1, 8, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment


def control(enabled: bool = True, clock: Clock | None = None) -> tuple[AccessControl, FakeAccessStore, FakeTrees]:
    store, trees = FakeAccessStore(), FakeTrees()
    access = AccessControl(
        store, trees, enabled=enabled, today=lambda: TODAY, now=clock or Clock(), session_lifetime=timedelta(hours=8)
    )
    return access, store, trees


def test_a_grant_covers_todays_subtree_with_the_units_merged_into_it() -> None:
    access, _, trees = control()
    scope = access.scope(Principal("an@bn", (Grant("bn.ab", Role.VIEWER),)), Role.VIEWER)
    assert set(scope.authority_ids) == {"bn.ab", "bn.a", "bn.b"}
    assert trees.days == [TODAY]
    province = access.scope(Principal("ba@bn", (Grant("bn", Role.VIEWER),)), Role.VIEWER)
    assert {"bn", "bn.a", "bn.ab", "bn.c"} <= province.authority_ids


def test_an_editor_views_but_a_viewer_does_not_edit() -> None:
    access, _, _ = control()
    editor = Principal("an@bn", (Grant("bn.c", Role.EDITOR),))
    viewer = Principal("ba@bn", (Grant("bn.c", Role.VIEWER),))
    access.require(editor, "bn.c", Role.VIEWER)
    access.require(editor, "bn.c", Role.EDITOR)
    with pytest.raises(AccessDenied) as refused:
        access.require(viewer, "bn.c", Role.EDITOR, field="plan_id")
    assert (refused.value.field, refused.value.rule) == ("plan_id", "editor granted on the authority or a superior one")
    with pytest.raises(AccessDenied):
        access.require(viewer, "bn", Role.VIEWER)


def test_the_lists_keep_only_the_viewable_entries() -> None:
    access, _, _ = control()
    viewer = Principal("an@bn", (Grant("bn.c", Role.VIEWER),))
    entries = [{"authority_id": "bn"}, {"authority_id": "bn.c"}, {"authority_id": "bn.ab"}]
    assert access.visible(viewer, entries) == [{"authority_id": "bn.c"}]
    assert access.visible(Principal("root", (Grant("*", Role.VIEWER),)), entries) == entries


def test_a_token_is_read_from_the_header_and_the_session_id_for_reads_is_not_the_token() -> None:
    clock = Clock()
    access, store, _ = control(clock=clock)
    token = access.issue_token("an@bn", [Grant("bn.c", Role.VIEWER)])
    assert token_hash(token) in store.tokens and token not in store.tokens
    assert access.authenticate(f"Bearer {token}").user == "an@bn"
    session = access.sign_in(token)
    assert session.id != token and session.principal.user == "an@bn"
    assert session.expires_at == clock.moment + timedelta(hours=8)
    assert set(store.sessions) == {token_hash(session.id)}
    assert access.authenticate(None, session=session.id).user == "an@bn"
    with pytest.raises(NotSignedIn):
        access.authenticate(None, session=token)  # the token itself is no session
    with pytest.raises(NotSignedIn) as missing:
        access.authenticate(None)  # a change: the session is not asked for
    assert missing.value.field == "Authorization"
    with pytest.raises(NotSignedIn):
        access.authenticate("Bearer not-a-token", session=session.id)  # a header given is the one checked
    with pytest.raises(NotSignedIn):
        access.authenticate(None, session="")
    with pytest.raises(NotSignedIn):
        access.sign_in("not-a-token")


def test_a_session_ends_when_signed_out_or_when_its_time_is_over() -> None:
    clock = Clock()
    access, _, _ = control(clock=clock)
    token = access.issue_token("an@bn", [Grant("bn.c", Role.VIEWER)])
    kept, dropped = access.sign_in(token), access.sign_in(token)
    access.sign_out(dropped.id)
    with pytest.raises(NotSignedIn) as signed_out:
        access.authenticate(None, session=dropped.id)
    assert signed_out.value.field == "session"
    clock.moment += timedelta(hours=8) - timedelta(seconds=1)
    assert access.authenticate(None, session=kept.id).user == "an@bn"
    clock.moment += timedelta(seconds=1)
    with pytest.raises(NotSignedIn):
        access.authenticate(None, session=kept.id)
    assert access.authenticate(f"Bearer {token}").user == "an@bn"  # the token outlives its sessions


def test_with_access_control_off_every_caller_is_unrestricted() -> None:
    access, _, _ = control(enabled=False)
    anyone = access.authenticate(None)
    access.require(anyone, "bn", Role.ADMINISTRATOR)
    assert access.scope(anyone, Role.EDITOR).everywhere
