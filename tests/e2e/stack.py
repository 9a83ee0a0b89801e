"""A whole coso stack for end-to-end tests: the four services as separate processes.

Each stack gets its own RabbitMQ vhost, its own PostgreSQL database per service, free ports
and a unique deployment name, so it shares nothing with other tests or with `make run`.
The vhost's and the databases' names carry this machine's tag and the test process's id, so
that a stack whose process was killed before tearing it down is told from a live one (of a
test running in parallel) and cleared when the next stack starts (`clear_leftovers`).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from coso_backbone.testing import (
    POSTGRES_SERVER,
    create_postgres_databases,
    drop_postgres_databases,
    free_port,
    postgres_databases,
    rabbitmq_vhost,
    rabbitmq_vhosts,
    wait_healthy,
)

SERVICES = ("registry", "admissions", "reporting", "notifications")
BIN = Path(sys.executable).parent
MACHINE = f"{zlib.crc32(socket.gethostname().encode()):08x}"  # this machine's tag in the stacks' names
_LEFT_VHOST = re.compile(rf"coso-e2e-{MACHINE}-(?P<pid>[0-9]+)-[0-9a-f]{{8}}")
_LEFT_DATABASE = re.compile(rf"coso_e2e_{MACHINE}_(?P<pid>[0-9]+)_[0-9a-f]{{8}}_[a-z]+")


def stack_key(pid: int | None = None) -> str:
    """A new stack's part of its names: this machine's tag, the test process's id, a random part."""
    return f"{MACHINE}-{os.getpid() if pid is None else pid}-{uuid.uuid4().hex[:8]}"


def clear_leftovers() -> list[str]:
    """Remove the vhosts and databases of this machine's stacks whose test process has ended
    (killed before tearing its stack down); those of live processes stay. Stacks starting at
    once may clear the same leftovers: what another removed first is no error. What was found."""
    vhosts = sorted(name for name in rabbitmq_vhosts() if _left(_LEFT_VHOST, name))
    for vhost in vhosts:
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], capture_output=True, timeout=60)  # may be gone
    databases = sorted(name for name in postgres_databases(f"coso_e2e_{MACHINE}_") if _left(_LEFT_DATABASE, name))
    drop_postgres_databases(databases)
    return vhosts + databases


def _left(pattern: re.Pattern[str], name: str) -> bool:
    """Whether `name` is a stack's whose test process no longer runs on this machine."""
    found = pattern.fullmatch(name)
    if found is None:
        return False
    try:
        os.kill(int(found["pid"]), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # another user's: alive
        return False
    return False


def _wait_or_kill(proc: subprocess.Popen[bytes], timeout: float = 20) -> None:
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def service_databases(names: list[str], key: str) -> Iterator[dict[str, str]]:
    """A new database per service, named for the stack (`stack_key`); dropped on leaving."""
    created = {name: f"coso_e2e_{key.replace('-', '_')}_{name}" for name in names}
    create_postgres_databases(created.values())
    try:
        yield {name: f"{POSTGRES_SERVER}/{database}" for name, database in created.items()}
    finally:
        drop_postgres_databases(created.values())


@dataclass
class Stack:
    workdir: Path
    env: dict[str, str]
    ports: dict[str, int]
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def start(self, process: str) -> None:
        """Start `<service>-api` or `<service>-worker`."""
        service, kind = process.rsplit("-", 1)
        log = (self.workdir / f"{process}.log").open("ab")
        self.processes[process] = subprocess.Popen(
            [str(BIN / f"coso-{service}"), kind], env=self.env, stdout=log, stderr=subprocess.STDOUT
        )

    def stop(self, process: str, kill: bool = False) -> None:
        proc = self.processes.pop(process)
        if kill:
            proc.kill()
        else:
            proc.terminate()
        _wait_or_kill(proc)

    def stop_all(self) -> None:
        """Ask every process to stop at once, then wait for each."""
        stopping = list(self.processes.values())
        self.processes.clear()
        for proc in stopping:
            proc.terminate()
        for proc in stopping:
            _wait_or_kill(proc)

    def wait_healthy(self) -> None:
        for service in SERVICES:
            wait_healthy(
                self.url(service), f"{service} to become healthy (logs in {self.workdir})", also=self.check_alive
            )

    def check_alive(self) -> None:
        for name, proc in self.processes.items():
            if proc.poll() is not None:
                log = (self.workdir / f"{name}.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{name} exited with {proc.returncode}:\n{log}")

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-2000:]}" for p in sorted(self.workdir.glob("*.log"))
        )


@contextmanager
def running_stack(workdir: Path, extra_env: dict[str, str] | None = None) -> Iterator[Stack]:
    clear_leftovers()
    key = stack_key()
    with (
        rabbitmq_vhost(f"coso-e2e-{key}") as amqp_uri,
        service_databases(list(SERVICES), key) as databases,
    ):
        ports = {service: free_port() for service in SERVICES}
        env = {
            **os.environ,
            "COSO_AMQP_URI": amqp_uri,
            "COSO_DEPLOYMENT": f"e2e-{uuid.uuid4().hex[:6]}",
            "COSO_REGISTRY_URL": f"http://127.0.0.1:{ports['registry']}",
            "COSO_ADMISSIONS_URL": f"http://127.0.0.1:{ports['admissions']}",
            "COSO_REPORTING_URL": f"http://127.0.0.1:{ports['reporting']}",
            **(extra_env or {}),
        }
        for service in SERVICES:
            upper = service.upper()
            env[f"COSO_{upper}_DATABASE_URL"] = databases[service]
            env[f"COSO_{upper}_HTTP"] = f"127.0.0.1:{ports[service]}"
            env[f"COSO_{upper}_METRICS_PORT"] = str(free_port())
        migrations = [
            subprocess.Popen(
                [str(BIN / f"coso-{service}"), "migrate"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
            )
            for service in SERVICES
        ]
        for service, migration in zip(SERVICES, migrations, strict=True):
            output, _ = migration.communicate()
            assert migration.returncode == 0, (
                f"{service} migrate exited with {migration.returncode}:\n{output.decode()}"
            )
        stack = Stack(workdir, env, ports)
        try:
            for service in SERVICES:
                stack.start(f"{service}-api")
                stack.start(f"{service}-worker")
            stack.wait_healthy()
            yield stack
        finally:
            stack.stop_all()
            if os.environ.get("COSO_KEEP_E2E_LOGS") is None:
                shutil.rmtree(workdir, ignore_errors=True)
