"""Reporting's composition root: the one place where adapters are chosen and wired."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from coso_backbone import wiring
from coso_backbone.config import CosoSettings
from coso_backbone.consumer import Consumer
from coso_backbone.database import create_database_engine
from coso_backbone.deadletters import DeadLetterQueue
from coso_backbone.eventstore import EventStore
from coso_backbone.readapi import HttpEventSource
from coso_reporting.adapters.access import SqlAccessStore
from coso_reporting.adapters.coverage_counts import CoverageSettings, keep_coverage_settings
from coso_reporting.adapters.exports import file_formats
from coso_reporting.adapters.fact_queries import SqlFactQueries
from coso_reporting.adapters.members_lane import LANES
from coso_reporting.adapters.periods import StoreClosedPeriods
from coso_reporting.adapters.plan_achievements import SqlPlanAchievements
from coso_reporting.adapters.plans import SqlIndicatorHistory, SqlPlanQueries, SqlPlanUnitOfWork
from coso_reporting.adapters.projection import projection_handlers
from coso_reporting.adapters.queries import SqlIndicatorQueries
from coso_reporting.adapters.rebuild import EventSource, Progress, RebuildStats, rebuild
from coso_reporting.adapters.received_plans import CONSUMER as RECEIVED_PLANS_CONSUMER
from coso_reporting.adapters.received_plans import SqlReceivedPlans, received_plan_handlers
from coso_reporting.adapters.schema import MIGRATIONS
from coso_reporting.adapters.trees import SqlAuthorityTrees
from coso_reporting.application.access import DEFAULT_SESSION_HOURS, AccessControl
from coso_reporting.application.assigned_plans import AssignedPlans
from coso_reporting.application.exports import Exports
from coso_reporting.application.fact_exports import FactExports
from coso_reporting.application.fact_reports import (
    DEFAULT_DUE_WITHIN_DAYS,
    DEFAULT_EXCELLENT_SHARE,
    DEFAULT_LISTED_DEADLINES,
    FactReports,
    FactReportSettings,
)
from coso_reporting.application.indicators import Indicators
from coso_reporting.application.period_closings import PeriodClosings
from coso_reporting.application.plan_checkpoints import PlanCheckpoints
from coso_reporting.application.plans import Plans
from coso_reporting.application.reports import Reports
from coso_reporting.application.state_cache import StateCache
from coso_reporting.domain.checkpoints import DEFAULT_MONTHS, Checkpoints
from coso_reporting.domain.coverage import DEFAULT_MINIMUM_OFFICIAL_MEMBERS, SizeBands

# The producers whose events the projection is made of, in the order a rebuild reads them
# (registry first, so candidates find their enterprises already recorded).
SOURCES = ("registry", "admissions")


class ReportingApp:
    """What the entrypoints get: the indicator queries and the plans (recorded in `store`)."""

    def __init__(self, settings: CosoSettings, store: EventStore) -> None:
        self.settings = settings
        self.store = store
        queries = SqlIndicatorQueries(store.engine, consumer=settings.service)
        self.history = SqlIndicatorHistory(store.engine)
        self.trees = SqlAuthorityTrees(store.engine)
        self.indicators = Indicators(queries, self.trees)
        self.access = AccessControl(
            SqlAccessStore(store.engine),
            self.trees,
            enabled=access_control_enabled(settings),
            session_lifetime=dashboard_session_lifetime(settings),
        )
        fact_queries = SqlFactQueries(store.engine)
        self.plans = Plans(
            lambda: SqlPlanUnitOfWork(store),
            SqlPlanQueries(store.engine),
            self.history,
            self.trees,
            tolerance=behind_schedule_tolerance(settings),
            received=SqlReceivedPlans(store.engine),
            achievements=SqlPlanAchievements(store.engine),
            cache=StateCache(fact_queries.projection_state),
        )
        self.assigned_plans = AssignedPlans(
            SqlReceivedPlans(store.engine), self.plans, self.trees, tolerance=behind_schedule_tolerance(settings)
        )
        self.reports = Reports(self.history, self.trees)
        formats = file_formats(settings.options.get("pdf_font_dir"))
        place = str(settings.options.get("report_place", ""))
        self.exports = Exports(self.reports, self.plans, formats, place=place)
        self.fact_reports = FactReports(
            fact_queries, self.trees, fact_report_settings(settings), StateCache(fact_queries.projection_state)
        )
        self.fact_exports = FactExports(self.fact_reports, formats, place=place)


def fact_report_settings(settings: CosoSettings) -> FactReportSettings:
    """`options.fact_reports`: {size_bands: [50, 200, 1000], minimum_official_members: 3,
    due_within_days: 14, excellent_share: 0.2, listed_deadlines: 500} (the defaults; DOMAIN.md's
    current rules; the pipeline report lists the earliest `listed_deadlines` of each kind)."""
    option = dict(settings.options.get("fact_reports") or {})
    known = {"size_bands", "minimum_official_members", "due_within_days", "excellent_share", "listed_deadlines"}
    unknown = sorted(set(option) - known)
    if unknown:
        raise ValueError(f"options.fact_reports: unknown settings {', '.join(unknown)}")
    found = FactReportSettings(
        size_bands=SizeBands.of(option.get("size_bands")),
        minimum_official_members=int(option.get("minimum_official_members", DEFAULT_MINIMUM_OFFICIAL_MEMBERS)),
        due_within_days=int(option.get("due_within_days", DEFAULT_DUE_WITHIN_DAYS)),
        excellent_share=float(option.get("excellent_share", DEFAULT_EXCELLENT_SHARE)),
        listed_deadlines=int(option.get("listed_deadlines", DEFAULT_LISTED_DEADLINES)),
    )
    if (
        found.minimum_official_members < 1
        or found.due_within_days < 0
        or not 0 <= found.excellent_share <= 1
        or found.listed_deadlines < 1
    ):
        raise ValueError(
            "options.fact_reports: minimum_official_members must be at least 1, due_within_days not negative, "
            "excellent_share between 0 and 1, listed_deadlines at least 1"
        )
    return found


def access_control_enabled(settings: CosoSettings) -> bool:
    """`options.access_control` (default true): API tokens on the HTTP API and the dashboard;
    the bundled development config.yml sets false."""
    enabled = settings.options.get("access_control", True)
    if not isinstance(enabled, bool):
        raise ValueError(f"options.access_control must be true or false, not {enabled!r}")
    return enabled


def dashboard_session_lifetime(settings: CosoSettings) -> timedelta:
    """`options.dashboard_session_hours` (default 12): how long a dashboard session opened
    with `POST /session` lasts before its user signs in again."""
    hours = settings.options.get("dashboard_session_hours", DEFAULT_SESSION_HOURS)
    if isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 < hours <= 24 * 31:
        raise ValueError(f"options.dashboard_session_hours must be a number of hours from 0 to 744, not {hours!r}")
    return timedelta(hours=hours)


def behind_schedule_tolerance(settings: CosoSettings) -> float:
    """`options.behind_schedule_tolerance` (default 0): how far progress may trail the period."""
    value = float(settings.options.get("behind_schedule_tolerance", 0.0))
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"options.behind_schedule_tolerance must be between 0 and 1, not {value}")
    return value


def plan_checkpoints(
    settings: CosoSettings, store: EventStore, today: Callable[[], date] | None = None
) -> PlanCheckpoints:
    """The checkpoint evaluator of `options.plan_checkpoints` ({months: [3, 6, 9, 12],
    catch_up_days: 92, poll_seconds: 3600, time_zone: Asia/Ho_Chi_Minh}); `today` is the clock
    (tests move it), by default the day in `time_zone`."""
    option, clock, catch_up_days, poll_seconds = _scheduled("plan_checkpoints", settings, {"months"})
    app = ReportingApp(settings, store)
    return PlanCheckpoints(
        app.plans,
        lambda: SqlPlanUnitOfWork(store),
        SqlPlanQueries(store.engine),
        Checkpoints(tuple(int(m) for m in option.get("months", DEFAULT_MONTHS))),
        today or clock,
        tolerance=behind_schedule_tolerance(settings),
        catch_up_days=catch_up_days,
        poll_seconds=poll_seconds,
    )


def period_closings(
    settings: CosoSettings, store: EventStore, today: Callable[[], date] | None = None
) -> PeriodClosings:
    """The closing of reporting periods, `options.period_closings` ({catch_up_days: 92,
    poll_seconds: 3600, time_zone: Asia/Ho_Chi_Minh}); `today` as for plan checkpoints."""
    _, clock, catch_up_days, poll_seconds = _scheduled("period_closings", settings, set())
    return PeriodClosings(
        SqlAuthorityTrees(store.engine),
        SqlIndicatorHistory(store.engine),
        StoreClosedPeriods(store),
        today or clock,
        catch_up_days=catch_up_days,
        poll_seconds=poll_seconds,
    )


def _scheduled(
    name: str, settings: CosoSettings, own: set[str]
) -> tuple[dict[str, Any], Callable[[], date], int, float]:
    """A scheduled job's option block: (the block, today's date in its `time_zone`,
    `catch_up_days` (default 92), `poll_seconds` (default 3600)), with unknown keys refused."""
    option = dict(settings.options.get(name) or {})
    unknown = sorted(set(option) - {"catch_up_days", "poll_seconds", "time_zone"} - own)
    if unknown:
        raise ValueError(f"options.{name}: unknown settings {', '.join(unknown)}")
    zone = ZoneInfo(str(option.get("time_zone", "Asia/Ho_Chi_Minh")))
    catch_up_days = int(option.get("catch_up_days", 92))
    if catch_up_days < 0:
        raise ValueError(f"options.{name}.catch_up_days must not be negative, not {catch_up_days}")
    return option, lambda: datetime.now(zone).date(), catch_up_days, float(option.get("poll_seconds", 3600))


def build(settings: CosoSettings) -> ReportingApp:
    return ReportingApp(settings, wiring.event_store(settings))


def migrate(settings: CosoSettings) -> None:
    """The schema brought up to date, then the kept coverage counts recounted if they were
    made with other size bands or minimum than `options.fact_reports` (until then the
    coverage report groups every enterprise of its day: right, but slow)."""
    wiring.migrate(settings, MIGRATIONS)
    configured = fact_report_settings(settings)
    engine = create_database_engine(settings.database_url)
    try:
        keep_coverage_settings(engine, CoverageSettings(configured.size_bands, configured.minimum_official_members))
    finally:
        engine.dispose()


def worker_loops(settings: CosoSettings) -> list[tuple[str, wiring.Loop]]:
    """The relay of reporting's own events (plans, checkpoints, closed periods), the
    projection's consumer, the consumer of superiors' plans, the plans' checkpoint evaluator
    and the closing of periods."""
    store = wiring.event_store(settings)
    consumer = wiring.consumer(settings, store, projection_handlers())
    return [
        wiring.relay_loop(settings, store),
        wiring.consumer_loop(settings, consumer, SOURCES),
        wiring.consumer_loop(settings, superior_plans_consumer(settings, store), ["reporting"]),
        ("plan-checkpoints", plan_checkpoints(settings, store).run),
        ("period-closings", period_closings(settings, store).run),
    ]


def superior_plans_consumer(settings: CosoSettings, store: EventStore) -> Consumer:
    """The consumer of the plans superiors' stacks send down a link into this stack's
    `reporting.events`; this stack's own events there (its own ce-source) are not applied.
    It catches up through `source_read_apis` (the superior's reporting read API)."""
    return wiring.consumer(
        settings, store, received_plan_handlers(), name=RECEIVED_PLANS_CONSUMER, reject_sources=[settings.source]
    )


def consumer_names(settings: CosoSettings) -> list[str]:
    return [settings.service, RECEIVED_PLANS_CONSUMER]


def read_api_sources(settings: CosoSettings) -> list[EventSource]:
    """This stack's registry and admissions, then the sources of lower stacks read through
    links (`source_read_apis`), registries before the others, so that candidates find their
    enterprises recorded."""
    missing = [producer for producer in SOURCES if producer not in settings.read_apis]
    if missing:
        raise ValueError(f"read_apis has no URL for {', '.join(missing)}")
    own: list[EventSource] = [HttpEventSource(settings.read_apis[producer]) for producer in SOURCES]
    linked = sorted(settings.source_read_apis.items(), key=lambda item: (not item[0].endswith("/registry"), item[0]))
    return own + [HttpEventSource(api.url, api.token) for _, api in linked]


def rebuild_projection(
    settings: CosoSettings,
    progress: Progress | None = None,
    discard_leftovers: bool = False,
    members_lanes: int = LANES,
) -> RebuildStats:
    """Rebuild the indicators from the sources' read APIs and swap them in (on PostgreSQL
    the members' events in `members_lanes` processes beside this one)."""
    sink = DeadLetterQueue(settings.amqp_uri, settings.service)
    try:
        return rebuild(
            settings,
            read_api_sources(settings),
            dead_letters_to=sink,
            progress=progress,
            discard_leftovers=discard_leftovers,
            read_ahead=True,
            members_lanes=members_lanes,
        )
    finally:
        sink.close()
