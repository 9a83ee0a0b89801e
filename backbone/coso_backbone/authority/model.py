"""The authority file's schema: everything that makes one authority's stack differ from another's.

Pydantic models with no I/O, so that `check` and every renderer read the same validated values.
"""

from __future__ import annotations

import re
from typing import Any, Literal
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from coso_backbone.contracts.registry import AuthorityLevel

SERVICES = ("registry", "admissions", "reporting", "notifications")
# Producers whose read API other services (and links) catch up from.
READ_API_PRODUCERS = ("registry", "admissions", "reporting")
ROOT_LEVELS = (AuthorityLevel.CENTRAL, AuthorityLevel.PROVINCE)
ProcessManager = Literal["systemd", "honcho"]

_ID = r"^[a-z0-9]+([.-][a-z0-9]+)*$"
_SECRET = r"^[A-Za-z0-9._~-]+$"
_ENV_KEY = re.compile(r"^COSO_[A-Z0-9_]+$")


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
    access_control: bool = Field(default=True, description="Bearer tokens on registry, admissions and reporting HTTP")
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

    @property
    def local_host(self) -> str:
        """Where this server reaches the APIs: the bind address, or loopback when they listen on all."""
        return "127.0.0.1" if self.bind_host in ("0.0.0.0", "::") else self.bind_host

    def database(self, service: str) -> str:
        template = self.databases.get(service, self.database_url)
        return template.replace("{service}", service).replace("{state_dir}", self.state_dir)

    def api_url(self, service: str) -> str:
        return f"http://{self.local_host}:{self.ports.api(service)}"
