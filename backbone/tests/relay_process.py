"""A relay as its own process, for tests that kill it or cut its broker connection.

Usage: python relay_process.py DATABASE_URL AMQP_URI PRODUCER SOURCE BATCH_SIZE
Runs until SIGTERM (or until it is killed).
"""

from __future__ import annotations

import logging
import signal
import sys
import threading

from coso_backbone.broker import ConfirmingPublisher
from coso_backbone.database import create_database_engine
from coso_backbone.eventstore import EventStore
from coso_backbone.relay import OutboxRelay


def main() -> None:
    database_url, amqp_uri, producer, source, batch_size = sys.argv[1:6]
    logging.basicConfig(level=logging.WARNING, format="relay-process %(levelname)s %(message)s")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    engine = create_database_engine(database_url)
    relay = OutboxRelay(
        EventStore(engine), ConfirmingPublisher(amqp_uri, producer), producer, source, batch_size=int(batch_size)
    )
    relay.run(stop)


if __name__ == "__main__":
    main()
