"""RPC over real RabbitMQ goes through the same access control as HTTP: the caller's
`Bearer <token>` travels as nameko context data `authorization`, as in registry and admissions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy

from coso_backbone.access import Grant, Role
from coso_backbone.config import CosoSettings
from coso_backbone.eventstore import EventStore
from coso_backbone.testing import nameko_service_running
from coso_reporting import bootstrap

pytestmark = [pytest.mark.rabbitmq, pytest.mark.filterwarnings(r"ignore:(?s).*Eventlet is deprecated")]


@pytest.fixture
def running(
    tmp_path: Path, world: Any, projection_at: Any, amqp_uri: str, run_id: str
) -> Iterator[tuple[dict[str, Any], bootstrap.ReportingApp, str]]:
    """`nameko run` of reporting (under a name of its own) with access control on, over a
    province hn with communes hn.a and hn.b."""
    database_url = f"sqlite:///{tmp_path / 'reporting.db'}"
    projection = projection_at(database_url)
    projection.deliver(
        [
            world.authority("hn"),
            world.authority("hn.a", parent_id="hn"),
            world.authority("hn.b", parent_id="hn"),
            world.enterprise("e1", "hn.a"),
            world.enterprise("e2", "hn.b"),
        ]
    )
    coso = {
        "service": "reporting",
        "database_url": database_url,
        "amqp_uri": amqp_uri,
        "http_port": 0,
        "metrics_port": 0,
        "options": {"access_control": True},
    }
    application = bootstrap.ReportingApp(CosoSettings.model_validate(coso), EventStore(projection.engine))
    service_name = f"reporting_rpc_{run_id.replace('-', '_')}"
    config = {"AMQP_URI": amqp_uri, "WEB_SERVER_ADDRESS": "127.0.0.1:0", "coso": coso}
    with nameko_service_running("coso_reporting.entrypoints.service:ReportingService", service_name, config, tmp_path):
        yield config, application, service_name


def test_an_rpc_call_without_a_known_token_is_refused_and_a_viewer_reads_only_its_own_commune(
    running: tuple[dict[str, Any], bootstrap.ReportingApp, str],
) -> None:
    config, application, service_name = running
    viewer = application.access.issue_token("an@hn.a", [Grant("hn.a", Role.VIEWER)])
    with ClusterRpcProxy(config, timeout=10) as anonymous:
        with pytest.raises(RemoteError) as refused:
            getattr(anonymous, service_name).indicators("hn.a")
        assert refused.value.exc_type == "NotSignedIn"
    with ClusterRpcProxy(config, timeout=10, context_data={"authorization": "Bearer not-a-token"}) as forged:
        with pytest.raises(RemoteError) as unknown:
            getattr(forged, service_name).indicators("hn.a")
        assert unknown.value.exc_type == "NotSignedIn"
    with ClusterRpcProxy(config, timeout=10, context_data={"authorization": f"Bearer {viewer}"}) as as_viewer:
        reporting = getattr(as_viewer, service_name)
        assert reporting.indicators("hn.a")["own"]["enterprises"] == 1
        assert [a["authority_id"] for a in reporting.indicators()["authorities"]] == ["hn.a"]
        with pytest.raises(RemoteError) as elsewhere:
            reporting.indicator_report("hn.b", "2025-01-01", "2025-12-31")
        assert elsewhere.value.exc_type == "AccessDenied"
        with pytest.raises(RemoteError) as not_editor:
            reporting.adopt_plan(
                plan_id="hn.a-2025",
                authority_id="hn.a",
                title="Kế hoạch năm 2025",
                period_start="2025-01-01",
                period_end="2025-12-31",
            )
        assert not_editor.value.exc_type == "AccessDenied"
