"""The admissions composition root: the one place where adapters are chosen and wired."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from coso_admissions.adapters.registry_events import registry_event_handlers
from coso_admissions.adapters.sql import SqlAdmissionsUnitOfWork, SqlCandidateQueries
from coso_admissions.application.admissions import Admissions
from coso_backbone import wiring
from coso_backbone.config import CosoSettings
from coso_backbone.consumer import Consumer
from coso_backbone.eventstore import EventStore

MIGRATIONS = Path(__file__).parent / "adapters" / "migrations"
CONSUMER = "admissions"
CONSUMED_PRODUCERS = ("registry",)
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


def today_in(settings: CosoSettings) -> Callable[[], date]:
    """Today's date where the deployment works (option `timezone`, Vietnam by default)."""
    zone = ZoneInfo(str(settings.options.get("timezone", DEFAULT_TIMEZONE)))
    return lambda: datetime.now(zone).date()


class AdmissionsApp:
    """What the entrypoints get: the use cases and the store behind them."""

    def __init__(self, settings: CosoSettings, store: EventStore) -> None:
        self.settings = settings
        self.store = store
        self.admissions = Admissions(
            lambda: SqlAdmissionsUnitOfWork(store), SqlCandidateQueries(store), today=today_in(settings)
        )


def build(settings: CosoSettings) -> AdmissionsApp:
    return AdmissionsApp(settings, wiring.event_store(settings))


def migrate(settings: CosoSettings) -> None:
    wiring.migrate(settings, MIGRATIONS)


def registry_consumer(settings: CosoSettings, store: EventStore, name: str = CONSUMER) -> Consumer:
    """The consumer that copies the registry's authorities and enterprises into admissions."""
    return wiring.consumer(settings, store, registry_event_handlers(), name=name)


def consumer_names(settings: CosoSettings) -> list[str]:
    return [CONSUMER]


def worker_loops(settings: CosoSettings) -> list[tuple[str, wiring.Loop]]:
    """The admissions worker publishes its own events and consumes the registry's."""
    store = wiring.event_store(settings)
    return [
        wiring.relay_loop(settings, store),
        wiring.consumer_loop(settings, registry_consumer(settings, store), CONSUMED_PRODUCERS),
    ]
