"""The worker's checkpoint loop is wired from `options.plan_checkpoints`; bad settings are named."""

from __future__ import annotations

from datetime import date

import pytest

from coso_backbone import wiring
from coso_backbone.config import CosoSettings
from coso_reporting import bootstrap


def _settings(database_url: str, amqp_uri: str, **options: object) -> CosoSettings:
    return CosoSettings(
        service="reporting", database_url=database_url, amqp_uri=amqp_uri, http_port=0, metrics_port=0, options=options
    )


def test_the_worker_runs_the_plan_checkpoints_loop(sqlite_url: str, amqp_uri: str) -> None:
    settings = _settings(sqlite_url, amqp_uri)
    bootstrap.migrate(settings)
    assert "plan-checkpoints" in [name for name, _ in bootstrap.worker_loops(settings)]
    evaluator = bootstrap.plan_checkpoints(settings, wiring.event_store(settings), today=lambda: date(2026, 4, 1))
    assert evaluator.evaluate() == 0  # no plan yet


def test_an_unknown_checkpoint_setting_is_refused_naming_it(sqlite_url: str, amqp_uri: str) -> None:
    settings = _settings(sqlite_url, amqp_uri, plan_checkpoints={"months": [6, 12], "quarters": True})
    with pytest.raises(ValueError, match=r"options\.plan_checkpoints: unknown settings quarters"):
        bootstrap.plan_checkpoints(settings, wiring.event_store(settings))
