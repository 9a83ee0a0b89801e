"""The shared access model: roles ranked, grants' roots for a role (with personal data or not),
scopes, grants as the command line gives them, tokens and the bearer-token check built on them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace

import pytest
import typer
from typer.testing import CliRunner

from coso_backbone.access import (
    EVERYWHERE,
    Grant,
    InvalidGrant,
    Principal,
    Role,
    TokenAccess,
    bearer_token,
    grant_of,
    new_token,
    parse_grant,
    roots_with,
    scope_of,
    token_hash,
)
from coso_backbone.cli import add_create_token_command, grants_given
from coso_backbone.errors import Forbidden


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


class Refused(Forbidden):
    pass


class Tokens:
    def __init__(self) -> None:
        self.kept: dict[str, Principal] = {}

    def principal_for_token(self, token_hash: str) -> Principal | None:
        return self.kept.get(token_hash)

    def add_token(self, user: str, token_hash: str, grants: Sequence[Grant]) -> None:
        self.kept[token_hash] = Principal(user, tuple(grants))


class ExampleAccess(TokenAccess[Tokens]):
    refusal = Refused
    issued_by = "a token issued by `coso-example create-token`"


def test_a_token_issued_is_kept_as_its_hash_and_authenticates_its_holder() -> None:
    tokens = Tokens()
    access = ExampleAccess(tokens)
    token = access.issue_token("an@hn", [Grant("hn", Role.EDITOR)])
    assert list(tokens.kept) == [token_hash(token)]
    assert access.authenticate(f"Bearer {token}") == Principal("an@hn", (Grant("hn", Role.EDITOR),))


def test_a_missing_or_unknown_token_gets_the_services_refusal_naming_the_rule() -> None:
    access = ExampleAccess(Tokens())
    for header, message, rule in (
        (None, "this request needs an API token", "Authorization: Bearer <token>"),
        ("Basic dXNlcg==", "this request needs an API token", "Authorization: Bearer <token>"),
        ("Bearer unknown", "the API token is not known", "a token issued by `coso-example create-token`"),
    ):
        with pytest.raises(Refused) as refused:
            access.authenticate(header)
        assert (refused.value.message, refused.value.field, refused.value.rule) == (message, "Authorization", rule)
    with pytest.raises(Refused) as other:
        access.token_in(None, rule="a header or a session")
    assert other.value.rule == "a header or a session"


def test_with_access_control_switched_off_every_caller_is_unrestricted() -> None:
    access = ExampleAccess(Tokens(), enabled=False)
    assert access.authenticate(None) == Principal.unrestricted()
    assert access.authenticate("Bearer unknown") == Principal.unrestricted()


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


def test_the_create_token_command_prints_the_token_and_takes_personal_data_only_where_kept(tmp_path: Path) -> None:
    issued: list[tuple[str, list[Grant]]] = []

    class Application:
        class access:  # noqa: N801 - stands for the application's attribute
            @staticmethod
            def issue_token(user: str, grants: list[Grant]) -> str:
                issued.append((user, grants))
                return "s3cret"

        class store:  # noqa: N801
            engine = SimpleNamespace(dispose=lambda: None)

    config = tmp_path / "config.yml"
    coso = {"service": "example", "database_url": "sqlite://", "amqp_uri": "amqp://", "http_port": 0, "metrics_port": 0}
    config.write_text(json.dumps({"coso": coso}))
    plain, personal = typer.Typer(), typer.Typer()
    add_create_token_command(plain, "example", config, lambda settings: Application)
    add_create_token_command(personal, "admissions", config, lambda settings: Application, personal_data=True)
    plain.command("version")(lambda: None)  # a second command, so that create-token is a subcommand
    personal.command("version")(lambda: None)

    made = CliRunner().invoke(plain, ["create-token", " an@hn ", "--grant", "hn:editor", "--config", str(config)])
    assert (made.exit_code, made.output) == (0, "s3cret\n")
    assert issued == [("an@hn", [Grant("hn", Role.EDITOR)])]
    refused = CliRunner().invoke(
        plain, ["create-token", "an@hn", "-g", "hn:editor", "--personal-data", "-c", str(config)]
    )
    assert refused.exit_code == 2 and "personal_data: example holds no personal data" in refused.output
    made = CliRunner().invoke(
        personal, ["create-token", "ba@hn", "--authority", "hn", "--personal-data", "-c", str(config)]
    )
    assert made.exit_code == 0 and issued[-1] == ("ba@hn", [Grant("hn", Role.VIEWER, personal_data=True)])
    assert len(issued) == 2
