"""Authorities (cấp ủy): nodes of the effective-dated hierarchy, each with its own timeline.

An authority's history is a list of periods (name, level, superior authority), each valid from
a date until the next one begins, and possibly an end: merged into a successor, split among
several, or dissolved. Changes are recorded in date order and each names its legal basis.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from coso_backbone.contracts import EventContract
from coso_backbone.contracts.registry import (
    AuthorityDissolved,
    AuthorityLevel,
    AuthorityMerged,
    AuthorityRegistered,
    AuthorityRenamed,
    AuthorityReparented,
    AuthoritySplit,
)
from coso_registry.domain.errors import AuthorityNoLongerExists, InvalidAuthority

_AUTHORITY_ID = re.compile(r"^[a-z0-9]+([.-][a-z0-9]+)*$")

AuthorityEvent = (
    AuthorityRegistered | AuthorityRenamed | AuthorityReparented | AuthorityMerged | AuthoritySplit | AuthorityDissolved
)


def stream_of_authority(authority_id: str) -> str:
    return f"authority-{authority_id}"


@dataclass(frozen=True)
class Period:
    """What an authority was called and whom it answered to, from `valid_from` on."""

    valid_from: date
    name: str
    level: AuthorityLevel
    parent_id: str | None


@dataclass(frozen=True)
class Ending:
    """How and when an authority ceased to exist."""

    kind: str  # merged, split or dissolved
    on: date
    successor_ids: tuple[str, ...]
    legal_basis: str


def _legal_basis(legal_basis: str) -> str:
    if not legal_basis.strip():
        raise InvalidAuthority(
            "a change of the hierarchy needs its legal basis (document number)", field="legal_basis", rule="required"
        )
    return legal_basis.strip()


@dataclass
class Authority:
    authority_id: str
    periods: list[Period]
    ending: Ending | None = None
    version: int = 0
    pending: list[EventContract] = field(default_factory=list)

    # --- reading ----------------------------------------------------------------
    @property
    def current(self) -> Period:
        return self.periods[-1]

    @property
    def name(self) -> str:
        return self.current.name

    @property
    def level(self) -> AuthorityLevel:
        return self.current.level

    @property
    def parent_id(self) -> str | None:
        return self.current.parent_id

    @property
    def effective_from(self) -> date:
        return self.periods[0].valid_from

    def exists_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.ending is None or day < self.ending.on)

    def state_on(self, day: date) -> Period | None:
        """The period in force on a day, or None if the authority did not exist then."""
        if not self.exists_on(day):
            return None
        return next(p for p in reversed(self.periods) if p.valid_from <= day)

    # --- creating and replaying --------------------------------------------------
    @classmethod
    def register(
        cls, authority_id: str, name: str, level: AuthorityLevel, parent_id: str | None, effective_from: date
    ) -> Authority:
        if not _AUTHORITY_ID.match(authority_id):
            raise InvalidAuthority(
                f"authority id {authority_id!r} must be lower-case letters and digits, parts joined by '.' or '-'",
                field="authority_id",
                rule="identifier",
            )
        if not name.strip():
            raise InvalidAuthority("an authority needs a name", field="name", rule="required")
        if parent_id is None and level is not AuthorityLevel.CENTRAL and level is not AuthorityLevel.PROVINCE:
            raise InvalidAuthority(
                f"a {level.value} authority needs a superior authority (parent_id)",
                field="parent_id",
                rule="only central and province authorities may be roots",
            )
        if parent_id == authority_id:
            raise InvalidAuthority("an authority cannot be its own superior", field="parent_id", rule="acyclic")
        authority = cls(authority_id, [Period(effective_from, name.strip(), level, parent_id)])
        authority.pending.append(
            AuthorityRegistered(
                authority_id=authority_id,
                name=authority.name,
                level=level,
                parent_id=parent_id,
                effective_from=effective_from,
            )
        )
        return authority

    @classmethod
    def replay(cls, events: Iterable[EventContract]) -> Authority:
        """Rebuild an authority from its stream (the first event is AuthorityRegistered)."""
        authority: Authority | None = None
        for event in events:
            if authority is None:
                if not isinstance(event, AuthorityRegistered):
                    raise ValueError(f"an authority stream starts with AuthorityRegistered, not {type(event).__name__}")
                authority = cls(
                    event.authority_id, [Period(event.effective_from, event.name, event.level, event.parent_id)]
                )
            else:
                authority.apply(event)
            authority.version += 1
        if authority is None:
            raise ValueError("an authority stream needs at least one event")
        return authority

    def apply(self, event: EventContract) -> None:
        """Fold one recorded change into the timeline."""
        if isinstance(event, AuthorityRenamed):
            self._begin(event.effective_from, name=event.name)
        elif isinstance(event, AuthorityReparented):
            self._begin(event.effective_from, parent_id=event.parent_id)
        elif isinstance(event, AuthorityMerged):
            self.ending = Ending("merged", event.effective_from, (event.successor_id,), event.legal_basis)
        elif isinstance(event, AuthoritySplit):
            self.ending = Ending("split", event.effective_from, tuple(event.successor_ids), event.legal_basis)
        elif isinstance(event, AuthorityDissolved):
            successors = (event.successor_id,) if event.successor_id else ()
            self.ending = Ending("dissolved", event.effective_from, successors, event.legal_basis)

    def _begin(self, on: date, **changes: object) -> None:
        if self.current.valid_from == on:
            self.periods[-1] = replace(self.current, **changes)  # type: ignore[arg-type]
        else:
            self.periods.append(replace(self.current, valid_from=on, **changes))  # type: ignore[arg-type]

    def _record(self, event: EventContract) -> None:
        self.apply(event)
        self.pending.append(event)

    # --- changing -------------------------------------------------------------------
    def _check_change_on(self, on: date) -> None:
        if self.ending is not None:
            raise AuthorityNoLongerExists(
                f"authority {self.authority_id} {self.ending.kind} on {self.ending.on.isoformat()}: it cannot change",
                field="authority_id",
                rule="exists on the effective date",
            )
        if on < self.current.valid_from:
            raise InvalidAuthority(
                f"authority {self.authority_id} has a change effective {self.current.valid_from.isoformat()}; "
                f"a change effective {on.isoformat()} would precede it",
                field="effective_from",
                rule="changes of an authority are recorded in date order",
            )

    def rename(self, name: str, on: date, legal_basis: str) -> None:
        self._check_change_on(on)
        if not name.strip():
            raise InvalidAuthority("an authority needs a name", field="name", rule="required")
        if name.strip() == self.name:
            raise InvalidAuthority(
                f"authority {self.authority_id} is already named {self.name!r}", field="name", rule="differs"
            )
        self._record(
            AuthorityRenamed(
                authority_id=self.authority_id,
                name=name.strip(),
                effective_from=on,
                legal_basis=_legal_basis(legal_basis),
            )
        )

    def reparent(self, parent_id: str, on: date, legal_basis: str) -> None:
        """Place under another superior; the caller checks the parent exists and no cycle arises."""
        self._check_change_on(on)
        if parent_id == self.authority_id:
            raise InvalidAuthority("an authority cannot be its own superior", field="parent_id", rule="acyclic")
        if parent_id == self.parent_id:
            raise InvalidAuthority(
                f"authority {self.authority_id} already answers to {parent_id}", field="parent_id", rule="differs"
            )
        self._record(
            AuthorityReparented(
                authority_id=self.authority_id,
                parent_id=parent_id,
                previous_parent_id=self.parent_id,
                effective_from=on,
                legal_basis=_legal_basis(legal_basis),
            )
        )

    def merge_into(self, successor_id: str, merged_with: Sequence[str], on: date, legal_basis: str) -> None:
        self._check_change_on(on)
        self._check_successor(successor_id)
        self._check_after_start(on)
        self._record(
            AuthorityMerged(
                authority_id=self.authority_id,
                successor_id=successor_id,
                merged_with=list(merged_with),
                effective_from=on,
                legal_basis=_legal_basis(legal_basis),
            )
        )

    def split_into(self, successor_ids: Sequence[str], on: date, legal_basis: str) -> None:
        self._check_change_on(on)
        if len(set(successor_ids)) < 2:
            raise InvalidAuthority(
                "a split needs at least two different successors", field="successor_ids", rule="at least two"
            )
        for successor_id in successor_ids:
            self._check_successor(successor_id, "successor_ids")
        self._check_after_start(on)
        self._record(
            AuthoritySplit(
                authority_id=self.authority_id,
                successor_ids=list(successor_ids),
                effective_from=on,
                legal_basis=_legal_basis(legal_basis),
            )
        )

    def dissolve(self, reason: str, on: date, legal_basis: str, successor_id: str | None = None) -> None:
        self._check_change_on(on)
        if not reason.strip():
            raise InvalidAuthority("a dissolution needs its reason", field="reason", rule="required")
        if successor_id is not None:
            self._check_successor(successor_id)
        self._check_after_start(on)
        self._record(
            AuthorityDissolved(
                authority_id=self.authority_id,
                reason=reason.strip(),
                successor_id=successor_id,
                effective_from=on,
                legal_basis=_legal_basis(legal_basis),
            )
        )

    def _check_successor(self, successor_id: str, field_name: str = "successor_id") -> None:
        if successor_id == self.authority_id:
            raise InvalidAuthority(
                f"authority {self.authority_id} cannot succeed itself", field=field_name, rule="another authority"
            )

    def _check_after_start(self, on: date) -> None:
        if on <= self.effective_from:
            raise InvalidAuthority(
                f"authority {self.authority_id} exists from {self.effective_from.isoformat()}; "
                "it can only end after that day",
                field="effective_from",
                rule="after the authority's first day",
            )
