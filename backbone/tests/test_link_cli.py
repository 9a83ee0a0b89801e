"""`coso-link` without a broker: a bad link file is named and refused; service-config prints
what a service's settings gain from the links."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from coso_backbone.config import CosoSettings
from coso_backbone.links.cli import app

LINKS = """
links:
  - name: hn-ba-dinh
    superior: {deployment: hn, vhost: hn}
    lower: {deployment: hn.ba-dinh, vhost: hn.ba-dinh, read_apis: {admissions: "http://10.0.5.20:8102"}}
    up: {password: up-secret, read_api_token: t0ken-of-the-link-0001, policy: all}
    down: {password: down-secret}
"""


def test_a_bad_link_file_is_refused_with_the_field_at_fault(tmp_path: Path) -> None:
    path = tmp_path / "links.yml"
    path.write_text(LINKS.replace("policy: all", "policy: everything"), encoding="utf-8")

    result = CliRunner().invoke(app, ["apply", str(path)])

    assert result.exit_code == 2
    assert "links.0.up.policy" in result.output


def test_service_config_prints_settings_a_service_accepts(tmp_path: Path) -> None:
    path = tmp_path / "links.yml"
    path.write_text(LINKS, encoding="utf-8")
    runner = CliRunner()

    above = runner.invoke(app, ["service-config", "-f", str(path), "--deployment", "hn", "--service", "reporting"])
    below = runner.invoke(
        app, ["service-config", "-f", str(path), "--deployment", "hn.ba-dinh", "--service", "admissions"]
    )

    base = {
        "service": "reporting",
        "database_url": "sqlite://",
        "amqp_uri": "amqp://",
        "http_port": 1,
        "metrics_port": 0,
    }
    superior = CosoSettings.model_validate({**base, **yaml.safe_load(above.output)})
    lower = CosoSettings.model_validate({**base, "service": "admissions", **yaml.safe_load(below.output)})
    assert superior.source_read_apis["/coso/hn.ba-dinh/admissions"].token == "t0ken-of-the-link-0001"
    assert [(a.link, a.policy) for a in lower.read_api_links] == [("hn-ba-dinh", "all")]
