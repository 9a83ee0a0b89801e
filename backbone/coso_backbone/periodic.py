"""A job run every so often in a worker's loop: plan checkpoints, closing periods, deadlines."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


def run_periodically(stop: threading.Event, every: float, job: Callable[[], str | None], name: str) -> None:
    """Run `job` now and then every `every` seconds until `stop` is set. What it reports (a
    message, or None for nothing done) is logged under `name`; a failure, such as the database
    being down, is logged as a warning and the job runs again at the next turn."""
    while not stop.is_set():
        try:
            done = job()
            if done:
                log.info("%s: %s", name, done)
        except Exception as exc:  # noqa: BLE001 - keep running once the database is back
            log.warning("%s: %s", name, exc)
        stop.wait(every)
