"""Rebuilding the projection from its sources while the old tables keep serving.

1. Fresh tables are created beside the live ones (`<name>__rebuild`, adapters/tables.py),
   without their secondary indexes; on PostgreSQL the tables the counts fill at the end
   (`COUNT_LANES`) without their primary keys too.
2. Each source is read page by page from position 0 up to its last position when the
   rebuild began (or, if it does not say, until it has nothing more). Four pages at a time
   are tallied in memory and written in one transaction (`apply_events`, the very code the
   live handlers run on one event): one statement per table instead of several per event.
   Pages holding an event that cannot be applied are applied again event by event, each in
   a savepoint, as the live consumer does, so only that event is refused. The member counts
   (adapters/facts.py), the coverage counts (adapters/coverage_counts.py), the own
   counts per authority and day (adapters/indicator_counts.py), the monthly and yearly
   counts (adapters/calendar_counts.py), the organizations' counts
   (adapters/organization_counts.py) and the pipeline counts (adapters/pipeline_counts.py)
   are counted once from the loaded records, not moved page by page (`COUNT_LANES`). On
   PostgreSQL pages are written with COPY (adapters/upsert.py, COPY's text format) in a
   thread of their own, while the next pages are parsed (`IN_FLIGHT` batches at a time),
   and commit without waiting for the WAL to reach the disk; the members' events are sent,
   unparsed, to the members' lanes (adapters/members_lane.py), processes of their own that
   parse and apply them, each the members of its streams, with the same code, and the
   other events' facts to the facts lane (adapters/facts_lane.py), which commits each batch
   with the tally this process writes, or rolls it back with it. Then the
   secondary indexes are built (PostgreSQL; suffixed names) and the tables analyzed. On
   PostgreSQL this end runs on two connections at once, as one queue: the counts'
   independent lanes first, each going on to its tables' primary keys,
   indexes and statistics, then the other tables' indexes and statistics, taken by
   whichever connection is free: the server has the machine to itself by then.
3. One short transaction swaps. It excludes the live consumer (SQLite: the write lock;
   PostgreSQL: an exclusive lock on `consumer_checkpoints`, which every consumer batch
   reads first), sets the consumer's checkpoints to the positions the rebuild reached,
   records the refused events as dead letters, drops the live tables and renames the
   fresh ones in their place, and their indexes to the declared names (SQLite, which cannot
   rename an index, creates them there). Readers see the old tables until it commits, then the new.
   The live consumer goes on from the rebuild's positions: it skips what the rebuild
   applied and catches up what was appended since.

If anything fails before the swap, the fresh tables are dropped and nothing changed.

Python's cyclic garbage collector is paused while the rebuild runs: each page allocates
tens of thousands of short-lived objects, and the collector's passes over them (and over
whatever the caller holds) cost more than half the time; the rebuild makes no reference
cycles, so refcounting frees each page. Measured on SQLite: ~45,000 events/s with the
collector running, over 100,000 without.

On PostgreSQL the replay is bound by this process (parsing in the main thread, tallying
and writing in the writer's, sharing the GIL) and the end by the server. Measured with the
bench's page files at `--scale 0.1` (778,295 events), five runs alternating with the code
before on a machine shared with other work: the end took 5.9-7.8 s (once 13.4 s) against
8.5-11.3 s before the counted tables got their keys after filling, 12.7-12.9 s against
18.4-19.9 s at load 7-8; this process's time went from 11.6-14.5 s to 10.5-13.6 s; the
rate overall 16,700-39,800 events/s against 15,000-32,900, as the load went. At `--scale 1`
on a quiet machine (2026-12-06, the bench's whole run, the code before right after): 27,384
and 26,828 events/s in two runs against 23,919 before.

At `--scale 1` most of the writer's time went to looking up members that were not there
yet (a member's first event): 89 s of a 262 s replay, one index probe per member in a table
of millions of rows. The fact keys written so far are kept in Bloom filters
(adapters/written_keys.py), and keys never written are not looked up: the replay took
180 s instead of 262 s, 31,683 events/s overall against 23,557 (same session, quiet
machine). Since then the replay was bound by this process's Python work (parsing, the
bench's envelopes, tallying, COPY's lines: about 210 s of CPU time over two threads that
share the GIL), the end (~65 s) by the server.

So the members' events, most of a national rebuild's, are parsed and applied in two other
processes (adapters/members_lane.py), and a member's first enrolment sets its row field by
field (domain/facts.py); the other events' facts in a third (adapters/facts_lane.py), which
took a quarter off the registry's part of the replay. See services/reporting/README.md
(Benchmark) for the figures.
"""

from __future__ import annotations

import gc
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any, Protocol

from pydantic import ValidationError
from sqlalchemy import Connection, Engine, Table, and_, delete, insert, inspect, or_, select, text
from sqlalchemy.schema import CreateIndex, CreateTable

from coso_backbone.config import CosoSettings
from coso_backbone.consumer import DeadLetterSink, Incoming
from coso_backbone.contracts import EventContract
from coso_backbone.database import create_database_engine
from coso_backbone.envelope import Envelope
from coso_backbone.errors import EventSourceUnavailable, MalformedMessage, UnknownEventVersion
from coso_backbone.handlers import EventHandlers, Resolved
from coso_backbone.readapi import EventPage, read_page
from coso_backbone.schema import consumer_checkpoints, dead_letters
from coso_reporting.adapters.calendar_counts import count_calendar
from coso_reporting.adapters.coverage_counts import count_coverage, kept_settings
from coso_reporting.adapters.facts import count_enterprise_members, count_member_flows, count_member_kinds
from coso_reporting.adapters.facts_lane import FactsLane
from coso_reporting.adapters.indicator_counts import count_indicators
from coso_reporting.adapters.members_lane import LANES, MembersLanes, lane_available
from coso_reporting.adapters.organization_counts import count_organizations
from coso_reporting.adapters.pipeline_counts import count_pipeline, count_stage_moves
from coso_reporting.adapters.projection import projection_handlers
from coso_reporting.adapters.rebuild_writes import apply_beside_lane, apply_parsed, lane_batch, write_transaction
from coso_reporting.adapters.schema import migrate_engine
from coso_reporting.adapters.tables import LIVE, REBUILD, REBUILD_SUFFIX, ProjectionTables
from coso_reporting.adapters.written_keys import WrittenKeys
from coso_reporting.domain.errors import RebuildInProgress

DEFAULT_PAGE = 5000  # the read API's largest page
# Read pages written in one transaction: fewer statements and commits (pages of 20,000
# events took ~8 % less time than pages of 5,000 on PostgreSQL here).
PAGES_PER_WRITE = 4
# Batches written while the next are read and parsed: the rebuild's writer thread takes them
# one after the other, and the members' lane parses one while it writes the one before.
IN_FLIGHT = 2


def _coverage_as_kept(connection: Connection, tables: ProjectionTables) -> None:
    count_coverage(connection, tables, kept_settings(connection))  # with the live counts' settings


# The counts made once from the loaded records at the end, rather than moved page by page:
# lanes of steps. Each lane writes tables of its own and reads only the loaded records and
# what the steps before it in the lane wrote (the coverage reads each enterprise's members),
# so on PostgreSQL the lanes run two at a time, each in a transaction of its own, taken
# longest first by whichever connection is free. At `--scale 1` the member kinds took
# 24-26 s, the coverage 26-30 s after the enterprises' members' 5-6 s, and the flows 9-10 s
# (counted from the members, so in a lane of their own: 6 s from the member kinds' rows,
# after them in their lane, when that lane alone was as long as the whole end).
Count = Callable[[Connection, ProjectionTables], None]


@dataclass(frozen=True)
class CountStep:
    """A count of the rebuild's end and the tables it fills: whole, with rows of distinct
    keys (each a grouping), tables the pages leave alone. On PostgreSQL those are created
    without their primary key, which is added once they are filled (`_finish_table`): half
    a million member flows took 1.2 s into a table without it and adding it after, 3.2 s
    into one that had it in the key's order, 4-15 s in no order (the machine loaded)."""

    count: Count
    fills: Callable[[ProjectionTables], tuple[Table, ...]]

    @property
    def name(self) -> str:
        """What it counts, in words (`count_member_kinds`: "member kinds")."""
        return self.count.__name__.lstrip("_").removeprefix("count_").replace("_", " ")


COUNT_LANES: tuple[tuple[CountStep, ...], ...] = (  # the longest first: two connections take them in turn
    (
        CountStep(
            count_member_kinds,
            lambda t: (
                t.member_changes,
                t.member_counts,
                t.member_unit_counts,
                t.member_compositions,
                t.member_unit_half_years,
                t.member_composition_half_years,
            ),
        ),
    ),
    (
        CountStep(count_enterprise_members, lambda t: (t.enterprise_members,)),
        CountStep(
            _coverage_as_kept,
            lambda t: (
                t.enterprise_coverage,
                t.coverage_counts,
                t.coverage_changes,
                t.coverage_monthly_changes,
                t.coverage_half_years,
                t.coverage_settings,
            ),
        ),
    ),
    (CountStep(count_stage_moves, lambda t: (t.stage_moves, t.monthly_stage_moves, t.stage_half_years)),),
    (CountStep(count_member_flows, lambda t: (t.member_flows,)),),
    (
        CountStep(
            count_organizations,
            lambda t: (t.organization_counts, t.organization_monthly_flows, t.organization_yearly_flows),
        ),
        CountStep(count_indicators, lambda t: (t.daily_indicators, t.daily_candidates)),
        CountStep(count_calendar, lambda t: (t.monthly_indicators, t.yearly_indicators)),
        CountStep(
            count_pipeline, lambda t: (t.candidate_stages, t.candidate_deadlines, t.pipeline_counts, t.deadline_counts)
        ),
    ),
)


def _counted(tables: ProjectionTables) -> set[str]:
    """The names of the tables the counts fill."""
    return {table.name for lane in COUNT_LANES for step in lane for table in step.fills(tables)}


class EventSource(Protocol):
    """A producer's events: `HttpEventSource` over its read API, or an in-process stand-in."""

    def info(self) -> Mapping[str, Any]:
        """At least `source` (the ce-source); `last_position` if known (for progress)."""

    def read_after(self, position: int, limit: int) -> list[Envelope]: ...


Progress = Callable[[str, int, int | None], None]  # source, position reached, last position
# After the sources, the end's steps (counts, keys, indexes and statistics) are reported as
# one more line of progress under this name: steps done, of how many.
FINISHING = "counts, keys and indexes"


@dataclass
class SourceStats:
    source: str
    last_position: int | None = None
    position: int = 0
    read: int = 0
    applied: int = 0
    skipped: int = 0
    refused: int = 0


@dataclass(frozen=True)
class RefusedEvent:
    source: str
    position: int
    event_type: str
    reason: str


@dataclass
class RebuildStats:
    sources: list[SourceStats]
    refused: list[RefusedEvent] = field(default_factory=list)
    seconds: float = 0.0
    replay_seconds: float = 0.0  # reading, tallying and writing the sources' events
    finish_seconds: float = 0.0  # the end's counts, keys, indexes and statistics
    # The end's steps and the seconds each took, in the order they ended (two at a time on
    # PostgreSQL): "counting <what>" (`CountStep.name`) and "keys and indexes of <table>".
    finish_steps: dict[str, float] = field(default_factory=dict)

    def longest_steps(self, most: int = 5) -> list[tuple[str, float]]:
        """The end's longest steps, longest first."""
        return sorted(self.finish_steps.items(), key=lambda step: step[1], reverse=True)[:most]

    @property
    def events(self) -> int:
        return sum(s.read for s in self.sources)

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0


@dataclass
class _Batch:
    """Pages read for one write: their events parsed, those for the members' lane resolved
    only, those refused with the reason, and how far each page reached."""

    events: list[tuple[Envelope, EventContract]] = field(default_factory=list)
    laned: list[tuple[Envelope, Resolved]] = field(default_factory=list)
    refusals: list[tuple[Envelope, str]] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)


def rebuild(
    target: CosoSettings | Engine,
    sources: Sequence[EventSource],
    *,
    consumer: str | None = None,
    page_size: int = DEFAULT_PAGE,
    dead_letters_to: DeadLetterSink | None = None,
    progress: Progress | None = None,
    discard_leftovers: bool = False,
    read_ahead: bool = False,
    members_lanes: int = LANES,
    facts_lane: bool = True,
) -> RebuildStats:
    """Rebuild the projection from `sources` (in the order given) and swap it in.

    `target` is the service's settings (its database is opened and closed here) or an
    engine. `consumer` names the live consumer whose checkpoints move with the swap
    (default: the service, `reporting`). Refused events are recorded as that consumer's
    dead letters, and sent to `dead_letters_to` if given. `discard_leftovers` drops the
    tables of a rebuild that crashed (otherwise they stop this one). `read_ahead` fetches
    the next page in a thread while the current one is written: worth it for sources that
    wait on I/O (HTTP: ~21,000 -> ~32,000 events/s here), not for ones that compute in
    this process, which would only contend for the GIL. `members_lanes`: on PostgreSQL,
    the processes the members' events are applied in, beside this one (adapters/members_lane.py;
    0: none, they are applied with the others). `facts_lane`: with the members' lanes, the
    facts of the other events are written by a process of their own too (adapters/facts_lane.py).
    """
    if members_lanes < 0:
        raise ValueError(f"members_lanes must be 0 (none) or more, not {members_lanes}")
    if isinstance(target, CosoSettings):
        engine = create_database_engine(target.database_url)
        consumer = consumer or target.service
    else:
        engine = target
    try:
        migrate_engine(engine)
        lanes = _Lanes(members_lanes, facts_lane)
        run = _Rebuild(engine, consumer or "reporting", page_size, dead_letters_to, progress, read_ahead, lanes)
        with _collector_paused():
            return run.run(sources, discard_leftovers)
    finally:
        if isinstance(target, CosoSettings):
            engine.dispose()


@dataclass(frozen=True)
class _Lanes:
    """The processes beside the rebuild's: how many members' lanes, and whether a facts lane."""

    members: int
    facts: bool


@contextmanager
def _collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _Rebuild:
    def __init__(
        self,
        engine: Engine,
        consumer: str,
        page_size: int,
        sink: DeadLetterSink | None,
        progress: Progress | None,
        read_ahead: bool,
        lanes: _Lanes,
    ) -> None:
        self._engine = engine
        self._read_ahead = read_ahead
        self._lanes = lanes.members
        self._with_facts_lane = lanes.facts
        self._consumer = consumer
        self._page_size = page_size
        self._sink = sink
        self._progress = progress
        self._fresh = REBUILD
        self._handlers: EventHandlers = projection_handlers(self._fresh, announce=False)
        self._counted = _counted(self._fresh)
        self._refused: list[tuple[Envelope, str]] = []
        self._written: WrittenKeys  # the fact keys written, made in `run` for the sources' events
        self._lane: MembersLanes | None = None  # the members' lanes, on PostgreSQL
        self._facts_lane: FactsLane | None = None  # the facts lane, with them
        self._facts_writer: ThreadPoolExecutor | None = None  # writes the facts' part of each batch
        self._finish_steps: dict[str, float] = {}  # the end's steps and their seconds (`RebuildStats`)

    def run(self, sources: Sequence[EventSource], discard_leftovers: bool) -> RebuildStats:
        started = time.perf_counter()
        self._create_fresh_tables(discard_leftovers)
        try:
            infos = [source.info() for source in sources]
            expected = sum(int(info.get("last_position") or 0) for info in infos)
            self._written = WrittenKeys(expected)
            with self._members_lane(expected):
                stats = [self._replay(source, info) for source, info in zip(sources, infos, strict=True)]
            order = {s.source: n for n, s in enumerate(stats)}  # the lane's refusals come apart: in order again
            self._refused.sort(key=lambda refusal: (order[refusal[0].source], refusal[0].sequence))
            replayed = time.perf_counter()
            self._concurrently(self._end_jobs())
            finished = time.perf_counter()
            self._swap(stats)
        except BaseException:
            self._drop_fresh_tables()
            raise
        refused = [RefusedEvent(e.source, e.sequence, e.type, reason) for e, reason in self._refused]
        return RebuildStats(
            stats, refused, time.perf_counter() - started, replayed - started, finished - replayed, self._finish_steps
        )

    # --- fresh tables ------------------------------------------------------
    def _create_fresh_tables(self, discard_leftovers: bool) -> None:
        existing = set(inspect(self._engine).get_table_names())
        leftovers = [t.name for t in self._fresh.all() if t.name in existing]
        if leftovers and not discard_leftovers:
            raise RebuildInProgress(
                f"tables of another rebuild exist ({', '.join(leftovers)}): it is running, or it crashed; "
                "discard them only if no rebuild is running",
                field="discard_leftovers",
                rule="one rebuild at a time",
            )
        self._drop_fresh_tables()
        with self._write() as connection:
            for table in self._fresh.all():  # without secondary indexes: those come after loading
                connection.execute(CreateTable(table))
                if table.name in self._counted and connection.dialect.name == "postgresql":
                    name = _quoted(connection, table.name)
                    connection.execute(text(f"ALTER TABLE {name} DROP CONSTRAINT {_quoted(connection, _pkey(table))}"))

    # --- counts, indexes, statistics ------------------------------------------------------
    def _concurrently(self, jobs: Sequence[Callable[[], None]]) -> None:
        """Run independent jobs, each writing in a transaction of its own: on PostgreSQL two
        at a time, each on a connection of its own (the server works on both, on two CPUs,
        while this process waits); one after the other elsewhere. The first failure is raised
        once every job has ended. Each job ended is reported as progress (`FINISHING`)."""
        self._report(FINISHING, 0, len(jobs))
        if not self._threads_allowed():
            for ended, job in enumerate(jobs, 1):
                job()
                self._report(FINISHING, ended, len(jobs))
            return
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="rebuild-finish") as workers:
            running = [workers.submit(job) for job in jobs]
            for ended, _ in enumerate(as_completed(running), 1):
                self._report(FINISHING, ended, len(jobs))
        for done in running:
            done.result()

    def _report(self, name: str, position: int, last: int | None) -> None:
        if self._progress is not None:
            self._progress(name, position, last)

    def _end_jobs(self) -> list[Callable[[], None]]:
        """The lanes of counts, each followed by finishing the tables it filled, then
        finishing the tables the pages filled: on PostgreSQL a connection that is done with
        its lane goes on with those while the other still counts."""
        lanes = [partial(self._count, lane) for lane in COUNT_LANES]
        return [*lanes, *(partial(self._finish_table, t) for t in self._fresh.all() if t.name not in self._counted)]

    def _count(self, lane: Sequence[CountStep]) -> None:
        with self._write(bulk=True) as connection:
            for step in lane:
                with self._timed(f"counting {step.name}"):
                    step.count(connection, self._fresh)
        for step in lane:
            for table in step.fills(self._fresh):
                self._finish_table(table, with_key=True)

    def _finish_table(self, table: Table, *, with_key: bool = False) -> None:
        """PostgreSQL: the table's primary key if it was left out (`with_key`, the counted
        tables) and its secondary indexes, under their suffixed names, once the rows are in
        (building an index at once is faster than keeping it up row by row), then its
        statistics; a table read from its indexes alone is vacuumed too (`_read_index_only`).
        SQLite has no way to rename an index: the swap creates them under their own names."""
        with self._timed(f"keys and indexes of {table.name.removesuffix(REBUILD_SUFFIX)}"):
            if self._engine.dialect.name != "postgresql":
                return
            with self._write() as connection:
                if with_key:
                    key = ", ".join(_quoted(connection, c.name) for c in table.primary_key.columns)
                    connection.execute(
                        text(
                            f"ALTER TABLE {_quoted(connection, table.name)} ADD CONSTRAINT "
                            f"{_quoted(connection, _pkey(table))} PRIMARY KEY ({key})"
                        )
                    )
                for index in table.indexes:
                    connection.execute(CreateIndex(index))
                if not _read_index_only(table):
                    self._analyze(connection, table)
            if _read_index_only(table):
                self._vacuum(table)

    @contextmanager
    def _timed(self, step: str) -> Iterator[None]:
        """Record how long a step of the end took (`RebuildStats.finish_steps`)."""
        started = time.perf_counter()
        yield
        self._finish_steps[step] = time.perf_counter() - started

    def _drop_fresh_tables(self) -> None:
        with self._write() as connection:
            for table in self._fresh.all():
                connection.execute(text(f"DROP TABLE IF EXISTS {_quoted(connection, table.name)}"))

    # --- replay ---------------------------------------------------------------
    @contextmanager
    def _members_lane(self, expected_keys: int) -> Iterator[None]:
        """The members' lanes (adapters/members_lane.py) and, unless turned off, the facts
        lane (adapters/facts_lane.py) while the sources are replayed, where pages are written
        in a thread (PostgreSQL through psycopg2, outside eventlet) and the platform can
        fork; elsewhere the members' events are applied with the others, and the facts with
        the tally."""
        if not (self._lanes > 0 and self._threads_allowed() and lane_available()):
            yield
            return
        lane = self._lane = MembersLanes(self._engine, self._fresh, expected_keys, self._lanes)
        facts = FactsLane(self._engine, self._fresh, expected_keys) if self._with_facts_lane else None
        self._facts_lane = facts
        try:
            yield
        except BaseException:
            lane.stop()
            if facts is not None:
                facts.stop()
            raise
        finally:
            self._lane = self._facts_lane = None
        lane.close()
        if facts is not None:
            facts.close()

    def _replay(self, source: EventSource, info: Mapping[str, Any]) -> SourceStats:
        """Pages are read, parsed and written in turn, PAGES_PER_WRITE read pages to a
        transaction; while one is written (in a thread: the driver lets go of the GIL while
        the database works), the next is read and parsed. Refusals are recorded, and
        progress reported page by page, in the order of the pages."""
        last = info.get("last_position")
        stats = SourceStats(str(info["source"]), int(last) if last is not None else None)
        parsed_to = 0
        with self._page_writer() as writer:
            writing: deque[Callable[[], None]] = deque()  # each waits for a batch's writes, then reports it
            batch = _Batch()
            for page in self._pages(source, stats):
                parsed_to = self._parse(page, stats, parsed_to, batch)
                batch.positions.append(max(parsed_to, page.scanned_to))
                if len(batch.positions) < PAGES_PER_WRITE:
                    continue
                writing.append(self._write_pages(writer, batch, stats))
                while len(writing) > IN_FLIGHT:
                    writing.popleft()()
                batch = _Batch()
            if batch.positions:
                writing.append(self._write_pages(writer, batch, stats))
            while writing:
                writing.popleft()()
        return stats

    @contextmanager
    def _page_writer(self) -> Iterator[ThreadPoolExecutor | None]:
        """A thread to write pages in, on PostgreSQL: its server works in a process of its
        own (~10 % faster here), and another for the facts' part of each batch, written at
        the same time on a connection of its own (`apply_parsed`). Not on SQLite, which
        works in this process and was slower with the thread (contending for the GIL), nor
        while psycopg2 cooperates with eventlet (a nameko service's process), whose wait
        callback belongs to the thread of its hub."""
        if not self._threads_allowed():
            yield None
            return
        with (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="rebuild-write") as writer,
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="rebuild-write-facts") as facts,
        ):
            self._facts_writer = facts
            try:
                yield writer
            finally:
                self._facts_writer = None

    def _threads_allowed(self) -> bool:
        """Whether the database is PostgreSQL through psycopg2, outside eventlet."""
        if self._engine.dialect.driver != "psycopg2":
            return False
        from psycopg2.extensions import get_wait_callback

        return get_wait_callback() is None

    def _write_pages(self, writer: ThreadPoolExecutor | None, batch: _Batch, stats: SourceStats) -> Callable[[], None]:
        """Record the pages' refusals and start writing their events (the members' lane's in
        it); the function returned waits for both writes, records what they refused and
        reports the pages' positions."""
        for envelope, reason in batch.refusals:
            self._refuse(envelope, reason, stats)
        lane = self._lane
        if batch.laned and lane is not None:
            lane.send(batch.laned)
        writing: Future[list[tuple[Envelope, str]]] | None = None
        refused: list[tuple[Envelope, str]] = []
        if batch.events and writer is not None and self._facts_lane is not None:
            facts = lane_batch(batch.events)
            if facts:
                self._facts_lane.send(facts)
            writing = writer.submit(
                partial(apply_beside_lane, sent=bool(facts)),
                self._engine,
                self._fresh,
                batch.events,
                self._facts_lane,
            )
        elif batch.events and writer is not None:
            writing = writer.submit(
                apply_parsed, self._engine, self._fresh, batch.events, self._written, self._facts_writer
            )
        elif batch.events:
            refused = apply_parsed(self._engine, self._fresh, batch.events, self._written)

        def written() -> None:
            done = writing.result() if writing is not None else refused
            stats.applied += len(batch.events) - len(done)
            if batch.laned and lane is not None:
                answer = lane.answer()
                done = done + answer.refused
                stats.applied += answer.applied
            for envelope, reason in done:
                self._refuse(envelope, reason, stats)
            for position in batch.positions:
                stats.position = max(stats.position, position)  # past what a link withheld
                self._report(stats.source, stats.position, stats.last_position)

        return written

    def _pages(self, source: EventSource, stats: SourceStats) -> Iterator[EventPage]:
        """Pages up to the source's last position when the rebuild began: what is appended
        meanwhile is the live consumer's to apply after the swap, so a busy source cannot
        keep the rebuild going. With read-ahead, the next page is fetched while this one
        is written, so a source that waits on I/O (HTTP) costs little time of its own.
        A source read through a link may withhold events (its policy): a page then says how
        far it scanned, which may be past its last event, or hold no event at all."""

        def more(page: EventPage, after: int) -> bool:
            if page.scanned_to <= after:  # nothing further
                return False
            return stats.last_position is None or page.scanned_to < stats.last_position

        if not self._read_ahead:
            after = 0
            while stats.last_position is None or after < stats.last_position:
                page = read_page(source, after, self._page_size)
                yield page
                if not more(page, after):
                    return
                after = page.scanned_to
            return
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rebuild-read") as reader:
            after = 0
            coming: Future[EventPage] | None = reader.submit(read_page, source, 0, self._page_size)
            while coming is not None:
                page = coming.result()
                coming = (
                    reader.submit(read_page, source, page.scanned_to, self._page_size) if more(page, after) else None
                )
                after = page.scanned_to
                yield page

    def _parse(self, page: EventPage, stats: SourceStats, after: int, batch: _Batch) -> int:
        """Add the page's events to the batch as contracts, in order (the members' lane's
        resolved only), and the events refused with the reason; the last position parsed.
        Positions rise (from `after`) within what the page scanned; they skip the positions
        of events a linked source withheld (its policy)."""
        lane = self._lane
        for envelope in page.events:
            in_order = after < envelope.sequence <= page.scanned_to
            if envelope.source != stats.source or not in_order:
                raise EventSourceUnavailable(
                    f"{stats.source} answered {envelope.source} #{envelope.sequence} after #{after}"
                )
            after = envelope.sequence
            stats.read += 1
            try:
                resolved = self._handlers.resolve(envelope)
                if resolved is None:
                    stats.skipped += 1
                    continue
                if lane is not None and lane.takes(resolved):
                    batch.laned.append((envelope, resolved))
                    continue
                try:
                    data = resolved.model.model_validate_json(envelope.data_json)
                except ValidationError:
                    data = resolved.parse(envelope)  # raises MalformedMessage with the consumer's wording
            except (UnknownEventVersion, MalformedMessage) as exc:
                batch.refusals.append((envelope, str(exc)))
                continue
            batch.events.append((envelope, data))
        return after

    def _refuse(self, envelope: Envelope, reason: str, stats: SourceStats) -> None:
        self._refused.append((envelope, reason))
        stats.refused += 1

    def _vacuum(self, fresh: Table) -> None:
        """PostgreSQL: vacuum a fresh table and take its statistics (`VACUUM (ANALYZE)`,
        outside any transaction, as VACUUM must), so that every page the rebuild wrote
        counts as all-visible and an index-only scan reads the index alone: until then it
        looks up each row's page in the table, as a plain index scan does."""
        with self._engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f"VACUUM (ANALYZE) {_quoted(connection, fresh.name)}"))

    @staticmethod
    def _analyze(connection: Connection, fresh: Table) -> None:
        """PostgreSQL: statistics for a fresh table before it serves (they follow a table
        through its renaming). Without them the planner takes each for a row or two until
        autovacuum gets to it, and the fact reports' joins ran as nested loops: on the CI-size
        nation the coverage query took 7 s instead of a fraction of a second."""
        connection.execute(text(f"ANALYZE {_quoted(connection, fresh.name)}"))

    # --- swap -------------------------------------------------------------------
    def _swap(self, stats: Sequence[SourceStats]) -> None:
        positions = {s.source: s.position for s in stats}
        with self._write() as connection:
            if connection.dialect.name == "postgresql":
                # Waits for the consumer's batch in flight and holds back the next one.
                connection.execute(text("LOCK TABLE consumer_checkpoints IN ACCESS EXCLUSIVE MODE"))
            self._move_checkpoints(connection, positions)
            self._record_dead_letters(connection, positions)
            for live, fresh in zip(LIVE.all(), self._fresh.all(), strict=True):
                connection.execute(text(f"DROP TABLE IF EXISTS {_quoted(connection, live.name)}"))
                connection.execute(
                    text(f"ALTER TABLE {_quoted(connection, fresh.name)} RENAME TO {_quoted(connection, live.name)}")
                )
                self._name_indexes(connection, live, fresh)

    def _name_indexes(self, connection: Connection, live: Table, fresh: Table) -> None:
        """Give the fresh table's indexes (now that it has the live table's name) the names
        the live table's had: PostgreSQL renames them, SQLite creates them."""
        if connection.dialect.name != "postgresql":
            for index in live.indexes:
                connection.execute(CreateIndex(index))
            return
        renames = [(f"IF EXISTS {_quoted(connection, _pkey(fresh))}", _pkey(live))]
        renames += [(_quoted(connection, f"{index.name}{REBUILD_SUFFIX}"), str(index.name)) for index in live.indexes]
        for old, new in renames:
            connection.execute(text(f"ALTER INDEX {old} RENAME TO {_quoted(connection, new)}"))

    def _move_checkpoints(self, connection: Connection, positions: Mapping[str, int]) -> None:
        """The consumer resumes where the rebuild stopped; sources not rebuilt start over."""
        connection.execute(delete(consumer_checkpoints).where(consumer_checkpoints.c.consumer == self._consumer))
        rows = [
            {"consumer": self._consumer, "source": source, "position": position}
            for source, position in positions.items()
            if position > 0
        ]
        if rows:
            connection.execute(insert(consumer_checkpoints), rows)

    def _record_dead_letters(self, connection: Connection, positions: Mapping[str, int]) -> None:
        """Dead letters up to the new checkpoints are exactly the events the rebuild refused."""
        mine = dead_letters.c.consumer == self._consumer
        superseded = or_(
            dead_letters.c.source.not_in(list(positions)),
            *[and_(dead_letters.c.source == s, dead_letters.c.position <= p) for s, p in positions.items()],
        )
        before = {
            (source, int(position))
            for source, position in connection.execute(
                select(dead_letters.c.source, dead_letters.c.position).where(mine, superseded)
            )
        }
        connection.execute(delete(dead_letters).where(mine, superseded))
        if not self._refused:
            return
        now = datetime.now(UTC)
        connection.execute(
            insert(dead_letters),
            [
                {
                    "consumer": self._consumer,
                    "source": envelope.source,
                    "position": envelope.sequence,
                    "event_type": envelope.type,
                    "reason": reason,
                    "dead_lettered_at": now,
                }
                for envelope, reason in self._refused
            ],
        )
        new = [(e, r) for e, r in self._refused if (e.source, e.sequence) not in before]
        if new and self._sink is not None:
            # Sent before the swap commits, as the consumer does: if sending fails, nothing changed.
            self._sink.send([Incoming.from_catch_up(e).dead_letter(r) for e, r in new])

    def _write(self, *, bulk: bool = False) -> AbstractContextManager[Connection]:
        return write_transaction(self._engine, bulk=bulk)


def _read_index_only(table: Table) -> bool:
    """Whether the reports read the table from an index alone: one of its indexes holds
    other columns (PostgreSQL's `INCLUDE`, adapters/tables.py) for that."""
    return any(index.dialect_options["postgresql"]["include"] for index in table.indexes)


def _pkey(table: Table) -> str:
    """PostgreSQL's name of an unnamed primary key."""
    return f"{table.name}_pkey"


def _quoted(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote(name)
