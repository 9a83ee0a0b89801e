"""The shared access model: roles ranked, grants' roots for a role (with personal data or not),
scopes, grants as the command line gives them, tokens."""

from __future__ import annotations

import pytest

from coso_backbone.access import (
    EVERYWHERE,
    Grant,
    InvalidGrant,
    Principal,
    Role,
    bearer_token,
    grant_of,
    new_token,
    parse_grant,
    roots_with,
    scope_of,
    token_hash,
)
from coso_backbone.cli import grants_given


def test_a_stronger_role_counts_as_the_weaker_one_but_not_the_reverse() -> None:
    principal = Principal("an@hn", (Grant("hn", Role.EDITOR), Grant("hcm", Role.VIEWER)))
    assert roots_with(principal, Role.VIEWER) == ["hn", "hcm"]
    assert roots_with(principal, Role.EDITOR) == ["hn"]
    assert roots_with(principal, Role.ADMINISTRATOR) == []


def test_an_unrestricted_principal_administers_everywhere() -> None:
    assert roots_with(Principal.unrestricted(), Role.ADMINISTRATOR) == [EVERYWHERE]


def test_a_scope_holds_its_covered_authorities_and_everywhere_holds_all() -> None:
    covered = scope_of({"hn", "hn.kcn"})
    assert "hn.kcn" in covered and "hcm" not in covered and not covered.everywhere
    assert "hcm" in scope_of(None)


def test_a_token_is_kept_as_its_sha256_and_each_new_one_differs() -> None:
    assert token_hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    first, second = new_token(), new_token()
    assert first != second and len(first) >= 43


def test_a_bearer_token_is_read_from_the_header_and_anything_else_is_none() -> None:
    assert bearer_token("Bearer  s3cret ") == "s3cret"
    assert bearer_token("bearer s3cret") == "s3cret"
    assert bearer_token("Basic dXNlcg==") is None
    assert bearer_token("Bearer ") is None
    assert bearer_token(None) is None


def test_a_grant_with_personal_data_is_a_root_for_personal_data_and_one_without_is_not() -> None:
    principal = Principal("an@hn", (Grant("hn.a", Role.EDITOR, personal_data=True), Grant("hn.b", Role.EDITOR)))
    assert roots_with(principal, Role.VIEWER) == ["hn.a", "hn.b"]
    assert roots_with(principal, Role.VIEWER, personal_data=True) == ["hn.a"]
    assert roots_with(Principal.unrestricted(), Role.ADMINISTRATOR, personal_data=True) == [EVERYWHERE]


def test_a_scope_filters_lists_to_its_authorities_and_everywhere_does_not_filter() -> None:
    assert scope_of({"hn"}).within == frozenset({"hn"})
    assert scope_of(None).within is None


def test_a_grant_is_read_as_authority_colon_role_or_refused_naming_the_rule() -> None:
    assert parse_grant("hn.kcn:editor") == Grant("hn.kcn", Role.EDITOR)
    assert parse_grant(" * : administrator ", personal_data=True) == Grant("*", Role.ADMINISTRATOR, True)
    assert grant_of("hn", "viewer") == Grant("hn", Role.VIEWER)
    for wrong, rule in (("hn.kcn", "AUTHORITY:ROLE"), (":viewer", "AUTHORITY:ROLE"), ("hn:owner", "known role")):
        with pytest.raises(InvalidGrant) as refused:
            parse_grant(wrong)
        assert (refused.value.field, refused.value.rule) == ("grant", rule)
    with pytest.raises(InvalidGrant) as unknown:
        grant_of("hn", "owner")
    assert (unknown.value.field, unknown.value.rule) == ("role", "known role")
    with pytest.raises(InvalidGrant) as nowhere:
        grant_of(" ", "viewer")
    assert nowhere.value.field == "authority_id"


def test_create_token_takes_grants_in_either_form_and_refuses_none_or_no_user() -> None:
    given = grants_given("an@hn", ["hn.a:editor"], ["hn.b", "hn.c"], "viewer", personal_data=True)
    assert given == [
        Grant("hn.a", Role.EDITOR, True),
        Grant("hn.b", Role.VIEWER, True),
        Grant("hn.c", Role.VIEWER, True),
    ]
    with pytest.raises(InvalidGrant) as none:
        grants_given("an@hn", [], [], "viewer")
    assert none.value.field == "grant"
    with pytest.raises(InvalidGrant) as nobody:
        grants_given(" ", ["hn:viewer"], [], "viewer")
    assert nobody.value.field == "user"
