"""Enterprise changes against the real databases: lookups follow, stale versions are refused."""

from collections.abc import Iterator

import pytest

from coso_backbone.config import CosoSettings
from coso_registry import bootstrap
from coso_registry.application.commands import (
    CloseEnterprise,
    CountWorkforce,
    MoveEnterprise,
    RegisterAuthority,
    RegisterEnterprise,
    SuspendEnterprise,
    UpdateEnterprise,
)
from coso_registry.domain.errors import (
    EnterpriseAlreadyRegistered,
    EnterpriseNotOperating,
    InvalidEnterprise,
    StaleVersion,
    UnknownAuthority,
)


@pytest.fixture
def app(database_url: str, amqp_uri: str) -> Iterator[bootstrap.RegistryApp]:
    settings = CosoSettings(
        service="registry", database_url=database_url, amqp_uri=amqp_uri, http_port=0, metrics_port=0
    )
    bootstrap.migrate(settings)
    application = bootstrap.build(settings)
    for authority_id, level, parent in (
        ("bn", "province", None),
        ("bn.a", "commune", "bn"),
        ("bn.b", "commune", "bn"),
        ("bn.kcn", "industrial_zone", "bn"),
    ):
        application.authorities.register(
            RegisterAuthority(
                authority_id=authority_id, name=authority_id, level=level, parent_id=parent, effective_from="2020-01-01"
            )
        )
    yield application
    application.store.engine.dispose()


def _register(app: bootstrap.RegistryApp) -> str:
    registered = app.registry.register_enterprise(
        RegisterEnterprise(
            tax_code="0100109106",
            name="Công ty TNHH May Quế Võ",
            authority_id="bn.a",
            registered_on="2024-01-02",
            sector="May mặc",
            director="Nguyễn Văn An",
            worker_count=100,
        )
    )
    return str(registered["enterprise_id"])


def test_a_duplicate_registration_names_the_existing_enterprise_and_its_name(app: bootstrap.RegistryApp) -> None:
    existing = _register(app)
    with pytest.raises(EnterpriseAlreadyRegistered) as refused:
        _register(app)
    assert existing in refused.value.message and "Công ty TNHH May Quế Võ" in refused.value.message


def test_moving_an_enterprise_into_an_industrial_zone_updates_the_listing(app: bootstrap.RegistryApp) -> None:
    enterprise_id = _register(app)
    app.registry.move_enterprise(
        MoveEnterprise(
            enterprise_id=enterprise_id, authority_id="bn.b", industrial_zone_id="bn.kcn", effective_from="2025-07-01"
        )
    )
    assert [e["enterprise_id"] for e in app.registry.enterprises("bn.b")] == [enterprise_id]
    assert app.registry.enterprises("bn.a") == []
    assert app.registry.enterprise(enterprise_id)["industrial_zone_id"] == "bn.kcn"


def test_an_industrial_zone_must_be_an_industrial_zone_authority(app: bootstrap.RegistryApp) -> None:
    enterprise_id = _register(app)
    with pytest.raises(InvalidEnterprise) as refused:
        app.registry.move_enterprise(
            MoveEnterprise(
                enterprise_id=enterprise_id, authority_id="bn.b", industrial_zone_id="bn.a", effective_from="2025-07-01"
            )
        )
    assert refused.value.field == "industrial_zone_id"
    with pytest.raises(UnknownAuthority):
        app.registry.move_enterprise(
            MoveEnterprise(enterprise_id=enterprise_id, authority_id="nowhere", effective_from="2025-07-01")
        )


def test_a_change_based_on_a_stale_version_is_refused(app: bootstrap.RegistryApp) -> None:
    enterprise_id = _register(app)
    app.registry.update_enterprise(
        UpdateEnterprise(
            enterprise_id=enterprise_id, expected_version=1, address="KCN Quế Võ", effective_from="2025-01-01"
        )
    )
    assert app.registry.enterprise(enterprise_id)["version"] == 2
    with pytest.raises(StaleVersion) as refused:
        app.registry.update_enterprise(
            UpdateEnterprise(
                enterprise_id=enterprise_id, expected_version=1, director="Trần Thị B", effective_from="2025-02-01"
            )
        )
    assert refused.value.field == "expected_version"


def test_workforce_counts_are_kept_over_time_and_the_latest_is_current(app: bootstrap.RegistryApp) -> None:
    enterprise_id = _register(app)
    app.registry.count_workforce(CountWorkforce(enterprise_id=enterprise_id, worker_count=350, counted_on="2025-06-30"))
    app.registry.count_workforce(CountWorkforce(enterprise_id=enterprise_id, worker_count=200, counted_on="2024-12-31"))
    shown = app.registry.enterprise(enterprise_id)
    assert shown["worker_count"] == 350
    assert [w["worker_count"] for w in shown["workforce"]] == [100, 200, 350]


def test_a_closed_enterprise_cannot_be_suspended(app: bootstrap.RegistryApp) -> None:
    enterprise_id = _register(app)
    app.registry.close_enterprise(
        CloseEnterprise(enterprise_id=enterprise_id, reason="giải thể", effective_from="2025-03-01")
    )
    assert app.registry.enterprise(enterprise_id)["status"] == "closed"
    with pytest.raises(EnterpriseNotOperating):
        app.registry.suspend_enterprise(
            SuspendEnterprise(enterprise_id=enterprise_id, reason="x", effective_from="2025-04-01")
        )
    types = [e.event_type for e in app.store.read_after(0)]
    assert types[-2:] == ["EnterpriseRegistered", "EnterpriseClosed"]
