"""Deadlines and the rules that remind of them.

A deadline is *given* to notifications by admissions' events (decision due, ceremony due,
recognition due after probation, candidate file expiry): notifications tracks it, never
computes it. A deadline rule fires for a deadline of its kind either when the due date is
within N working days (`before`) or once it has passed (`overdue`). Which rules run, their N
and who hears them are rules in force per authority subtree and from an effective date
(`rule_book.NotificationRuleBook`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from coso_notifications.domain.calendar import WorkingCalendar
from coso_notifications.domain.errors import InvalidDeadlineRule
from coso_notifications.domain.rules import Rule


class DeadlineKind(StrEnum):
    """What falls due."""

    DECISION_DUE = "decision_due"  # the competent authority decides on admission
    CEREMONY_DUE = "ceremony_due"  # the admission ceremony after the decision
    PROBATION_END = "probation_end"  # the probationary member's probation ends
    RECOGNITION_DUE = "recognition_due"  # recognition as official member must be voted by then
    FILE_EXPIRY = "file_expiry"  # the candidate's file must be redone after this date
    # A condition rather than a deadline: since `due_on`, the enterprise has enough official
    # members for a party organization and none covers it (closed when one is founded).
    ENTERPRISE_READY = "enterprise_ready"
    # A condition: since `due_on`, a party organization has fewer official members than the
    # minimum in force (closed when it recovers or is dissolved; a new breach fires again).
    ORGANIZATION_BELOW_MINIMUM = "organization_below_minimum"
    # A plan's target (subject '<plan>/<indicator>') found behind schedule by reporting at the
    # checkpoint `due_on`; a later checkpoint still behind moves it (and fires again).
    PLAN_BEHIND = "plan_behind"


class Timing(StrEnum):
    """When a deadline rule fires: ahead of the due date, or once it has passed."""

    BEFORE = "before"  # due within N working days (the due date included)
    OVERDUE = "overdue"  # the due date has passed and the deadline is still open
    REACHED = "reached"  # from the date on (a condition that holds since then)


@dataclass(frozen=True)
class Deadline:
    """A date by which something must happen to a subject (a candidate), in an authority."""

    subject: str
    kind: DeadlineKind
    due_on: date
    authority: str
    context: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DeadlineRule:
    rule: Rule
    kind: DeadlineKind
    timing: Timing
    working_days: int = 0
    roles: frozenset[str] = frozenset({"organization_department"})
    enabled: bool = True

    def __post_init__(self) -> None:
        if not 0 <= self.working_days <= 365:
            raise InvalidDeadlineRule(
                f"{self.rule.value}: working_days must be between 0 and 365",
                field=f"deadline_rules.{self.rule.value}.working_days",
                rule="between 0 and 365",
            )
        if not self.roles:
            raise InvalidDeadlineRule(
                f"{self.rule.value}: a rule needs at least one role to notify",
                field=f"deadline_rules.{self.rule.value}.roles",
                rule="not empty",
            )

    def fires(self, due_on: date, today: date, calendar: WorkingCalendar) -> bool:
        if not self.enabled:
            return False
        if self.timing is Timing.OVERDUE:
            return today > due_on
        if self.timing is Timing.REACHED:
            return today >= due_on
        return today <= due_on <= calendar.add_working_days(today, self.working_days)


# The defaults (DOMAIN.md): warn 5 working days ahead of a decision or the end of probation,
# 20 working days ahead of a file's expiry; tell the organization department when overdue,
# and when an enterprise becomes ready for a party organization.
DEFAULT_RULES: tuple[DeadlineRule, ...] = (
    DeadlineRule(Rule.DECISION_DUE_SOON, DeadlineKind.DECISION_DUE, Timing.BEFORE, 5),
    DeadlineRule(Rule.DECISION_OVERDUE, DeadlineKind.DECISION_DUE, Timing.OVERDUE),
    DeadlineRule(Rule.CEREMONY_OVERDUE, DeadlineKind.CEREMONY_DUE, Timing.OVERDUE),
    DeadlineRule(Rule.PROBATION_ENDING, DeadlineKind.PROBATION_END, Timing.BEFORE, 5),
    DeadlineRule(Rule.RECOGNITION_OVERDUE, DeadlineKind.RECOGNITION_DUE, Timing.OVERDUE),
    DeadlineRule(Rule.FILE_EXPIRING, DeadlineKind.FILE_EXPIRY, Timing.BEFORE, 20),
    DeadlineRule(Rule.ENTERPRISE_READY, DeadlineKind.ENTERPRISE_READY, Timing.REACHED),
    DeadlineRule(Rule.ORGANIZATION_BELOW_MINIMUM, DeadlineKind.ORGANIZATION_BELOW_MINIMUM, Timing.REACHED),
    DeadlineRule(Rule.PLAN_BEHIND_SCHEDULE, DeadlineKind.PLAN_BEHIND, Timing.REACHED),
)


def covers(authority: str, scope: str) -> bool:
    """Whether `scope` (an authority id, or '' for all) is `authority` or one of its ancestors.

    Authority ids are dotted paths down the hierarchy: 'hn' covers 'hn.kcn-thang-long'.
    """
    return scope == "" or authority == scope or authority.startswith(scope + ".")
