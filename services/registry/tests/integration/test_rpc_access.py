"""RPC over real RabbitMQ goes through the same access control as HTTP: the caller's
`Bearer <token>` travels as nameko context data `authorization`."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy

from coso_backbone.config import CosoSettings
from coso_backbone.testing import nameko_service_running
from coso_registry import bootstrap
from coso_registry.domain.access import Grant, Role

pytestmark = [pytest.mark.rabbitmq]


@pytest.fixture
def running(
    tmp_path: Path, sqlite_url: str, amqp_uri: str, run_id: str
) -> Iterator[tuple[dict[str, Any], bootstrap.RegistryApp, str]]:
    """`nameko run` of the registry (under a name of its own) with access control on."""
    coso = {
        "service": "registry",
        "database_url": sqlite_url,
        "amqp_uri": amqp_uri,
        "http_port": 0,
        "metrics_port": 0,
        "options": {"access_control": True},
    }
    settings = CosoSettings.model_validate(coso)
    bootstrap.migrate(settings)
    application = bootstrap.build(settings)
    service_name = f"registry_rpc_{run_id.replace('-', '_')}"
    config = {"AMQP_URI": amqp_uri, "WEB_SERVER_ADDRESS": "127.0.0.1:0", "coso": coso}
    try:
        with nameko_service_running(
            "coso_registry.entrypoints.service:RegistryService", service_name, config, tmp_path
        ):
            yield config, application, service_name
    finally:
        application.store.engine.dispose()


def test_an_rpc_call_without_a_valid_token_is_refused_and_grants_limit_what_a_token_may_do(
    running: tuple[dict[str, Any], bootstrap.RegistryApp, str],
) -> None:
    config, application, service_name = running
    admin = application.access.issue_token("quan-tri", [Grant("*", Role.ADMINISTRATOR)])
    editor = application.access.issue_token("can-bo-a", [Grant("hn.a", Role.EDITOR)])
    authority = {"level": "commune", "effective_from": "2020-01-01"}
    with ClusterRpcProxy(config, context_data={"authorization": f"Bearer {admin}"}) as as_admin:
        registry = getattr(as_admin, service_name)
        registry.register_authority(authority_id="hn", name="Hà Nội", level="province", effective_from="2020-01-01")
        registry.register_authority(authority_id="hn.a", name="Xã A", parent_id="hn", **authority)
        registry.register_authority(authority_id="hn.b", name="Xã B", parent_id="hn", **authority)
        other = registry.register_enterprise(
            tax_code="0100109106", name="DN B", authority_id="hn.b", registered_on="2024-01-01"
        )["enterprise_id"]
    with ClusterRpcProxy(config) as anonymous:
        with pytest.raises(RemoteError) as refused:
            getattr(anonymous, service_name).authority_subtree("hn", "2025-01-01")
        assert refused.value.exc_type == "NotSignedIn"
    with ClusterRpcProxy(config, context_data={"authorization": "Bearer not-a-token"}) as forged:
        with pytest.raises(RemoteError) as unknown:
            getattr(forged, service_name).get_enterprise(other)
        assert unknown.value.exc_type == "NotSignedIn"
    with ClusterRpcProxy(config, context_data={"authorization": f"Bearer {editor}"}) as as_editor:
        registry = getattr(as_editor, service_name)
        mine = registry.register_enterprise(
            tax_code="0100109106001", name="DN A", authority_id="hn.a", registered_on="2024-01-01"
        )
        assert mine["version"] == 1
        with pytest.raises(RemoteError) as elsewhere:
            registry.register_enterprise(
                tax_code="0100109106002", name="DN C", authority_id="hn.b", registered_on="2024-01-01"
            )
        assert elsewhere.value.exc_type == "AccessDenied"
        with pytest.raises(RemoteError):
            registry.get_enterprise(other)
        assert [e["tax_code"] for e in registry.enterprises()] == ["0100109106-001"]
