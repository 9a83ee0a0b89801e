"""Access control on the real databases: an editor of one commune neither sees nor changes
another commune's enterprises; grants follow merges."""

from collections.abc import Iterator
from datetime import date

import pytest

from coso_backbone.config import CosoSettings
from coso_registry import bootstrap
from coso_registry.application.commands import (
    FoundOrganization,
    MergeAuthorities,
    MergeOrganizations,
    RegisterAuthority,
    RegisterEnterprise,
    SuspendEnterprise,
)
from coso_registry.domain.access import Grant, Principal, Role
from coso_registry.domain.errors import AccessDenied, NotSignedIn


@pytest.fixture
def app(database_url: str, amqp_uri: str) -> Iterator[bootstrap.RegistryApp]:
    settings = CosoSettings(
        service="registry", database_url=database_url, amqp_uri=amqp_uri, http_port=0, metrics_port=0
    )
    bootstrap.migrate(settings)
    application = bootstrap.build(settings)
    for authority_id, parent in (("bn", None), ("bn.a", "bn"), ("bn.b", "bn"), ("bn.ab", "bn")):
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


def _enterprise(app: bootstrap.RegistryApp, tax_code: str, authority_id: str) -> str:
    registered = app.registry.register_enterprise(
        RegisterEnterprise(
            tax_code=tax_code, name=f"DN {tax_code}", authority_id=authority_id, registered_on="2024-01-01"
        )
    )
    return str(registered["enterprise_id"])


def _caller(app: bootstrap.RegistryApp, *grants: Grant) -> Principal:
    user = "+".join(f"{g.role.value}@{g.authority_id}" for g in grants)  # one user per set of grants
    token = app.access.issue_token(user, grants)
    return app.access.authenticate(f"Bearer {token}")


def test_an_editor_of_one_commune_neither_sees_nor_changes_another_communes_enterprises(
    app: bootstrap.RegistryApp,
) -> None:
    own = _enterprise(app, "0100109106", "bn.a")
    other = _enterprise(app, "0100109106001", "bn.b")
    editor = _caller(app, Grant("bn.a", Role.EDITOR))
    assert [e["enterprise_id"] for e in app.guarded.enterprises(editor, None, 100, 0)] == [own]
    with pytest.raises(AccessDenied):
        app.guarded.enterprise(editor, other)
    with pytest.raises(AccessDenied):
        app.guarded.enterprises(editor, "bn.b", 100, 0)
    with pytest.raises(AccessDenied) as refused:
        app.guarded.change_enterprise(
            editor, "suspend", SuspendEnterprise(enterprise_id=other, reason="x", effective_from="2025-01-01")
        )
    assert refused.value.field == "enterprise_id"
    with pytest.raises(AccessDenied):
        app.guarded.register_enterprise(
            editor,
            RegisterEnterprise(tax_code="0100109106002", name="DN", authority_id="bn.b", registered_on="2024-01-01"),
        )
    app.guarded.change_enterprise(
        editor, "suspend", SuspendEnterprise(enterprise_id=own, reason="x", effective_from="2025-01-01")
    )
    assert app.registry.enterprise(own)["status"] == "suspended"


def test_a_viewer_may_look_but_not_change(app: bootstrap.RegistryApp) -> None:
    own = _enterprise(app, "0100109106", "bn.a")
    viewer = _caller(app, Grant("bn", Role.VIEWER))
    assert len(app.guarded.enterprises(viewer, None, 100, 0)) == 1
    assert app.guarded.subtree(viewer, "bn", date(2024, 1, 1))[0]["authority_id"] == "bn"
    commune_viewer = _caller(app, Grant("bn.a", Role.VIEWER))
    assert [n["authority_id"] for n in app.guarded.tree(commune_viewer, date(2024, 1, 1), nested=False)] == ["bn.a"]
    (root,) = app.guarded.tree(commune_viewer, date(2024, 1, 1), nested=True)
    assert (root["authority_id"], root["parent_id"], root["children"]) == ("bn.a", None, [])
    with pytest.raises(AccessDenied):
        app.guarded.change_enterprise(
            viewer, "suspend", SuspendEnterprise(enterprise_id=own, reason="x", effective_from="2025-01-01")
        )


def test_a_grant_on_the_successor_covers_the_enterprises_of_the_merged_units(app: bootstrap.RegistryApp) -> None:
    old = _enterprise(app, "0100109106", "bn.a")
    app.authorities.merge(
        MergeAuthorities(
            merged_ids=["bn.a", "bn.b"], successor_id="bn.ab", effective_from="2025-07-01", legal_basis="NQ"
        )
    )
    editor = _caller(app, Grant("bn.ab", Role.EDITOR))
    assert [e["enterprise_id"] for e in app.guarded.enterprises(editor, None, 100, 0)] == [old]


def test_a_request_without_a_known_token_is_refused(app: bootstrap.RegistryApp) -> None:
    with pytest.raises(NotSignedIn) as refused:
        app.access.authenticate(None)
    assert refused.value.field == "Authorization"
    with pytest.raises(NotSignedIn):
        app.access.authenticate("Bearer not-a-token")


def test_changing_the_hierarchy_needs_an_administrator(app: bootstrap.RegistryApp) -> None:
    editor = _caller(app, Grant("bn", Role.EDITOR))
    command = RegisterAuthority(
        authority_id="bn.c", name="C", level="commune", parent_id="bn", effective_from="2024-01-01"
    )
    with pytest.raises(AccessDenied):
        app.guarded.register_authority(editor, command)
    administrator = _caller(app, Grant("bn", Role.ADMINISTRATOR))
    app.guarded.register_authority(administrator, command)
    with pytest.raises(AccessDenied) as refused:
        app.guarded.register_authority(
            administrator,
            RegisterAuthority(authority_id="hn", name="HN", level="province", effective_from="2024-01-01"),
        )
    assert refused.value.field == "parent_id"


def test_merging_organizations_needs_editor_over_every_organization_involved(app: bootstrap.RegistryApp) -> None:
    organizations = []
    for tax_code, authority_id in (("0100109106", "bn.a"), ("0100109106-001", "bn.b")):
        enterprise = _enterprise(app, tax_code, authority_id)
        founding = FoundOrganization(
            name=f"Chi bộ {tax_code}",
            kind="grassroots_cell",
            authority_id=authority_id,
            enterprise_ids=[enterprise],
            decision_number="1",
            founded_on="2024-02-01",
            official_members=4,
        )
        organizations.append(app.organizations.found(founding)["organization_id"])
    merger = MergeOrganizations(
        merged_ids=[organizations[1]],
        successor_id=organizations[0],
        decision_number="2",
        effective_from="2024-06-01",
        kind="combined_cell",
        authority_id="bn.a",
    )
    editor_a = _caller(app, Grant("bn.a", Role.EDITOR))
    with pytest.raises(AccessDenied) as refused:
        app.guarded.merge_organizations(editor_a, merger)
    assert refused.value.field == "merged_ids"
    both = _caller(app, Grant("bn.a", Role.EDITOR), Grant("bn.b", Role.EDITOR))
    assert app.guarded.merge_organizations(both, merger)["merged_ids"] == [organizations[1]]
    assert app.guarded.organization(both, organizations[0])["authority_id"] == "bn.a"
