"""Evaluating plans at their checkpoints: the targets behind schedule are recorded as events
(`PlanBehindSchedule`, `PlanBackOnSchedule`, `PlanCheckpointEvaluated`) in the plan's stream,
which the relay publishes (notifications tells the plan's authority).

Why a worker loop with a clock rather than on every indicator change: "behind at a
checkpoint" is a statement about a day, true or false once that day is over, whatever happens
later; evaluating on indicator changes would miss plans where nothing changes (the typical
plan behind schedule) and would have to be re-run on every change. A pass evaluates each
checkpoint that is over (strictly before today), not older than `catch_up_days` (so a new
deployment does not announce the checkpoints of years past) and not before the plan was
adopted. Each checkpoint is evaluated once: the plan's stream records it, appended at the
version read, so two workers cannot both record it (the loser's append conflicts and is
dropped). A worker down over a checkpoint evaluates it when it is back.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date, timedelta

from coso_backbone.errors import ConcurrencyError
from coso_backbone.periodic import run_periodically
from coso_reporting.application.plans import Plans
from coso_reporting.application.ports import PlanQueries, PlanUnitOfWork
from coso_reporting.domain.checkpoints import Checkpoints
from coso_reporting.domain.plans import Plan, stream_of_plan

log = logging.getLogger(__name__)


class PlanCheckpoints:
    def __init__(
        self,
        plans: Plans,
        unit_of_work: Callable[[], PlanUnitOfWork],
        queries: PlanQueries,
        checkpoints: Checkpoints,
        today: Callable[[], date],
        tolerance: float = 0.0,
        catch_up_days: int = 92,
        poll_seconds: float = 3600.0,
    ) -> None:
        self._plans = plans
        self._unit_of_work = unit_of_work
        self._queries = queries
        self._checkpoints = checkpoints
        self._today = today
        self._tolerance = tolerance
        self._catch_up_days = catch_up_days
        self._poll_seconds = poll_seconds

    def evaluate(self) -> int:
        """One pass over every plan; the number of checkpoints evaluated."""
        today = self._today()
        evaluated = 0
        for listed in self._queries.plans(None):
            evaluated += self._evaluate_plan(str(listed["plan_id"]), today)
        return evaluated

    def _evaluate_plan(self, plan_id: str, today: date) -> int:
        evaluated = 0
        oldest = today - timedelta(days=self._catch_up_days)
        with self._unit_of_work() as uow:
            plan = Plan.replay(uow.plan_events(stream_of_plan(plan_id)))
            version = plan.version
            for checkpoint, kind in self._checkpoints.of_period(plan.period_start, plan.period_end):
                if checkpoint >= today or checkpoint < oldest or checkpoint < plan.adopted_on:
                    continue
                if checkpoint in plan.evaluated:
                    continue
                plan.evaluate_checkpoint(checkpoint, kind, self._plans.measure(plan, checkpoint), self._tolerance)
                evaluated += 1
            if not plan.pending:
                return 0
            try:
                uow.record(stream_of_plan(plan_id), version, plan.pending, plan.authority_id)
                uow.commit()
            except ConcurrencyError:
                log.info("plan %s: its checkpoints were evaluated by another worker", plan_id)
                return 0
        return evaluated

    def run(self, stop: threading.Event) -> None:
        """Evaluate every `poll_seconds` until `stop` is set; a failing database is retried."""

        def turn() -> str | None:
            count = self.evaluate()
            return f"{count} evaluated" if count else None

        run_periodically(stop, self._poll_seconds, turn, "plan checkpoints")
