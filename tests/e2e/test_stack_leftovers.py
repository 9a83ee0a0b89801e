"""A stack whose test process was killed leaves its vhost and databases; the next stack's
set-up clears them, and leaves those of live test processes (tests running in parallel)."""

from __future__ import annotations

import subprocess

from coso_backbone.testing import add_vhost, delete_vhost, postgres_databases
from coso_backbone.testing import rabbitmq_vhosts as vhosts
from tests.e2e.stack import MACHINE, clear_leftovers, service_databases, stack_key


def test_the_stacks_of_ended_test_processes_are_cleared_and_live_ones_kept() -> None:
    ended = subprocess.Popen(["true"])
    ended.wait()
    dead, live = stack_key(ended.pid), stack_key()
    for key in (dead, live):
        add_vhost(f"coso-e2e-{key}")
    try:
        with service_databases(["reporting"], live), service_databases(["registry", "reporting"], dead):
            cleared = clear_leftovers()

            databases = postgres_databases(f"coso_e2e_{MACHINE}_")
            assert f"coso-e2e-{live}" not in cleared  # (the dead one may be cleared by a stack starting meanwhile)
            assert f"coso-e2e-{dead}" not in vhosts() and f"coso-e2e-{live}" in vhosts()
            assert not {d for d in databases if d.startswith(f"coso_e2e_{dead.replace('-', '_')}_")}
            assert f"coso_e2e_{live.replace('-', '_')}_reporting" in databases
    finally:
        delete_vhost(f"coso-e2e-{live}")
