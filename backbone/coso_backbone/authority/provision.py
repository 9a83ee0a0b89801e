"""Provisioning a stack's broker and databases, and deleting them again.

Creating them is deploy/bin/coso-stack-up's job (one implementation, whether an operator runs
the script by hand or `coso-authority up` does); `purge` is the irreversible opposite.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from coso_backbone.authority.model import SERVICES, AuthorityStack


def stack_up_script(deploy_dir: Path, env_file: Path, prefix: str, *options: str) -> None:
    """Provision through deploy/bin/coso-stack-up (one implementation of those steps)."""
    command = [str(deploy_dir / "bin" / "coso-stack-up"), "--env-file", str(env_file), *options]
    env = {**os.environ, "COSO_PREFIX": prefix, "COSO_DEFINITIONS": str(deploy_dir / "rabbitmq" / "definitions.json")}
    subprocess.run(command, check=True, env=env)


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
