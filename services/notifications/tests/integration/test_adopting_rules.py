"""Notification rules adopted over HTTP: recorded as a `RulesAdopted` event with its rule set,
shown by `GET /rules` with where each value comes from, and used by the deadline scheduler from
the moment they are recorded; a superior's rule set received through the consumer
`notifications-superior-rules` covers the authorities the registry puts under it, and a bad one
is dead-lettered with its reason. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from coso_backbone.consumer import Incoming
from coso_backbone.contracts.registry import AuthorityLevel, AuthorityRegistered
from coso_backbone.contracts.rules import NotificationRulesAdopted
from coso_backbone.envelope import Envelope
from coso_backbone.rulesets.records import rule_sets
from coso_backbone.schema import dead_letters
from coso_notifications import bootstrap
from coso_notifications.application.commands import RulesOfAuthority
from coso_notifications.domain.deadlines import Deadline, DeadlineKind

pytestmark = pytest.mark.filterwarnings(r"ignore:(?s).*Eventlet is deprecated")

DECISION = "Quyết định 12-QĐ/TU ngày 20/11/2025 của Tỉnh ủy"
DUE = date(2025, 12, 12)  # a Friday: 10 working days after Friday 28 November, 5 after 5 December


def call(method: Callable[..., Any], http: str, body: Any = None, **query: str) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body)
    request = Request(EnvironBuilder(method=http, data=data, query_string=query).get_environ())
    answer = method(request)
    return answer.status_code, json.loads(answer.get_data())


def adoption(authority_id: str, effective_from: str, **values: Any) -> dict[str, Any]:
    return {"authority_id": authority_id, "effective_from": effective_from, "legal_basis": DECISION, "values": values}


@pytest.fixture
def http(notifications: Callable[..., Any]) -> Any:
    """The nameko service's HTTP methods, on the app the bootstrap builds for this test's database."""
    import psycopg2.extensions
    from nameko.testing.services import worker_factory

    from coso_notifications.entrypoints.service import NotificationsService

    service = notifications()
    app = bootstrap.build(service.settings)
    yield worker_factory(NotificationsService, app=app), app, service
    psycopg2.extensions.set_wait_callback(None)
    app.store.engine.dispose()


def test_rules_adopted_over_http_are_recorded_as_an_event_and_shown_with_their_origin(http: Any) -> None:
    endpoints, app, _ = http

    status, adopted = call(
        endpoints.post_rules, "POST", adoption("hn", "2025-11-01", decision_due_soon_working_days=10)
    )

    assert status == 201, adopted
    assert (adopted["stream_id"], adopted["values"]) == ("rules-hn", {"decision_due_soon_working_days": 10})
    [event] = [e for e in app.store.read_after(0, 100) if e.stream_id == "rules-hn"]
    assert (event.event_type, event.authority, event.data["legal_basis"]) == ("RulesAdopted", "hn", DECISION)
    with app.store.engine.connect() as connection:
        [row] = connection.execute(select(rule_sets)).all()
    assert (row.position, row.origin, row.authority_id) == (event.position, "adopted", "hn")

    status, shown = call(endpoints.get_rules, "GET", authority_id="hn.kcn-thang-long", on="2025-11-28")
    assert status == 200, shown
    assert shown["rules"]["decision_due_soon_working_days"] == {
        "value": 10,
        "origin": "adopted",
        "authority_id": "hn",
        "effective_from": "2025-11-01",
        "legal_basis": DECISION,
        "source": app.settings.source,
    }
    assert shown["rules"]["file_expiring_working_days"]["origin"] == "default"
    assert shown["rules"]["decision_overdue_roles"]["value"] == ["organization_department"]
    _, before = call(endpoints.get_rules, "GET", authority_id="hn.kcn-thang-long", on="2025-10-31")
    assert before["rules"]["decision_due_soon_working_days"]["value"] == 5
    _, elsewhere = call(endpoints.get_rules, "GET", authority_id="hp", on="2025-11-28")
    assert elsewhere["rules"]["decision_due_soon_working_days"]["origin"] == "default"


def test_a_bad_rule_set_is_refused_naming_the_field_and_nothing_is_recorded(http: Any) -> None:
    endpoints, app, _ = http

    status, refused = call(endpoints.post_rules, "POST", adoption("hn", "2025-11-01", file_expiring_working_days=-3))
    assert status == 422
    assert [e["field"] for e in refused["errors"]] == ["values.file_expiring_working_days"]
    status, refused = call(endpoints.post_rules, "POST", adoption("hn", "2025-11-01", decision_overdue_working_days=3))
    assert status == 422
    assert [e["field"] for e in refused["errors"]] == ["values.decision_overdue_working_days"]
    status, refused = call(endpoints.get_rules, "GET", on="2025-11-28")
    assert status == 422
    assert [e["field"] for e in refused["errors"]] == ["authority_id"]
    assert [e for e in app.store.read_after(0, 100) if e.event_type == "RulesAdopted"] == []


def test_a_reminder_comes_as_many_working_days_ahead_as_the_rule_adopted_for_its_authority(http: Any) -> None:
    endpoints, _, service = http
    for authority in ("hn", "hp"):
        service.subscribe(authority=authority, role="organization_department", channel="feed", target="btc")
    service.track(
        Deadline("c-hn", DeadlineKind.DECISION_DUE, DUE, "hn.kcn-thang-long"),
        Deadline("c-hp", DeadlineKind.DECISION_DUE, DUE, "hp.an-duong"),
    )
    service.clock.time = datetime(2025, 11, 28, 2, 0, tzinfo=UTC)  # Friday 28 November, 9:00 in Hà Nội
    scheduler = service.scheduler()  # one scheduler, as the worker keeps it

    assert scheduler.evaluate().fired == 0  # 10 working days ahead: the default 5 does not fire yet
    status, _ = call(endpoints.post_rules, "POST", adoption("hn", "2025-11-01", decision_due_soon_working_days=10))
    assert status == 201
    assert scheduler.evaluate().fired == 1

    [reminder] = service.log(rule="decision_due_soon")
    assert (reminder["subject"], reminder["scheduled_at"][:10]) == ("c-hn", "2025-11-28")
    service.clock.time = datetime(2025, 12, 5, 2, 0, tzinfo=UTC)  # 5 working days ahead: hp's default fires
    scheduler.evaluate()
    assert sorted(r["subject"] for r in service.log(rule="decision_due_soon")) == ["c-hn", "c-hp"]


def _from(source: str, position: int, data: dict[str, Any]) -> Incoming:
    envelope = Envelope(
        id=f"{source}-{position}",
        source=source,
        producer="notifications",
        event_type="RulesAdopted",
        version=1,
        time=datetime.now(UTC),
        subject=f"rules-{data['authority_id']}",
        sequence=position,
        authority=data["authority_id"],
        data_json=json.dumps(data),
    )
    return Incoming.from_catch_up(envelope)


def test_a_superior_s_rule_set_is_applied_to_its_subtree_and_a_bad_one_is_dead_lettered(
    notifications: Callable[..., Any],
) -> None:
    service = notifications()
    settings = service.settings
    superior = "/coso/province/notifications"
    consumer = bootstrap.superior_rules_consumer(settings, service.store)
    service.apply(
        service.event(AuthorityRegistered(authority_id="province", name="Tỉnh ủy", level=AuthorityLevel.PROVINCE,
                                          parent_id=None, effective_from=date(2025, 7, 1))),
        service.event(AuthorityRegistered(authority_id="xa", name="Đảng ủy xã", level=AuthorityLevel.COMMUNE,
                                          parent_id="province", effective_from=date(2025, 7, 1))),
    )  # fmt: skip
    good = NotificationRulesAdopted.model_validate(
        adoption("province", "2025-11-01", decision_due_soon_working_days=10)
    )
    bad = {**good.model_dump(mode="json"), "values": {"minimum_official_members": 0}}
    own = {**good.model_dump(mode="json"), "values": {"decision_due_soon_working_days": 1}}

    outcome = consumer.apply(
        [_from(superior, 1, good.model_dump(mode="json")), _from(superior, 2, bad), _from(settings.source, 1, own)]
    )

    assert (outcome.applied, outcome.dead_lettered, outcome.skipped) == (1, 1, 1)
    assert consumer.checkpoints() == {superior: 2}
    with service.store.engine.connect() as connection:
        [letter] = connection.execute(dead_letters.select()).all()
    assert (letter.position, letter.consumer) == (2, bootstrap.SUPERIOR_RULES_CONSUMER)
    assert "values.minimum_official_members" in letter.reason

    app = bootstrap.build(settings)
    try:
        shown = app.rules.in_force(RulesOfAuthority(authority_id="xa", on=date(2025, 11, 28)))["rules"]
        assert {k: shown["decision_due_soon_working_days"][k] for k in ("value", "origin", "source")} == {
            "value": 10,
            "origin": "received",
            "source": superior,
        }
    finally:
        app.store.engine.dispose()
    for authority in ("xa", "other"):
        service.subscribe(authority=authority, role="organization_department", channel="feed", target="btc")
    service.track(
        Deadline("c-xa", DeadlineKind.DECISION_DUE, DUE, "xa"),
        Deadline("c-other", DeadlineKind.DECISION_DUE, DUE, "other"),
    )
    service.clock.time = datetime(2025, 11, 28, 2, 0, tzinfo=UTC)
    service.scheduler().evaluate()
    assert [r["subject"] for r in service.log(rule="decision_due_soon")] == ["c-xa"]


def test_the_command_line_adopts_rules_and_shows_those_in_force(http: Any, tmp_path: Any) -> None:
    from coso_notifications.entrypoints.cli import app as cli

    _, _, service = http
    config = tmp_path / "notifications.yml"
    config.write_text(
        "coso:\n  service: notifications\n  database_url: " + service.settings.database_url
        + "\n  amqp_uri: " + service.settings.amqp_uri + "\n  http_port: 0\n  metrics_port: 0\n",
        encoding="utf-8",
    )  # fmt: skip
    runner = CliRunner()

    adopted = runner.invoke(
        cli,
        ["adopt-rules", "--config", str(config), "--authority", "hn", "--from", "2026-01-01",
         "--legal-basis", DECISION, "--set", "minimum_official_members=5", "--set", "file_expiring_enabled=false"],
    )  # fmt: skip
    refused = runner.invoke(
        cli,
        ["adopt-rules", "--config", str(config), "--authority", "hn", "--from", "2026-01-01",
         "--legal-basis", DECISION, "--set", "minimum_official_members=lots"],
    )  # fmt: skip
    shown = runner.invoke(cli, ["rules", "--config", str(config), "--authority", "hn.kcn", "--on", "2026-02-01"])

    assert adopted.exit_code == 0, adopted.output
    assert (refused.exit_code, "values.minimum_official_members" in refused.output) == (2, True)
    assert shown.exit_code == 0, shown.output
    assert "minimum_official_members = 5  [adopted (hn from 2026-01-01: " in shown.output
    assert "file_expiring_enabled = False  [adopted" in shown.output
    assert "decision_due_soon_working_days = 5  [default]" in shown.output
