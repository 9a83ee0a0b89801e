"""A service's HTTP server started on an address another process listens on stops at once,
saying so, rather than sharing the requests with that process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from coso_backbone.testing import AMQP_URI, WAIT_SECONDS, free_port

BIN = Path(sys.executable).parent

pytestmark = [pytest.mark.rabbitmq]


def test_the_api_stops_at_start_naming_the_address_another_process_listens_on(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "COSO_AMQP_URI": AMQP_URI,
        "COSO_REGISTRY_DATABASE_URL": f"sqlite:///{tmp_path / 'registry.db'}",
        "COSO_REGISTRY_HTTP": f"127.0.0.1:{port}",
        "COSO_REGISTRY_METRICS_PORT": str(free_port()),
    }
    subprocess.run([str(BIN / "coso-registry"), "migrate"], env=env, check=True, capture_output=True)
    with socket.socket() as other:  # another server on the port, as eventlet's listen makes one
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        other.bind(("127.0.0.1", port))
        other.listen()
        api = subprocess.Popen(
            [str(BIN / "coso-registry"), "api"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        try:
            output, _ = api.communicate(timeout=WAIT_SECONDS)
        finally:
            api.kill()
            api.wait()
    assert api.returncode != 0
    assert f"the HTTP server cannot listen on 127.0.0.1:{port}" in output.decode(), output.decode()[-3000:]
