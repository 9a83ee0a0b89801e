"""Party organizations in enterprises (tổ chức cơ sở đảng): founded by a decision, renamed,
upgraded from cell to committee, transferred to another authority, merged, dissolved."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from coso_backbone.contracts import EventContract
from coso_backbone.contracts.registry import (
    OrganizationDissolved,
    OrganizationFounded,
    OrganizationKind,
    OrganizationMergedInto,
    OrganizationRated,
    OrganizationRenamed,
    OrganizationsMerged,
    OrganizationTransferred,
    OrganizationUpgraded,
)
from coso_registry.domain.errors import InvalidOrganization
from coso_registry.domain.lifespan import ensure_active
from coso_registry.domain.rating import RatingRule
from coso_registry.domain.size_rules import SizeRule


def stream_of_organization(organization_id: str) -> str:
    return f"organization-{organization_id}"


def _required(value: str, field_name: str, what: str) -> str:
    if not value.strip():
        raise InvalidOrganization(f"{what} is required", field=field_name, rule="required")
    return value.strip()


def _check_coverage(kind: OrganizationKind, enterprises: Sequence[str]) -> None:
    if kind is OrganizationKind.COMBINED_CELL and len(enterprises) < 2:
        raise InvalidOrganization(
            "a combined cell (chi bộ ghép) covers at least two enterprises",
            field="enterprise_ids",
            rule="at least two for combined_cell",
        )
    if kind is not OrganizationKind.COMBINED_CELL and len(enterprises) != 1:
        raise InvalidOrganization(
            f"a {kind.value} covers exactly one enterprise, not {len(enterprises)}; state kind combined_cell",
            field="enterprise_ids" if len(enterprises) == 0 else "kind",
            rule="exactly one enterprise unless combined_cell",
        )


@dataclass
class Organization:
    organization_id: str
    name: str
    kind: OrganizationKind
    authority_id: str
    enterprise_ids: list[str]
    founded_on: date
    dissolved_on: date | None = None
    merged_into: str | None = None
    ratings: dict[int, float] = field(default_factory=dict)
    version: int = 0
    pending: list[EventContract] = field(default_factory=list)

    @classmethod
    def found(
        cls,
        organization_id: str,
        name: str,
        kind: OrganizationKind,
        authority_id: str,
        enterprise_ids: Sequence[str],
        decision_number: str,
        founded_on: date,
        official_members: int,
        rule: SizeRule,
    ) -> Organization:
        enterprises = list(dict.fromkeys(enterprise_ids))
        _check_coverage(kind, enterprises)
        if official_members < rule.min_founding_members:
            raise InvalidOrganization(
                f"founding needs at least {rule.min_founding_members} official members, "
                f"not {official_members} ({rule.describe()})",
                field="official_members",
                rule=f">= {rule.min_founding_members} official members to found",
            )
        if kind is OrganizationKind.GRASSROOTS_COMMITTEE and official_members < rule.min_committee_members:
            raise InvalidOrganization(
                f"a grassroots committee (đảng bộ cơ sở) needs at least {rule.min_committee_members} official "
                f"members, not {official_members} ({rule.describe()}); found a grassroots cell instead",
                field="kind",
                rule=f">= {rule.min_committee_members} official members for grassroots_committee",
            )
        event = OrganizationFounded(
            organization_id=organization_id,
            name=_required(name, "name", "a name"),
            kind=kind,
            authority_id=authority_id,
            enterprise_ids=enterprises,
            decision_number=_required(decision_number, "decision_number", "the founding decision's number"),
            founded_on=founded_on,
            official_members=official_members,
        )
        organization = cls.replay([event])
        organization.version = 0
        organization.pending.append(event)
        return organization

    @classmethod
    def replay(cls, events: Iterable[EventContract]) -> Organization:
        organization: Organization | None = None
        for event in events:
            if organization is None:
                if not isinstance(event, OrganizationFounded):
                    raise ValueError(f"an organization stream starts with its founding, not {type(event).__name__}")
                organization = cls(
                    event.organization_id,
                    event.name,
                    event.kind,
                    event.authority_id,
                    list(event.enterprise_ids),
                    event.founded_on,
                )
            else:
                organization.apply(event)
            organization.version += 1
        if organization is None:
            raise ValueError("an organization stream needs at least one event")
        return organization

    def apply(self, event: EventContract) -> None:
        if isinstance(event, OrganizationRenamed):
            self.name = event.name
        elif isinstance(event, OrganizationUpgraded):
            self.kind = event.kind
        elif isinstance(event, OrganizationTransferred):
            self.authority_id = event.authority_id
        elif isinstance(event, OrganizationDissolved):
            self.dissolved_on = event.effective_from
        elif isinstance(event, OrganizationRated):
            self.ratings[event.year] = event.score
        elif isinstance(event, OrganizationsMerged):
            self.kind = event.kind
            self.authority_id = event.authority_id
            self.enterprise_ids = list(event.enterprise_ids)
        elif isinstance(event, OrganizationMergedInto):
            self.dissolved_on = event.effective_from
            self.merged_into = event.successor_id

    def _record(self, event: EventContract) -> None:
        self.apply(event)
        self.pending.append(event)

    def _check_active(self, on: date) -> None:
        ensure_active(f"organization {self.organization_id}", "organization_id", self.founded_on, self.dissolved_on, on)

    def rename(self, name: str, decision_number: str, on: date) -> None:
        self._check_active(on)
        new_name = _required(name, "name", "a name")
        if new_name == self.name:
            raise InvalidOrganization(f"the organization is already named {self.name!r}", field="name", rule="differs")
        self._record(
            OrganizationRenamed(
                organization_id=self.organization_id,
                name=new_name,
                decision_number=_required(decision_number, "decision_number", "the decision's number"),
                effective_from=on,
            )
        )

    def upgrade(self, official_members: int, decision_number: str, on: date, rule: SizeRule) -> None:
        self._check_active(on)
        if self.kind is not OrganizationKind.GRASSROOTS_CELL:
            raise InvalidOrganization(
                f"only a grassroots cell can become a grassroots committee, not a {self.kind.value}",
                field="kind",
                rule="grassroots_cell",
            )
        if official_members < rule.min_committee_members:
            raise InvalidOrganization(
                f"a grassroots committee needs at least {rule.min_committee_members} official members, "
                f"not {official_members} ({rule.describe()})",
                field="official_members",
                rule=f">= {rule.min_committee_members} official members for grassroots_committee",
            )
        self._record(
            OrganizationUpgraded(
                organization_id=self.organization_id,
                kind=OrganizationKind.GRASSROOTS_COMMITTEE,
                official_members=official_members,
                decision_number=_required(decision_number, "decision_number", "the decision's number"),
                effective_from=on,
            )
        )

    def transfer(self, authority_id: str, decision_number: str, on: date) -> None:
        self._check_active(on)
        if authority_id == self.authority_id:
            raise InvalidOrganization(
                f"the organization already answers to {authority_id}", field="authority_id", rule="differs"
            )
        self._record(
            OrganizationTransferred(
                organization_id=self.organization_id,
                authority_id=authority_id,
                previous_authority_id=self.authority_id,
                decision_number=_required(decision_number, "decision_number", "the decision's number"),
                effective_from=on,
            )
        )

    def dissolve(self, reason: str, decision_number: str, on: date) -> None:
        self._check_active(on)
        self._record(
            OrganizationDissolved(
                organization_id=self.organization_id,
                reason=_required(reason, "reason", "the reason"),
                decision_number=_required(decision_number, "decision_number", "the decision's number"),
                effective_from=on,
            )
        )

    def absorb(
        self,
        merged: Sequence[Organization],
        decision_number: str,
        on: date,
        rule: SizeRule,
        kind: OrganizationKind | None = None,
        authority_id: str | None = None,
        official_members: int | None = None,
    ) -> None:
        """Merge other organizations into this one. They must answer to this one's authority
        unless the decision states the successor's authority (`authority_id`); the successor
        covers all their enterprises, and its size is checked when its member count is known."""
        self._check_active(on)
        if not merged:
            raise InvalidOrganization("name the organizations to merge", field="merged_ids", rule="at least one")
        seen: set[str] = set()
        for other in merged:
            if other.organization_id == self.organization_id:
                raise InvalidOrganization(
                    f"organization {self.organization_id} cannot be merged into itself",
                    field="merged_ids",
                    rule="differs from successor_id",
                )
            if other.organization_id in seen:
                raise InvalidOrganization(
                    f"organization {other.organization_id} is named twice", field="merged_ids", rule="distinct"
                )
            seen.add(other.organization_id)
            other._check_active(on)
            if authority_id is None and other.authority_id != self.authority_id:
                raise InvalidOrganization(
                    f"organization {other.organization_id} answers to {other.authority_id}, the successor to "
                    f"{self.authority_id}; state the successor's authority (authority_id) to merge across authorities",
                    field="merged_ids",
                    rule="same authority, or authority_id stated",
                )
        new_kind = kind or self.kind
        enterprises = list(dict.fromkeys([*self.enterprise_ids, *(e for o in merged for e in o.enterprise_ids)]))
        _check_coverage(new_kind, enterprises)
        if official_members is not None:
            if official_members < rule.min_founding_members:
                raise InvalidOrganization(
                    f"after the merger {official_members} official members, fewer than "
                    f"{rule.min_founding_members} ({rule.describe()})",
                    field="official_members",
                    rule=f">= {rule.min_founding_members} official members",
                )
            if new_kind is OrganizationKind.GRASSROOTS_COMMITTEE and official_members < rule.min_committee_members:
                raise InvalidOrganization(
                    f"a grassroots committee needs at least {rule.min_committee_members} official members, "
                    f"not {official_members} ({rule.describe()})",
                    field="official_members",
                    rule=f">= {rule.min_committee_members} official members for grassroots_committee",
                )
        number = _required(decision_number, "decision_number", "the decision's number")
        self._record(
            OrganizationsMerged(
                organization_id=self.organization_id,
                merged_ids=[o.organization_id for o in merged],
                kind=new_kind,
                authority_id=authority_id or self.authority_id,
                enterprise_ids=enterprises,
                official_members=official_members,
                decision_number=number,
                effective_from=on,
            )
        )
        for other in merged:
            other._record(
                OrganizationMergedInto(
                    organization_id=other.organization_id,
                    successor_id=self.organization_id,
                    decision_number=number,
                    effective_from=on,
                )
            )

    def rate(self, year: int, score: float, rated_on: date, rule: RatingRule) -> None:
        """The annual rating; the level follows from the score under the rule in force."""
        if year < self.founded_on.year or (self.dissolved_on is not None and year > self.dissolved_on.year):
            raise InvalidOrganization(
                f"organization {self.organization_id} did not exist in {year}",
                field="year",
                rule="a year the organization existed",
            )
        if year in self.ratings:
            raise InvalidOrganization(
                f"organization {self.organization_id} is already rated for {year} (score {self.ratings[year]:g})",
                field="year",
                rule="one rating per year",
            )
        if not 0 <= score <= 100:
            raise InvalidOrganization(f"score {score:g} is not between 0 and 100", field="score", rule="0..100")
        self._record(
            OrganizationRated(
                organization_id=self.organization_id,
                year=year,
                score=score,
                level=rule.level_for(score),
                authority_id=self.authority_id,
                rated_on=rated_on,
            )
        )
