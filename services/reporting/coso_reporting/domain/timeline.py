"""An authority's dated timeline folded from registry's hierarchy events.

Registry records an authority's changes in date order, each from its effective day on;
reporting keeps the result as periods (name, level, superior, from a day until the day
before the next change) and, for an authority that ended, who succeeded it (domain/tree.py
reads both). Folding is idempotent, so an event applied twice changes nothing, and a change
that arrives after a later one (dated before it) still lands in the right period: it
rewrites its own period and the later ones that carried the value it replaces, and stops
at the first later period that had changed that value itself.

An event that cannot be placed is refused with `HierarchyEventRefused` (the consumer
dead-letters it with the reason, to be replayed once the missing registration is in):
a rename or reparent of an authority not registered, a change before the authority
existed or after it ended, a second registration on another day. An authority that ends
without being known still gets its successions recorded: its records are worth following.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from coso_backbone.contracts import EventContract
from coso_backbone.contracts.registry import (
    AuthorityDissolved,
    AuthorityMerged,
    AuthorityRegistered,
    AuthorityRenamed,
    AuthorityReparented,
    AuthoritySplit,
)
from coso_reporting.domain.errors import HierarchyEventRefused
from coso_reporting.domain.tree import AuthorityPeriod, Succession

HIERARCHY_EVENTS: tuple[type[EventContract], ...] = (
    AuthorityRegistered,
    AuthorityRenamed,
    AuthorityReparented,
    AuthorityMerged,
    AuthoritySplit,
    AuthorityDissolved,
)


def fold(periods: Sequence[AuthorityPeriod], event: EventContract) -> list[AuthorityPeriod]:
    """The authority's periods (sorted by `valid_from`) after `event`."""
    if isinstance(event, AuthorityRegistered):
        return registered(
            periods,
            AuthorityPeriod(event.authority_id, event.name, event.level.value, event.parent_id, event.effective_from),
        )
    if isinstance(event, AuthorityRenamed):
        return changed(periods, event.authority_id, event.effective_from, "name", event.name)
    if isinstance(event, AuthorityReparented):
        return changed(periods, event.authority_id, event.effective_from, "parent_id", event.parent_id)
    if isinstance(event, AuthorityMerged | AuthoritySplit | AuthorityDissolved):
        return ended(periods, event.authority_id, event.effective_from)
    return list(periods)


def successions_of(event: EventContract) -> list[Succession]:
    """Who takes over an ended authority's records, in registry's order (a split's first
    successor is the one its records go to)."""
    if isinstance(event, AuthorityMerged):
        return [Succession(event.authority_id, event.successor_id, event.effective_from)]
    if isinstance(event, AuthoritySplit):
        return [Succession(event.authority_id, s, event.effective_from) for s in dict.fromkeys(event.successor_ids)]
    if isinstance(event, AuthorityDissolved) and event.successor_id is not None:
        return [Succession(event.authority_id, event.successor_id, event.effective_from)]
    return []


def registered(periods: Sequence[AuthorityPeriod], first: AuthorityPeriod) -> list[AuthorityPeriod]:
    if not periods:
        return [first]
    if periods[0].valid_from == first.valid_from:
        return list(periods)  # the same registration again
    raise HierarchyEventRefused(
        f"authority {first.authority_id} is already registered from {periods[0].valid_from.isoformat()}, "
        f"not from {first.valid_from.isoformat()}",
        field="authority_id",
        rule="registered once",
    )


def changed(
    periods: Sequence[AuthorityPeriod], authority_id: str, on: date, attribute: str, value: str | None
) -> list[AuthorityPeriod]:
    """`attribute` takes `value` from `on` on (see the module's docstring for late arrivals)."""
    if not periods:
        raise HierarchyEventRefused(
            f"authority {authority_id} is not registered (yet): its change of {attribute} effective "
            f"{on.isoformat()} cannot be placed; replay it after the registration",
            field="authority_id",
            rule="registered",
        )
    holding = next((i for i, p in enumerate(periods) if p.holds_on(on)), None)
    if holding is None:
        first, last = periods[0], periods[-1]
        when = (
            f"before it existed (from {first.valid_from.isoformat()})"
            if on < first.valid_from
            else f"after it ended on {last.valid_to.isoformat() if last.valid_to else '?'}"
        )
        raise HierarchyEventRefused(
            f"authority {authority_id}: a change of {attribute} effective {on.isoformat()} is {when}",
            field="effective_from",
            rule="within the authority's existence",
        )
    result = list(periods[:holding])
    current = periods[holding]
    replaced = getattr(current, attribute)
    if current.valid_from == on:
        result.append(_with(current, attribute, value))
    else:
        result.append(replace(current, valid_to=on))
        result.append(_with(replace(current, valid_from=on), attribute, value))
    later = list(periods[holding + 1 :])
    for index, period in enumerate(later):
        if getattr(period, attribute) != replaced:
            result.extend(later[index:])
            break
        result.append(_with(period, attribute, value))
    return result


def _with(period: AuthorityPeriod, attribute: str, value: str | None) -> AuthorityPeriod:
    if attribute == "name":
        return replace(period, name=value)
    return replace(period, parent_id=value)


def ended(periods: Sequence[AuthorityPeriod], authority_id: str, on: date) -> list[AuthorityPeriod]:
    """The authority no longer exists from `on` on: its last period closes the day before."""
    if periods and periods[-1].valid_to is not None and periods[-1].valid_to != on:
        raise HierarchyEventRefused(
            f"authority {authority_id} already ended on {periods[-1].valid_to.isoformat()}, not {on.isoformat()}",
            field="effective_from",
            rule="ends once",
        )
    if periods and on <= periods[0].valid_from:
        raise HierarchyEventRefused(
            f"authority {authority_id} cannot end on {on.isoformat()}: it exists from "
            f"{periods[0].valid_from.isoformat()}",
            field="effective_from",
            rule="within the authority's existence",
        )
    kept = [p for p in periods if p.valid_from < on]
    if kept and (kept[-1].valid_to is None or kept[-1].valid_to > on):
        kept[-1] = replace(kept[-1], valid_to=on)
    return kept
