"""RPC over real RabbitMQ goes through the same access control as HTTP: the caller's
`Bearer <token>` travels as nameko context data `authorization`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy

from coso_admissions import bootstrap
from coso_admissions.application.commands import ProposeCandidate
from coso_admissions.domain.access import Grant, Role
from coso_backbone.config import CosoSettings
from coso_backbone.testing import nameko_service_running

pytestmark = [pytest.mark.rabbitmq, pytest.mark.filterwarnings(r"ignore:(?s).*Eventlet is deprecated")]


@pytest.fixture
def running(
    tmp_path: Path,
    settings_for: Callable[..., CosoSettings],
    announcements_for: Callable[..., Any],
    sqlite_url: str,
    amqp_uri: str,
    run_id: str,
) -> Iterator[tuple[dict[str, Any], bootstrap.AdmissionsApp, str]]:
    """`nameko run` of admissions (under a name of its own) with access control on; communes
    hn.xa-a and hn.xa-b each with an enterprise."""
    plain = settings_for(sqlite_url)
    settings = plain.model_copy(update={"options": {**plain.options, "access_control": True}})
    bootstrap.migrate(settings)
    application = bootstrap.build(settings)
    registry = announcements_for(application)
    registry.apply(
        registry.authority("hn", None),
        registry.authority("hn.xa-a", "hn"),
        registry.authority("hn.xa-b", "hn"),
        registry.enterprise("ent-a", "hn.xa-a", tax_code="0100109106"),
        registry.enterprise("ent-b", "hn.xa-b", tax_code="0101243150"),
    )
    service_name = f"admissions_rpc_{run_id.replace('-', '_')}"
    coso = settings.model_dump(mode="json")
    config = {"AMQP_URI": amqp_uri, "WEB_SERVER_ADDRESS": "127.0.0.1:0", "coso": coso}
    try:
        with nameko_service_running(
            "coso_admissions.entrypoints.service:AdmissionsService", service_name, config, tmp_path
        ):
            yield config, application, service_name
    finally:
        application.store.engine.dispose()


def proposed(application: bootstrap.AdmissionsApp, enterprise_id: str) -> str:
    command = ProposeCandidate.model_validate(
        {
            "enterprise_id": enterprise_id,
            "source_channel": "enterprise_trade_union",
            "job_category": "production_worker",
            "proposed_on": "2025-09-01",
        }
    )
    candidate_id: str = application.admissions.propose_candidate(command)["candidate_id"]
    return candidate_id


def test_an_rpc_call_without_a_known_token_is_refused_and_an_editor_reads_only_its_own_communes_candidates(
    running: tuple[dict[str, Any], bootstrap.AdmissionsApp, str],
) -> None:
    config, application, service_name = running
    mine, other = proposed(application, "ent-a"), proposed(application, "ent-b")
    editor = application.access.issue_token("can-bo-a", [Grant("hn.xa-a", Role.EDITOR)])
    with ClusterRpcProxy(config) as anonymous:
        with pytest.raises(RemoteError) as refused:
            getattr(anonymous, service_name).get_candidate(mine)
        assert refused.value.exc_type == "NotSignedIn"
    with ClusterRpcProxy(config, context_data={"authorization": "Bearer not-a-token"}) as forged:
        with pytest.raises(RemoteError) as unknown:
            getattr(forged, service_name).get_candidate(mine)
        assert unknown.value.exc_type == "NotSignedIn"
    with ClusterRpcProxy(config, context_data={"authorization": f"Bearer {editor}"}) as as_editor:
        admissions = getattr(as_editor, service_name)
        assert admissions.get_candidate(mine)["candidate_id"] == mine
        with pytest.raises(RemoteError) as elsewhere:
            admissions.get_candidate(other)
        assert elsewhere.value.exc_type == "AccessDenied"
