"""pytest fixtures for coso's tests, against the real PostgreSQL and RabbitMQ.

Loaded with `-p coso_backbone.testing`. Every test gets its own PostgreSQL database and its
own RabbitMQ names, so tests never see each other's data. Under `pytest -n N` (pytest-xdist)
each worker process also gets a RabbitMQ vhost of its own, made when it starts and deleted
when it ends: tests that publish to a producer's exchange (`registry.events`, …) would
otherwise reach the queues of a test running beside them in another worker.

Environment: COSO_TEST_POSTGRES (server URL, default postgresql+psycopg2://postgres@127.0.0.1:5432)
and COSO_TEST_AMQP (default amqp://guest:guest@127.0.0.1:5672//).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
import requests
from sqlalchemy import create_engine, text
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

POSTGRES_SERVER = os.environ.get("COSO_TEST_POSTGRES", "postgresql+psycopg2://postgres@127.0.0.1:5432")
SHARED_AMQP_URI = os.environ.get("COSO_TEST_AMQP", "amqp://guest:guest@127.0.0.1:5672//")


def worker_vhost() -> str | None:
    """The vhost of this pytest-xdist worker (None when the tests run in one process)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return None
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")[:8]
    return f"coso-test-{run}-{worker}"


def _on_vhost(uri: str, vhost: str | None) -> str:
    if vhost is None:
        return uri
    server = uri.split("/")[:3]  # amqp://user:password@host:port
    return "/".join([*server, quote(vhost, safe="")])


AMQP_URI = _on_vhost(SHARED_AMQP_URI, worker_vhost())


def pytest_configure(config: pytest.Config) -> None:
    vhost = worker_vhost()
    if vhost is not None:
        add_vhost(vhost)


def pytest_unconfigure(config: pytest.Config) -> None:
    vhost = worker_vhost()
    if vhost is not None:
        delete_vhost(vhost)


def add_vhost(vhost: str) -> str:
    """A new RabbitMQ vhost, on the tests' server, where the tests' user may do anything; its URI."""
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, urlsplit(SHARED_AMQP_URI).username or "guest", ".*", ".*", ".*")
    return _on_vhost(SHARED_AMQP_URI, vhost)


def delete_vhost(vhost: str) -> None:
    """Delete a vhost with everything in it."""
    rabbitmqctl("delete_vhost", vhost)


@contextmanager
def rabbitmq_vhost(vhost: str) -> Iterator[str]:
    """The URI of a new vhost (`add_vhost`), deleted with all it holds on leaving."""
    uri = add_vhost(vhost)
    try:
        yield uri
    finally:
        delete_vhost(vhost)


def rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


def rabbitmq_vhosts() -> set[str]:
    """The names of the tests' broker's vhosts."""
    listed = subprocess.run(
        ["rabbitmqctl", "-q", "list_vhosts", "--no-table-headers", "name"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return set(listed.stdout.split())


def call_with_token(
    endpoint: Callable[..., Any], http: str, token: str, body: Any = None, **query: str
) -> tuple[int, Any]:
    """An `@http` entrypoint of a worker (nameko's `worker_factory`) called as an HTTP caller
    presenting `Authorization: Bearer <token>`, a JSON body and query parameters: the status
    and the JSON answer."""
    data = None if body is None else json.dumps(body)
    headers = [("Authorization", f"Bearer {token}")]
    request = Request(EnvironBuilder(method=http, data=data, query_string=query, headers=headers).get_environ())
    answer = endpoint(request)
    return answer.status_code, json.loads(answer.get_data())


# A wait ends as soon as its condition holds, so only a failing test waits this long. The suite
# runs in several processes beside the broker and the database, and on a busy two-core machine a
# wait that takes seconds alone can take a minute: the default is generous
# (COSO_TEST_WAIT_SECONDS changes it).
WAIT_SECONDS = float(os.environ.get("COSO_TEST_WAIT_SECONDS", "180"))


def wait_until(
    predicate: Callable[[], Any],
    what: str = "condition",
    *,
    timeout: float = WAIT_SECONDS,
    interval: float = 0.05,
    also: Callable[[], None] | None = None,
) -> Any:
    """Poll `predicate` until it answers something truthy, and return that; fail the test,
    naming `what`, once `timeout` seconds have passed. `also` runs after each unmet poll (to
    fail early, say, when a process it waits on has died)."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if also is not None:
            also()
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


def answers_health(base_url: str) -> bool:
    """Whether the service at `base_url` answers its /health with 200 (not listening yet: no)."""
    try:
        return requests.get(f"{base_url}/health", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def wait_healthy(base_url: str, what: str, also: Callable[[], None] | None = None) -> None:
    """Wait until the service at `base_url` answers /health (`wait_until`, naming `what`); `also`
    runs between polls, to fail at once when the service's process has died."""
    wait_until(lambda: answers_health(base_url), what, interval=0.1, also=also)


# Ports for the servers the tests start as processes of their own, a block per test process
# below the kernel's ephemeral range (32768-60999 on Linux). A port found free by binding port 0
# and then released comes from that range, where another test process's next search (or any
# outgoing connection) could take it before the server binds it: two services then shared one
# port, and the requests went to either.
_FIRST_PORT = 20000
_PORTS_PER_PROCESS = 400
_next_port = [0]  # this process's next port, from the start of its block


def free_ports(count: int = 1) -> int:
    """The first of `count` consecutive ports that nothing listens on now and that no other
    test process of this run hands out (its pytest-xdist worker's block); the next call gives
    the ports after them, round the block."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    block = _FIRST_PORT + (int(worker) if worker.isdigit() else 0) * _PORTS_PER_PROCESS
    for _ in range(_PORTS_PER_PROCESS):
        if _next_port[0] + count > _PORTS_PER_PROCESS:
            _next_port[0] = 0
        first = block + _next_port[0]
        _next_port[0] += count
        try:
            for port in range(first, first + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise RuntimeError(f"no {count} consecutive free ports in {block}-{block + _PORTS_PER_PROCESS - 1}")


def free_port() -> int:
    """A port for a server a test starts (`free_ports`)."""
    return free_ports(1)


def unique_name(prefix: str = "t") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """URL of a new, empty PostgreSQL database, dropped after the test."""
    with new_postgres_database() as url:
        yield url


@contextmanager
def new_postgres_database(options: str = "", prefix: str = "coso_test_") -> Iterator[str]:
    """URL of a new PostgreSQL database made with `CREATE DATABASE ... <options>` (e.g. a
    template and a locale), dropped on leaving."""
    name = unique_name(prefix)
    admin = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" {options}'))
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def create_postgres_databases(names: Iterable[str]) -> None:
    """New, empty databases on the tests' server."""
    _as_admin([f'CREATE DATABASE "{name}"' for name in names])


def drop_postgres_databases(names: Iterable[str]) -> None:
    """Drop these databases of the tests' server, if they exist, whoever is connected to them."""
    _as_admin([f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names])


def _as_admin(statements: list[str]) -> None:
    """Run statements outside a transaction (as CREATE and DROP DATABASE must be) on the server's `postgres`."""
    if not statements:
        return
    admin = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for statement in statements:
            connection.execute(text(statement))
    admin.dispose()


def postgres_databases(prefix: str) -> set[str]:
    """The names of the tests' server's databases that begin with `prefix` (taken as it is:
    its `_` and `%` are not LIKE's wildcards)."""
    escaped = prefix.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%")
    admin = create_engine(f"{POSTGRES_SERVER}/postgres")
    with admin.connect() as connection:
        found = connection.execute(text("SELECT datname FROM pg_database WHERE datname LIKE :p"), {"p": f"{escaped}%"})
        names = set(found.scalars())
    admin.dispose()
    return names


@pytest.fixture(scope="session")
def schema_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """This process's `SchemaTemplates` (coso_backbone.testing_schemas): databases that start
    with a service's tables without running its migrations for every test."""
    from coso_backbone.testing_schemas import SchemaTemplates

    templates = SchemaTemplates(tmp_path_factory.mktemp("schemas"))
    yield templates
    templates.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each test using this runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
    else:
        yield request.getfixturevalue("postgres_url")


@pytest.fixture
def amqp_uri() -> str:
    return AMQP_URI


@pytest.fixture
def run_id() -> str:
    """A short unique tag for broker names (exchanges, queues) used by one test."""
    return unique_name("t")


@contextmanager
def nameko_service_running(service_class: str, service_name: str, config: dict[str, Any], work: Path) -> Iterator[None]:
    """`nameko run` of a service class (`module:Class`) under a name of its own, in a process of
    its own, until its RPC queue has a consumer; stopped and its queue deleted afterwards.
    The unique name keeps concurrent test runs from answering each other's calls."""
    from amqp.exceptions import ChannelError
    from kombu import Connection

    module, _, class_name = service_class.partition(":")
    (work / "service_under_test.py").write_text(
        f"from {module} import {class_name}\n\n\nclass ServiceUnderTest({class_name}):\n    name = {service_name!r}\n"
    )
    (work / "config.yml").write_text(json.dumps(config))
    server = subprocess.Popen(
        [sys.executable, "-m", "nameko", "run", "--config", str(work / "config.yml"), "service_under_test"],
        cwd=work,
        env={**os.environ, "PYTHONPATH": str(work)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    queue = f"rpc-{service_name}"
    try:
        with Connection(config["AMQP_URI"]) as connection:

            def consumed() -> bool:
                try:  # a channel a refused declare closed is not used again
                    _, _, consumers = connection.channel().queue_declare(queue, passive=True)
                except ChannelError:
                    return False
                return bool(consumers)

            def alive() -> None:
                assert server.poll() is None, f"{service_class} exited"

            wait_until(consumed, f"{service_class} to consume {queue}", interval=0.2, also=alive)
        yield
    finally:
        server.terminate()
        server.wait(timeout=10)
        with Connection(config["AMQP_URI"]) as connection:
            connection.channel().queue_delete(queue)
