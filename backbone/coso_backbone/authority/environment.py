"""The settings every process of a stack reads, and the environment file that carries them.

The services' config.yml files read these through `${VAR:default}`; one file per stack is
what lets several authorities share one server and one set of service configurations.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from coso_backbone.authority.model import READ_API_PRODUCERS, SERVICES, AuthorityStack

# Ports inside a container; the host's ports are the authority's (compose maps them).
_CONTAINER_API_PORT = {service: 8001 + i for i, service in enumerate(SERVICES)}
_CONTAINER_METRICS_PORT = {service: 9101 + i for i, service in enumerate(SERVICES)}


def _access_settings(stack: AuthorityStack) -> dict[str, str]:
    """Who may call the APIs and the keys sealing personal data: the same wherever the stack runs."""
    return {
        "COSO_REGISTRY_ACCESS_CONTROL": str(stack.access_control).lower(),
        "COSO_ADMISSIONS_ACCESS_CONTROL": str(stack.access_control).lower(),
        "COSO_REPORTING_ACCESS_CONTROL": str(stack.access_control).lower(),
        "COSO_ADMISSIONS_MASTER_KEYS": stack.admissions_master_keys,
    }


def environment(stack: AuthorityStack, checkout: Path | None = None) -> dict[str, str]:
    """The variables every process of the stack reads (services' config.yml `${VAR:default}`).

    With `checkout`, the services' config files are read from the checkout (a process manager
    on a development machine); otherwise from paths.config_dir (an installed server).
    """
    env: dict[str, str] = {
        "COSO_DEPLOYMENT": stack.name,
        "COSO_AMQP_URI": stack.rabbitmq.uri(),
        **_access_settings(stack),
    }
    for service in SERVICES:
        key = service.upper()
        config = checkout / "services" / service / "config.yml" if checkout else Path(stack.paths.config_dir)
        env[f"COSO_{key}_CONFIG"] = str(config if checkout else config / f"{service}.yml")
        env[f"COSO_{key}_DATABASE_URL"] = stack.database(service)
        env[f"COSO_{key}_HTTP"] = f"{stack.bind_host}:{stack.ports.api(service)}"
        env[f"COSO_{key}_METRICS_PORT"] = str(stack.ports.metrics(service))
    for producer in READ_API_PRODUCERS:
        env[f"COSO_{producer.upper()}_URL"] = stack.api_url(producer)
    return {**env, **stack.environment}


def compose_env(stack: AuthorityStack) -> dict[str, str]:
    """Settings of deploy/container/compose.yml: containers reach each other by service name."""
    database_password = urlsplit(stack.database("registry")).password or stack.rabbitmq.password
    env = {
        "COMPOSE_PROJECT_NAME": "coso-" + re.sub(r"[^a-z0-9-]", "-", stack.name),
        "COSO_DEPLOYMENT": stack.name,
        "COSO_RABBITMQ_VHOST": stack.rabbitmq.vhost,
        "COSO_RABBITMQ_USER": stack.rabbitmq.user,
        "COSO_RABBITMQ_PASSWORD": stack.rabbitmq.password,
        "COSO_AMQP_URI": stack.rabbitmq.uri(host="rabbitmq").replace(f":{stack.rabbitmq.port}/", ":5672/"),
        # The database container's password: the one in database_url if it has one, else the broker's.
        "COSO_POSTGRES_PASSWORD": database_password,
        **_access_settings(stack),
        "COSO_MIGRATE_BEFORE_API": "true",
    }
    for service in SERVICES:
        key = service.upper()
        env[f"COSO_{key}_DATABASE_URL"] = f"postgresql+psycopg2://coso:{database_password}@postgres:5432/coso_{service}"
        env[f"COSO_{key}_HTTP"] = f"0.0.0.0:{_CONTAINER_API_PORT[service]}"
        env[f"COSO_{key}_METRICS_PORT"] = str(_CONTAINER_METRICS_PORT[service])
        env[f"COSO_{key}_API_PORT_ON_HOST"] = str(stack.ports.api(service))
    for producer in READ_API_PRODUCERS:
        env[f"COSO_{producer.upper()}_URL"] = f"http://{producer}-api:{_CONTAINER_API_PORT[producer]}"
    return {**env, **stack.environment}


def env_file_text(stack: AuthorityStack, env: Mapping[str, str]) -> str:
    lines = [
        f"# coso stack of {stack.authority.name} ({stack.authority.id}, {stack.authority.level.value}).",
        "# Rendered by `coso-authority render` from the authority file: edit that file, not this one.",
        "# systemd EnvironmentFile= syntax (also read by honcho -e): KEY=value, no quotes, no expansion.",
    ]
    lines += [f"{key}={value}" for key, value in env.items()]
    return "\n".join(lines) + "\n"


def read_env_file(path: Path) -> dict[str, str]:
    env = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            env[key.strip()] = value.strip()
    return env
