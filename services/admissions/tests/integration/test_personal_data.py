"""Personal data sealed per person, and erased by destroying the person's key."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from coso_admissions import bootstrap
from coso_admissions.adapters.tables import person_keys
from coso_admissions.application.commands import CandidatesOfAuthority, ErasePerson, ProposeCandidate
from coso_admissions.bootstrap import AdmissionsApp
from coso_admissions.domain.errors import PersonalDataUnavailable, StepOutOfOrder
from coso_backbone.config import CosoSettings

pytestmark = pytest.mark.filterwarnings(r"ignore:(?s).*Eventlet is deprecated")

AN = {
    "full_name": "Nguyễn Thị Lan",
    "birth_date": "1998-04-12",
    "sex": "female",
    "ethnicity": "Tày",
    "national_id": "001198012345",
}


def proposal(personal: dict[str, Any] | None = AN) -> ProposeCandidate:
    return ProposeCandidate.model_validate(
        {
            "enterprise_id": "ent-minh-phat",
            "source_channel": "enterprise_trade_union",
            "job_category": "production_worker",
            "proposed_on": "2025-09-01",
            "personal": personal,
        }
    )


@pytest.fixture
def known(app: AdmissionsApp, registry: Any) -> AdmissionsApp:
    registry.apply(registry.authority("hn.kcn-thang-long"), registry.enterprise("ent-minh-phat", "hn.kcn-thang-long"))
    return app


def stored_event_texts(app: AdmissionsApp) -> str:
    return "\n".join(event.data_json for event in app.store.read_after(0))


def test_personal_data_reads_back_but_is_stored_and_published_only_sealed(known: AdmissionsApp) -> None:
    candidate_id = known.admissions.propose_candidate(proposal())["candidate_id"]

    shown = known.admissions.candidate(candidate_id)

    assert shown["personal"]["full_name"] == "Nguyễn Thị Lan"
    assert shown["personal"]["national_id"] == "001198012345"
    assert shown["personal_data"] == "recorded"
    texts = stored_event_texts(known)
    for secret in ("Nguyễn", "Lan", "001198012345", "1998-04-12", "Tày"):
        assert secret not in texts


def test_after_erasure_the_fields_read_as_erased_and_the_counts_stay(known: AdmissionsApp) -> None:
    erased_id = known.admissions.propose_candidate(proposal())["candidate_id"]
    known.admissions.propose_candidate(proposal({**AN, "full_name": "Trần Văn Bình"}))

    known.admissions.erase_person(erased_id, ErasePerson(reason="yêu cầu của chủ thể dữ liệu"))

    shown = known.admissions.candidate(erased_id)
    assert shown["personal_data"] == "erased"
    assert set(shown["personal"].values()) == {"erased"}
    assert [h["type"] for h in shown["history"]] == ["CandidateProposed", "PersonalDataRecorded", "PersonalDataErased"]
    assert shown["stage"] == "proposed" and shown["source_channel"] == "enterprise_trade_union"
    listed = known.admissions.candidates(CandidatesOfAuthority(authority_id="hn.kcn-thang-long"))
    assert len(listed) == 2
    with known.store.engine.connect() as connection:
        assert connection.scalar(select(person_keys.c.person_id).where(person_keys.c.person_id == erased_id)) is None
    with pytest.raises(StepOutOfOrder) as again:
        known.admissions.erase_person(erased_id, ErasePerson(reason="lần hai"))
    assert again.value.rule == "a person is erased once"


def test_without_a_master_key_personal_data_is_refused_and_a_proposal_without_it_still_works(
    settings_for: Callable[..., CosoSettings], sqlite_url: str, announcements_for: Callable[..., Any]
) -> None:
    settings = settings_for(sqlite_url, options={"timezone": "Asia/Ho_Chi_Minh"})
    bootstrap.migrate(settings)
    app = bootstrap.build(settings)
    registry = announcements_for(app)
    registry.apply(registry.enterprise("ent-minh-phat", "hn.kcn-thang-long"))

    with pytest.raises(PersonalDataUnavailable) as refused:
        app.admissions.propose_candidate(proposal())
    assert refused.value.field == "personal"
    assert app.admissions.propose_candidate(proposal(None))["candidate_id"]
    app.store.engine.dispose()


def request(method: str, body: Any) -> Request:
    return Request(EnvironBuilder(method=method, path="/x", data=json.dumps(body)).get_environ())


def test_personal_data_is_recorded_and_erased_over_http(service: Any) -> None:
    candidate_id = service.propose_candidate(
        enterprise_id="ent-minh-phat", source_channel="youth_union", job_category="technician", proposed_on="2025-09-01"
    )["candidate_id"]

    bad = service.put_personal_data(request("PUT", {"personal": {**AN, "national_id": "12AB"}}), candidate_id)
    put = service.put_personal_data(request("PUT", {"personal": AN}), candidate_id)
    erased = service.post_erase(request("POST", {"reason": "yêu cầu của chủ thể dữ liệu"}), candidate_id)

    assert bad.status_code == 422 and json.loads(bad.get_data())["errors"][0]["field"] == "personal.national_id"
    assert put.status_code == 200 and json.loads(put.get_data())["personal_data"] == "recorded"
    assert erased.status_code == 200
    assert service.get_candidate(candidate_id)["personal"]["full_name"] == "erased"


def test_the_command_line_erases_a_person(on_the_command_line: tuple[Any, Path, Any]) -> None:
    from typer.testing import CliRunner

    from coso_admissions.entrypoints.cli import app as cli

    application, config, registry = on_the_command_line
    registry.apply(registry.enterprise("ent-minh-phat", "hn.kcn-thang-long"))
    candidate_id = application.admissions.propose_candidate(proposal())["candidate_id"]

    erased = CliRunner().invoke(cli, ["erase", candidate_id, "--reason", "yêu cầu", "--config", str(config)])
    unknown = CliRunner().invoke(cli, ["erase", "nobody", "--reason", "yêu cầu", "--config", str(config)])

    assert erased.exit_code == 0, erased.output
    assert application.admissions.candidate(candidate_id)["personal"]["full_name"] == "erased"
    assert unknown.exit_code == 1 and "candidate_id" in unknown.output
