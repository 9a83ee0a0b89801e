"""Party organizations against the real databases: founding, covering, size rules from config."""

from collections.abc import Iterator
from datetime import date

import pytest

from coso_backbone.config import CosoSettings
from coso_registry import bootstrap
from coso_registry.application.commands import (
    CloseEnterprise,
    CountMassMembers,
    DissolveMassOrganization,
    DissolveOrganization,
    FoundMassOrganization,
    FoundOrganization,
    MergeOrganizations,
    RateOrganization,
    RegisterAuthority,
    RegisterEnterprise,
    TransferOrganization,
)
from coso_registry.domain.errors import (
    EnterpriseAlreadyCovered,
    EnterpriseNotOperating,
    InvalidOrganization,
    OrganizationDissolvedAlready,
)


@pytest.fixture
def app(database_url: str, amqp_uri: str) -> Iterator[bootstrap.RegistryApp]:
    settings = CosoSettings(
        service="registry",
        database_url=database_url,
        amqp_uri=amqp_uri,
        http_port=0,
        metrics_port=0,
        options={"size_rules": [{"authority_id": "bn", "effective_from": "2025-01-01", "min_founding_members": 5}]},
    )
    bootstrap.migrate(settings)
    application = bootstrap.build(settings)
    for authority_id, parent in (("bn", None), ("bn.a", "bn"), ("bn.b", "bn")):
        application.authorities.register(
            RegisterAuthority(
                authority_id=authority_id,
                name=authority_id,
                level="province" if parent is None else "commune",
                parent_id=parent,
                effective_from="2020-01-01",
            )
        )
    yield application
    application.store.engine.dispose()


def _enterprise(app: bootstrap.RegistryApp, tax_code: str) -> str:
    registered = app.registry.register_enterprise(
        RegisterEnterprise(tax_code=tax_code, name=f"DN {tax_code}", authority_id="bn.a", registered_on="2020-01-01")
    )
    return str(registered["enterprise_id"])


def _found(enterprise_ids: list[str], members: int, on: str = "2025-03-01") -> FoundOrganization:
    return FoundOrganization(
        name="Chi bộ",
        kind="combined_cell" if len(enterprise_ids) > 1 else "grassroots_cell",
        authority_id="bn.a",
        enterprise_ids=enterprise_ids,
        decision_number="12-QĐ/ĐU",
        founded_on=on,
        official_members=members,
    )


def test_the_configured_rule_of_the_province_applies_to_its_communes_from_its_date(app: bootstrap.RegistryApp) -> None:
    enterprise = _enterprise(app, "0100109106")
    with pytest.raises(InvalidOrganization) as refused:
        app.organizations.found(_found([enterprise], 4))
    assert "rule of bn from 2025-01-01" in refused.value.message
    founded = app.organizations.found(_found([enterprise], 4, on="2024-12-01"))
    shown = app.organizations.organization(founded["organization_id"])
    assert shown["enterprise_ids"] == [enterprise] and shown["kind"] == "grassroots_cell"
    size = app.organizations.size_check(founded["organization_id"], date(2025, 6, 1))
    assert size["rule"]["min_founding_members"] == 5
    assert size["findings"] == ["official member count unknown until admissions publishes member events"]


def test_an_enterprise_covered_by_an_active_organization_cannot_get_a_second_one(app: bootstrap.RegistryApp) -> None:
    first, second = _enterprise(app, "0100109106"), _enterprise(app, "0100109106001")
    organization = app.organizations.found(_found([first, second], 6))["organization_id"]
    with pytest.raises(EnterpriseAlreadyCovered) as refused:
        app.organizations.found(_found([second], 6))
    assert organization in refused.value.message
    app.organizations.transfer(
        TransferOrganization(
            organization_id=organization, authority_id="bn.b", decision_number="2", effective_from="2025-07-01"
        )
    )
    app.organizations.dissolve(
        DissolveOrganization(
            organization_id=organization, reason="sáp nhập", decision_number="3", effective_from="2025-08-01"
        )
    )
    assert app.organizations.found(_found([second], 6, on="2025-09-01"))["version"] == 1
    listed = {o["organization_id"]: o for o in app.organizations.listing()}
    assert listed[organization]["authority_id"] == "bn.b" and listed[organization]["dissolved_on"] == "2025-08-01"


def test_no_organization_is_founded_in_a_closed_enterprise(app: bootstrap.RegistryApp) -> None:
    enterprise = _enterprise(app, "0100109106")
    app.registry.close_enterprise(
        CloseEnterprise(enterprise_id=enterprise, reason="giải thể", effective_from="2024-01-01")
    )
    with pytest.raises(EnterpriseNotOperating):
        app.organizations.found(_found([enterprise], 6))


def test_ratings_under_a_province_are_checked_against_its_excellent_cap(app: bootstrap.RegistryApp) -> None:
    scores = [95, 92, 80, 75, 60]
    for n, score in enumerate(scores):
        enterprise = _enterprise(
            app, ["0100109106", "0100109106001", "0100109106002", "0100109106003", "0100109106004"][n]
        )
        organization = app.organizations.found(_found([enterprise], 6, on="2024-01-10"))["organization_id"]
        app.organizations.rate(
            RateOrganization(organization_id=organization, year=2024, score=score, rated_on="2025-01-15")
        )
    summary = app.organizations.rating_summary("bn", 2024)
    assert summary["levels"] == {"excellent": 2, "good": 2, "complete": 1, "not_complete": 0}
    assert summary["excellent_share"] == 0.4
    assert summary["findings"] == ["40% rated excellent, above the cap of 20% (default)"]
    assert app.organizations.rating_summary("bn.b", 2024)["rated"] == 0


def test_an_enterprise_has_one_active_mass_organization_of_each_kind(app: bootstrap.RegistryApp) -> None:
    enterprise = _enterprise(app, "0100109106")
    union = FoundMassOrganization(
        kind="trade_union", enterprise_id=enterprise, name="Công đoàn cơ sở", founded_on="2023-01-05", members=120
    )
    union_id = app.mass_organizations.found(union)["mass_organization_id"]
    with pytest.raises(EnterpriseAlreadyCovered) as refused:
        app.mass_organizations.found(union)
    assert refused.value.field == "kind"
    app.mass_organizations.found(
        FoundMassOrganization(
            kind="youth_union", enterprise_id=enterprise, name="Chi đoàn", founded_on="2024-03-26", members=40
        )
    )
    app.mass_organizations.count_members(
        CountMassMembers(mass_organization_id=union_id, members=150, counted_on="2024-12-31")
    )
    shown = app.mass_organizations.mass_organization(union_id)
    assert shown["members"] == 150 and [m["members"] for m in shown["membership"]] == [120, 150]
    assert [m["kind"] for m in app.mass_organizations.of_enterprise(enterprise)] == ["trade_union", "youth_union"]
    app.mass_organizations.dissolve(
        DissolveMassOrganization(mass_organization_id=union_id, reason="giải thể", effective_from="2025-01-01")
    )
    assert app.mass_organizations.found(union.model_copy(update={"founded_on": date(2025, 2, 1)}))["version"] == 1


def test_merged_organizations_end_and_the_successor_covers_their_enterprises(app: bootstrap.RegistryApp) -> None:
    first, second = _enterprise(app, "0100109106"), _enterprise(app, "0100109106-001")
    successor = app.organizations.found(_found([first], 6))["organization_id"]
    merged = app.organizations.found(_found([second], 5))["organization_id"]
    merger = MergeOrganizations(
        merged_ids=[merged],
        successor_id=successor,
        decision_number="20-QĐ/ĐU",
        effective_from="2025-09-01",
        kind="combined_cell",
    )
    done = app.organizations.merge(merger)
    assert done["merged_ids"] == [merged] and done["official_members"] is None
    after = app.organizations.organization(successor)
    assert sorted(after["enterprise_ids"]) == sorted([first, second]) and after["kind"] == "combined_cell"
    gone = app.organizations.organization(merged)
    assert gone["merged_into"] == successor and gone["dissolved_on"] == "2025-09-01"
    with pytest.raises(OrganizationDissolvedAlready):
        app.organizations.merge(merger)
    third = _enterprise(app, "0100109106-002")
    with pytest.raises(EnterpriseAlreadyCovered):
        app.organizations.found(_found([second], 5))
    assert app.organizations.found(_found([third], 5))["version"] == 1
