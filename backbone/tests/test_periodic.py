"""The periodic job loop: it runs until stopped, and a failing turn does not end it."""

import logging
import threading

import pytest

from coso_backbone.periodic import run_periodically


def test_a_failing_turn_is_logged_and_the_job_runs_again_until_stopped(caplog: pytest.LogCaptureFixture) -> None:
    stop = threading.Event()
    turns: list[int] = []

    def job() -> str | None:
        turns.append(len(turns))
        if len(turns) == 1:
            raise RuntimeError("the database is down")
        if len(turns) == 3:
            stop.set()
        return "2 evaluated" if len(turns) == 2 else None

    with caplog.at_level(logging.INFO, logger="coso_backbone.periodic"):
        run_periodically(stop, 0.0, job, "plan checkpoints")

    assert turns == [0, 1, 2]
    assert [r.getMessage() for r in caplog.records] == [
        "plan checkpoints: the database is down",
        "plan checkpoints: 2 evaluated",
    ]
    assert caplog.records[0].levelno == logging.WARNING


def test_a_stopped_loop_runs_nothing() -> None:
    stop = threading.Event()
    stop.set()
    run_periodically(stop, 0.0, lambda: pytest.fail("ran after stop"), "x")
