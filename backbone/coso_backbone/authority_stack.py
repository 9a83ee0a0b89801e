"""One authority's stack from one file: `coso-authority check|render|up|down FILE`.

An authority (a province, a bloc, a commune, an industrial-zone committee) runs the four
services with its own databases, its own RabbitMQ vhost and its own ports, so several
authorities' stacks can share one server. Everything that differs between them is in one
YAML file (deploy/authority.example.yml); everything else is rendered from it: the
environment file the services read, a Procfile, the systemd unit instances, the container
and Helm settings and the Prometheus scrape configuration.

Provisioning (RabbitMQ vhost, user, permissions, definitions; PostgreSQL role and databases;
migrations; systemd start and health) stays in deploy/bin/coso-stack-up, which this command
calls with the rendered environment file: one implementation of those steps, whether an
operator runs the script by hand or this command does. The `links:` part belongs to
`coso-link` (docs/FEDERATION.md) and is handed to it unchanged.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, urlsplit

import requests
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from coso_backbone.config import substitute_env
from coso_backbone.contracts.registry import AuthorityLevel

SERVICES = ("registry", "admissions", "reporting", "notifications")
# Producers whose read API other services (and links) catch up from.
READ_API_PRODUCERS = ("registry", "admissions", "reporting")
ROOT_LEVELS = (AuthorityLevel.CENTRAL, AuthorityLevel.PROVINCE)
ProcessManager = Literal["systemd", "honcho"]

_ID = r"^[a-z0-9]+([.-][a-z0-9]+)*$"
_SECRET = r"^[A-Za-z0-9._~-]+$"
_ENV_KEY = re.compile(r"^COSO_[A-Z0-9_]+$")
# Ports inside a container; the host's ports are the authority's (compose maps them).
_CONTAINER_API_PORT = {service: 8001 + i for i, service in enumerate(SERVICES)}
_CONTAINER_METRICS_PORT = {service: 9101 + i for i, service in enumerate(SERVICES)}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Authority(_Strict):
    """Who runs the stack: the authority as the registry knows it."""

    id: str = Field(pattern=_ID, max_length=100, description="Authority id, e.g. 'hn' or 'hn.ba-dinh'")
    name: str = Field(min_length=1, description="Tên cấp ủy, e.g. 'Đảng ủy phường Ba Đình'")
    level: AuthorityLevel


class SuperiorBroker(_Strict):
    host: str = Field(min_length=1)
    port: int = Field(default=5672, ge=1, le=65535)
    vhost: str = Field(min_length=1)


class Superior(_Strict):
    """The superior authority and where its stack is (what links to it point at)."""

    authority_id: str = Field(pattern=_ID)
    deployment: str = Field(pattern=_ID, description="The superior stack's deployment (its ce-source)")
    rabbitmq: SuperiorBroker
    read_apis: dict[str, str] = Field(default_factory=dict, description="Producer -> base URL of its read API")

    @field_validator("read_apis")
    @classmethod
    def _known_producers(cls, value: dict[str, str]) -> dict[str, str]:
        for producer, url in value.items():
            if producer not in READ_API_PRODUCERS:
                raise ValueError(f"unknown producer {producer!r} (one of {', '.join(READ_API_PRODUCERS)})")
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"{producer}: {url!r} is not an http(s) URL")
        return value


class RabbitMQ(_Strict):
    """This stack's broker: its own vhost and user, never the default vhost '/'."""

    host: str = "127.0.0.1"
    port: int = Field(default=5672, ge=1, le=65535)
    vhost: str = Field(pattern=r"^[A-Za-z0-9._-]+$", description="This authority's vhost (not '/')")
    user: str = Field(pattern=r"^[A-Za-z0-9._-]+$")
    password: str = Field(pattern=_SECRET, description="Letters, digits and . _ ~ - (e.g. openssl rand -hex 24)")

    @field_validator("password")
    @classmethod
    def _not_placeholder(cls, value: str) -> str:
        if value == "CHANGE-ME":
            raise ValueError("set the broker password (e.g. openssl rand -hex 24)")
        return value

    def uri(self, host: str | None = None) -> str:
        return f"amqp://{self.user}:{self.password}@{host or self.host}:{self.port}/{quote(self.vhost, safe='')}"


class Ports(_Strict):
    """Service i (registry=1 … notifications=4) listens on api_base+i; its worker on metrics_base+i."""

    api_base: int = Field(ge=1, le=65530)
    metrics_base: int = Field(ge=1, le=65530)
    link_metrics: int | None = Field(default=None, ge=1, le=65535, description="`coso-link serve-metrics --port`")

    @model_validator(mode="after")
    def _no_overlap(self) -> Ports:
        if abs(self.api_base - self.metrics_base) < len(SERVICES) + 1:
            raise ValueError("api_base and metrics_base are too close: their port ranges overlap")
        ranges = [range(base + 1, base + len(SERVICES) + 1) for base in (self.api_base, self.metrics_base)]
        if self.link_metrics is not None and any(self.link_metrics in r for r in ranges):
            raise ValueError("link_metrics is one of the services' ports")
        return self

    def api(self, service: str) -> int:
        return self.api_base + SERVICES.index(service) + 1

    def metrics(self, service: str) -> int:
        return self.metrics_base + SERVICES.index(service) + 1


class Paths(_Strict):
    prefix: str = Field(default="/opt/coso", description="The virtualenv with coso-<service> in bin/")
    config_dir: str = Field(default="/etc/coso", description="Where <service>.yml and <authority>.env live")
    state_dir: str | None = Field(default=None, description="Working directory; default /var/lib/coso/<authority>")


class AuthorityStack(_Strict):
    """The authority file: everything that makes one authority's stack differ from another's."""

    authority: Authority
    deployment: str | None = Field(
        default=None, pattern=_ID, description="ce-source /coso/<deployment>/<service>; default: the authority id"
    )
    superior: Superior | None = None
    rabbitmq: RabbitMQ
    database_url: str = Field(
        description="Database URL of each service; {service} is replaced by the service name, {state_dir} by the"
        " state directory"
    )
    databases: dict[str, str] = Field(default_factory=dict, description="Service -> URL, overriding database_url")
    ports: Ports
    bind_host: str = Field(default="127.0.0.1", description="Address the APIs listen on")
    paths: Paths = Field(default_factory=Paths)
    access_control: bool = Field(default=True, description="Bearer tokens on registry and admissions HTTP")
    admissions_master_keys: str = Field(default="", description="Fernet keys sealing personal data")
    environment: dict[str, str] = Field(default_factory=dict, description="More COSO_* settings for every service")
    links: list[dict[str, Any]] = Field(default_factory=list, description="Passed to `coso-link apply` unchanged")

    @model_validator(mode="after")
    def _consistent(self) -> AuthorityStack:
        level = self.authority.level
        if self.superior is None and level not in ROOT_LEVELS:
            raise ValueError(f"superior: a {level.value} authority needs its superior authority")
        if self.superior is not None and self.superior.authority_id == self.authority.id:
            raise ValueError("superior.authority_id: an authority cannot be its own superior")
        if self.rabbitmq.vhost == "/":
            raise ValueError("rabbitmq.vhost: give the stack its own vhost, never '/'")
        for service in self.databases:
            if service not in SERVICES:
                raise ValueError(f"databases.{service}: unknown service (one of {', '.join(SERVICES)})")
        urls = [self.database(service) for service in SERVICES]
        if len(set(urls)) != len(urls):
            raise ValueError("database_url: each service needs its own database (use {service} in the URL)")
        for key in self.environment:
            if not _ENV_KEY.match(key):
                raise ValueError(f"environment.{key}: names must look like COSO_SOMETHING")
        return self

    @property
    def name(self) -> str:
        """The deployment name: ce-source, unit instance, state directory, compose project."""
        return self.deployment or self.authority.id

    @property
    def state_dir(self) -> str:
        return self.paths.state_dir or f"/var/lib/coso/{self.name}"

    def database(self, service: str) -> str:
        template = self.databases.get(service, self.database_url)
        return template.replace("{service}", service).replace("{state_dir}", self.state_dir)

    def api_url(self, service: str) -> str:
        host = "127.0.0.1" if self.bind_host in ("0.0.0.0", "::") else self.bind_host
        return f"http://{host}:{self.ports.api(service)}"


class AuthorityFileError(Exception):
    """The authority file cannot be used; `problems` name the fields."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        super().__init__(f"{path}: " + "; ".join(problems))
        self.path = path
        self.problems = problems


def load_authority(path: Path, environ: Mapping[str, str] | None = None) -> AuthorityStack:
    """Read and validate an authority file; `${VAR}` / `${VAR:default}` come from the environment."""
    env = dict(os.environ if environ is None else environ)
    try:
        raw = _substituted(yaml.safe_load(path.read_text(encoding="utf-8")), env)
    except OSError as exc:
        raise AuthorityFileError(path, [f"cannot read it: {exc.strerror}"]) from None
    except KeyError as exc:
        raise AuthorityFileError(path, [str(exc.args[0])]) from None
    except yaml.YAMLError as exc:
        raise AuthorityFileError(path, [f"not valid YAML: {exc}"]) from None
    if not isinstance(raw, dict):
        raise AuthorityFileError(path, ["expected a mapping at the top level"])
    try:
        stack = AuthorityStack.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"]) or "(file)"
            problems.append(f"{where}: {error['msg'].removeprefix('Value error, ')}")
        raise AuthorityFileError(path, problems) from None
    problems = _link_problems(stack)
    if problems:
        raise AuthorityFileError(path, problems)
    return stack


def _substituted(value: Any, env: dict[str, str]) -> Any:
    """`${VAR:default}` in string values only, so comments may mention the syntax."""
    if isinstance(value, str):
        return substitute_env(value, env)
    if isinstance(value, list):
        return [_substituted(item, env) for item in value]
    if isinstance(value, dict):
        return {key: _substituted(item, env) for key, item in value.items()}
    return value


def _link_problems(stack: AuthorityStack) -> list[str]:
    """Each link must have this stack at one of its ends; the link schema itself is coso-link's."""
    problems = []
    for index, link in enumerate(stack.links):
        superior: dict[str, Any] = link["superior"] if isinstance(link.get("superior"), dict) else {}
        lower: dict[str, Any] = link["lower"] if isinstance(link.get("lower"), dict) else {}
        if stack.name not in (superior.get("deployment"), lower.get("deployment")):
            problems.append(f"links.{index}: neither superior.deployment nor lower.deployment is {stack.name!r}")
        elif lower.get("deployment") == stack.name and stack.superior is not None:
            # A link up from this stack goes to the superior the file names, nowhere else.
            for key, expected in (("deployment", stack.superior.deployment), ("vhost", stack.superior.rabbitmq.vhost)):
                if superior.get(key) != expected:
                    problems.append(
                        f"links.{index}.superior.{key}: {superior.get(key)!r} is not the superior's {expected!r}"
                    )
    if problems or not stack.links:
        return problems
    try:  # the link file's own schema, when coso-link is installed
        from coso_backbone.links import spec  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return []
    model = getattr(spec, "LinkFile", None)
    if model is None:
        return []
    try:
        model.model_validate({"links": stack.links})
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
    return problems


# --- rendering ---------------------------------------------------------------------------------


def environment(stack: AuthorityStack, checkout: Path | None = None) -> dict[str, str]:
    """The variables every process of the stack reads (services' config.yml `${VAR:default}`).

    With `checkout`, the services' config files are read from the checkout (a process manager
    on a development machine); otherwise from paths.config_dir (an installed server).
    """
    env: dict[str, str] = {
        "COSO_DEPLOYMENT": stack.name,
        "COSO_AMQP_URI": stack.rabbitmq.uri(),
        "COSO_REGISTRY_ACCESS_CONTROL": str(stack.access_control).lower(),
        "COSO_ADMISSIONS_ACCESS_CONTROL": str(stack.access_control).lower(),
        "COSO_ADMISSIONS_MASTER_KEYS": stack.admissions_master_keys,
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


def env_file_text(stack: AuthorityStack, env: Mapping[str, str]) -> str:
    lines = [
        f"# coso stack of {stack.authority.name} ({stack.authority.id}, {stack.authority.level.value}).",
        "# Rendered by `coso-authority render` from the authority file: edit that file, not this one.",
        "# systemd EnvironmentFile= syntax (also read by honcho -e): KEY=value, no quotes, no expansion.",
    ]
    lines += [f"{key}={value}" for key, value in env.items()]
    return "\n".join(lines) + "\n"


def procfile_text(stack: AuthorityStack) -> str:
    bin_dir = Path(stack.paths.prefix) / "bin"
    return "".join(
        f"{service}-{kind}: {bin_dir / f'coso-{service}'} {kind}\n"
        for service in SERVICES
        for kind in ("api", "worker")
    )


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
        "COSO_REGISTRY_ACCESS_CONTROL": str(stack.access_control).lower(),
        "COSO_ADMISSIONS_ACCESS_CONTROL": str(stack.access_control).lower(),
        "COSO_ADMISSIONS_MASTER_KEYS": stack.admissions_master_keys,
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
    host = "127.0.0.1" if stack.bind_host in ("0.0.0.0", "::") else stack.bind_host
    targets = [f"{host}:{stack.ports.api(s)}" for s in SERVICES]
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


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)


def link_service_settings(stack: AuthorityStack) -> dict[str, dict[str, Any]]:
    """What the links add to each service's `coso:` settings in this stack (empty without links
    or without coso-link): where a superior catches up with lower sources, which link tokens
    a lower stack's read APIs serve. The link module computes it; nothing is re-derived here."""
    if not stack.links:
        return {}
    try:
        from coso_backbone.links import spec  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return {}
    links = spec.LinkFile.model_validate({"links": stack.links})
    settings = {service: dict(links.service_settings(stack.name, service)) for service in SERVICES}
    return {service: found for service, found in settings.items() if found}


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


# --- bringing a stack up and down --------------------------------------------------------------


def read_env_file(path: Path) -> dict[str, str]:
    env = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            env[key.strip()] = value.strip()
    return env


def wait_healthy(stack: AuthorityStack, timeout: float, alive: Callable[[], bool] | None = None) -> None:
    """Wait until every API answers 200 on /health; `alive()` False means give up early."""
    deadline = time.monotonic() + timeout
    for service in SERVICES:
        url = f"{stack.api_url(service)}/health"
        while True:
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    print(f"    {service}: healthy ({url})")
                    break
            except requests.RequestException:
                pass
            if alive is not None and not alive():
                raise RuntimeError(f"the process manager of {stack.name} stopped; see its log")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{service} did not answer {url} within {timeout:.0f} s")
            time.sleep(0.3)


class HonchoStack:
    """The eight processes under honcho, for a server without systemd (and for tests).

    honcho runs in its own session, so `down` signals exactly the process group that `up`
    started (its id is kept in <state_dir>/honcho.pid) and nothing else.
    """

    def __init__(self, stack: AuthorityStack, run_dir: Path) -> None:
        self.stack = stack
        self.run_dir = run_dir
        self.pid_file = Path(stack.state_dir) / "honcho.pid"
        self.log_file = Path(stack.state_dir) / "honcho.log"
        self.process: subprocess.Popen[bytes] | None = None  # when this invocation started it

    def alive(self) -> bool:
        """Whether honcho still runs (right after start, before its exec, by the child itself)."""
        if self.process is not None:
            return self.process.poll() is None
        return self.running_pid() is not None

    def running_pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (OSError, ValueError):
            return None
        return pid if b"honcho" in cmdline else None

    def migrate(self, env: Mapping[str, str]) -> None:
        bin_dir = Path(self.stack.paths.prefix) / "bin"
        runs = {
            s: subprocess.Popen(
                [str(bin_dir / f"coso-{s}"), "migrate"],
                env={**os.environ, **env},
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                cwd=self.stack.state_dir,
            )
            for s in SERVICES
        }
        failed = []
        for service, run in runs.items():
            output, _ = run.communicate(timeout=300)
            if run.returncode != 0:
                failed.append(f"{service}: {output.decode(errors='replace')[-1500:]}")
            else:
                print(f"    {service}: migrated")
        if failed:
            raise RuntimeError("migration failed\n" + "\n".join(failed))

    def start(self, env_file: Path) -> None:
        if (pid := self.running_pid()) is not None:
            print(f"    honcho already runs the stack (pid {pid})")
            return
        honcho = shutil.which("honcho") or str(Path(sys.executable).parent / "honcho")
        log = self.log_file.open("ab")
        process = subprocess.Popen(
            [honcho, "start", "-f", str(self.run_dir / "Procfile"), "-e", str(env_file), "-d", self.stack.state_dir],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.process = process
        self.pid_file.write_text(str(process.pid))
        print(f"    honcho started (pid {process.pid}, log {self.log_file})")

    def stop(self, timeout: float = 30) -> bool:
        pid = self.running_pid()
        if pid is None:
            return False
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _group_alive(pid):
            time.sleep(0.2)
        if _group_alive(pid):
            os.killpg(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return True


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def stack_up_script(deploy_dir: Path, env_file: Path, prefix: str, *options: str) -> None:
    """Provision through deploy/bin/coso-stack-up (one implementation of those steps)."""
    command = [str(deploy_dir / "bin" / "coso-stack-up"), "--env-file", str(env_file), *options]
    env = {**os.environ, "COSO_PREFIX": prefix, "COSO_DEFINITIONS": str(deploy_dir / "rabbitmq" / "definitions.json")}
    subprocess.run(command, check=True, env=env)


def apply_links(stack: AuthorityStack, links_file: Path, side: str) -> None:
    if not stack.links:
        return
    link_command = shutil.which("coso-link") or str(Path(sys.executable).parent / "coso-link")
    if not Path(link_command).exists():
        print(
            f"    links: {len(stack.links)} link(s) in the file, but `coso-link` is not installed here;"
            f" apply them later with: coso-link apply {links_file} --side {side}"
        )
        return
    subprocess.run([link_command, "apply", str(links_file), "--side", side], check=True)


def purge(stack: AuthorityStack, env: Mapping[str, str]) -> None:
    """Delete the stack's vhost, broker user, databases and roles on this host (irreversible)."""
    if stack.rabbitmq.host in ("127.0.0.1", "localhost", "::1"):
        for command in (["delete_vhost", stack.rabbitmq.vhost], ["delete_user", stack.rabbitmq.user]):
            _rabbitmqctl_delete(command)
    roles = set()
    for service in SERVICES:
        url = urlsplit(env[f"COSO_{service.upper()}_DATABASE_URL"])
        if not url.scheme.startswith("postgresql"):
            continue
        _psql('DROP DATABASE IF EXISTS :"db" WITH (FORCE);', db=url.path.lstrip("/"))
        if url.username and url.username != "postgres":
            roles.add(url.username)
    for role in sorted(roles):
        _psql('DROP ROLE IF EXISTS :"role";', role=role)


def _rabbitmqctl_delete(command: list[str], attempts: int = 3) -> None:
    """Delete a vhost or user; one that does not exist is fine, any other failure is told."""
    for attempt in range(1, attempts + 1):
        done = subprocess.run(["rabbitmqctl", "-q", *command], capture_output=True, text=True, timeout=120)
        if done.returncode == 0 or re.search(r"not ?found|does not exist|no_such", done.stdout + done.stderr, re.I):
            return
        if attempt == attempts:
            raise RuntimeError(f"rabbitmqctl {' '.join(command)} failed: {(done.stderr or done.stdout).strip()}")
        time.sleep(2)


def _psql(statement: str, **variables: str) -> None:
    options = [f"--set={k}={v}" for k, v in variables.items()]
    subprocess.run(
        ["runuser", "-u", "postgres", "--", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", "postgres", *options],
        input=statement.encode(),
        check=True,
        capture_output=True,
        cwd="/",
    )


# --- command line ------------------------------------------------------------------------------


def _checkout() -> Path | None:
    """The source checkout this module runs from, if any (it holds deploy/ and services/)."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "deploy" / "bin" / "coso-stack-up").exists() else None


def _deploy_dir(given: str | None) -> Path:
    if given:
        return Path(given).resolve()
    checkout = _checkout()
    if checkout is None:
        raise SystemExit("coso-authority: cannot find deploy/: run it from a checkout or give --deploy-dir")
    return checkout / "deploy"


def _print_summary(stack: AuthorityStack) -> None:
    a = stack.authority
    print(f"{a.name} ({a.id}, {a.level.value}); deployment {stack.name}")
    if stack.superior:
        s = stack.superior
        print(
            f"  superior: {s.authority_id} (deployment {s.deployment}, vhost {s.rabbitmq.vhost} on {s.rabbitmq.host})"
        )
    print(f"  rabbitmq: vhost {stack.rabbitmq.vhost} on {stack.rabbitmq.host}:{stack.rabbitmq.port}")
    for service in SERVICES:
        print(
            f"  {service}: api {stack.api_url(service)}, worker metrics :{stack.ports.metrics(service)},"
            f" database {urlsplit(stack.database(service))._replace(netloc='…').geturl()}"
        )
    print(f"  links: {len(stack.links)}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="coso-authority", description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--deploy-dir", help="The deploy/ directory of the coso release (default: this checkout's)")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate the authority file")
    check.add_argument("file", type=Path)
    render_cmd = commands.add_parser("render", help="write the env file, Procfile, systemd units, compose and Helm")
    render_cmd.add_argument("file", type=Path)
    render_cmd.add_argument("--out", type=Path, required=True)
    for name, text in (("up", "bring the stack up (idempotent)"), ("down", "stop the stack")):
        command = commands.add_parser(name, help=text)
        command.add_argument("file", type=Path)
        command.add_argument("--process-manager", choices=["systemd", "honcho"], default="systemd")
    up, down = commands.choices["up"], commands.choices["down"]
    up.add_argument("--timeout", type=float, default=120, help="seconds to wait for every /health")
    up.add_argument("--no-wait", action="store_true", help="do not wait for /health (honcho)")
    up.add_argument("--dry-run", action="store_true", help="only show what coso-stack-up would do (systemd)")
    up.add_argument("--link-side", choices=["superior", "lower", "both"], default="both")
    down.add_argument("--purge", action="store_true", help="also delete its vhost, broker user and databases")
    args = parser.parse_args(argv)

    try:
        stack = load_authority(args.file)
    except AuthorityFileError as exc:
        print(f"{exc.path}: the authority file is not valid:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    if args.command == "check":
        _print_summary(stack)
        return 0
    deploy_dir = _deploy_dir(args.deploy_dir)
    if args.command == "render":
        for path in render(stack, args.out, deploy_dir):
            print(path)
        return 0
    try:
        if args.command == "up":
            _up(stack, deploy_dir, args)
        else:
            _down(stack, deploy_dir, args)
    except (subprocess.SubprocessError, RuntimeError, TimeoutError, OSError) as exc:
        print(f"coso-authority {args.command}: {exc}", file=sys.stderr)
        return 1
    return 0


def _up(stack: AuthorityStack, deploy_dir: Path, args: argparse.Namespace) -> None:
    manager: ProcessManager = args.process_manager
    if manager == "systemd":
        # Installed layout: /etc/coso/<name>.env read by coso-<service>-<kind>@<name>.service.
        config_dir = Path(stack.paths.config_dir)
        out = (
            Path(tempfile.mkdtemp(prefix="coso-authority-"))
            if args.dry_run
            else config_dir / "authorities" / stack.name
        )
        files = render(stack, out, deploy_dir)
        print(f"==> rendered {len(files)} files into {out}")
        env_file = out / f"{stack.name}.env"
        if not args.dry_run:
            env_file = config_dir / f"{stack.name}.env"
            shutil.copyfile(out / env_file.name, env_file)
            env_file.chmod(0o600)
            _install_service_configs(config_dir)
            configs = list((out / "config").glob("*.yml"))
            if configs and subprocess.run(["getent", "group", "coso"], capture_output=True).returncode != 0:
                # coso-stack-up would create it too, but the files must be the group's first.
                subprocess.run(
                    [
                        *("useradd", "--system", "--user-group", "--home-dir", "/var/lib/coso"),
                        *("--no-create-home", "--shell", "/usr/sbin/nologin", "coso"),
                    ],
                    check=True,
                )
            for config in configs:
                shutil.chown(config, group="coso")
            for unit in (out / "systemd").iterdir():
                shutil.copyfile(unit, Path("/etc/systemd/system") / unit.name)
            subprocess.run(["systemctl", "daemon-reload"], check=True)
        stack_up_script(
            deploy_dir, env_file, stack.paths.prefix, "--instance", stack.name, *(["--dry-run"] if args.dry_run else [])
        )
    else:
        if args.dry_run:
            raise RuntimeError("--dry-run shows what coso-stack-up would do: use it with --process-manager systemd")
        out = _up_honcho(stack, deploy_dir, args)
    if args.dry_run:
        shutil.rmtree(out)
        if stack.links:
            print(f"\nwould apply {len(stack.links)} link(s) with coso-link apply --side {args.link_side}")
        return
    apply_links(stack, out / "links.yml", args.link_side)
    print(f"\n{stack.authority.name} ({stack.name}) is up.")


def _up_honcho(stack: AuthorityStack, deploy_dir: Path, args: argparse.Namespace) -> Path:
    """Provision, migrate and start under honcho; a stack already running with the same
    rendered settings is left running, one whose settings changed is restarted."""
    run_dir = Path(stack.state_dir) / "run"
    env_file, procfile = run_dir / f"{stack.name}.env", run_dir / "Procfile"

    def rendered() -> str:
        return "".join(p.read_text(encoding="utf-8") for p in (env_file, procfile) if p.exists())

    Path(stack.state_dir).mkdir(parents=True, exist_ok=True)
    before = rendered()
    render(stack, run_dir, deploy_dir, checkout=_checkout())
    honcho = HonchoStack(stack, run_dir)
    running = honcho.running_pid()
    if running is not None and rendered() == before:
        print(f"    honcho already runs the stack with these settings (pid {running}): nothing to change")
    else:
        stack_up_script(deploy_dir, env_file, stack.paths.prefix, "--provision-only")
        print("\n==> Migrations")
        honcho.migrate(read_env_file(env_file))
        if running is not None:
            print("\n==> The settings changed: restarting")
            honcho.stop()
        print("\n==> Starting the eight processes with honcho")
        honcho.start(env_file)
    if not args.no_wait:
        print("\n==> Health")
        try:
            wait_healthy(stack, args.timeout, alive=honcho.alive)
        except (RuntimeError, TimeoutError):
            log = honcho.log_file.read_text(encoding="utf-8", errors="replace").splitlines()
            print("\n".join(["    last lines of " + str(honcho.log_file), *log[-40:]]), file=sys.stderr)
            raise
    return run_dir


def _install_service_configs(config_dir: Path) -> None:
    """Copy services/<service>/config.yml to <config_dir>/<service>.yml where it is missing.

    They are shared by every authority on the server (all that differs is in the env file);
    an existing copy is the operator's and is left as it is.
    """
    checkout = _checkout()
    for service in SERVICES:
        target = config_dir / f"{service}.yml"
        if not target.exists() and checkout is not None:
            shutil.copyfile(checkout / "services" / service / "config.yml", target)
            print(f"    installed {target}")


def _down(stack: AuthorityStack, deploy_dir: Path, args: argparse.Namespace) -> None:
    if args.process_manager == "systemd":
        subprocess.run(["systemctl", "stop", f"coso@{stack.name}.target"], check=True)
        env_file = Path(stack.paths.config_dir) / f"{stack.name}.env"
        env = read_env_file(env_file) if env_file.exists() else environment(stack)
    else:
        honcho = HonchoStack(stack, Path(stack.state_dir) / "run")
        print("stopped" if honcho.stop() else "not running")
        env = environment(stack)
    if args.purge:
        purge(stack, env)
        print(f"purged the vhost {stack.rabbitmq.vhost}, the broker user and the databases of {stack.name}")


def cli() -> None:
    sys.exit(main())


if __name__ == "__main__":
    cli()
