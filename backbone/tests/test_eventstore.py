"""The event store's contract, run on SQLite and on PostgreSQL (the `database_url` fixture).

Every backend must give: atomic appends with optimistic concurrency per stream, atomic
appends across streams, reads by stream and by position, and a global position that
starts at 1, has no gaps, and never shows N+1 to a reader before N.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, insert, select

from coso_backbone.database import create_database_engine
from coso_backbone.errors import ConcurrencyError
from coso_backbone.events import NewEvent
from coso_backbone.eventstore import EventStore, StreamAppend
from coso_backbone.migrate import upgrade_backbone
from coso_backbone.schema import events, relay_checkpoints


def opened(url: str) -> Engine:
    engine = create_database_engine(url)
    upgrade_backbone(engine)
    return engine


@pytest.fixture
def store(database_url: str) -> Iterator[EventStore]:
    engine = opened(database_url)
    yield EventStore(engine)
    engine.dispose()


@pytest.fixture
def postgres_store(postgres_url: str) -> Iterator[EventStore]:
    engine = create_database_engine(postgres_url, pool_size=12)
    upgrade_backbone(engine)
    yield EventStore(engine)
    engine.dispose()


def founded(n: int, authority: str = "hn") -> NewEvent:
    return NewEvent("OrganizationFounded", {"name": f"Chi bộ {n}", "members": n}, authority)


def positions(store: EventStore) -> list[int]:
    return [e.position for e in store.read_after(0, 100_000)]


def test_several_events_are_appended_at_once_and_read_back_as_written(store: EventStore) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)
    new = [
        founded(1),
        founded(2, authority="hn.ba-dinh"),
        NewEvent("OrganizationRenamed", {"name": "Đảng bộ"}, "hn", 2),
    ]

    recorded = store.append("org-1", 0, new)

    read = store.read_stream("org-1")
    assert read == recorded
    assert [(e.stream_id, e.stream_version, e.position) for e in read] == [
        ("org-1", 1, 1),
        ("org-1", 2, 2),
        ("org-1", 3, 3),
    ]
    assert [e.event_id for e in read] == [e.event_id for e in new]
    assert [(e.event_type, e.event_version, e.authority) for e in read] == [
        ("OrganizationFounded", 1, "hn"),
        ("OrganizationFounded", 1, "hn.ba-dinh"),
        ("OrganizationRenamed", 2, "hn"),
    ]
    assert [e.data for e in read] == [
        {"name": "Chi bộ 1", "members": 1},
        {"name": "Chi bộ 2", "members": 2},
        {"name": "Đảng bộ"},
    ]
    assert all(e.recorded_at.tzinfo is not None and e.recorded_at >= before for e in read)


def test_an_append_continues_the_stream_from_the_expected_version(store: EventStore) -> None:
    store.append("org-1", 0, [founded(1)])

    store.append("org-1", 1, [founded(2), founded(3)])

    assert [e.stream_version for e in store.read_stream("org-1")] == [1, 2, 3]


def test_an_append_with_a_stale_expected_version_is_refused_with_a_clear_message(store: EventStore) -> None:
    store.append("org-1", 0, [founded(1), founded(2)])

    with pytest.raises(ConcurrencyError) as refused:
        store.append("org-1", 1, [founded(3)])

    assert str(refused.value) == "stream 'org-1' is at version 2, but the command expected version 1; reload and retry"
    assert (refused.value.stream_id, refused.value.expected_version, refused.value.actual_version) == ("org-1", 1, 2)
    assert len(store.read_stream("org-1")) == 2


def test_appending_to_a_new_stream_expects_version_zero(store: EventStore) -> None:
    with pytest.raises(ConcurrencyError, match="stream 'org-9' is at version 0, but the command expected version 3"):
        store.append("org-9", 3, [founded(1)])

    assert store.read_stream("org-9") == []


def test_an_append_across_streams_is_all_or_nothing(store: EventStore) -> None:
    store.append("org-1", 0, [founded(1)])
    store.append("org-2", 0, [founded(2)])

    with pytest.raises(ConcurrencyError, match="'org-2' is at version 1, but the command expected version 0"):
        store.append_many(
            [
                StreamAppend("org-1", 1, [founded(3)]),
                StreamAppend("org-3", 0, [founded(4)]),
                StreamAppend("org-2", 0, [founded(5)]),
            ]
        )

    assert positions(store) == [1, 2]
    assert len(store.read_stream("org-1")) == 1
    assert store.read_stream("org-3") == []


def test_an_append_across_streams_gives_positions_in_the_order_given(store: EventStore) -> None:
    recorded = store.append_many(
        [StreamAppend("org-2", 0, [founded(1), founded(2)]), StreamAppend("org-1", 0, [founded(3)])]
    )

    assert [(e.stream_id, e.stream_version, e.position) for e in recorded] == [
        ("org-2", 1, 1),
        ("org-2", 2, 2),
        ("org-1", 1, 3),
    ]
    assert store.read_after(0) == recorded


def test_events_appended_in_a_transaction_commit_with_the_caller_s_own_writes_or_not_at_all(store: EventStore) -> None:
    with store.transaction() as tx:
        tx.append("org-1", 0, [founded(1)])
        tx.connection.execute(insert(relay_checkpoints).values(relay="kept", position=1))

    with pytest.raises(RuntimeError, match="the command failed after appending"):
        with store.transaction() as tx:
            tx.append("org-1", 1, [founded(2)])
            tx.connection.execute(insert(relay_checkpoints).values(relay="dropped", position=2))
            raise RuntimeError("the command failed after appending")

    assert positions(store) == [1]
    with store.engine.connect() as connection:
        assert list(connection.scalars(select(relay_checkpoints.c.relay))) == ["kept"]


def test_read_after_pages_through_the_log_in_position_order(store: EventStore) -> None:
    for n in range(25):
        store.append(f"org-{n % 4}", n // 4, [founded(n)])

    pages = []
    position = 0
    while page := store.read_after(position, limit=10):
        pages.append([e.position for e in page])
        position = page[-1].position

    assert pages == [list(range(1, 11)), list(range(11, 21)), list(range(21, 26))]
    assert [e.data["members"] for e in store.read_after(20, limit=3)] == [20, 21, 22]
    assert store.last_position() == 25


def test_an_empty_store_has_nothing_after_position_zero(store: EventStore) -> None:
    assert store.read_after(0) == []
    assert store.last_position() == 0
    assert store.read_stream("org-1") == []


def test_positions_start_at_one_and_refused_appends_leave_no_gap(store: EventStore) -> None:
    store.append("org-1", 0, [founded(1)])
    with pytest.raises(ConcurrencyError):
        store.append("org-1", 0, [founded(2), founded(3)])
    with pytest.raises(ConcurrencyError):
        store.append_many([StreamAppend("org-2", 0, [founded(4)]), StreamAppend("org-1", 5, [founded(5)])])
    store.append("org-2", 0, [founded(6), founded(7)])
    store.append("org-1", 1, [founded(8)])

    assert positions(store) == [1, 2, 3, 4]
    with store.engine.connect() as connection:
        assert list(connection.scalars(select(events.c.position).order_by(events.c.position))) == [1, 2, 3, 4]


def test_an_event_id_is_stored_once(store: EventStore) -> None:
    event = founded(1)
    store.append("org-1", 0, [event])

    with pytest.raises(ConcurrencyError):
        store.append("org-2", 0, [event])

    assert positions(store) == [1]


def _run_threads(targets: list[Callable[[], None]]) -> None:
    errors: list[BaseException] = []

    def guarded(target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                target()
            except BaseException as exc:
                errors.append(exc)

        return run

    threads = [threading.Thread(target=guarded(t)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


@pytest.mark.postgres
def test_concurrent_writers_get_gap_free_positions_and_readers_never_see_a_later_position_first(
    postgres_store: EventStore,
) -> None:
    store = postgres_store
    writers, appends_per_writer = 6, 40
    writing = threading.Event()
    writing.set()
    observed: list[tuple[int, list[int]]] = []

    def writer(w: int) -> Callable[[], None]:
        def run() -> None:
            for k in range(appends_per_writer):
                store.append(f"writer-{w}", k * 2, [founded(k), founded(k)])

        return run

    def reader() -> None:
        position = 0
        while writing.is_set() or position < store.last_position():
            page = store.read_after(position, limit=1000)
            if page:
                observed.append((position, [e.position for e in page]))
                position = page[-1].position

    reading = threading.Thread(target=reader)
    reading.start()
    _run_threads([writer(w) for w in range(writers)])
    writing.clear()
    reading.join(timeout=60)

    total = writers * appends_per_writer * 2
    assert positions(store) == list(range(1, total + 1))
    for w in range(writers):
        assert [e.stream_version for e in store.read_stream(f"writer-{w}")] == list(
            range(1, appends_per_writer * 2 + 1)
        )
    assert len(observed) > 1, "the reader should have polled while the writers were appending"
    for after, seen in observed:
        assert seen == list(range(after + 1, after + 1 + len(seen))), f"after {after} the reader saw {seen}"
    assert observed[-1][1][-1] == total


@pytest.mark.postgres
def test_concurrent_writers_on_one_stream_are_refused_rather_than_interleaved(postgres_store: EventStore) -> None:
    store = postgres_store
    won: list[int] = []
    lost: list[int] = []
    lock = threading.Lock()

    def writer(w: int) -> Callable[[], None]:
        def run() -> None:
            for _ in range(30):
                while True:
                    version = len(store.read_stream("shared"))
                    try:
                        store.append("shared", version, [founded(w)])
                    except ConcurrencyError:
                        with lock:
                            lost.append(w)
                        continue
                    with lock:
                        won.append(w)
                    break

        return run

    _run_threads([writer(w) for w in range(5)])

    assert len(won) == 150
    assert [e.stream_version for e in store.read_stream("shared")] == list(range(1, 151))
    assert positions(store) == list(range(1, 151))
