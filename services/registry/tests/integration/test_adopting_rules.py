"""Registry rules adopted over HTTP and the CLI: recorded as `RulesAdopted`, shown by `GET /rules`
with their origin, applied by the size check and the rating; a superior's received through the
consumer of what comes down a link; bad values refused naming the field."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from coso_backbone.config import CosoSettings
from coso_backbone.consumer import Incoming
from coso_backbone.contracts.rules import RegistryRulesAdopted
from coso_backbone.envelope import Envelope
from coso_backbone.testing import call_with_token as call
from coso_registry import bootstrap
from coso_registry.application.commands import FoundOrganization, RegisterAuthority, RegisterEnterprise
from coso_registry.domain.access import Grant, Role
from coso_registry.domain.errors import InvalidOrganization
from coso_registry.entrypoints.cli import app as cli

pytestmark = pytest.mark.filterwarnings(r"ignore:(?s).*Eventlet is deprecated")

DECISION = "Quyết định 30-QĐ/TU của Tỉnh ủy"


@pytest.fixture
def registry(sqlite_url: str, amqp_uri: str, run_id: str) -> Iterator[tuple[Any, bootstrap.RegistryApp]]:
    """Province bn with communes bn.a and bn.b, access control on, options: 4 founding members in bn."""
    import psycopg2.extensions
    from nameko.testing.services import worker_factory

    from coso_registry.entrypoints.service import RegistryService

    settings = CosoSettings(
        service="registry",
        deployment=run_id,
        database_url=sqlite_url,
        amqp_uri=amqp_uri,
        http_port=0,
        metrics_port=0,
        options={
            "access_control": True,
            "size_rules": [{"authority_id": "bn", "effective_from": "2024-01-01", "min_founding_members": 4}],
        },
    )
    bootstrap.migrate(settings)
    app = bootstrap.build(settings)
    for authority_id, parent in (("bn", None), ("bn.a", "bn"), ("bn.b", "bn")):
        app.authorities.register(
            RegisterAuthority(
                authority_id=authority_id,
                name=authority_id,
                level="province" if parent is None else "commune",
                parent_id=parent,
                effective_from="2020-01-01",
            )
        )
    yield worker_factory(RegistryService, app=app), app
    psycopg2.extensions.set_wait_callback(None)
    app.store.engine.dispose()


def adoption(authority_id: str, effective_from: str, **values: Any) -> dict[str, Any]:
    return {"authority_id": authority_id, "effective_from": effective_from, "legal_basis": DECISION, "values": values}


def founding(app: bootstrap.RegistryApp, members: int, on: str) -> FoundOrganization:
    enterprise = app.registry.register_enterprise(
        RegisterEnterprise(tax_code="0100109106", name="DN Minh Phát", authority_id="bn.a", registered_on="2020-01-01")
    )["enterprise_id"]
    return FoundOrganization(
        name="Chi bộ",
        kind="grassroots_cell",
        authority_id="bn.a",
        enterprise_ids=[enterprise],
        decision_number="12-QĐ/ĐU",
        founded_on=on,
        official_members=members,
    )


def test_an_adopted_size_rule_is_shown_with_its_origin_and_refuses_a_too_small_organization(registry: Any) -> None:
    service, app = registry
    editor = app.access.issue_token("tcto@bn", [Grant("bn", Role.EDITOR)])

    status, adopted = call(service.post_rules, "POST", editor, adoption("bn", "2025-01-01", min_founding_members=5))

    assert (status, adopted["values"]) == (201, {"min_founding_members": 5})
    rules = call(service.get_rules, "GET", editor, authority_id="bn.a", on="2025-06-01")[1]["rules"]
    assert (rules["min_founding_members"]["value"], rules["min_founding_members"]["origin"]) == (5, "adopted")
    assert rules["min_founding_members"]["legal_basis"] == DECISION
    assert (rules["min_committee_members"]["value"], rules["min_committee_members"]["origin"]) == (30, "default")
    earlier = call(service.get_rules, "GET", editor, authority_id="bn.a", on="2024-06-01")[1]["rules"]
    assert (earlier["min_founding_members"]["value"], earlier["min_founding_members"]["origin"]) == (4, "options")
    with pytest.raises(InvalidOrganization) as refused:
        app.organizations.found(founding(app, 4, "2025-03-01"))
    assert "rule of bn from 2025-01-01" in refused.value.message


def test_an_editor_of_a_commune_cannot_adopt_for_the_province_and_bad_bands_are_refused(registry: Any) -> None:
    service, app = registry
    commune = app.access.issue_token("dangu@bn.a", [Grant("bn.a", Role.EDITOR)])
    province = app.access.issue_token("tcto@bn", [Grant("bn", Role.EDITOR)])

    status, refused = call(service.post_rules, "POST", commune, adoption("bn", "2025-01-01", excellent_cap=0.1))
    assert (status, refused["field"]) == (403, "authority_id")
    status, refused = call(service.post_rules, "POST", province, adoption("bn", "2025-01-01", excellent_cap=1.5))
    assert (status, [e["field"] for e in refused["errors"]]) == (422, ["values.excellent_cap"])
    status, refused = call(service.post_rules, "POST", province, adoption("bn", "2025-01-01", good_from=95))
    assert (status, refused["field"], refused["rule"]) == (422, "values", "descending bands")

    assert call(service.post_rules, "POST", province, adoption("bn", "2025-01-01", excellent_cap=0.1))[0] == 201
    summary = app.organizations.rating_summary("bn.a", 2025)
    assert summary["excellent_cap"] == 0.1


def test_a_superior_s_rules_are_received_and_its_stack_s_own_are_not_taken_for_them(registry: Any) -> None:
    _, app = registry
    consumer = bootstrap.superior_rules_consumer(app.settings, app.store)
    superior = "/coso/province-stack/registry"
    event = RegistryRulesAdopted.model_validate(adoption("bn", "2025-01-01", min_committee_members=25))
    envelope = Envelope(
        id="e-1",
        source=superior,
        producer="registry",
        event_type="RulesAdopted",
        version=1,
        time=datetime.now(UTC),
        subject="rules-bn",
        sequence=1,
        authority="bn",
        data_json=json.dumps(event.model_dump(mode="json")),
    )

    outcome = consumer.apply([Incoming.from_catch_up(envelope)])

    assert outcome.applied == 1
    rule = app.rules.book().in_force(["bn.a", "bn"], date(2025, 2, 1))["min_committee_members"]
    assert (rule.value, rule.origin.value, rule.source) == (25, "received", superior)


def test_the_command_line_adopts_and_shows_rules(registry: Any, tmp_path: Path) -> None:
    _, app = registry
    settings = app.settings
    config = tmp_path / "registry.yml"
    config.write_text(
        "coso:\n  service: registry\n"
        f"  deployment: {settings.deployment}\n"
        f"  database_url: {settings.database_url}\n  amqp_uri: {settings.amqp_uri}\n"
        "  http_port: 0\n  metrics_port: 0\n"
    )
    adopt = ["adopt-rules", "--authority", "bn", "--from", "2025-01-01", "--legal-basis", DECISION]

    adopted = CliRunner().invoke(cli, [*adopt, "--set", "min_founding_members=6", "--config", str(config)])
    refused = CliRunner().invoke(cli, [*adopt, "--set", "min_founding_members=0", "--config", str(config)])
    shown = CliRunner().invoke(cli, ["rules", "--authority", "bn.a", "--on", "2025-02-01", "--config", str(config)])

    assert adopted.exit_code == 0, adopted.output
    assert refused.exit_code == 2 and "values.min_founding_members" in refused.output
    assert f"min_founding_members = 6  [adopted (bn from 2025-01-01: {DECISION})]" in shown.output
    assert "min_committee_members = 30  [default]" in shown.output
