"""A service's worker process: its outbox relay, its consumers and their metrics.

Runs each part in a thread until SIGTERM or SIGINT, then stops them cleanly. The API
process (nameko) only appends events; everything that moves them runs here.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Sequence

from prometheus_client import start_http_server

log = logging.getLogger(__name__)

Loop = Callable[[threading.Event], None]


def run_loops(
    loops: Sequence[tuple[str, Loop]],
    metrics_port: int | None,
    stop: threading.Event | None = None,
    metrics_host: str = "127.0.0.1",
) -> None:
    stop = stop or threading.Event()
    if metrics_port:
        start_http_server(metrics_port, addr=metrics_host)
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
    threads = [threading.Thread(target=loop, args=(stop,), name=name, daemon=True) for name, loop in loops]
    for thread in threads:
        thread.start()
        log.info("worker: %s started", thread.name)
    while not stop.is_set():
        stop.wait(0.5)
        for thread in threads:
            if not thread.is_alive():
                log.error("worker: %s stopped unexpectedly; stopping the worker", thread.name)
                stop.set()
    for thread in threads:
        thread.join(timeout=10)
