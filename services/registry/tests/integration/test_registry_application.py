"""The registry's use cases against the real databases (SQLite and PostgreSQL)."""

from collections.abc import Iterator

import pytest

from coso_backbone.config import CosoSettings
from coso_registry import bootstrap
from coso_registry.application.commands import RegisterAuthority, RegisterEnterprise
from coso_registry.domain.errors import EnterpriseAlreadyRegistered, UnknownAuthority


@pytest.fixture
def app(database_url: str, amqp_uri: str) -> Iterator[bootstrap.RegistryApp]:
    settings = CosoSettings(
        service="registry", database_url=database_url, amqp_uri=amqp_uri, http_port=0, metrics_port=0
    )
    bootstrap.migrate(settings)
    application = bootstrap.build(settings)
    yield application
    application.store.engine.dispose()


def _province(app: bootstrap.RegistryApp) -> None:
    app.registry.register_authority(
        RegisterAuthority(authority_id="hn", name="Thành ủy Hà Nội", level="province", effective_from="2025-07-01")
    )


def _enterprise(tax_code: str, authority_id: str = "hn") -> RegisterEnterprise:
    return RegisterEnterprise(
        tax_code=tax_code, name="Công ty TNHH Sông Hồng", authority_id=authority_id, registered_on="2025-03-01"
    )


def test_registering_an_enterprise_appends_its_event_after_the_authority(app: bootstrap.RegistryApp) -> None:
    _province(app)
    registered = app.registry.register_enterprise(_enterprise("0100109106"))
    events = app.store.read_after(0)
    assert [e.event_type for e in events] == ["AuthorityRegistered", "EnterpriseRegistered"]
    assert [e.position for e in events] == [1, 2]
    assert events[1].data["enterprise_id"] == registered["enterprise_id"]
    assert events[1].authority == "hn"
    assert app.registry.enterprise(registered["enterprise_id"])["tax_code"] == "0100109106"


def test_a_second_registration_of_a_tax_code_names_the_existing_enterprise(app: bootstrap.RegistryApp) -> None:
    _province(app)
    first = app.registry.register_enterprise(_enterprise("0100109106"))
    with pytest.raises(EnterpriseAlreadyRegistered) as refused:
        app.registry.register_enterprise(_enterprise("0100109106"))
    assert refused.value.existing_id == first["enterprise_id"]
    assert app.store.last_position() == 2


def test_an_enterprise_of_an_unknown_authority_is_refused_and_nothing_is_recorded(app: bootstrap.RegistryApp) -> None:
    with pytest.raises(UnknownAuthority) as refused:
        app.registry.register_enterprise(_enterprise("0100109106", authority_id="nowhere"))
    assert refused.value.field == "authority_id"
    assert app.store.last_position() == 0


def test_a_commune_under_an_unregistered_province_is_refused(app: bootstrap.RegistryApp) -> None:
    with pytest.raises(UnknownAuthority):
        app.registry.register_authority(
            RegisterAuthority(
                authority_id="hn.ba-dinh", name="Ba Đình", level="commune", parent_id="hn", effective_from="2025-07-01"
            )
        )


def test_enterprises_are_listed_per_authority(app: bootstrap.RegistryApp) -> None:
    _province(app)
    app.registry.register_authority(
        RegisterAuthority(
            authority_id="hn.ba-dinh", name="Ba Đình", level="commune", parent_id="hn", effective_from="2025-07-01"
        )
    )
    app.registry.register_enterprise(_enterprise("0100109106"))
    app.registry.register_enterprise(_enterprise("0100109106002", authority_id="hn.ba-dinh"))
    assert [e["tax_code"] for e in app.registry.enterprises("hn.ba-dinh")] == ["0100109106-002"]
    assert len(app.registry.enterprises()) == 2
