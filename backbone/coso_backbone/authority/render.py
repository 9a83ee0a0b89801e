"""What `coso-authority render` writes: every file that runs one authority's stack.

The environment file, Procfile, systemd units, compose and Helm settings, Prometheus scrape
configuration, RabbitMQ definitions and, when the links add settings, per-authority copies of
the services' configuration. Each is a pure function of the authority file (and the release's
deploy/ templates), so rendering twice writes the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from coso_backbone.authority.environment import compose_env, env_file_text, environment
from coso_backbone.authority.linking import link_service_settings
from coso_backbone.authority.model import SERVICES, AuthorityStack


def procfile_text(stack: AuthorityStack) -> str:
    bin_dir = Path(stack.paths.prefix) / "bin"
    return "".join(
        f"{service}-{kind}: {bin_dir / f'coso-{service}'} {kind}\n"
        for service in SERVICES
        for kind in ("api", "worker")
    )


def helm_values(stack: AuthorityStack) -> dict[str, Any]:
    """Values for deploy/helm/coso: the chart's defaults plus what this authority sets."""
    return {
        "authority": {"id": stack.authority.id, "name": stack.authority.name, "level": stack.authority.level.value},
        "deployment": stack.name,
        "superior": stack.superior.model_dump() if stack.superior else None,
        "amqp": {"uri": stack.rabbitmq.uri()},
        "databases": {service: stack.database(service) for service in SERVICES},
        "accessControl": stack.access_control,
        "admissionsMasterKeys": stack.admissions_master_keys,
        "env": dict(stack.environment),
        "links": stack.links,
    }


def prometheus_config(stack: AuthorityStack) -> dict[str, Any]:
    targets = [f"{stack.local_host}:{stack.ports.api(s)}" for s in SERVICES]
    targets += [f"127.0.0.1:{stack.ports.metrics(s)}" for s in SERVICES]
    jobs: list[dict[str, Any]] = [
        {
            "job_name": f"coso-{stack.name}",
            "static_configs": [{"targets": targets, "labels": {"deployment": stack.name}}],
        }
    ]
    if stack.ports.link_metrics is not None:
        link_target = {"targets": [f"127.0.0.1:{stack.ports.link_metrics}"], "labels": {"deployment": stack.name}}
        jobs.append({"job_name": f"coso-links-{stack.name}", "static_configs": [link_target]})
    return {"global": {"scrape_interval": "15s"}, "scrape_configs": jobs}


def definitions(template: Mapping[str, Any], vhost: str) -> dict[str, Any]:
    """The RabbitMQ definitions with this stack's vhost in place of `coso`."""
    rendered = json.loads(json.dumps(template))
    for entry in rendered.get("vhosts", []):
        entry["name"] = vhost
    for kind in ("exchanges", "queues", "bindings", "policies"):
        for entry in rendered.get(kind, []):
            entry["vhost"] = vhost
    return rendered


def systemd_units(stack: AuthorityStack, deploy_dir: Path) -> dict[str, str]:
    """The templated units (coso-<service>-<api|worker>@.service, coso@.target) for this prefix."""
    units = {}
    for unit in sorted((deploy_dir / "systemd").glob("*@.*")):
        text = unit.read_text(encoding="utf-8")
        text = text.replace("/opt/coso/bin/", f"{stack.paths.prefix.rstrip('/')}/bin/")
        units[unit.name] = text.replace("/etc/coso/", f"{stack.paths.config_dir.rstrip('/')}/")
    return units


def with_coso_settings(config_text: str, added: Mapping[str, Any]) -> str:
    """A service's config.yml with keys added to its `coso:` section, the rest kept as text
    (comments and `${VAR:default}` included, since those are substituted when it is read)."""
    lines = config_text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == "coso:"), None)
    if start is None:
        raise ValueError("the configuration has no top-level `coso:` section")
    end = next((i for i in range(start + 1, len(lines)) if lines[i][:1] not in ("", " ", "\n", "#")), len(lines))
    for key in added:
        if any(line.startswith(f"  {key}:") for line in lines[start:end]):
            raise ValueError(f"coso.{key} is already set in the configuration")
    block = yaml.safe_dump(dict(added), allow_unicode=True, sort_keys=True)
    indented = "".join(f"  {line}\n" for line in block.splitlines())
    return "".join(
        [*lines[:end], "  # Added by coso-authority from the authority file's links:\n", indented, *lines[end:]]
    )


def render(stack: AuthorityStack, out: Path, deploy_dir: Path, checkout: Path | None = None) -> list[Path]:
    """Write every file that runs the stack into `out`; return them. Secrets are 0600.

    When the links add settings to a service, its configuration is written too (config/) and
    the environment file points at it.
    """
    env = environment(stack, checkout)
    configs: dict[Path, tuple[str, int]] = {}
    for service, added in link_service_settings(stack).items():
        base = Path(env[f"COSO_{service.upper()}_CONFIG"])
        if not base.exists() and (deploy_dir.parent / "services" / service / "config.yml").exists():
            base = deploy_dir.parent / "services" / service / "config.yml"
        target = (out / "config" / f"{service}.yml").resolve()
        # Readable by the group: the units run as the user coso (`up` gives the file to its group).
        configs[target] = (with_coso_settings(base.read_text(encoding="utf-8"), added), 0o640)
        env[f"COSO_{service.upper()}_CONFIG"] = str(target)
    compose = (out / "compose.env").resolve()
    written = {
        **configs,
        out / f"{stack.name}.env": (env_file_text(stack, env), 0o600),
        out / "Procfile": (procfile_text(stack), 0o644),
        out / "compose.env": (
            "".join(f"{k}={v}\n" for k, v in {**compose_env(stack), "COSO_COMPOSE_ENV_FILE": str(compose)}.items()),
            0o600,
        ),
        out / "helm-values.yml": (yaml.safe_dump(helm_values(stack), allow_unicode=True, sort_keys=False), 0o600),
        out / "prometheus.yml": (yaml.safe_dump(prometheus_config(stack), sort_keys=False), 0o644),
    }
    template = json.loads((deploy_dir / "rabbitmq" / "definitions.json").read_text(encoding="utf-8"))
    written[out / "definitions.json"] = (json.dumps(definitions(template, stack.rabbitmq.vhost), indent=2), 0o644)
    for name, text in systemd_units(stack, deploy_dir).items():
        written[out / "systemd" / name] = (text, 0o644)
    if stack.links:
        links = yaml.safe_dump({"links": stack.links}, allow_unicode=True, sort_keys=False)
        written[out / "links.yml"] = (links, 0o600)
    for path, (text, mode) in written.items():
        _write(path, text, mode)
    return list(written)


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
