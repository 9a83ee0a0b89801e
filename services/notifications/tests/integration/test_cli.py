"""`coso-notifications`: bad options are refused with the setting at fault, before anything runs."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect
from typer.testing import CliRunner

from coso_notifications.entrypoints.cli import app

CONFIG = """
coso:
  service: notifications
  database_url: sqlite:///{db}
  amqp_uri: amqp://guest:guest@127.0.0.1:5672//
  http_port: 8004
  metrics_port: 0
  options:
    webhooks:
      - url: https://hook.example/in
        secret: ""
        rules: [candidate_proposed]
"""


def test_the_worker_refuses_a_webhook_without_a_secret_naming_the_setting(tmp_path: Path) -> None:
    config = tmp_path / "notifications.yml"
    config.write_text(CONFIG.format(db=tmp_path / "n.db"), encoding="utf-8")

    result = CliRunner().invoke(app, ["worker", "--config", str(config)])

    assert result.exit_code == 2
    assert "coso.options.webhooks[0].secret" in result.output
    assert "rule: required" in result.output


def test_migrate_creates_the_delivery_log_and_can_run_again(tmp_path: Path) -> None:
    config = tmp_path / "notifications.yml"
    config.write_text(CONFIG.format(db=tmp_path / "n.db"), encoding="utf-8")

    first = CliRunner().invoke(app, ["migrate", "--config", str(config)])
    again = CliRunner().invoke(app, ["migrate", "--config", str(config)])

    assert (first.exit_code, again.exit_code) == (0, 0)
    assert "is up to date" in again.output
    engine = create_engine(f"sqlite:///{tmp_path / 'n.db'}")
    assert {"events", "notifications_deliveries"} <= set(inspect(engine).get_table_names())
    engine.dispose()
