"""Two authorities' stacks on one machine, brought up from their authority files.

A province and one of its communes each get their own vhost, broker user, PostgreSQL role and
databases, ports and state directory through `coso-authority up --process-manager honcho`;
both answer /health, a commune's registry write stays in the commune's stack, and `down
--purge` stops both and removes what `up` created.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from coso_backbone.testing import WAIT_SECONDS, free_ports, postgres_databases
from coso_backbone.testing import rabbitmq_vhosts as vhosts

COMMAND = str(Path(sys.executable).parent / "coso-authority")
pytestmark = [pytest.mark.rabbitmq, pytest.mark.postgres]


def free_base() -> int:
    """A base port whose next four ports are free (`free_ports`: this test process's own)."""
    return free_ports(5)


def authority_file(tmp_path: Path, authority: dict[str, Any], superior: dict[str, Any] | None) -> Path:
    name = authority["id"]
    safe = name.replace(".", "_").replace("-", "_")
    password = uuid.uuid4().hex
    document = {
        "authority": authority,
        "superior": superior,
        "rabbitmq": {"vhost": f"coso-{name}", "user": f"coso-{name}", "password": password},
        "database_url": f"postgresql+psycopg2://coso_{safe}:{password}@127.0.0.1:5432/coso_{safe}_{{service}}",
        "ports": {"api_base": free_base(), "metrics_base": free_base()},
        "paths": {"prefix": sys.prefix, "state_dir": str(tmp_path / name)},
        "access_control": False,
    }
    path = tmp_path / f"{name}.yml"
    path.write_text(yaml.safe_dump({k: v for k, v in document.items() if v is not None}), encoding="utf-8")
    return path


def coso_authority(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([COMMAND, *args], capture_output=True, text=True, timeout=3 * WAIT_SECONDS)


def up_with_honcho(path: Path) -> subprocess.CompletedProcess[str]:
    # `up` provisions, migrates, starts and waits for every /health: on a busy machine that is
    # minutes, so it waits for /health as long as the tests' polls wait (the command above, longer).
    return coso_authority("up", str(path), "--process-manager", "honcho", "--timeout", str(WAIT_SECONDS))


def api(path: Path, service: str) -> str:
    base = yaml.safe_load(path.read_text())["ports"]["api_base"]
    return f"http://127.0.0.1:{base + 1 + ('registry', 'admissions', 'reporting', 'notifications').index(service)}"


def test_a_province_and_a_commune_run_side_by_side_isolated(tmp_path: Path) -> None:
    run = f"t{uuid.uuid4().hex[:6]}"
    province = authority_file(tmp_path, {"id": run, "name": "Tỉnh ủy thử nghiệm", "level": "province"}, None)
    commune = authority_file(
        tmp_path,
        {"id": f"{run}.xa-mot", "name": "Đảng ủy xã Một", "level": "commune"},
        {"authority_id": run, "deployment": run, "rabbitmq": {"host": "127.0.0.1", "vhost": f"coso-{run}"}},
    )
    files = (province, commune)
    try:
        started = time.monotonic()
        with ThreadPoolExecutor(2) as pool:
            ups = list(pool.map(up_with_honcho, files))
        for up in ups:
            assert up.returncode == 0, up.stdout[-3000:] + up.stderr[-3000:]
        print(f"two stacks up in {time.monotonic() - started:.1f} s")

        for path in files:
            for service in ("registry", "admissions", "reporting", "notifications"):
                health = requests.get(f"{api(path, service)}/health", timeout=5)
                assert health.status_code == 200 and health.json()["status"] == "ok"
        assert {f"coso-{run}", f"coso-{run}.xa-mot"} <= vhosts()
        assert len(postgres_databases(f"coso_{run}_")) == 8

        # The commune's registry learns its own place in the hierarchy; the province's does not.
        commune_registry, province_registry = api(commune, "registry"), api(province, "registry")
        for record in (
            {"authority_id": run, "name": "Tỉnh ủy thử nghiệm", "level": "province"},
            {"authority_id": f"{run}.xa-mot", "name": "Đảng ủy xã Một", "level": "commune", "parent_id": run},
        ):
            written = requests.post(
                f"{commune_registry}/authorities", json={**record, "effective_from": "2025-07-01"}, timeout=10
            )
            assert written.status_code == 201, written.text
        assert requests.get(f"{commune_registry}/authorities/{run}.xa-mot", timeout=5).status_code == 200
        assert requests.get(f"{province_registry}/authorities/{run}.xa-mot", timeout=5).status_code == 404

        commune_info = requests.get(f"{api(commune, 'registry')}/events/info", timeout=5).json()
        province_info = requests.get(f"{api(province, 'registry')}/events/info", timeout=5).json()
        assert commune_info["source"] == f"/coso/{run}.xa-mot/registry" and commune_info["last_position"] == 2
        assert province_info["source"] == f"/coso/{run}/registry" and province_info["last_position"] == 0

        # Idempotent: the same file again leaves the running processes as they are.
        pid_file = tmp_path / run / "honcho.pid"
        pid = pid_file.read_text()
        again = up_with_honcho(province)
        assert again.returncode == 0 and "already runs the stack" in again.stdout, again.stdout + again.stderr
        assert pid_file.read_text() == pid
    finally:
        with ThreadPoolExecutor(2) as pool:
            downs = list(
                pool.map(lambda f: coso_authority("down", str(f), "--process-manager", "honcho", "--purge"), files)
            )
        for down in downs:
            assert down.returncode == 0, down.stdout + down.stderr
    for path in files:
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{api(path, 'registry')}/health", timeout=5)
    assert not {f"coso-{run}", f"coso-{run}.xa-mot"} & vhosts()
    assert postgres_databases(f"coso_{run}_") == set()


def test_the_systemd_dry_run_names_the_authoritys_own_units_vhost_and_databases(tmp_path: Path) -> None:
    run = f"t{uuid.uuid4().hex[:6]}"
    path = authority_file(tmp_path, {"id": run, "name": "Tỉnh ủy thử nghiệm", "level": "province"}, None)
    dry = coso_authority("up", str(path), "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert f"would run: systemctl start coso@{run}.target" in dry.stdout
    assert f"rabbitmqctl -q add_vhost coso-{run}" in dry.stdout
    assert f"CREATE DATABASE coso_{run}_registry OWNER coso_{run}" in dry.stdout
    assert f"WorkingDirectory=/var/lib/coso/{run}" in dry.stdout and "Dry run: nothing was changed." in dry.stdout
    assert f"coso-{run}" not in vhosts() and postgres_databases(f"coso_{run}_") == set()
