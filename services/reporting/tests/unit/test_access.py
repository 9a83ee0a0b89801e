"""Reporting's access control on fakes: grants cover today's subtrees with merged units'
history, a stronger role counts as a weaker one, the session serves reads only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest

from coso_backbone.access import Grant, Principal, Role, token_hash
from coso_reporting.application.access import AccessControl, parse_grant
from coso_reporting.domain.errors import AccessDenied, InvalidGrant, NotSignedIn
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

    def principal_for_token(self, token_hash: str) -> Principal | None:
        user = self.tokens.get(token_hash)
        return None if user is None else Principal(user, tuple(self.grants.get(user, [])))

    def add_token(self, user: str, token_hash: str, grants: Sequence[Grant]) -> None:
        self.tokens[token_hash] = user
        self.grants.setdefault(user, []).extend(g for g in grants if g not in self.grants.get(user, []))


def control(enabled: bool = True) -> tuple[AccessControl, FakeAccessStore, FakeTrees]:
    store, trees = FakeAccessStore(), FakeTrees()
    return AccessControl(store, trees, enabled=enabled, today=lambda: TODAY), store, trees


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


def test_a_token_is_read_from_the_header_or_for_reads_from_the_session() -> None:
    access, store, _ = control()
    token = access.issue_token("an@bn", [Grant("bn.c", Role.VIEWER)])
    assert token_hash(token) in store.tokens and token not in store.tokens
    assert access.authenticate(f"Bearer {token}").user == "an@bn"
    assert access.authenticate(None, session=token).user == "an@bn"
    with pytest.raises(NotSignedIn) as missing:
        access.authenticate(None)  # a change: the session is not asked for
    assert missing.value.field == "Authorization"
    with pytest.raises(NotSignedIn):
        access.authenticate("Bearer not-a-token", session=token)  # a header given is the one checked
    with pytest.raises(NotSignedIn):
        access.authenticate(None, session="")


def test_with_access_control_off_every_caller_is_unrestricted() -> None:
    access, _, _ = control(enabled=False)
    anyone = access.authenticate(None)
    access.require(anyone, "bn", Role.ADMINISTRATOR)
    assert access.scope(anyone, Role.EDITOR).everywhere


def test_grants_are_read_as_authority_colon_role() -> None:
    assert parse_grant("bn.c:editor") == Grant("bn.c", Role.EDITOR)
    assert parse_grant("*:administrator") == Grant("*", Role.ADMINISTRATOR)
    for wrong, rule in (("bn.c", "AUTHORITY:ROLE"), (":viewer", "AUTHORITY:ROLE"), ("bn.c:owner", "known role")):
        with pytest.raises(InvalidGrant) as refused:
            parse_grant(wrong)
        assert (refused.value.field, refused.value.rule) == ("grant", rule)
