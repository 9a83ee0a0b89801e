"""Container and Helm files agree with what `coso-authority render` writes.

No container engine or helm binary is needed: the files are parsed and cross-checked (every
variable compose reads is rendered, every value a template reads exists in values.yaml).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

from coso_backbone.authority.environment import compose_env
from coso_backbone.authority.loading import load_authority
from coso_backbone.authority.model import SERVICES
from coso_backbone.authority.render import helm_values

ROOT = Path(__file__).resolve().parents[2]
CONTAINER = ROOT / "deploy" / "container"
CHART = ROOT / "deploy" / "helm" / "coso"
STACK = load_authority(ROOT / "deploy" / "authority.example.yml", {"COSO_HN_BA_DINH_AMQP_PASSWORD": "s3cret"})


def test_compose_runs_rabbitmq_postgres_and_eight_service_containers() -> None:
    compose = yaml.safe_load((CONTAINER / "compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"rabbitmq", "postgres"} | {f"{s}-{k}" for s in SERVICES for k in ("api", "worker")}
    for service in SERVICES:
        assert services[f"{service}-api"]["command"] == [service, "api"]
        assert services[f"{service}-worker"]["depends_on"] == {f"{service}-api": {"condition": "service_healthy"}}


def test_every_variable_compose_requires_is_rendered_from_the_authority_file() -> None:
    text = (CONTAINER / "compose.yml").read_text()
    required = set(re.findall(r"\$\{([A-Z0-9_]+):\?", text))
    rendered = set(compose_env(STACK)) | {"COSO_COMPOSE_ENV_FILE"}
    assert required and required - rendered == set()
    env = compose_env(STACK)
    assert env["COSO_REGISTRY_API_PORT_ON_HOST"] == "8201" and env["COSO_RABBITMQ_VHOST"] == "hn.ba-dinh"
    assert env["COSO_AMQP_URI"] == "amqp://coso-hn.ba-dinh:s3cret@rabbitmq:5672/hn.ba-dinh"
    assert env["COSO_REPORTING_URL"] == "http://reporting-api:8003" and env["COSO_ADMISSIONS_HTTP"] == "0.0.0.0:8002"


def test_the_image_copies_files_that_exist_and_its_scripts_parse() -> None:
    dockerfile = (CONTAINER / "Dockerfile").read_text()
    for source in re.findall(r"^COPY (?!--from)(\S+)", dockerfile, flags=re.MULTILINE):
        assert (ROOT / source).exists(), source
    for script in (CONTAINER / "entrypoint.sh", CONTAINER / "initdb" / "create-databases.sh"):
        assert script.stat().st_mode & 0o111
        subprocess.run(["sh", "-n", str(script)], check=True)


def test_the_entrypoint_refuses_an_unknown_service() -> None:
    refused = subprocess.run(
        ["sh", str(CONTAINER / "entrypoint.sh"), "billing", "api"], capture_output=True, text=True, check=False
    )
    assert refused.returncode == 2 and "unknown service 'billing'" in refused.stderr


def test_the_chart_reads_only_values_it_declares_and_render_fills_them() -> None:
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    assert yaml.safe_load((CHART / "Chart.yaml").read_text())["name"] == "coso"
    for template in (CHART / "templates").iterdir():
        text = template.read_text()
        opened = len(re.findall(r"\{\{-?\s*(?:if|range|with|define)\b", text))
        assert opened == len(re.findall(r"\{\{-?\s*end\b", text)), template.name
        for path in re.findall(r"\$?\.Values\.([A-Za-z0-9_.]+)", text):
            node = values
            for part in path.split("."):
                assert isinstance(node, dict) and part in node, f"{template.name}: .Values.{path}"
                node = node[part]
    rendered = helm_values(STACK)
    assert set(rendered) <= set(values)
    assert set(rendered["databases"]) == set(values["databases"]) == set(values["services"]) == set(SERVICES)
    assert rendered["deployment"] == "hn.ba-dinh" and rendered["links"] == STACK.links
