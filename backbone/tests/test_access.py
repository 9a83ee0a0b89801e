"""The shared access model: roles ranked, grants' roots for a role, scopes, tokens."""

from __future__ import annotations

from coso_backbone.access import (
    EVERYWHERE,
    Grant,
    Principal,
    Role,
    bearer_token,
    new_token,
    roots_with,
    scope_of,
    token_hash,
)


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
