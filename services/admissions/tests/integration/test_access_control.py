"""Access scoped to authority subtrees over HTTP: bearer tokens, roles, personal data, merged units.

The nameko service runs on SQLite with `access_control` on; authorities and enterprises are
announced the way the registry's events would announce them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from coso_admissions import bootstrap
from coso_admissions.application.commands import CandidatesOfAuthority, ProposeCandidate
from coso_admissions.domain.access import Grant, Role
from coso_backbone.config import CosoSettings
from coso_backbone.contracts.registry import AuthorityMerged, AuthorityReparented

pytestmark = pytest.mark.filterwarnings(r"ignore:(?s).*Eventlet is deprecated")

CLASS = {"on": "2025-09-10", "body": "TTCT", "document": {"number": "CC-1", "issued_on": "2025-09-10"}}
PERSON = {"full_name": "Nguyễn Văn An", "birth_date": "1995-04-12"}


@pytest.fixture
def guarded(
    settings_for: Callable[..., CosoSettings], announcements_for: Callable[..., Any], sqlite_url: str
) -> Iterator[tuple[Any, bootstrap.AdmissionsApp, Any]]:
    """The service with access control on; communes xa-a (with an industrial zone) and xa-b of province hn."""
    import psycopg2.extensions
    from nameko.testing.services import worker_factory

    from coso_admissions.entrypoints.service import AdmissionsService

    settings = settings_for(sqlite_url)
    settings = settings.model_copy(update={"options": {**settings.options, "access_control": True}})
    bootstrap.migrate(settings)
    app = bootstrap.build(settings)
    registry = announcements_for(app)
    registry.apply(
        registry.authority("hn", None),
        registry.authority("hn.xa-a", "hn"),
        registry.authority("hn.xa-a.kcn", "hn.xa-a"),
        registry.authority("hn.xa-b", "hn"),
        registry.enterprise("ent-a", "hn.xa-a.kcn", tax_code="0100109106"),
        registry.enterprise("ent-b", "hn.xa-b", tax_code="0101243150"),
    )
    yield worker_factory(AdmissionsService, app=app), app, registry
    psycopg2.extensions.set_wait_callback(None)
    app.store.engine.dispose()


def call(method: Callable[..., Any], http: str, token: str | None, *args: str, body: Any = None, **query: str) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = None if body is None else json.dumps(body)
    request = Request(EnvironBuilder(method=http, data=data, query_string=query, headers=headers).get_environ())
    answer = method(request, *args)
    return answer.status_code, json.loads(answer.get_data())


def propose(app: bootstrap.AdmissionsApp, enterprise_id: str) -> str:
    command = ProposeCandidate.model_validate(
        {
            "enterprise_id": enterprise_id,
            "source_channel": "enterprise_trade_union",
            "job_category": "production_worker",
            "proposed_on": "2025-09-01",
            "personal": PERSON,
        }
    )
    candidate_id: str = app.admissions.propose_candidate(command)["candidate_id"]
    return candidate_id


def test_an_editor_of_one_commune_can_neither_see_nor_change_another_communes_candidates(guarded: Any) -> None:
    service, app, _ = guarded
    in_a, in_b = propose(app, "ent-a"), propose(app, "ent-b")
    token = app.access.issue_token("can-bo@xa-a", [Grant("hn.xa-a", Role.EDITOR)])

    seen = call(service.show_candidate, "GET", token, in_b)
    changed = call(service.post_candidate_step, "POST", token, in_b, "awareness-class", body=CLASS)
    listed_b = call(service.get_candidates, "GET", token, authority_id="hn.xa-b")
    proposed_b = call(
        service.post_candidate,
        "POST",
        token,
        body={
            "enterprise_id": "ent-b",
            "source_channel": "youth_union",
            "job_category": "technician",
            "proposed_on": "2025-09-01",
        },
    )

    assert seen[0] == changed[0] == listed_b[0] == proposed_b[0] == 403
    assert (seen[1]["field"], changed[1]["field"], proposed_b[1]["field"]) == (
        "candidate_id",
        "candidate_id",
        "enterprise_id",
    )
    _, everything = call(service.get_candidates, "GET", token)
    assert [c["candidate_id"] for c in everything] == [in_a]  # its own subtree, the industrial zone included
    stepped = call(service.post_candidate_step, "POST", token, in_a, "awareness-class", body=CLASS)
    assert stepped[0] == 200 and stepped[1]["stage"] == "awareness_class_attended"
    assert app.admissions.candidate(in_b)["stage"] == "proposed"


def test_without_a_known_bearer_token_the_answer_is_401_naming_authorization(guarded: Any) -> None:
    service, _, _ = guarded

    missing = call(service.get_candidates, "GET", None)
    unknown = call(service.get_candidates, "GET", "not-a-token")

    assert missing[0] == unknown[0] == 401
    assert missing[1]["field"] == unknown[1]["field"] == "Authorization"


def test_personal_data_is_read_and_written_only_under_a_grant_that_includes_it(guarded: Any) -> None:
    service, app, _ = guarded
    candidate_id = propose(app, "ent-a")
    plain = app.access.issue_token("xem@xa-a", [Grant("hn.xa-a", Role.EDITOR)])
    trusted = app.access.issue_token("to-chuc@xa-a", [Grant("hn.xa-a", Role.EDITOR, personal_data=True)])

    _, withheld = call(service.show_candidate, "GET", plain, candidate_id)
    _, shown = call(service.show_candidate, "GET", trusted, candidate_id)
    written = call(service.put_personal_data, "PUT", plain, candidate_id, body={"personal": PERSON})

    assert (withheld["personal"], withheld["personal_withheld"]) == (None, True)
    assert "Nguyễn" not in json.dumps(withheld)
    assert shown["personal"]["full_name"] == "Nguyễn Văn An"
    assert written[0] == 403 and "personal data" in written[1]["rule"]


def test_a_grant_on_a_successor_covers_the_files_of_the_authority_merged_into_it(guarded: Any) -> None:
    service, app, registry = guarded
    in_b = propose(app, "ent-b")
    token = app.access.issue_token("can-bo@xa-a", [Grant("hn.xa-a", Role.VIEWER)])
    assert call(service.show_candidate, "GET", token, in_b)[0] == 403

    merged = AuthorityMerged(
        authority_id="hn.xa-b",
        successor_id="hn.xa-a",
        merged_with=["hn.xa-b"],
        effective_from=date(2025, 7, 1),
        legal_basis="Nghị quyết 1656/NQ-UBTVQH15",
    )
    registry.apply(registry.envelope(merged, "hn.xa-a", "authority-hn.xa-b"))

    assert call(service.show_candidate, "GET", token, in_b)[0] == 200
    _, listed = call(service.get_candidates, "GET", token)
    assert in_b in [c["candidate_id"] for c in listed]


def test_the_command_line_creates_a_token_that_the_service_accepts_with_personal_data_if_asked(
    guarded: Any, settings_for: Callable[..., CosoSettings], tmp_path: Any
) -> None:
    import yaml
    from typer.testing import CliRunner

    from coso_admissions.entrypoints.cli import app as cli

    service, app, _ = guarded
    config = tmp_path / "config.yml"
    settings = app.settings.model_copy(update={"database_url": str(app.store.engine.url)})
    config.write_text(yaml.safe_dump({"coso": settings.model_dump(mode="json")}), encoding="utf-8")

    result = CliRunner().invoke(
        cli, ["create-token", "lanh-dao@hn", "--authority", "hn", "--role", "viewer", "--config", str(config)]
    )

    assert result.exit_code == 0, result.output
    status, listed = call(service.get_candidates, "GET", result.output.strip(), authority_id="hn.xa-b")
    assert (status, listed) == (200, [])

    personal = CliRunner().invoke(
        cli, ["create-token", "can-bo@xa-a", "--grant", "hn.xa-a:editor", "--personal-data", "--config", str(config)]
    )
    assert personal.exit_code == 0, personal.output
    holder = app.access.authenticate(f"Bearer {personal.output.strip()}")
    assert app.access.may(holder, "hn.xa-a", Role.EDITOR, personal_data=True)
    assert not app.access.may(holder, "hn.xa-b", Role.VIEWER)
    refused = CliRunner().invoke(cli, ["create-token", "ai-do@hn", "--config", str(config)])
    assert refused.exit_code == 2 and "grant: a token comes with at least one grant" in refused.output


def test_a_proposals_file_applies_only_the_rows_of_the_callers_subtree(guarded: Any) -> None:
    service, app, _ = guarded
    token = app.access.issue_token("ldld@xa-a", [Grant("hn.xa-a", Role.EDITOR)])
    rows = "\n".join(
        [
            "proposal_id,federation,enterprise_tax_code,job_category,proposed_on",
            "p-a,ldld-ha-noi,0100109106,technician,2025-09-01",
            "p-b,ldld-ha-noi,0101243150,technician,2025-09-01",
        ]
    )
    headers = {"Authorization": f"Bearer {token}"}
    request = Request(EnvironBuilder(method="POST", data=rows.encode(), headers=headers).get_environ())

    report = json.loads(service.post_proposals_file(request).get_data())

    assert (report["proposed"], report["refused"]) == (1, 1)
    assert (report["rows"][1]["row"], report["rows"][1]["field"]) == (3, "enterprise_tax_code")
    assert app.admissions.candidates(CandidatesOfAuthority(authority_id="hn.xa-b")) == []


def test_a_grant_follows_an_authority_reparented_under_the_granted_one(guarded: Any) -> None:
    service, app, registry = guarded
    in_b = propose(app, "ent-b")
    token = app.access.issue_token("can-bo@xa-a", [Grant("hn.xa-a", Role.VIEWER)])

    moved = AuthorityReparented(
        authority_id="hn.xa-b",
        parent_id="hn.xa-a",
        previous_parent_id="hn",
        effective_from=date(2025, 7, 1),
        legal_basis="Quyết định 01-QĐ/TU",
    )
    registry.apply(registry.envelope(moved, "hn.xa-b", "authority-hn.xa-b"))

    assert call(service.show_candidate, "GET", token, in_b)[0] == 200


def test_an_imported_members_personal_data_is_withheld_from_a_viewer_without_the_grant(guarded: Any) -> None:
    service, app, _ = guarded
    rows = "\n".join(
        [
            "member_id,authority_id,organization,job_category,status,admitted_on,official_on,full_name,birth_date",
            "m-an,hn.xa-a,Chi bộ A,technician,official,2019-05-19,2020-05-19,Phạm Văn An,1990-01-02",
        ]
    )
    editor = app.access.issue_token("to-chuc@xa-a", [Grant("hn.xa-a", Role.EDITOR, personal_data=True)])
    viewer = app.access.issue_token("xem@hn", [Grant("hn", Role.VIEWER)])
    headers = {"Authorization": f"Bearer {editor}"}
    imported = service.post_members_file(
        Request(EnvironBuilder(method="POST", data=rows.encode(), headers=headers).get_environ())
    )
    assert json.loads(imported.get_data())["imported"] == 1

    _, withheld = call(service.show_member, "GET", viewer, "m-an")
    _, shown = call(service.show_member, "GET", editor, "m-an")

    assert (withheld["personal"], withheld["personal_withheld"]) == (None, True)
    assert shown["personal"]["full_name"] == "Phạm Văn An"
