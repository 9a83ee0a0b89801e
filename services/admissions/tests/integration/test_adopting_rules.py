"""Rules adopted over HTTP: recorded as a `RulesAdopted` event, shown by `GET /rules` with
where each value comes from, and applied by the pipeline from their effective date; an
authority adopts only for a subtree it is granted, and a bad value is refused naming the field.

The nameko service runs on SQLite with access control on; authorities and enterprises are
announced the way the registry's events would announce them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

from coso_admissions import bootstrap
from coso_admissions.application.commands import ProposeCandidate
from coso_admissions.domain.access import Grant, Role
from coso_backbone.config import CosoSettings
from coso_backbone.consumer import Incoming
from coso_backbone.contracts.rules import AdmissionRulesAdopted
from coso_backbone.envelope import Envelope
from coso_backbone.rulesets.records import rule_sets
from coso_backbone.schema import dead_letters
from coso_backbone.testing import call_with_token as call

pytestmark = pytest.mark.filterwarnings(r"ignore:(?s).*Eventlet is deprecated")

DECISION = "Quyết định 12-QĐ/TU ngày 20/11/2024 của Tỉnh ủy"


@pytest.fixture
def guarded(
    settings_for: Callable[..., CosoSettings], announcements_for: Callable[..., Any], sqlite_url: str
) -> Iterator[tuple[Any, bootstrap.AdmissionsApp]]:
    """Province hn with communes xa-a and xa-b; `options.rules` sets the vote share for hn."""
    import psycopg2.extensions
    from nameko.testing.services import worker_factory

    from coso_admissions.entrypoints.service import AdmissionsService

    settings = settings_for(sqlite_url)
    options = {
        **settings.options,
        "access_control": True,
        "rules": [{"authority": "hn", "effective_from": "2024-01-01", "vote_share": "3/4"}],
    }
    settings = settings.model_copy(update={"options": options})
    bootstrap.migrate(settings)
    app = bootstrap.build(settings)
    registry = announcements_for(app)
    registry.apply(
        registry.authority("hn", None),
        registry.authority("xa-a", "hn"),
        registry.authority("xa-b", "hn"),
        registry.enterprise("ent-a", "xa-a", tax_code="0100109106"),
    )
    yield worker_factory(AdmissionsService, app=app), app
    psycopg2.extensions.set_wait_callback(None)
    app.store.engine.dispose()


def adoption(authority_id: str, effective_from: str, **values: Any) -> dict[str, Any]:
    return {"authority_id": authority_id, "effective_from": effective_from, "legal_basis": DECISION, "values": values}


def walk_to_grassroots_resolution(
    app: bootstrap.AdmissionsApp, admission_path: list[tuple[str, dict[str, Any]]]
) -> dict[str, Any]:
    command = ProposeCandidate.model_validate(
        {
            "enterprise_id": "ent-a",
            "source_channel": "enterprise_trade_union",
            "job_category": "production_worker",
            "proposed_on": "2024-08-01",
        }
    )
    candidate_id = app.admissions.propose_candidate(command)["candidate_id"]
    state: dict[str, Any] = {}
    for step, body in admission_path:
        state = app.admissions.advance(candidate_id, step, body)
        if step == "grassroots-resolution":
            break
    return state


def test_rules_adopted_for_a_province_set_its_communes_decision_deadline_from_their_date(
    guarded: Any, admission_path: list[tuple[str, dict[str, Any]]]
) -> None:
    service, app = guarded
    editor = app.access.issue_token("tcto@hn", [Grant("hn", Role.EDITOR)])

    status, adopted = call(service.post_rules, "POST", editor, adoption("hn", "2024-12-01", decision_working_days=45))

    assert status == 201, adopted
    assert (adopted["stream_id"], adopted["values"]) == ("rules-hn", {"decision_working_days": 45})
    recorded = app.store.read_after(0, 100)
    assert [(e.event_type, e.stream_id) for e in recorded][-1] == ("RulesAdopted", "rules-hn")
    status, shown = call(service.get_rules, "GET", editor, authority_id="xa-a", on="2024-12-16")
    assert status == 200
    rules = shown["rules"]
    assert rules["decision_working_days"] == {
        "value": 45,
        "origin": "adopted",
        "authority_id": "hn",
        "effective_from": "2024-12-01",
        "legal_basis": DECISION,
        "source": app.settings.source,
    }
    assert (rules["vote_share"]["value"], rules["vote_share"]["origin"]) == ("3/4", "options")
    assert (rules["probation_months"]["value"], rules["probation_months"]["origin"]) == (12, "default")
    before = call(service.get_rules, "GET", editor, authority_id="xa-a", on="2024-11-30")[1]["rules"]
    assert before["decision_working_days"]["origin"] == "default"

    # The grassroots resolution of 16 December 2024: decided within 45 working days, not 60.
    resolved = walk_to_grassroots_resolution(app, admission_path)
    assert resolved["deadlines"]["decision_due"] == "2025-02-25"  # 2025-03-18 with the default 60


def test_a_commune_s_own_rule_beats_the_province_s_and_its_editor_cannot_adopt_for_the_province(
    guarded: Any,
) -> None:
    service, app = guarded
    province = app.access.issue_token("tcto@hn", [Grant("hn", Role.EDITOR)])
    commune = app.access.issue_token("dangu@xa-a", [Grant("xa-a", Role.EDITOR)])

    assert call(service.post_rules, "POST", province, adoption("hn", "2025-01-01", probation_months=18))[0] == 201
    assert call(service.post_rules, "POST", commune, adoption("xa-a", "2024-06-01", probation_months=15))[0] == 201
    status, refused = call(service.post_rules, "POST", commune, adoption("hn", "2025-01-01", probation_months=6))

    assert (status, refused["field"]) == (403, "authority_id")
    shown = lambda authority: call(service.get_rules, "GET", province, authority_id=authority, on="2025-06-01")[1]  # noqa: E731
    assert shown("xa-a")["rules"]["probation_months"]["value"] == 15  # the nearest authority wins
    assert shown("xa-b")["rules"]["probation_months"]["value"] == 18
    with app.store.engine.connect() as connection:
        assert len(connection.execute(rule_sets.select()).all()) == 2


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"decision_working_days": -1}, "values.decision_working_days"),
        ({"vote_share": "3/2"}, "values.vote_share"),
        ({"decision_days": 45}, "values.decision_days"),
        ({}, "values"),
    ],
)
def test_a_bad_rule_is_refused_naming_its_field_and_nothing_is_recorded(
    guarded: Any, values: dict[str, Any], field: str
) -> None:
    service, app = guarded
    editor = app.access.issue_token("tcto@hn", [Grant("hn", Role.EDITOR)])
    before = app.store.last_position()

    status, refused = call(service.post_rules, "POST", editor, adoption("hn", "2025-01-01", **values))

    assert status == 422
    assert [e["field"] for e in refused["errors"]] == [field]
    assert app.store.last_position() == before


def test_a_legal_basis_is_required(guarded: Any) -> None:
    service, app = guarded
    editor = app.access.issue_token("tcto@hn", [Grant("hn", Role.EDITOR)])
    body = {**adoption("hn", "2025-01-01", decision_working_days=45), "legal_basis": " "}

    status, refused = call(service.post_rules, "POST", editor, body)

    assert (status, [e["field"] for e in refused["errors"]]) == (422, ["legal_basis"])


def test_a_superior_s_rule_set_is_received_and_a_bad_one_is_dead_lettered_with_its_reason(
    settings_for: Callable[..., CosoSettings], sqlite_url: str, run_id: str
) -> None:
    settings = settings_for(sqlite_url)
    bootstrap.migrate(settings)
    app = bootstrap.build(settings)
    consumer = bootstrap.superior_rules_consumer(settings, app.store)
    superior = f"/coso/{run_id}-province/admissions"
    good = AdmissionRulesAdopted.model_validate(
        {
            "authority_id": "hn",
            "effective_from": "2026-01-01",
            "legal_basis": DECISION,
            "values": {"probation_months": 18},
        }
    )

    def envelope(position: int, data: dict[str, Any], source: str = superior) -> Envelope:
        return Envelope(
            id=f"e-{position}",
            source=source,
            producer="admissions",
            event_type="RulesAdopted",
            version=1,
            time=datetime.now(UTC),
            subject="rules-hn",
            sequence=position,
            authority="hn",
            data_json=json.dumps(data),
        )

    bad = {**good.model_dump(mode="json"), "values": {"decision_working_days": -5}}
    own = {**good.model_dump(mode="json"), "values": {"probation_months": 3}}
    try:
        outcome = consumer.apply(
            [
                Incoming.from_catch_up(envelope(1, good.model_dump(mode="json"))),
                Incoming.from_catch_up(envelope(2, bad)),
                Incoming.from_catch_up(envelope(1, own, source=settings.source)),  # this stack's own: not applied
            ]
        )

        assert (outcome.applied, outcome.dead_lettered, outcome.skipped) == (1, 1, 1)
        rule = app.rules.book("hn").in_force("hn", date(2026, 2, 1))["probation_months"]
        assert (rule.value, rule.origin.value, rule.source) == (18, "received", superior)
        with app.store.engine.connect() as connection:
            [letter] = connection.execute(dead_letters.select()).all()
        assert (letter.position, letter.consumer) == (2, bootstrap.SUPERIOR_RULES_CONSUMER)
        assert "values.decision_working_days" in letter.reason
        assert consumer.checkpoints() == {superior: 2}
    finally:
        app.store.engine.dispose()
