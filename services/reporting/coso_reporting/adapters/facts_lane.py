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

- the rebuild sends the batch's fact events (their contract and data, not parsed) and
  tallies them meanwhile;
- the lane parses and applies them in a transaction it keeps open, and says whether that
  succeeded;
- the rebuild says commit or roll back (roll back if either part failed), and the lane
  answers once done. A batch either part refused is applied again by the rebuild alone,
  event by event (adapters/rebuild_writes.py), and the lane is told the fact keys it wrote
  (`learn`), since the lane looks up only the keys it knows were written
  (adapters/written_keys.py).

The lane is forked before the rebuild's threads start, and leaves the engine's pooled
connections to the rebuild. If it fails or dies, the rebuild stops as for any other
database failure, and its fresh tables are dropped.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Mapping, Sequence
from multiprocessing.connection import Connection as Pipe
from multiprocessing.queues import Queue
from typing import Any

from sqlalchemy import Engine

from coso_backbone.contracts import EventContract
from coso_reporting.adapters.facts import apply_facts, keys_by_table
from coso_reporting.adapters.members_lane import LaneFailed, name_process
from coso_reporting.adapters.rebuild_writes import REFUSALS, FactsRefusedError, write_transaction
from coso_reporting.adapters.tables import ProjectionTables
from coso_reporting.adapters.written_keys import WrittenKeys

_ALIVE_CHECK = 1.0  # seconds between checks that the lane still runs, while waiting for it
_APPLIED, _COMMITTED, _ROLLED_BACK = "applied", "committed", "rolled back"


class FactsLane:
    """The rebuild's side of the facts lane: `apply`, then `settle`, batch by batch."""

    def __init__(self, engine: Engine, tables: ProjectionTables, expected_keys: int) -> None:
        context = multiprocessing.get_context("fork")
        self._tables = tables
        self._requests: Queue[tuple[str, Any] | None] = context.Queue()
        self._answers, answering = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_serve,
            args=(engine, tables, expected_keys, self._requests, answering),
            name="coso-rebuild-facts",
            daemon=True,
        )
        self._process.start()
        answering.close()

    def apply(self, events: Sequence[tuple[type[EventContract], str]]) -> None:
        """Hand a batch's fact events over (their contract and data), in their order; returns at once."""
        self._requests.put(("apply", list(events)))

    def settle(self, *, commit: bool) -> None:
        """Wait for the lane's answer to the batch, then have it commit (`commit` and it
        succeeded) or roll back; raises `FactsRefusedError` if it could not apply the batch."""
        answer = self._answer()
        if answer != _APPLIED:
            raise FactsRefusedError(answer)
        self._requests.put(("commit" if commit else "roll back", None))
        self._answer()

    def learn(self, events: Sequence[EventContract]) -> None:
        """Tell the lane the fact keys of events the rebuild wrote itself."""
        self._requests.put(("learn", keys_by_table(self._tables, events)))

    def close(self) -> None:
        """Once every batch is settled: let the lane end."""
        self._requests.put(None)
        self._requests.close()
        self._requests.join_thread()
        self._process.join()
        self._answers.close()

    def stop(self) -> None:
        """On failure: end the lane whatever it is doing."""
        self._process.terminate()
        self._requests.cancel_join_thread()
        self._requests.close()
        self._process.join()
        self._answers.close()

    def _answer(self) -> str:
        while not self._answers.poll(_ALIVE_CHECK):
            if not self._process.is_alive():
                raise LaneFailed(f"the facts lane ended without answering (exit code {self._process.exitcode})")
        try:
            answer: tuple[str, str] = self._answers.recv()
        except EOFError:
            raise LaneFailed("the facts lane ended without answering") from None
        kind, said = answer
        if kind == "error":
            raise LaneFailed(f"the facts lane failed: {said}")
        return said


def _serve(
    engine: Engine,
    tables: ProjectionTables,
    expected_keys: int,
    requests: Queue[tuple[str, Any] | None],
    answers: Pipe,
) -> None:
    """The lane's process: each batch parsed and applied in a transaction left open until
    the rebuild says commit or roll back; keys the rebuild wrote itself learnt."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the rebuild's to handle: it stops the lane
    name_process("coso-facts")
    engine.dispose(close=False)  # the pooled connections are the rebuild's
    written = WrittenKeys(expected_keys)
    try:
        while (request := requests.get()) is not None:
            kind, content = request
            if kind == "learn":
                _learn(written, content)
            else:
                _apply(engine, tables, written, content, requests, answers)
    except BaseException as exc:
        answers.send(("error", f"{type(exc).__name__}: {exc}"))
        raise
    finally:
        engine.dispose()


def _learn(written: WrittenKeys, keys: Mapping[str, frozenset[str]]) -> None:
    for table, ids in keys.items():
        written.add(table, ids)


def _apply(
    engine: Engine,
    tables: ProjectionTables,
    written: WrittenKeys,
    events: Sequence[tuple[type[EventContract], str]],
    requests: Queue[tuple[str, Any] | None],
    answers: Pipe,
) -> None:
    """Apply one batch, answer, and end its transaction as the rebuild says."""
    with write_transaction(engine, bulk=True) as connection:
        transaction = connection.get_transaction()
        assert transaction is not None  # write_transaction began it
        try:
            apply_facts(
                connection,
                tables,
                [model.model_validate_json(data) for model, data in events],
                keep_counts=False,
                written=written,
            )
        # ValueError: a value the driver will not send (psycopg2: a NUL in a parameter). The
        # rebuild applies such a batch again event by event, and refuses what it refuses.
        except (*REFUSALS, ValueError) as exc:
            transaction.rollback()
            answers.send(("answer", f"{type(exc).__name__}: {exc}"))
            return
        answers.send(("answer", _APPLIED))
        verdict = requests.get()
        if verdict is None or verdict[0] != "commit":
            transaction.rollback()
            answers.send(("answer", _ROLLED_BACK))
            if verdict is None:
                raise LaneFailed("the rebuild ended with a batch unsettled")
            return
    answers.send(("answer", _COMMITTED))
