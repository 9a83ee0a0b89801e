"""The ports tests give the servers they start: each test process its own, below the ephemeral range."""

from __future__ import annotations

import socket

import pytest

from coso_backbone.testing import free_port, free_ports


def test_successive_calls_give_consecutive_ports_that_do_not_overlap_below_the_ephemeral_range() -> None:
    first, second, third = free_ports(4), free_ports(4), free_port()
    given = [*range(first, first + 4), *range(second, second + 4), third]
    assert len(set(given)) == 9
    assert all(20000 <= port < 32768 for port in given)


def test_a_port_something_listens_on_is_passed_over() -> None:
    start = free_port()
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", start + 1))  # the port the next call would give
        listener.listen()
        given = free_ports(2)
    assert given > start + 1 or given + 1 < start  # neither of the two is the one listened on


def test_each_test_process_hands_out_ports_of_its_own_block(monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = {}
    for worker in ("gw0", "gw1", "gw7"):
        monkeypatch.setenv("PYTEST_XDIST_WORKER", worker)
        blocks[worker] = (free_port() - 20000) // 400
    assert blocks == {"gw0": 0, "gw1": 1, "gw7": 7}
