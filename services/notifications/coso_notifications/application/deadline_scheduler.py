"""The deadline scheduler: one pass finds the deadlines whose rules fire today and schedules
their reminders; `run` repeats passes until told to stop.

"Today" is the clock's date in the configured time zone (Asia/Ho_Chi_Minh by default), so a
test moves time forward with a fake clock. A pass is safe to repeat and to interrupt:
a rule's firing for a deadline is recorded with its deliveries in one transaction, and each
delivery has the exactly-once key rule + subject + due date + recipient. A pass that dies
halfway is finished by the next one, with neither a duplicate nor a miss. From the digest
hour on, a pass also gathers the reminders held for digest subscriptions into one message a
day per recipient. The scheduler only schedules; the deliverer sends. Each pass reads the rules
in force once (defaults, options, rule sets adopted here or received from a superior): a
reminder's working days, whether it is on and who hears it are those of the deadline's authority.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo
from typing import Any

from coso_backbone.periodic import run_periodically
from coso_notifications.application.ports import Clock, ReminderRepository, RulesInForce, SchedulerMetrics, Templates
from coso_notifications.domain.calendar import WorkingCalendar
from coso_notifications.domain.deadlines import Deadline, DeadlineRule, Timing
from coso_notifications.domain.delivery import Delivery
from coso_notifications.domain.digest import compose_digest, digest_subject, recipient_of
from coso_notifications.domain.recipients import Subscription
from coso_notifications.domain.reminders import Message, reminders
from coso_notifications.domain.rule_book import NotificationRuleBook
from coso_notifications.domain.rules import Rule

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PassResult:
    examined: int = 0
    fired: int = 0
    scheduled: int = 0


class DeadlineScheduler:
    def __init__(
        self,
        repository: ReminderRepository,
        rules: RulesInForce,
        calendar: WorkingCalendar,
        clock: Clock,
        zone: tzinfo,
        templates: Templates,
        static_subscriptions: Sequence[Subscription] = (),
        batch_size: int = 500,
        poll_seconds: float = 60.0,
        metrics: SchedulerMetrics | None = None,
        digest_hour: int = 7,
    ) -> None:
        self._repository = repository
        self._rules = rules
        self._calendar = calendar
        self._clock = clock
        self._zone = zone
        self._templates = templates
        self._static = list(static_subscriptions)
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._metrics = metrics
        self._digest_hour = digest_hour

    def today(self) -> date:
        return self._clock.now().astimezone(self._zone).date()

    def evaluate(self) -> PassResult:
        """One pass over the open deadlines, every rule."""
        started = time.perf_counter()
        today = self.today()
        subscriptions = [*self._static, *self._repository.subscriptions()]
        book = self._rules.book()  # the rules in force as recorded now, for this whole pass
        total = PassResult()
        for rule in book.deadline_rules:
            result = self._evaluate_rule(book, rule, today, subscriptions)
            total = PassResult(
                total.examined + result.examined, total.fired + result.fired, total.scheduled + result.scheduled
            )
        digests = self._compose_digests(subscriptions)
        total = PassResult(total.examined, total.fired, total.scheduled + digests)
        if self._metrics is not None:
            self._metrics.pass_done(total, time.perf_counter() - started)
        return total

    def _window(self, book: NotificationRuleBook, rule: DeadlineRule, today: date) -> tuple[date | None, date]:
        if rule.timing is Timing.OVERDUE:
            return None, today - timedelta(days=1)
        if rule.timing is Timing.REACHED:
            return None, today
        return today, self._calendar.add_working_days(today, book.widest(rule))

    def _evaluate_rule(
        self, book: NotificationRuleBook, rule: DeadlineRule, today: date, subscriptions: Sequence[Subscription]
    ) -> PassResult:
        due_from, due_to = self._window(book, rule, today)
        examined = fired_count = scheduled = 0
        after: tuple[date, str] | None = None
        while True:
            page = self._repository.open_deadlines(rule.kind, rule.rule, due_from, due_to, after, self._batch_size)
            if not page:
                break
            examined += len(page)
            after = (page[-1].due_on, page[-1].subject)
            fired: list[tuple[Rule, Deadline]] = []
            deliveries: list[Delivery] = []
            now = self._clock.now()
            for deadline in page:
                in_force = book.deadline_rule(rule, deadline.authority, today)
                if not in_force.fires(deadline.due_on, today, self._calendar):
                    continue
                fired.append((rule.rule, deadline))
                deliveries += reminders(in_force, deadline, subscriptions, self._render, today, now)
            if fired:
                scheduled += self._repository.record(fired, deliveries)
                fired_count += len(fired)
            if len(page) < self._batch_size:
                break
        return PassResult(examined, fired_count, scheduled)

    def _compose_digests(self, subscriptions: Sequence[Subscription]) -> int:
        """From `digest_hour` (local time) on, one digest a day per recipient of what is held."""
        local = self._clock.now().astimezone(self._zone)
        if local.hour < self._digest_hour:
            return 0
        held: dict[str, list[Delivery]] = {}
        for item in self._repository.held_items():
            held.setdefault(item.target, []).append(item)
        languages = {s.address: s.language for s in subscriptions if s.digest}
        composed = 0
        for address, items in sorted(held.items()):
            channel, target = recipient_of(address)
            if self._repository.digest_composed(channel, target, digest_subject(local.date())):
                continue  # today's went out: these wait for tomorrow's
            digest = compose_digest(
                address,
                items,
                languages.get(address, "vi"),
                self._templates.render_digest,
                local.date(),
                self._clock.now(),
            )
            composed += int(self._repository.record_digest(digest, items))
        return composed

    def _render(self, rule: DeadlineRule, deadline: Deadline, subscription: Subscription, today: date) -> Message:
        context: Mapping[str, Any] = {
            "display_ref": "",
            "enterprise_id": "",
            **deadline.context,
            "subject": deadline.subject,
            "kind": deadline.kind.value,
            "due_on": deadline.due_on,
            "authority": deadline.authority,
            "today": today,
            "working_days_left": self._calendar.working_days_after(today, deadline.due_on),
            "days_overdue": max((today - deadline.due_on).days, 0),
            "role": subscription.role,
        }
        return self._templates.render(rule.rule, subscription.channel, subscription.language, context)

    def run(self, stop: threading.Event) -> None:
        """Evaluate every `poll_seconds` until `stop` is set; a failing database is retried."""

        def turn() -> str | None:
            result = self.evaluate()
            return str(result) if result.scheduled else None

        run_periodically(stop, self._poll_seconds, turn, "deadline scheduler")
