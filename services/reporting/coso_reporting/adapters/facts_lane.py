"""A rebuild's facts lane: on PostgreSQL the fact tables' part of the events the rebuild
applies itself (`apply_facts`: enterprises, organizations, candidates and their steps,
ratings) is written by a process of its own, while the rebuild's process tallies the same
events and writes the hierarchy.

In a rebuild the two parts share no table (adapters/rebuild_writes.py), and they were
written on two connections at once by two threads of the rebuild's process. Those threads
and the one parsing the next pages share one interpreter lock: while the registry's events
are replayed (the members' lanes idle then, adapters/members_lane.py) that process was the
bound, and writing the facts was a third of its work. In a process of its own the facts
part uses the other CPU.

Each batch is applied in both processes and committed in both or in neither, as the two
threads did:

- the rebuild sends the batch's fact events (their contract and data, not parsed) as soon
  as it has parsed the batch, and tallies them when its writer gets to the batch;
- the lane parses and applies them in a transaction it keeps open, says whether that
  succeeded, and parses the next batch if it has come;
- the rebuild says commit or roll back (roll back if either part failed), and the lane
  answers once done. A batch either part refused is applied again by the rebuild alone,
  event by event, looking up every fact key (adapters/rebuild_writes.py), and the lane is
  told the fact keys it wrote (`learn`), since the lane looks up only the keys it knows
  were written (adapters/written_keys.py).

The lane is forked before the rebuild's threads start, and leaves the engine's pooled
connections to the rebuild. If it fails or dies, the rebuild stops as for any other
database failure, and its fresh tables are dropped.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Sequence
from contextlib import suppress
from multiprocessing.connection import Connection as Pipe
from multiprocessing.queues import Queue
from queue import Empty
from typing import Any

from sqlalchemy import Engine

from coso_backbone.contracts import EventContract
from coso_reporting.adapters.facts import apply_facts, keys_by_table
from coso_reporting.adapters.members_lane import LaneFailed, name_process, receive
from coso_reporting.adapters.rebuild_writes import REFUSALS, FactsRefusedError, write_transaction
from coso_reporting.adapters.tables import ProjectionTables
from coso_reporting.adapters.written_keys import WrittenKeys

_APPLIED, _COMMITTED, _ROLLED_BACK = "applied", "committed", "rolled back"
Batch = list[tuple[type[EventContract], str]]  # fact events: their contract and data, not parsed


class FactsLane:
    """The rebuild's side of the facts lane: each batch is sent (`send`) as soon as it is
    parsed, and settled (`settle`) when the rebuild writes its tally, batch by batch in
    the order sent, so that the lane parses a batch while the one before waits to be settled."""

    def __init__(self, engine: Engine, tables: ProjectionTables, expected_keys: int) -> None:
        context = multiprocessing.get_context("fork")
        self._tables = tables
        self._batches: Queue[Batch | None] = context.Queue()
        self._verdicts: Queue[tuple[str, Any]] = context.Queue()
        self._answers, answering = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_serve,
            args=(engine, tables, expected_keys, self._batches, self._verdicts, answering),
            name="coso-rebuild-facts",
            daemon=True,
        )
        self._process.start()
        answering.close()

    def send(self, events: Batch) -> None:
        """Hand a batch's fact events over, in their order; returns at once."""
        self._batches.put(events)

    def settle(self, *, commit: bool) -> None:
        """Wait for the lane's answer to the oldest batch not settled, then have it commit
        (`commit` and it succeeded) or roll back; raises `FactsRefusedError` if it could not
        apply the batch. A batch rolled back or refused is to be followed by `learn`."""
        answer = self._answer()
        if answer != _APPLIED:
            raise FactsRefusedError(answer)
        self._verdicts.put(("commit" if commit else "roll back", None))
        self._answer()

    def learn(self, events: Sequence[EventContract]) -> None:
        """Tell the lane the fact keys of events the rebuild wrote itself (after a batch the
        lane did not commit: it waits for them before it applies the next)."""
        self._verdicts.put(("learn", keys_by_table(self._tables, events)))

    def close(self) -> None:
        """Once every batch is settled: let the lane end."""
        self._batches.put(None)
        for queue in (self._batches, self._verdicts):
            queue.close()
            queue.join_thread()
        self._process.join()
        self._answers.close()

    def stop(self) -> None:
        """On failure: end the lane whatever it is doing."""
        self._process.terminate()
        for queue in (self._batches, self._verdicts):
            queue.cancel_join_thread()
            queue.close()
        self._process.join()
        self._answers.close()

    def _answer(self) -> str:
        answer: tuple[str, str] = receive(self._answers, self._process, "the facts lane")
        kind, said = answer
        if kind == "error":
            raise LaneFailed(f"the facts lane failed: {said}")
        return said


def _serve(
    engine: Engine,
    tables: ProjectionTables,
    expected_keys: int,
    batches: Queue[Batch | None],
    verdicts: Queue[tuple[str, Any]],
    answers: Pipe,
) -> None:
    """The lane's process: each batch parsed, then applied in a transaction left open until
    the rebuild says commit or roll back, the next batch parsed meanwhile if it has come;
    after a batch not committed, the keys the rebuild then wrote itself learnt."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the rebuild's to handle: it stops the lane
    name_process("coso-facts")
    engine.dispose(close=False)  # the pooled connections are the rebuild's
    written = WrittenKeys(expected_keys)
    try:
        coming = batches.get()
        parsed = _parsed(coming)
        while parsed is not None:
            committed, coming = _apply(engine, tables, written, parsed, batches, verdicts, answers)
            if not committed:
                kind, keys = verdicts.get()
                assert kind == "learn", kind
                for table, ids in keys.items():
                    written.add(table, ids)
            parsed = coming if coming is not _NOT_YET else _parsed(batches.get())
    except BaseException as exc:
        answers.send(("error", f"{type(exc).__name__}: {exc}"))
        raise
    finally:
        engine.dispose()


_NOT_YET: Any = object()  # no next batch had come while a batch waited to be settled


def _parsed(batch: Batch | None) -> list[EventContract] | None:
    return None if batch is None else [model.model_validate_json(data) for model, data in batch]


def _apply(
    engine: Engine,
    tables: ProjectionTables,
    written: WrittenKeys,
    events: list[EventContract],
    batches: Queue[Batch | None],
    verdicts: Queue[tuple[str, Any]],
    answers: Pipe,
) -> tuple[bool, Any]:
    """Apply one batch, answer, take the next batch if it has come, and end the batch's
    transaction as the rebuild says; whether it committed, and the next batch (parsed, the
    end's None, or `_NOT_YET`)."""
    coming: Any = _NOT_YET
    with write_transaction(engine, bulk=True) as connection:
        transaction = connection.get_transaction()
        assert transaction is not None  # write_transaction began it
        try:
            apply_facts(connection, tables, events, keep_counts=False, written=written)
        # ValueError: a value the driver will not send (psycopg2: a NUL in a parameter). The
        # rebuild applies such a batch again event by event, and refuses what it refuses.
        except (*REFUSALS, ValueError) as exc:
            transaction.rollback()
            answers.send(("answer", f"{type(exc).__name__}: {exc}"))
            return False, coming
        answers.send(("answer", _APPLIED))
        with suppress(Empty):
            coming = _parsed(batches.get_nowait())
        verdict, _ = verdicts.get()
        if verdict != "commit":
            transaction.rollback()
            answers.send(("answer", _ROLLED_BACK))
            return False, coming
    answers.send(("answer", _COMMITTED))
    return True, coming
