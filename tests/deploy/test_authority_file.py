"""The authority file: validation that names the field, and what `render` writes from it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from coso_backbone.authority.cli import main
from coso_backbone.authority.environment import environment
from coso_backbone.authority.loading import AuthorityFileError, load_authority
from coso_backbone.authority.model import SERVICES, AuthorityStack
from coso_backbone.authority.render import render, with_coso_settings
from coso_backbone.config import substitute_env

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
EXAMPLE = DEPLOY / "authority.example.yml"
ENV = {"COSO_HN_BA_DINH_AMQP_PASSWORD": "s3cret"}


def document(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "authority": {"id": "hn", "name": "Thành ủy Hà Nội", "level": "province"},
        "rabbitmq": {"vhost": "hn", "user": "coso-hn", "password": "abc123"},
        "database_url": "postgresql+psycopg2://coso@/coso_hn_{service}?host=/run/postgresql",
        "ports": {"api_base": 8100, "metrics_base": 9100},
    }
    base.update(changes)
    return base


def problems(tmp_path: Path, content: dict[str, Any] | str, env: dict[str, str] | None = None) -> list[str]:
    path = tmp_path / "authority.yml"
    path.write_text(content if isinstance(content, str) else yaml.safe_dump(content, allow_unicode=True))
    with pytest.raises(AuthorityFileError) as raised:
        load_authority(path, env or {})
    return raised.value.problems


def test_the_example_file_is_valid_and_names_a_commune_under_its_province() -> None:
    stack = load_authority(EXAMPLE, ENV)
    assert stack.name == "hn.ba-dinh" and stack.authority.level == "commune"
    assert stack.superior is not None and stack.superior.authority_id == "hn"
    assert stack.rabbitmq.uri() == "amqp://coso-hn.ba-dinh:s3cret@127.0.0.1:5672/hn.ba-dinh"
    assert [stack.ports.api(s) for s in SERVICES] == [8201, 8202, 8203, 8204]
    assert stack.links[0]["lower"]["deployment"] == "hn.ba-dinh"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"authority": {"id": "xa", "name": "Xã", "level": "commune"}}, "superior: a commune authority needs"),
        ({"authority": {"id": "Hà Nội", "name": "x", "level": "province"}}, "authority.id: String should match"),
        ({"authority": {"id": "hn", "name": "x", "level": "ward"}}, "authority.level: Input should be"),
        ({"rabbitmq": {"vhost": "hn", "user": "u", "password": "CHANGE-ME"}}, "rabbitmq.password: set the broker"),
        ({"rabbitmq": {"vhost": "hn", "user": "u", "password": "p@ss"}}, "rabbitmq.password: String should match"),
        ({"rabbitmq": {"vhost": "/", "user": "u", "password": "p"}}, "rabbitmq.vhost"),
        ({"database_url": "sqlite:///one.db"}, "database_url: each service needs its own database"),
        ({"ports": {"api_base": 8100, "metrics_base": 8102}}, "ports: Value error, api_base and metrics_base"),
        ({"databases": {"billing": "sqlite:///b.db"}}, "databases.billing: unknown service"),
        ({"environment": {"PATH": "/tmp"}}, "environment.PATH: names must look like COSO_"),
        ({"colour": "red"}, "colour: Extra inputs are not permitted"),
        ({"links": [{"name": "x", "superior": {"deployment": "a"}, "lower": {"deployment": "b"}}]}, "links.0: neither"),
    ],
)
def test_a_bad_file_is_refused_with_the_field_named(tmp_path: Path, changes: dict[str, Any], expected: str) -> None:
    found = problems(tmp_path, document(**changes))
    assert any(expected.replace("ports: Value error, ", "ports: ") in p for p in found), found


def test_a_link_up_must_go_to_the_superior_the_file_names(tmp_path: Path) -> None:
    content = yaml.safe_load(EXAMPLE.read_text())
    content["links"][0]["superior"]["vhost"] = "hcm"
    text = yaml.safe_dump(content, allow_unicode=True)
    assert problems(tmp_path, text, ENV) == ["links.0.superior.vhost: 'hcm' is not the superior's 'hn'"]


def test_a_missing_variable_and_a_missing_file_are_named(tmp_path: Path) -> None:
    assert problems(tmp_path, EXAMPLE.read_text()) == [
        "environment variable COSO_HN_BA_DINH_AMQP_PASSWORD is required by the configuration"
    ]
    with pytest.raises(AuthorityFileError, match="cannot read it"):
        load_authority(tmp_path / "absent.yml", {})


def test_check_prints_the_problems_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "a.yml"
    path.write_text(yaml.safe_dump(document(ports={"api_base": 8100})))
    assert main(["check", str(path)]) == 2
    assert "ports.metrics_base: Field required" in capsys.readouterr().err


def test_two_authorities_render_environments_that_share_nothing(tmp_path: Path) -> None:
    province = AuthorityStack.model_validate(document())
    commune = load_authority(EXAMPLE, ENV)
    envs = [environment(province), environment(commune)]
    for key in ("COSO_DEPLOYMENT", "COSO_AMQP_URI"):
        assert envs[0][key] != envs[1][key]
    ports = [
        value.rsplit(":", 1)[-1]
        for env in envs
        for key, value in env.items()
        if key.endswith(("_HTTP", "_METRICS_PORT"))
    ]
    assert len(ports) == 16 and len(set(ports)) == 16
    databases = [env[f"COSO_{s.upper()}_DATABASE_URL"] for env in envs for s in SERVICES]
    assert len(set(databases)) == 8
    # Every variable the services' config.yml reads for these settings is set.
    for service in SERVICES:
        config = (ROOT / "services" / service / "config.yml").read_text()
        for name in re.findall(
            r"\$\{(COSO_(?:REGISTRY|ADMISSIONS|REPORTING|NOTIFICATIONS)_(?:URL|HTTP|METRICS_PORT|DATABASE_URL))\b",
            config,
        ):
            assert name in envs[1], (service, name)


def test_render_writes_env_procfile_units_compose_helm_and_prometheus(tmp_path: Path) -> None:
    stack = load_authority(EXAMPLE, ENV)
    written = {p.relative_to(tmp_path).as_posix() for p in render(stack, tmp_path, DEPLOY)}
    assert {"hn.ba-dinh.env", "Procfile", "compose.env", "helm-values.yml", "prometheus.yml", "links.yml"} <= written
    assert "systemd/coso-registry-api@.service" in written and "systemd/coso@.target" in written
    assert (tmp_path / "hn.ba-dinh.env").stat().st_mode & 0o077 == 0  # it holds the broker password
    env = dict(line.split("=", 1) for line in (tmp_path / "hn.ba-dinh.env").read_text().splitlines() if "=" in line)
    assert env["COSO_REGISTRY_HTTP"] == "127.0.0.1:8201" and env["COSO_NOTIFICATIONS_METRICS_PORT"] == "9204"
    # The link up lets the superior read registry's events: registry gets a config of its own
    # with the link's read-API token; a service no link touches keeps the installed config.
    assert env["COSO_REGISTRY_CONFIG"] == str(tmp_path / "config" / "registry.yml")
    assert "read_api_links" in yaml.safe_load((tmp_path / "config" / "registry.yml").read_text())["coso"]
    assert (
        env["COSO_NOTIFICATIONS_CONFIG"] == "/etc/coso/notifications.yml" and env["COSO_TIMEZONE"] == "Asia/Ho_Chi_Minh"
    )
    procfile = (tmp_path / "Procfile").read_text().splitlines()
    assert len(procfile) == 8 and "registry-api: /opt/coso/bin/coso-registry api" in procfile
    target = (tmp_path / "systemd" / "coso@.target").read_text()
    assert all(f"coso-{s}-api@%i.service coso-{s}-worker@%i.service" in target for s in SERVICES)
    unit = (tmp_path / "systemd" / "coso-reporting-worker@.service").read_text()
    assert "EnvironmentFile=/etc/coso/%i.env" in unit and "ExecStart=/opt/coso/bin/coso-reporting worker" in unit
    links = yaml.safe_load((tmp_path / "links.yml").read_text())
    assert links == {"links": stack.links}
    definitions = (tmp_path / "definitions.json").read_text()
    assert '"vhost": "hn.ba-dinh"' in definitions and '"vhost": "coso"' not in definitions
    scrape = yaml.safe_load((tmp_path / "prometheus.yml").read_text())["scrape_configs"]
    assert (
        "127.0.0.1:9203" in scrape[0]["static_configs"][0]["targets"]
        and scrape[1]["job_name"] == "coso-links-hn.ba-dinh"
    )


def test_the_prefix_of_a_checkout_goes_into_the_procfile_and_units(tmp_path: Path) -> None:
    stack = AuthorityStack.model_validate(document(paths={"prefix": "/srv/coso/venv", "config_dir": "/srv/coso/etc"}))
    render(stack, tmp_path, DEPLOY)
    assert "/srv/coso/venv/bin/coso-admissions worker" in (tmp_path / "Procfile").read_text()
    unit = (tmp_path / "systemd" / "coso-admissions-api@.service").read_text()
    assert "ExecStartPre=/srv/coso/venv/bin/coso-admissions migrate" in unit
    assert "EnvironmentFile=/srv/coso/etc/%i.env" in unit and "/opt/coso" not in unit


def test_settings_added_to_a_service_configuration_keep_the_rest_as_it_was() -> None:
    original = (ROOT / "services" / "reporting" / "config.yml").read_text()
    added = {"source_read_apis": {"/coso/hn.ba-dinh/admissions": {"url": "http://127.0.0.1:8202", "token": "t" * 16}}}
    combined = with_coso_settings(original, added)
    assert combined.startswith(original[: original.index("LOGGING:")].rstrip("\n"))
    env = {"COSO_REPORTING_METRICS_PORT": "9203"}
    before, after = (yaml.safe_load(substitute_env(text, env)) for text in (original, combined))
    assert after["coso"] == {**before["coso"], **added}
    assert {k: v for k, v in after.items() if k != "coso"} == {k: v for k, v in before.items() if k != "coso"}
    with pytest.raises(ValueError, match=r"coso.metrics_port is already set"):
        with_coso_settings(original, {"metrics_port": 1})
