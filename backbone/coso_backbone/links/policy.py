"""What a link shares upward: all events, or only those that carry no personal field;
and downward, of `down.rules_producers`, only the rules (`RulesAdopted`).

Personal here means the personal data coso protects: that of candidates and members
(Decree 13/2023: name, birth date, identity number, the sealed record). The names of an
enterprise's director and of a mass organization's chair are public particulars of the
enterprise's registration and of an office, which the superior needs to count
enterprises and mass organizations; they cross (a stricter policy would need a contract
that records them in an event of their own).

The pseudonymous policy is an allow-list computed from the contracts: an event name crosses
only if no version of its contract has a personal field (or is personal by nature, such as
`PersonalDataErased`). A new event name is withheld until its contract exists, so adding an
event never leaks by default. RabbitMQ routes by event name (not version), which is why the
decision is per name over all versions.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from coso_backbone.contracts import ContractType, all_contracts
from coso_backbone.links.spec import Policy, ReadPolicy

# The one event a link carries down from `down.rules_producers` (docs/FEDERATION.md).
RULES_EVENT = "RulesAdopted"

# Fields holding a candidate's or member's personal data (Decree 13/2023).
PERSONAL_FIELDS = frozenset({"sealed", "full_name", "birth_date", "national_id"})
# Fields naming a person in a public capacity: not withheld (see above).
PUBLIC_CAPACITY_FIELDS = frozenset({"director", "chair"})
# Events personal by nature even without such a field: they say something about one person's data.
PERSONAL_EVENTS = frozenset({("admissions", "PersonalDataRecorded"), ("admissions", "PersonalDataErased")})


def carries_personal_data(model: ContractType) -> bool:
    if (model.event_producer, model.event_name) in PERSONAL_EVENTS:
        return True
    return any(name in PERSONAL_FIELDS for name in model.model_fields)


@cache
def _names() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    every: dict[str, set[str]] = {}
    personal: dict[str, set[str]] = {}
    for model in all_contracts():
        every.setdefault(model.event_producer, set()).add(model.event_name)
        if carries_personal_data(model):
            personal.setdefault(model.event_producer, set()).add(model.event_name)
    return (
        {p: frozenset(n) for p, n in every.items()},
        {p: frozenset(n) for p, n in personal.items()},
    )


def withheld_events(producer: str) -> frozenset[str]:
    """Event names of a producer that the pseudonymous policy never lets cross."""
    return _names()[1].get(producer, frozenset())


def shared_events(producer: str, policy: Policy) -> list[str] | None:
    """Routing keys to bind for a producer under a policy; None means all (`#`)."""
    if policy == "all":
        return None
    every, personal = _names()
    return sorted(every.get(producer, frozenset()) - personal.get(producer, frozenset()))


def event_filter(producer: str, policy: ReadPolicy) -> Callable[[str], bool]:
    """Whether an event name may be served to a link with this policy (read API); `rules`
    serves only `RulesAdopted`, the downward share of a producer's events."""
    if policy == "all":
        return lambda name: True
    if policy == "rules":
        return RULES_EVENT.__eq__
    allowed = frozenset(shared_events(producer, policy) or ())
    return allowed.__contains__
