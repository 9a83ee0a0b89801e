"""The admissions composition root: the one place where adapters are chosen and wired."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from coso_admissions.adapters.access import SqlAccessStore
from coso_admissions.adapters.federation_inbox import FederationInbox
from coso_admissions.adapters.lineage import authority_lineage
from coso_admissions.adapters.peer_events import peer_event_handlers
from coso_admissions.adapters.personal_data import EnvelopeCipher
from coso_admissions.adapters.registry_events import registry_event_handlers
from coso_admissions.adapters.sql import SqlAdmissionsUnitOfWork, SqlCandidateQueries
from coso_admissions.adapters.vietnam_calendar import vietnam_calendar
from coso_admissions.application.access import AccessControl
from coso_admissions.application.admissions import Admissions
from coso_admissions.application.federation import FederationProposals
from coso_admissions.application.guarded import GuardedAdmissions
from coso_admissions.application.incoming import IncomingTransfers
from coso_admissions.application.members import Members
from coso_admissions.application.rules import AdmissionRuleSets
from coso_admissions.domain.calendar import WorkingCalendar
from coso_admissions.domain.errors import InvalidGrant
from coso_admissions.domain.rules import RuleBook
from coso_backbone import wiring
from coso_backbone.config import CosoSettings
from coso_backbone.consumer import Consumer
from coso_backbone.contracts.rules import AdmissionRulesAdopted
from coso_backbone.deadletters import DeadLetterQueue
from coso_backbone.eventstore import EventStore
from coso_backbone.rulesets.records import SqlRuleSets

MIGRATIONS = Path(__file__).parent / "adapters" / "migrations"
CONSUMER = "admissions"
CONSUMED_PRODUCERS = ("registry",)
PEER_CONSUMER = "admissions-peers"
# The consumer of the rules superiors' stacks adopt, sent down a link (exchange admissions.superior-rules).
SUPERIOR_RULES_CONSUMER = "admissions-superior-rules"
RULES_ROUTING_KEYS = (AdmissionRulesAdopted.event_name,)
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


def today_in(settings: CosoSettings) -> Callable[[], date]:
    """Today's date where the deployment works (option `timezone`, Vietnam by default)."""
    zone = ZoneInfo(str(settings.options.get("timezone", DEFAULT_TIMEZONE)))
    return lambda: datetime.now(zone).date()


def working_calendar(settings: CosoSettings) -> WorkingCalendar:
    """Vietnam's public holidays plus `options.calendar` (extra holidays, make-up working days)."""
    return vietnam_calendar(settings.options.get("calendar") or {})


def rule_book(settings: CosoSettings) -> RuleBook:
    """The pipeline's rules: the defaults of DOMAIN.md, overridden per authority by `options.rules`."""
    return RuleBook.from_config(settings.options.get("rules") or [])


def envelope_cipher(settings: CosoSettings) -> EnvelopeCipher | None:
    """The cipher of personal data, if a master key is configured (`options.personal_data.master_keys`)."""
    configured = (settings.options.get("personal_data") or {}).get("master_keys") or []
    keys = configured.split(",") if isinstance(configured, str) else list(configured)
    keys = [k for k in keys if k.strip()]
    return EnvelopeCipher(keys) if keys else None


def access_control_enabled(settings: CosoSettings) -> bool:
    """`coso.options.access_control` (default true); the bundled development config.yml turns it off."""
    enabled = settings.options.get("access_control", True)
    if isinstance(enabled, str) and enabled.strip().lower() in ("true", "false"):
        return enabled.strip().lower() == "true"
    if not isinstance(enabled, bool):
        raise InvalidGrant(
            f"access_control must be true or false, not {enabled!r}", field="access_control", rule="boolean"
        )
    return enabled


class AdmissionsApp:
    """What the entrypoints get: the use cases and the store behind them."""

    def __init__(self, settings: CosoSettings, store: EventStore) -> None:
        self.settings = settings
        self.store = store
        cipher = envelope_cipher(settings)
        self.rules = AdmissionRuleSets(
            SqlRuleSets(store, settings.source), rule_book(settings), today_in(settings), authority_lineage(store)
        )
        rules = self.rules
        self.admissions = Admissions(
            lambda: SqlAdmissionsUnitOfWork(store, cipher),
            SqlCandidateQueries(store, cipher),
            today=today_in(settings),
            calendar=working_calendar(settings),
            rules=rules,
        )
        self.federation = FederationProposals(
            lambda: SqlAdmissionsUnitOfWork(store, cipher), today_in(settings), lambda: str(uuid.uuid4())
        )
        self.members = Members(
            lambda: SqlAdmissionsUnitOfWork(store, cipher),
            SqlCandidateQueries(store, cipher),
            today_in(settings),
            rules,
        )
        self.incoming = IncomingTransfers(
            lambda: SqlAdmissionsUnitOfWork(store, cipher), SqlCandidateQueries(store, cipher), today_in(settings)
        )
        self.access = AccessControl(SqlAccessStore(store), enabled=access_control_enabled(settings))
        self.guarded = GuardedAdmissions(
            self.admissions,
            self.members,
            SqlCandidateQueries(store, cipher),
            self.access,
            self.federation,
            self.incoming,
            self.rules,
        )


def build(settings: CosoSettings) -> AdmissionsApp:
    return AdmissionsApp(settings, wiring.event_store(settings))


def migrate(settings: CosoSettings) -> None:
    wiring.migrate(settings, MIGRATIONS)


def registry_consumer(settings: CosoSettings, store: EventStore, name: str = CONSUMER) -> Consumer:
    """The consumer that copies the registry's authorities and enterprises into admissions."""
    return wiring.consumer(settings, store, registry_event_handlers(), name=name)


def federation_inbox(settings: CosoSettings, app: AdmissionsApp, name: str = CONSUMER) -> FederationInbox:
    """The labour federation's proposals queue; its dead letters share admissions' dead-letter queue."""
    return FederationInbox(settings.amqp_uri, name, app.federation.propose, DeadLetterQueue(settings.amqp_uri, name))


def peer_read_api(settings: CosoSettings) -> str | None:
    """`options.peer_admissions_url`: the read API of the other deployment's admissions, if transfers cross."""
    url = str(settings.options.get("peer_admissions_url") or "").strip()
    return url or None


def peer_consumer_name(settings: CosoSettings) -> str:
    """Named after the deployment: deployments sharing a vhost each need their own queue."""
    return f"{PEER_CONSUMER}-{settings.deployment}"


def peer_consumer(settings: CosoSettings, store: EventStore) -> Consumer:
    """The consumer of another deployment's admissions events (transfers between authorities).

    The backbone keys read APIs by producer, so this consumer has its own name and one peer
    (more peers need read APIs per source: see the report on the backbone).
    """
    url = peer_read_api(settings)
    name = peer_consumer_name(settings)
    handlers = peer_event_handlers(settings.source, envelope_cipher(settings), today_in(settings))
    return Consumer(
        name,
        store.engine,
        handlers,
        DeadLetterQueue(settings.amqp_uri, name),
        read_apis={"admissions": url} if url else {},
    )


def superior_rules_consumer(settings: CosoSettings, store: EventStore) -> Consumer:
    """The consumer of the `RulesAdopted` superiors' stacks send down a link into this stack's
    `admissions.superior-rules` exchange (its queue is bound there, see `worker_loops`), which
    no other consumer reads; this stack's own events (its own ce-source) are never applied.
    It catches up through `source_read_apis` (the superior's admissions read API, which serves
    the link's down token only `RulesAdopted`)."""
    return wiring.superior_rules_consumer(settings, store, AdmissionRulesAdopted, SUPERIOR_RULES_CONSUMER)


def superior_sources(settings: CosoSettings) -> bool:
    """Whether a link brings a superior's admissions events down here (`coso-link service-config`)."""
    return wiring.superior_sources(settings, "admissions")


def consumer_names(settings: CosoSettings) -> list[str]:
    names = [CONSUMER, peer_consumer_name(settings)] if peer_read_api(settings) else [CONSUMER]
    return [*names, SUPERIOR_RULES_CONSUMER] if superior_sources(settings) else names


def worker_loops(settings: CosoSettings) -> list[tuple[str, wiring.Loop]]:
    """The admissions worker publishes its own events, consumes the registry's and the federation's proposals."""
    app = build(settings)
    store = app.store
    loops = [
        wiring.relay_loop(settings, store),
        wiring.consumer_loop(settings, registry_consumer(settings, store), CONSUMED_PRODUCERS),
        ("inbox:labour_federation", federation_inbox(settings, app).run),
    ]
    if peer_read_api(settings):
        loops.append(wiring.consumer_loop(settings, peer_consumer(settings, store), ("admissions",)))
    if superior_sources(settings):
        rules = superior_rules_consumer(settings, store)
        loops.append(wiring.superior_rules_loop(settings, rules, AdmissionRulesAdopted))
    return loops
