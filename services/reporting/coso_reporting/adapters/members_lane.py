"""A rebuild's members' lanes: on PostgreSQL the members' events are parsed and applied in
processes of their own (`LANES`), beside the rebuild's, so that the replay uses more than one CPU.

Most of a national rebuild's events are members' (5.6 of 7.7 million at the bench's
`--scale 1`), and during a rebuild they write one table, the members' facts, which nothing
else of the replay reads or writes: the indicator tally and the hierarchy ignore them, and
the member counts are counted at the end (`keep_counts=False`). So they are applied apart,
each member's in their order, while the rebuild goes on with the rest:

- the rebuild reads and resolves every event, and sends the members' events (their
  contract and data, not yet parsed) to the lane of their stream (the envelope's subject,
  `member-<id>`: a member's events all go to one lane), a transaction's worth at a time;
- each lane parses them and applies them as the rebuild would (`apply_parsed`: the live
  handlers' code, COPY, a failed transaction applied again event by event), on a connection
  of its own and with a Bloom filter of the members it wrote, parsing a batch while the one
  before is written; the rebuild may send batches ahead of the answers (`IN_FLIGHT`,
  adapters/rebuild.py);
- each answers with the events it refused; the rebuild reports a position only once it and
  the lanes have written it, and records the refusals (a malformed event's reason in the
  consumer's wording, worked out from the envelope the rebuild kept).

The lanes are forked processes, started before the rebuild's threads. They leave the
engine's pooled connections to the rebuild (`Engine.dispose(close=False)`). If one fails or
dies, the rebuild stops as for any other database failure, and its fresh tables are dropped.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import signal
import sys
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection as Pipe
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine

from coso_backbone.contracts import EventContract
from coso_backbone.envelope import Envelope
from coso_backbone.errors import MalformedMessage
from coso_backbone.handlers import Resolved
from coso_reporting.adapters.rebuild_writes import apply_parsed
from coso_reporting.adapters.tables import ProjectionTables
from coso_reporting.adapters.written_keys import WrittenKeys
from coso_reporting.domain.facts import MEMBER_EVENTS

# The events the lane applies: those of the members' facts, which write nothing else during
# a rebuild (tests/integration/test_members_lane.py holds the projection to that).
LANE_EVENTS = frozenset(MEMBER_EVENTS)
LANES = 2  # processes the members' events are shared among, by stream
_PR_SET_NAME = 15  # Linux's prctl option naming the calling thread (a process's first: the process)
_ALIVE_CHECK = 1.0  # seconds between checks that a lane still runs, while waiting for it


class LaneFailed(RuntimeError):
    """A lane of the rebuild (a members' lane or the facts lane) failed or ended before answering: the rebuild stops."""


@dataclass(frozen=True)
class LaneAnswer:
    """What the lanes did with a batch: the events they applied, and those they refused, with why."""

    applied: int
    refused: list[tuple[Envelope, str]]


def lane_available() -> bool:
    """Whether this platform can fork the lanes (not Windows)."""
    return "fork" in multiprocessing.get_all_start_methods()


class MembersLanes:
    """The rebuild's side of the lanes: each batch is split among them by stream (the
    envelope's subject: a member's events are all in the member's stream), goes in order,
    and is answered in order."""

    def __init__(self, engine: Engine, tables: ProjectionTables, expected_keys: int, lanes: int) -> None:
        self._lanes = [_Lane(engine, tables, expected_keys, n) for n in range(lanes)]
        self._sent: deque[list[tuple[_Lane, Sequence[tuple[Envelope, Resolved]]]]] = deque()

    @staticmethod
    def takes(resolved: Resolved) -> bool:
        return resolved.model in LANE_EVENTS

    def send(self, events: Sequence[tuple[Envelope, Resolved]]) -> None:
        """Hand a batch over (returns at once: a thread of each lane's queue sends it)."""
        shares: list[list[tuple[Envelope, Resolved]]] = [[] for _ in self._lanes]
        for event in events:
            shares[hash(event[0].subject) % len(shares)].append(event)
        sent: list[tuple[_Lane, Sequence[tuple[Envelope, Resolved]]]] = [
            (lane, share) for lane, share in zip(self._lanes, shares, strict=True) if share
        ]
        for lane, share in sent:
            lane.send(share)
        self._sent.append(sent)

    def answer(self) -> LaneAnswer:
        """Wait for the answers to the oldest batch not answered yet."""
        applied, refused = 0, []
        for lane, events in self._sent.popleft():
            malformed, failed = lane.answer()
            refused += [(events[i][0], _malformed(*events[i])) for i in malformed]
            refused += [(events[i][0], reason) for i, reason in failed]
            applied += len(events) - len(malformed) - len(failed)
        refused.sort(key=lambda refusal: refusal[0].sequence)
        return LaneAnswer(applied, refused)

    def close(self) -> None:
        """Once every batch is answered: let the lanes end."""
        for lane in self._lanes:
            lane.close()

    def stop(self) -> None:
        """On failure: end the lanes whatever they are doing."""
        for lane in self._lanes:
            lane.stop()


class _Lane:
    """One lane's process, the queue of batches to it and the pipe of its answers."""

    def __init__(self, engine: Engine, tables: ProjectionTables, expected_keys: int, number: int) -> None:
        context = multiprocessing.get_context("fork")
        self._batches: Queue[list[tuple[Any, str]] | None] = context.Queue()
        self._answers, answering = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_serve,
            args=(engine, tables, expected_keys, self._batches, answering, number),
            name=f"coso-rebuild-members-{number}",
            daemon=True,
        )
        self._process.start()
        answering.close()

    def send(self, events: Sequence[tuple[Envelope, Resolved]]) -> None:
        self._batches.put([(resolved.model, envelope.data_json) for envelope, resolved in events])

    def answer(self) -> tuple[list[int], list[tuple[int, str]]]:
        """The oldest batch's malformed events and those refused, by their place in it."""
        answer: tuple[list[int], list[tuple[int, str]]] | str = receive(self._answers, self._process, "a members' lane")
        if isinstance(answer, str):
            raise LaneFailed(f"a members' lane failed: {answer}")
        return answer

    def close(self) -> None:
        self._batches.put(None)
        self._batches.close()
        self._batches.join_thread()
        self._process.join()
        self._answers.close()

    def stop(self) -> None:
        self._process.terminate()
        self._batches.cancel_join_thread()
        self._batches.close()
        self._process.join()
        self._answers.close()


def _malformed(envelope: Envelope, resolved: Resolved) -> str:
    """The reason the consumer gives for an event whose data does not match its contract."""
    try:
        resolved.parse(envelope)
    except MalformedMessage as exc:
        return str(exc)
    return f"{envelope.type} data does not match its contract"


def _serve(
    engine: Engine,
    tables: ProjectionTables,
    expected_keys: int,
    batches: Queue[list[tuple[Any, str]] | None],
    answers: Pipe,
    number: int,
) -> None:
    """The lane's process: parse each batch while the one before is written (in a thread,
    as the rebuild does), and answer each with its refusals (the positions in the batch of
    the malformed events, and of those refused, with why) as soon as it is written."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the rebuild's to handle: it stops the lanes
    name_process(f"coso-members-{number}")
    engine.dispose(close=False)  # the pooled connections are the rebuild's
    written = WrittenKeys(expected_keys)

    def write(parsed: list[tuple[int, EventContract]], malformed: list[int]) -> None:
        try:
            answers.send((malformed, apply_parsed(engine, tables, parsed, written)))
        except BaseException as exc:
            answers.send(f"{type(exc).__name__}: {exc}")
            raise

    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rebuild-members-write") as writer:
            writing: Future[None] | None = None
            while (batch := batches.get()) is not None:
                parsed, malformed = [], []
                for index, (model, data_json) in enumerate(batch):
                    try:
                        parsed.append((index, model.model_validate_json(data_json)))
                    except ValidationError:
                        malformed.append(index)
                if writing is not None:
                    writing.result()
                writing = writer.submit(write, parsed, malformed)
            if writing is not None:
                writing.result()
    finally:
        engine.dispose()


def receive(answers: Pipe, process: BaseProcess, lane: str) -> Any:
    """The next answer of a lane's process (`lane` names it in the error), checking every
    `_ALIVE_CHECK` seconds that it still runs; `LaneFailed` if it ended without answering."""
    while not answers.poll(_ALIVE_CHECK):
        if not process.is_alive():
            raise LaneFailed(f"{lane} ended without answering (exit code {process.exitcode})")
    try:
        return answers.recv()
    except EOFError:
        raise LaneFailed(f"{lane} ended without answering") from None


def name_process(name: str) -> None:
    """On Linux, the name `ps -o comm`, `top` and `htop` show for this process (at most 15
    bytes), so that an operator tells the lanes from the rebuild, whose command line they
    share. Elsewhere nothing."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):  # no C library to call: the name stays the rebuild's
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_NAME, name.encode()[:15], 0, 0, 0)
