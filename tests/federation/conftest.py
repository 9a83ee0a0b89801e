"""Fixtures: a province and two communes joined by links (see harness.py)."""

from __future__ import annotations

import fcntl
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from coso_backbone.links.spec import parse_links
from coso_backbone.testing import create_postgres_databases, drop_postgres_databases
from tests.federation.harness import KEYS, Federation, Stack, admin, clear_leftovers

POLICIES = {"a": "pseudonymous", "b": "all"}
LOCK = Path(tempfile.gettempdir()) / "coso-federation-tests.lock"


@contextmanager
def one_federation_at_a_time() -> Iterator[None]:
    """Held from a federation's set-up to the end of its tear-down, across xdist workers:
    RabbitMQ's federation plugin can fail a request about one link while another link of the
    same broker is being torn down, and each of these tests sets links up and tears them down."""
    with LOCK.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture
def federation(run_id: str, tmp_path: Path) -> Iterator[Federation]:
    """A province and communes a (pseudonymous link) and b (all events), each with its own
    vhost; producers' stores are SQLite files per stack, projections PostgreSQL databases."""
    with one_federation_at_a_time():
        yield from _federation(run_id, tmp_path)


def _federation(run_id: str, tmp_path: Path) -> Iterator[Federation]:
    api = admin()
    clear_leftovers(api)  # a test's process killed before its tear-down left them
    run = run_id.lower()
    databases = [f"coso_fed_{run}_province_reporting", f"coso_fed_{run}_a_reporting"]
    create_postgres_databases(databases)
    vhosts = {key: f"coso-fed-{run}-{key}" for key in KEYS}
    for vhost in vhosts.values():
        api.ensure_vhost(vhost)
        api.set_permissions(vhost, "guest", ".*", ".*", ".*")
    stacks = {}
    for key, vhost in vhosts.items():
        (tmp_path / key).mkdir()
        name = "province" if key == "province" else f"commune-{key}"
        stacks[key] = Stack(f"{run}-{name}", vhost, tmp_path / key)
    province = stacks.pop("province")
    fed = Federation(run, province, stacks, {}, databases)
    try:
        province.start_service("registry")  # its hierarchy goes down the links
        for key, commune in stacks.items():
            access = [{"link": f"{run}-{key}", "token": f"token-{run}-{key}-0123456789", "policy": POLICIES[key]}]
            for producer in ("admissions", "registry"):
                commune.start_service(producer, access)
        for key in stacks:
            fed.links[key] = parse_links(fed.link_yaml(key, POLICIES[key])).links[0]
        yield fed
    finally:
        for stack in (province, *stacks.values()):
            stack.close()
        for key in stacks:
            for user in (f"coso-link.{run}-{key}.up", f"coso-link.{run}-{key}.down"):
                api.delete(f"/users/{user}")
        for vhost in vhosts.values():
            api.delete(f"/vhosts/{vhost}")
        drop_postgres_databases(databases)
