"""Writes a link's configuration into the brokers through RabbitMQ's management HTTP API.

Only RabbitMQ's federation plugin moves messages; this module declares the per-link
exchanges and their bindings, the federation upstreams and policies, and the link users
with permissions narrowed to what federation needs. Every call is idempotent, and `apply`
also deletes what an earlier version of the link had and this one has not.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from coso_backbone.broker import superior_rules_exchange
from coso_backbone.errors import BackboneError
from coso_backbone.links.policy import RULES_EVENT, shared_events
from coso_backbone.links.spec import LinkSpec, Side, Stack

ALL_EVENTS = "#"

# RabbitMQ's federation plugin can fail a request with 500 while another link of the same
# broker is being torn down (its link supervisor is gone before its status entry). Every call
# here is idempotent, so such answers are retried a few times before they are reported.
RETRIED_STATUSES = (500, 502, 503, 504)
RETRIES = 4


class ManagementError(BackboneError):
    """The management API refused or could not be reached."""


def _q(value: str) -> str:
    return quote(value, safe="")


class ManagementApi:
    """A thin client of one broker's management API."""

    def __init__(self, url: str, user: str, password: str, timeout: float = 15.0) -> None:
        self.base = url.rstrip("/") + "/api"
        self._session = requests.Session()
        self._session.auth = (user, password)
        retry = Retry(
            total=RETRIES,
            connect=0,
            read=0,
            status_forcelist=RETRIED_STATUSES,
            allowed_methods=None,
            backoff_factor=0.2,
            raise_on_status=False,
        )
        adapter = HTTPAdapter(max_retries=retry)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._timeout = timeout

    def request(self, method: str, path: str, body: Any = None, missing_ok: bool = False) -> Any:
        url = self.base + path
        try:
            response = self._session.request(method, url, json=body, timeout=self._timeout)
        except requests.RequestException as exc:
            raise ManagementError(f"{method} {url}: {exc}") from exc
        if missing_ok and response.status_code == 404:
            return None
        if response.status_code >= 300:
            raise ManagementError(f"{method} {url} answered {response.status_code}: {response.text[:300]}")
        return response.json() if response.content else None

    def get(self, path: str) -> Any:
        return self.request("GET", path)

    def put(self, path: str, body: Any) -> None:
        self.request("PUT", path, body)

    def delete(self, path: str) -> None:
        self.request("DELETE", path, missing_ok=True)

    # --- objects ---------------------------------------------------------------------
    def ensure_vhost(self, vhost: str) -> None:
        self.put(f"/vhosts/{_q(vhost)}", {})

    def ensure_exchange(self, vhost: str, name: str, kind: str = "topic") -> None:
        self.put(
            f"/exchanges/{_q(vhost)}/{_q(name)}",
            {"type": kind, "durable": True, "auto_delete": False, "internal": False, "arguments": {}},
        )

    def exchange_bindings(self, vhost: str, source: str, destination: str) -> list[dict[str, Any]]:
        found = self.request("GET", f"/bindings/{_q(vhost)}/e/{_q(source)}/e/{_q(destination)}", missing_ok=True)
        return list(found or [])

    def bindings_from(self, vhost: str, source: str) -> list[dict[str, Any]]:
        found = self.request("GET", f"/exchanges/{_q(vhost)}/{_q(source)}/bindings/source", missing_ok=True)
        return list(found or [])

    def bind_exchanges(self, vhost: str, source: str, destination: str, routing_key: str) -> None:
        self.request("POST", f"/bindings/{_q(vhost)}/e/{_q(source)}/e/{_q(destination)}", {"routing_key": routing_key})

    def unbind(self, vhost: str, binding: dict[str, Any]) -> None:
        path = (
            f"/bindings/{_q(vhost)}/e/{_q(binding['source'])}/e/{_q(binding['destination'])}/"
            f"{_q(binding['properties_key'])}"
        )
        self.delete(path)

    def ensure_user(self, user: str, password: str) -> None:
        self.put(f"/users/{_q(user)}", {"password": password, "tags": ""})

    def set_permissions(self, vhost: str, user: str, configure: str, write: str, read: str) -> None:
        self.put(f"/permissions/{_q(vhost)}/{_q(user)}", {"configure": configure, "write": write, "read": read})

    def set_upstream(self, vhost: str, name: str, value: dict[str, Any]) -> None:
        self.put(f"/parameters/federation-upstream/{_q(vhost)}/{_q(name)}", {"value": value})

    def set_policy(self, vhost: str, name: str, pattern: str, definition: dict[str, Any]) -> None:
        self.put(
            f"/policies/{_q(vhost)}/{_q(name)}",
            {"pattern": pattern, "apply-to": "exchanges", "definition": definition, "priority": 10},
        )

    def federation_links(self, vhost: str) -> list[dict[str, Any]]:
        return list(self.request("GET", f"/federation-links/{_q(vhost)}", missing_ok=True) or [])

    def upstream_names(self, vhost: str) -> list[str]:
        found = self.request("GET", f"/parameters/federation-upstream/{_q(vhost)}", missing_ok=True) or []
        return [p["name"] for p in found]


def management(stack: Stack) -> ManagementApi:
    m = stack.management
    return ManagementApi(m.url, m.user, m.password)


def _federation_permissions(link: LinkSpec, receiver: Stack, producers: list[str]) -> tuple[str, str, str]:
    """configure, write, read for a link user: only the federation exchange and queue of this
    link (their names end with the receiving vhost and the per-link exchange), and reading the
    exchanges the link carries. Nothing else: the user can publish into no exchange of coso, nor
    touch the federation queue of a sibling's link."""
    exchanges = "|".join(re.escape(f"{p}.events") for p in producers) or "(?!)"
    own = f"^federation: ({exchanges}) -> .*:{re.escape(receiver.vhost)}:{re.escape(f'link.{link.name}.')}"
    return own, own, f"{own}|^({exchanges})$"


def _uri(stack: Stack, user: str, password: str) -> str:
    scheme, address = stack.broker.split("://", 1)
    return f"{scheme}://{_q(user)}:{_q(password)}@{address}/{_q(stack.vhost)}"


def _federate(
    api: ManagementApi,
    link: LinkSpec,
    direction: str,
    receiver: Stack,
    sender: Stack,
    user: str,
    password: str,
    producer: str,
    routing_keys: list[str] | None,
    local: str | None = None,
) -> None:
    """Federate `producer.events` of the sender into the receiver's per-link exchange,
    bound into the receiver's `producer.events` (or `local`) for the given routing keys (None: all).
    A binding of the per-link exchange into any other exchange (an earlier version of the link)
    is removed."""
    vhost = receiver.vhost
    upstream_exchange = f"{producer}.events"
    local = local or upstream_exchange
    exchange = link.link_exchange(producer)
    upstream = link.upstream("up" if direction == "up" else "down", producer)
    api.ensure_exchange(vhost, local)
    api.ensure_exchange(vhost, exchange)
    wanted = {ALL_EVENTS} if routing_keys is None else set(routing_keys)
    present = {b["routing_key"]: b for b in api.exchange_bindings(vhost, exchange, local)}
    for key in sorted(wanted - present.keys()):
        api.bind_exchanges(vhost, exchange, local, key)
    for key, binding in present.items():
        if key not in wanted:
            api.unbind(vhost, binding)
    for binding in api.bindings_from(vhost, exchange):
        if binding.get("destination_type") == "exchange" and binding["destination"] != local:
            api.unbind(vhost, binding)
    api.set_upstream(
        vhost,
        upstream,
        {
            "uri": _uri(sender, user, password),
            "exchange": upstream_exchange,
            "max-hops": 1,
            "ack-mode": "on-confirm",
            "trust-user-id": False,
            "reconnect-delay": 2,
        },
    )
    api.set_policy(vhost, upstream, f"^{re.escape(exchange)}$", {"federation-upstream": upstream})


def _unfederate(api: ManagementApi, link: LinkSpec, receiver: Stack, direction: str, keep: list[str]) -> None:
    """Remove what a direction of the link had for producers no longer in `keep`."""
    vhost = receiver.vhost
    prefix = f"coso-link.{link.name}.{direction}."
    for name in api.upstream_names(vhost):
        if not name.startswith(prefix):
            continue
        producer = name[len(prefix) :]
        if producer in keep:
            continue
        api.delete(f"/policies/{_q(vhost)}/{_q(name)}")
        api.delete(f"/parameters/federation-upstream/{_q(vhost)}/{_q(name)}")
        api.delete(f"/exchanges/{_q(vhost)}/{_q(link.link_exchange(producer))}")


def apply_link(link: LinkSpec, side: Side = "both") -> None:
    """Make the brokers match the link: the superior side (upward federation, down user) and
    the lower side (downward federation, up user). Users and the exchanges federation reads
    come first, so that the federation links start at once instead of after a retry."""
    superior = management(link.superior) if side in ("superior", "both") else None
    lower = management(link.lower) if side in ("lower", "both") else None
    if superior is not None:
        superior.ensure_vhost(link.superior.vhost)
        for producer in link.down_producers():  # the exchanges the lower stack's federation reads
            superior.ensure_exchange(link.superior.vhost, f"{producer}.events")
        if link.down_producers() and link.down.password:
            superior.ensure_user(link.down_user, link.down.password)
            superior.set_permissions(
                link.superior.vhost, link.down_user, *_federation_permissions(link, link.lower, link.down_producers())
            )
        else:
            superior.delete(f"/users/{_q(link.down_user)}")
    if lower is not None:
        lower.ensure_vhost(link.lower.vhost)
        for producer in link.up.producers:  # the exchanges the superior's federation reads
            lower.ensure_exchange(link.lower.vhost, f"{producer}.events")
        lower.ensure_user(link.up_user, link.up.password)
        lower.set_permissions(
            link.lower.vhost, link.up_user, *_federation_permissions(link, link.superior, link.up.producers)
        )
    if superior is not None:
        for producer in link.up.producers:
            keys = shared_events(producer, link.up.policy)
            _federate(superior, link, "up", link.superior, link.lower, link.up_user, link.up.password, producer, keys)
        _unfederate(superior, link, link.superior, "up", link.up.producers)
    if lower is not None:
        password = link.down.password or ""
        for producer in link.down.producers:
            _federate(lower, link, "down", link.lower, link.superior, link.down_user, password, producer, None)
        for producer in link.down.rules_producers:  # only the rules: the superior's other events stay up there
            into = superior_rules_exchange(producer)  # read by the rules' consumer alone
            keys = [RULES_EVENT]
            _federate(lower, link, "down", link.lower, link.superior, link.down_user, password, producer, keys, into)
        _unfederate(lower, link, link.lower, "down", link.down_producers())


def remove_link(link: LinkSpec, side: Side = "both") -> None:
    """Remove every object of the link; the stacks' own exchanges and queues stay."""
    if side in ("superior", "both"):
        api = management(link.superior)
        _unfederate(api, link, link.superior, "up", [])
        api.delete(f"/users/{_q(link.down_user)}")
    if side in ("lower", "both"):
        api = management(link.lower)
        _unfederate(api, link, link.lower, "down", [])
        api.delete(f"/users/{_q(link.up_user)}")
