"""The federation harness clears what a killed test process left on the broker and the
database server (its vhosts, link users and databases), and nothing else."""

from __future__ import annotations

import uuid

from coso_backbone.testing import create_postgres_databases, drop_postgres_databases, postgres_databases
from tests.federation.conftest import one_federation_at_a_time
from tests.federation.harness import admin, clear_leftovers


def test_a_killed_federations_vhosts_users_and_databases_are_cleared_and_nothing_else() -> None:
    api = admin()
    dead = f"t{uuid.uuid4().hex[:10]}"
    other = f"coso-other-{dead}"
    api.ensure_vhost(other)
    try:
        with one_federation_at_a_time():
            for key in ("province", "a"):
                api.ensure_vhost(f"coso-fed-{dead}-{key}")
            api.ensure_user(f"coso-link.{dead}-a.up", "secret")
            api.ensure_user(f"coso-link.{dead}-a.down", "secret")
            create_postgres_databases([f"coso_fed_{dead}_a_reporting"])

            cleared = clear_leftovers(api)

        assert set(cleared) >= {f"coso-fed-{dead}-province", f"coso-fed-{dead}-a"}
        vhosts = {v["name"] for v in api.get("/vhosts")}
        assert not any(name.startswith(f"coso-fed-{dead}") for name in vhosts)
        assert other in vhosts
        users = {u["name"] for u in api.get("/users")}
        assert not {f"coso-link.{dead}-a.up", f"coso-link.{dead}-a.down"} & users
        assert not postgres_databases(f"coso_fed_{dead}")
    finally:
        api.delete(f"/vhosts/{other}")
        drop_postgres_databases([f"coso_fed_{dead}_a_reporting"])
