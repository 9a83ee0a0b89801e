"""The link file: which lower stack feeds which superior, what crosses, with which credentials.

The schema is documented in docs/FEDERATION.md and kept stable: the authority stack command
writes the same `links:` list into its authority file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from coso_backbone.config import substitute_env

Policy = Literal["all", "pseudonymous"]
# What a read API serves a link's token: an upward policy, or downward only the rules.
ReadPolicy = Literal["all", "pseudonymous", "rules"]
Side = Literal["superior", "lower", "both"]

_NAME = r"^[a-z0-9][a-z0-9-]{0,39}$"
_PRODUCER = r"^[a-z][a-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Management(_Strict):
    """A broker's management HTTP API, where coso-link writes the link's configuration."""

    url: str = "http://127.0.0.1:15672"
    user: str = "guest"
    password: str = "guest"


class WatchedConsumer(_Strict):
    """A consumer of the superior that applies the link's events (for status only)."""

    name: str
    database_url: str
    producers: list[str] | None = Field(
        default=None, description="The link's producers this consumer applies (default: all of up.producers)"
    )


class Stack(_Strict):
    """One end of a link: an authority's deployment, its vhost and its broker."""

    deployment: str = Field(min_length=1, description="Deployment name, as in ce-source /coso/<deployment>/...")
    vhost: str = Field(min_length=1)
    broker: str = Field(default="amqp://127.0.0.1:5672", pattern=r"^amqps?://[^/@]+$")
    management: Management = Field(default_factory=Management)
    read_apis: dict[str, str] = Field(default_factory=dict, description="Producer -> base URL of its read API")
    consumers: list[WatchedConsumer] = Field(default_factory=list)

    def source(self, producer: str) -> str:
        return f"/coso/{self.deployment}/{producer}"


class Upward(_Strict):
    producers: list[str] = Field(default_factory=lambda: ["registry", "admissions"])
    policy: Policy = "pseudonymous"
    password: str = Field(min_length=1)
    read_api_token: str | None = None


class Downward(_Strict):
    producers: list[str] = Field(default_factory=lambda: ["registry", "reporting"])
    rules_producers: list[str] = Field(
        default_factory=lambda: ["admissions", "notifications"],
        description="Producers of which only `RulesAdopted` goes down (their other events stay with the superior)",
    )
    password: str | None = None
    read_api_token: str | None = Field(
        default=None, description="Bearer token for the superior's read APIs, where they are closed (read_api_open)"
    )


class LinkSpec(_Strict):
    """A link between a lower authority's stack and its superior's."""

    name: str = Field(pattern=_NAME)
    superior: Stack
    lower: Stack
    up: Upward
    down: Downward = Field(default_factory=Downward)

    @model_validator(mode="after")
    def _coherent(self) -> LinkSpec:
        for producer in [*self.up.producers, *self.down.producers, *self.down.rules_producers]:
            if not re.match(_PRODUCER, producer):
                raise ValueError(f"{producer!r} is not a producer name")
        both = sorted(set(self.down.producers) & set(self.down.rules_producers))
        if both:
            raise ValueError(
                f"down.rules_producers repeats down.producers ({', '.join(both)}): all their events go down"
            )
        if (self.down.producers or self.down.rules_producers) and not self.down.password:
            raise ValueError("down.password is required when down.producers or down.rules_producers is not empty")
        if self.lower.read_apis and not self.up.read_api_token:
            raise ValueError("up.read_api_token is required when lower.read_apis is given")
        if self.superior.deployment == self.lower.deployment:
            raise ValueError("superior and lower are the same deployment")
        if self.superior.broker == self.lower.broker and self.superior.vhost == self.lower.vhost:
            raise ValueError("superior and lower share one vhost: a link joins two stacks")
        return self

    # --- names -----------------------------------------------------------------------
    @property
    def up_user(self) -> str:
        """RabbitMQ user on the lower broker; the superior's federation logs in with it."""
        return f"coso-link.{self.name}.up"

    @property
    def down_user(self) -> str:
        """RabbitMQ user on the superior broker; the lower's federation logs in with it."""
        return f"coso-link.{self.name}.down"

    def link_exchange(self, producer: str) -> str:
        """The per-link exchange in the receiving vhost, federated from the other side."""
        return f"link.{self.name}.{producer}.events"

    def upstream(self, direction: Literal["up", "down"], producer: str) -> str:
        return f"coso-link.{self.name}.{direction}.{producer}"

    # --- configuration the stacks' services derive from the link ------------------------
    def sources(self) -> list[str]:
        """The ce-sources whose events this link carries upward."""
        return [self.lower.source(p) for p in self.up.producers]

    def source_read_apis(self) -> dict[str, dict[str, str | None]]:
        """For the superior's consumers: `coso.source_read_apis` entries of this link."""
        return {
            self.lower.source(p): {"url": url, "token": self.up.read_api_token}
            for p, url in self.lower.read_apis.items()
            if p in self.up.producers
        }

    def read_api_access(self) -> dict[str, str]:
        """For the lower stack's services: the `coso.read_api_links` entry of this link."""
        return {"link": self.name, "token": self.up.read_api_token or "", "policy": self.up.policy}

    def down_producers(self) -> list[str]:
        """Every producer the link carries down something of: all events, or only rules."""
        return [*self.down.producers, *self.down.rules_producers]

    def downward_read_apis(self, service: str | None = None) -> dict[str, dict[str, str | None]]:
        """For the lower stack's consumers: where to catch up with the superior's sources the
        link carries down (a gap in them is filled there, as for a lower source upward). A
        producer of `down.rules_producers` is given to its own service only (None: to any):
        its rules reach that service's consumer of them alone."""
        return {
            self.superior.source(p): {"url": url, "token": self.down.read_api_token}
            for p, url in self.superior.read_apis.items()
            if p in self.down.producers or (p in self.down.rules_producers and service in (None, p))
        }


class LinkFile(_Strict):
    links: list[LinkSpec] = Field(default_factory=list)

    def service_settings(self, deployment: str, service: str) -> dict[str, object]:
        """What the links add to one service's `coso:` settings in the stack of `deployment`:
        where to catch up with each source of the other stack the links carry here (lower
        sources upward, the superior's downward), and which link tokens its read API serves,
        with which policy (downward: everything, or only the rules of `down.rules_producers`)."""
        sources: dict[str, dict[str, str | None]] = {}
        access: list[dict[str, str]] = []
        for link in self.links:
            if link.superior.deployment == deployment:
                sources.update(link.source_read_apis())
                if service in link.down.producers and link.down.read_api_token:
                    access.append({"link": link.name, "token": link.down.read_api_token, "policy": "all"})
                elif service in link.down.rules_producers and link.down.read_api_token:
                    access.append({"link": link.name, "token": link.down.read_api_token, "policy": "rules"})
            if link.lower.deployment == deployment:
                sources.update(link.downward_read_apis(service))
                if service in link.up.producers and link.up.read_api_token:
                    access.append(link.read_api_access())
        settings: dict[str, object] = {}
        if sources:
            settings["source_read_apis"] = sources
        if access:
            settings["read_api_links"] = access
        return settings

    @model_validator(mode="after")
    def _unique(self) -> LinkFile:
        names = [link.name for link in self.links]
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise ValueError(f"link names must be unique: {', '.join(duplicated)}")
        return self

    def get(self, name: str) -> LinkSpec:
        for link in self.links:
            if link.name == name:
                return link
        raise KeyError(f"no link named {name!r}")


def parse_links(text: str, environ: dict[str, str] | None = None) -> LinkFile:
    """Parse a link file (or an authority file with a `links:` list); extra keys beside
    `links` are ignored so that the authority file can carry its other sections."""
    loaded = yaml.safe_load(substitute_env(text, environ)) or {}
    if not isinstance(loaded, dict):
        raise ValueError("a link file is a mapping with a `links:` list")
    return LinkFile.model_validate({"links": loaded.get("links") or []})


def load_links(path: Path | str, environ: dict[str, str] | None = None) -> LinkFile:
    return parse_links(Path(path).read_text(encoding="utf-8"), environ)
