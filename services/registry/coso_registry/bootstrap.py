"""The registry's composition root: the one place where adapters are chosen and wired."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from coso_backbone import wiring
from coso_backbone.config import CosoSettings
from coso_backbone.consumer import Consumer
from coso_backbone.contracts.rules import RegistryRulesAdopted
from coso_backbone.eventstore import EventStore
from coso_backbone.rulesets.precedence import Origin, RuleSet
from coso_backbone.rulesets.records import SqlRuleSets
from coso_registry.adapters.access import SqlAccessStore
from coso_registry.adapters.sql import SqlRegistryQueries, SqlRegistryUnitOfWork
from coso_registry.application.access import AccessControl
from coso_registry.application.authorities import Authorities
from coso_registry.application.guarded import GuardedRegistry
from coso_registry.application.mass_organizations import MassOrganizations
from coso_registry.application.organizations import Organizations, UnknownMemberCounts
from coso_registry.application.registry import Registry
from coso_registry.application.rules import RegistryRuleSets
from coso_registry.domain.errors import InvalidConfiguration
from coso_registry.domain.rating import RatingRule, RatingRules
from coso_registry.domain.size_rules import (
    DEFAULT_MIN_COMMITTEE_MEMBERS,
    DEFAULT_MIN_FOUNDING_MEMBERS,
    SizeRule,
    SizeRules,
)

MIGRATIONS = Path(__file__).parent / "adapters" / "migrations"
# The consumer of the rules superiors' stacks adopt, sent down a link into this stack's registry.events.
SUPERIOR_RULES_CONSUMER = "registry-superior-rules"


def access_control_enabled(settings: CosoSettings) -> bool:
    """`coso.options.access_control` (default true); the bundled development config.yml sets false."""
    enabled = settings.options.get("access_control", True)
    if not isinstance(enabled, bool):
        raise InvalidConfiguration(
            f"access_control must be true or false, not {enabled!r}", field="access_control", rule="boolean"
        )
    return enabled


class _SizeRuleOption(BaseModel):
    model_config = ConfigDict(extra="forbid")

    authority_id: str | None = None
    effective_from: date
    min_founding_members: int = Field(default=DEFAULT_MIN_FOUNDING_MEMBERS, ge=1)
    min_committee_members: int = Field(default=DEFAULT_MIN_COMMITTEE_MEMBERS, ge=1)


def size_rules(settings: CosoSettings) -> SizeRules:
    """`coso.options.size_rules`: a list of {authority_id, effective_from, min_founding_members,
    min_committee_members}; an authority's rule covers its subtree from its date (default 3 and 30)."""
    raw = settings.options.get("size_rules") or []
    if not isinstance(raw, list):
        raise InvalidConfiguration("size_rules must be a list", field="size_rules", rule="list of rules")
    try:
        parsed = [_SizeRuleOption.model_validate(item) for item in raw]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidConfiguration(
            f"size_rules: {where}: {first['msg']}", field="size_rules", rule=first["type"]
        ) from None
    return SizeRules(
        SizeRule(r.authority_id, r.effective_from, r.min_founding_members, r.min_committee_members) for r in parsed
    )


class _RatingRuleOption(BaseModel):
    model_config = ConfigDict(extra="forbid")

    authority_id: str | None = None
    effective_from: date
    excellent_from: float = Field(default=90, ge=0, le=100)
    good_from: float = Field(default=70, ge=0, le=100)
    complete_from: float = Field(default=50, ge=0, le=100)
    excellent_cap: float = Field(default=0.20, ge=0, le=1)


def rating_rules(settings: CosoSettings) -> RatingRules:
    """`coso.options.rating_rules`: a list of {authority_id, effective_from, excellent_from, good_from,
    complete_from, excellent_cap}; defaults 90 / 70 / 50 and a cap of 20 % excellent."""
    raw = settings.options.get("rating_rules") or []
    if not isinstance(raw, list):
        raise InvalidConfiguration("rating_rules must be a list", field="rating_rules", rule="list of rules")
    try:
        parsed = [_RatingRuleOption.model_validate(item) for item in raw]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidConfiguration(
            f"rating_rules: {where}: {first['msg']}", field="rating_rules", rule=first["type"]
        ) from None
    for rule in parsed:
        if not rule.excellent_from > rule.good_from > rule.complete_from:
            raise InvalidConfiguration(
                "rating_rules: bands must satisfy excellent_from > good_from > complete_from",
                field="rating_rules",
                rule="descending bands",
            )
    return RatingRules(RatingRule(**r.model_dump()) for r in parsed)


def option_rule_sets(settings: CosoSettings) -> list[RuleSet]:
    """`options.size_rules` and `options.rating_rules` (validated as above) as rule sets: each
    gives the values it states; an entry without `authority_id` covers every authority."""
    size_rules(settings), rating_rules(settings)  # refuse a bad configuration with its field
    entries: list[_SizeRuleOption | _RatingRuleOption] = [
        *(_SizeRuleOption.model_validate(e) for e in settings.options.get("size_rules") or []),
        *(_RatingRuleOption.model_validate(e) for e in settings.options.get("rating_rules") or []),
    ]
    return [
        RuleSet(
            entry.authority_id or "",
            entry.effective_from,
            entry.model_dump(exclude_unset=True, exclude={"authority_id", "effective_from"}),
            Origin.OPTIONS,
            position=index,
        )
        for index, entry in enumerate(entries)
    ]


class RegistryApp:
    """What the entrypoints get: the use cases and the store behind them."""

    def __init__(self, settings: CosoSettings, store: EventStore) -> None:
        self.settings = settings
        self.store = store
        self.queries = SqlRegistryQueries(store)
        self.registry = Registry(self.unit_of_work, self.queries)
        self.authorities = Authorities(self.unit_of_work, self.queries)
        self.rules = RegistryRuleSets(
            SqlRuleSets(store, settings.source), option_rule_sets(settings), date.today, self.unit_of_work
        )
        self.organizations = Organizations(
            self.unit_of_work, self.queries, self.rules.sizes, UnknownMemberCounts(), self.rules.ratings
        )
        self.mass_organizations = MassOrganizations(self.unit_of_work, self.queries)
        self.access = AccessControl(SqlAccessStore(store), enabled=access_control_enabled(settings))
        self.guarded = GuardedRegistry(
            self.registry, self.authorities, self.organizations, self.access, self.mass_organizations, self.rules
        )

    def unit_of_work(self) -> SqlRegistryUnitOfWork:
        return SqlRegistryUnitOfWork(self.store)


def build(settings: CosoSettings) -> RegistryApp:
    return RegistryApp(settings, wiring.event_store(settings))


def migrate(settings: CosoSettings) -> None:
    wiring.migrate(settings, MIGRATIONS)


def superior_rules_consumer(settings: CosoSettings, store: EventStore) -> Consumer:
    """The consumer of the `RulesAdopted` that superiors' stacks send down a link with their
    hierarchy into this stack's `registry.events`; this stack's own events are not applied.
    It catches up through `source_read_apis` (the superior's registry read API)."""
    return wiring.superior_rules_consumer(settings, store, RegistryRulesAdopted, SUPERIOR_RULES_CONSUMER)


def superior_sources(settings: CosoSettings) -> bool:
    """Whether a link brings a superior's registry events down here (`coso-link service-config`)."""
    return wiring.superior_sources(settings, "registry")


def consumer_names(settings: CosoSettings) -> list[str]:
    return [SUPERIOR_RULES_CONSUMER] if superior_sources(settings) else []


def worker_loops(settings: CosoSettings) -> list[tuple[str, wiring.Loop]]:
    """The registry's worker publishes its events, and applies the rules its superiors adopt."""
    store = wiring.event_store(settings)
    loops = [wiring.relay_loop(settings, store)]
    if superior_sources(settings):
        consumer = superior_rules_consumer(settings, store)
        loops.append(wiring.superior_rules_loop(settings, consumer, RegistryRulesAdopted, exchange=None))
    return loops
