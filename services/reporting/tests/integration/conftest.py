"""Fixtures of reporting's integration tests: the nameko service run in a subprocess
(`nameko run`, real RabbitMQ) over a projection of a small province."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import amqp
import pytest
import yaml

from coso_backbone.broker import open_channel
from coso_backbone.testing import free_port, wait_healthy


@pytest.fixture
def reporting_api(tmp_path: Path, amqp_uri: str, world, projection_at) -> Iterator[str]:
    """reporting's API on a free port, over a projection of a small province, with access
    control off (every caller unrestricted; test_access_control.py runs it on)."""
    database_url = f"sqlite:///{tmp_path / 'reporting.db'}"
    projection_at(database_url).deliver(
        [
            world.authority("hn"),
            world.authority("hn.kcn", parent_id="hn"),
            world.enterprise("e1", "hn.kcn"),
            world.enterprise("e2", "hn"),
            world.candidate("c1", "e1", "hn.kcn"),
        ]
    )
    with running_reporting(tmp_path, amqp_uri, database_url, access_control=False) as base:
        yield base


def reporting_config(tmp_path: Path, amqp_uri: str, database_url: str, access_control: bool) -> Path:
    """A configuration of reporting on a free port over `database_url`."""
    port = free_port()
    config = tmp_path / "config.yml"
    config.write_text(
        yaml.safe_dump(
            {
                "AMQP_URI": amqp_uri,
                "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
                "coso": {
                    "service": "reporting",
                    "deployment": "test",
                    "database_url": database_url,
                    "amqp_uri": amqp_uri,
                    "http_port": port,
                    "metrics_port": 0,
                    "options": {"access_control": access_control},
                },
            }
        )
    )
    return config


@contextmanager
def running_reporting(tmp_path: Path, amqp_uri: str, database_url: str, access_control: bool) -> Iterator[str]:
    """`nameko run` of reporting over `database_url` (already migrated); yields its base URL."""
    config = reporting_config(tmp_path, amqp_uri, database_url, access_control)
    port = yaml.safe_load(config.read_text())["coso"]["http_port"]
    log = (tmp_path / "nameko.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nameko",
            "run",
            "--config",
            str(config),
            "coso_reporting.entrypoints.service:ReportingService",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"

    def alive() -> None:
        if process.poll() is not None:
            raise AssertionError(f"the service exited: {(tmp_path / 'nameko.log').read_text()[-2000:]}")

    try:
        wait_healthy(base, "reporting to start", also=alive)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        _delete_rpc_queue_if_unused(amqp_uri)


def _delete_rpc_queue_if_unused(amqp_uri: str) -> None:
    """nameko's RPC queue is durable: remove it unless another reporting service uses it."""
    connection, channel = open_channel(amqp_uri)
    try:
        channel.queue_delete("rpc-reporting", if_unused=True)
    except amqp.exceptions.PreconditionFailed:
        pass
    finally:
        connection.release()
