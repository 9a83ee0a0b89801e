"""Service configuration: one YAML file per service, with `${VAR:default}` substitution.

The same file configures nameko (its upper-case keys, such as AMQP_URI and
WEB_SERVER_ADDRESS) and coso (the `coso:` section, validated here).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

_ENV = re.compile(r"\$\{([A-Z0-9_]+)(?::([^}]*))?\}")


class SourceReadApi(BaseModel):
    """Where a consumer catches up with one source (a lower authority's stack, through a link)."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(description="Base URL of the source's read API")
    token: str | None = Field(default=None, description="The link's bearer token, if the source asks for one")


class ReadApiLink(BaseModel):
    """A link whose superior may read this service's events, and what it may read."""

    model_config = ConfigDict(extra="forbid")

    link: str = Field(description="Name of the link (docs/FEDERATION.md)")
    token: str = Field(min_length=12, description="Bearer token the superior presents (at least 12 characters)")
    policy: Literal["all", "pseudonymous", "rules"] = Field(
        description="all events, none carrying personal fields, or only RulesAdopted (a lower stack reading down)"
    )


class CosoSettings(BaseModel):
    """The `coso:` section of a service's config.yml."""

    model_config = ConfigDict(extra="forbid")

    service: str = Field(description="Producer name: registry, admissions, reporting or notifications")
    deployment: str = Field(default="local", description="Which authority's stack this is, e.g. 'hn' or 'hn.ba-dinh'")
    database_url: str
    amqp_uri: str
    http_host: str = "127.0.0.1"
    http_port: int
    metrics_port: int = Field(description="Port of the worker's Prometheus endpoint (0: none)")
    metrics_host: str = Field(default="127.0.0.1", description="Address the worker's metrics endpoint listens on")
    read_apis: dict[str, str] = Field(default_factory=dict, description="Producer -> base URL of its read API")
    source_read_apis: dict[str, SourceReadApi] = Field(
        default_factory=dict,
        description="ce-source -> read API (and link token) of that source; takes precedence over read_apis",
    )
    accept_sources: list[str] | None = Field(
        default=None, description="Glob patterns of the ce-sources consumers apply, e.g. '/coso/*/admissions' (all)"
    )
    read_api_links: list[ReadApiLink] = Field(
        default_factory=list, description="Links whose superior reads this service's events, with their policies"
    )
    read_api_open: bool = Field(
        default=True, description="Serve the read API in full to requests without a token (the stack's own services)"
    )
    relay_batch_size: int = Field(default=1000, ge=1, le=10000)
    consumer_batch_size: int = Field(default=500, ge=1, le=10000)
    options: dict[str, Any] = Field(default_factory=dict, description="Service-specific settings")

    @property
    def source(self) -> str:
        """The CloudEvents `source` of this service's events."""
        return f"/coso/{self.deployment}/{self.service}"


def substitute_env(text: str, environ: dict[str, str] | None = None) -> str:
    env = dict(os.environ if environ is None else environ)

    def replace(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if name in env:
            return env[name]
        if default is None:
            raise KeyError(f"environment variable {name} is required by the configuration")
        return default

    return _ENV.sub(replace, text)


def load_yaml(path: Path | str) -> dict[str, Any]:
    loaded = yaml.safe_load(substitute_env(Path(path).read_text(encoding="utf-8")))
    if not isinstance(loaded, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return loaded


def load_settings(path: Path | str) -> CosoSettings:
    return CosoSettings.model_validate(load_yaml(path).get("coso", {}))
