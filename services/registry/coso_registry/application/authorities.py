"""Use cases of the authority hierarchy: register, rename, re-parent, merge, split, dissolve,
and the as-of queries (tree, subtree, successors)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from coso_backbone.contracts import EventContract
from coso_backbone.errors import ConcurrencyError
from coso_registry.application.commands import (
    DissolveAuthority,
    MergeAuthorities,
    RegisterAuthority,
    RenameAuthority,
    ReparentAuthority,
    SplitAuthority,
)
from coso_registry.application.ports import RegistryQueries, RegistryUnitOfWork
from coso_registry.domain.authority import Authority, stream_of_authority
from coso_registry.domain.errors import (
    AuthorityAlreadyRegistered,
    InvalidAuthority,
    StaleVersion,
    UnknownAuthority,
)
from coso_registry.domain.hierarchy import Hierarchy

Append = tuple[str, int, Sequence[EventContract], str]


def record(uow: RegistryUnitOfWork, appends: list[Append]) -> None:
    """Append, turning a concurrent writer's interference into a clear refusal."""
    try:
        uow.record_many(appends)
    except ConcurrencyError as exc:
        raise StaleVersion(str(exc), field="version", rule="the record changed meanwhile; reload and retry") from None


def _pending(authority: Authority) -> Append:
    version = authority.version
    return (stream_of_authority(authority.authority_id), version, list(authority.pending), authority.authority_id)


def _load(uow: RegistryUnitOfWork, authority_id: str, field: str = "authority_id") -> Authority:
    authority = uow.authority(authority_id)
    if authority is None:
        raise UnknownAuthority(f"authority {authority_id} is not registered", field=field, rule="exists")
    return authority


def _must_exist_on(authority: Authority, day: date, field: str) -> None:
    if not authority.exists_on(day):
        raise InvalidAuthority(
            f"authority {authority.authority_id} does not exist on {day.isoformat()}",
            field=field,
            rule="exists on the effective date",
        )


class Authorities:
    def __init__(self, unit_of_work: Callable[[], RegistryUnitOfWork], queries: RegistryQueries) -> None:
        self._unit_of_work = unit_of_work
        self._queries = queries

    # --- commands -------------------------------------------------------------------
    def register(self, command: RegisterAuthority) -> dict[str, Any]:
        with self._unit_of_work() as uow:
            if uow.authority_exists(command.authority_id):
                raise AuthorityAlreadyRegistered(
                    f"authority {command.authority_id} is already registered", field="authority_id", rule="unique"
                )
            if command.parent_id is not None and not uow.authority_exists(command.parent_id):
                raise UnknownAuthority(
                    f"superior authority {command.parent_id} is not registered", field="parent_id", rule="exists"
                )
            if command.parent_id is not None and not uow.authority_exists_on(command.parent_id, command.effective_from):
                raise InvalidAuthority(
                    f"superior authority {command.parent_id} does not exist on {command.effective_from.isoformat()}",
                    field="parent_id",
                    rule="exists on the effective date",
                )
            authority = Authority.register(
                command.authority_id, command.name, command.level, command.parent_id, command.effective_from
            )
            record(uow, [(stream_of_authority(authority.authority_id), 0, authority.pending, authority.authority_id)])
            uow.commit()
        return {"authority_id": authority.authority_id}

    def register_many(self, commands: Sequence[RegisterAuthority]) -> dict[str, int]:
        """Register reference data in one transaction, parents before children; authorities
        already registered are skipped, so loading the same data again records nothing."""
        with self._unit_of_work() as uow:
            known = set(uow.authority_levels())
            appends: list[Append] = []
            for command in commands:
                if command.authority_id in known:
                    continue
                if command.parent_id is not None and command.parent_id not in known:
                    raise UnknownAuthority(
                        f"superior authority {command.parent_id} of {command.authority_id} is not registered",
                        field="parent_id",
                        rule="exists",
                    )
                authority = Authority.register(
                    command.authority_id, command.name, command.level, command.parent_id, command.effective_from
                )
                appends.append(
                    (stream_of_authority(authority.authority_id), 0, authority.pending, authority.authority_id)
                )
                known.add(command.authority_id)
            if appends:
                record(uow, appends)
                uow.commit()
        return {"registered": len(appends), "skipped": len(commands) - len(appends)}

    def load_history(
        self,
        registrations: Sequence[RegisterAuthority],
        changes: Sequence[MergeAuthorities | SplitAuthority | DissolveAuthority],
        progress: Callable[[int], None] = lambda n: None,
    ) -> dict[str, int]:
        """Reference data with its history: register the units, then apply the restructurings
        in order, one transaction each. A change whose units have already ended is skipped, so
        loading the same history again records nothing."""
        loaded = self.register_many(registrations)
        applied = skipped = 0
        for change in changes:
            ending = change.merged_ids if isinstance(change, MergeAuthorities) else [change.authority_id]
            with self._unit_of_work() as uow:
                current = [uow.authority(i) for i in ending]
            progress(1)
            if all(a is not None and a.ending is not None for a in current):
                skipped += 1
                continue
            if isinstance(change, MergeAuthorities):
                self.merge(change)
            elif isinstance(change, SplitAuthority):
                self.split(change)
            else:
                self.dissolve(change)
            applied += 1
        return {**loaded, "changes_applied": applied, "changes_skipped": skipped}

    def rename(self, command: RenameAuthority) -> dict[str, Any]:
        with self._unit_of_work() as uow:
            authority = _load(uow, command.authority_id)
            authority.rename(command.name, command.effective_from, command.legal_basis)
            record(uow, [_pending(authority)])
            uow.commit()
        return {"authority_id": authority.authority_id, "name": authority.name}

    def reparent(self, command: ReparentAuthority) -> dict[str, Any]:
        with self._unit_of_work() as uow:
            authority = _load(uow, command.authority_id)
            _must_exist_on(authority, command.effective_from, "effective_from")
            hierarchy = uow.subtrees_on([authority.authority_id], command.effective_from)
            self._check_superior(uow, hierarchy, authority.authority_id, command.parent_id, command.effective_from)
            authority.reparent(command.parent_id, command.effective_from, command.legal_basis)
            record(uow, [_pending(authority)])
            uow.commit()
        return {"authority_id": authority.authority_id, "parent_id": command.parent_id}

    def merge(self, command: MergeAuthorities) -> dict[str, Any]:
        day = command.effective_from
        merged_ids = list(dict.fromkeys(command.merged_ids))
        if command.successor_id in merged_ids:
            raise InvalidAuthority(
                f"authority {command.successor_id} cannot be merged into itself",
                field="merged_ids",
                rule="the successor is not one of the merged authorities",
            )
        with self._unit_of_work() as uow:
            successor = _load(uow, command.successor_id, "successor_id")
            _must_exist_on(successor, day, "successor_id")
            hierarchy = uow.subtrees_on(merged_ids, day)
            appends: list[Append] = []
            for merged_id in merged_ids:
                merged = _load(uow, merged_id, "merged_ids")
                if any(n.authority_id == command.successor_id for n in hierarchy.subtree(merged_id)):
                    raise InvalidAuthority(
                        f"successor {command.successor_id} lies under {merged_id} on {day.isoformat()}",
                        field="successor_id",
                        rule="acyclic",
                    )
                merged.merge_into(command.successor_id, merged_ids, day, command.legal_basis)
                appends.append(_pending(merged))
            appends.extend(self._move_subordinates(uow, hierarchy, merged_ids, command.successor_id, day, command))
            record(uow, appends)
            uow.commit()
        return {"successor_id": command.successor_id, "merged_ids": merged_ids, "events": len(appends)}

    def split(self, command: SplitAuthority) -> dict[str, Any]:
        day = command.effective_from
        with self._unit_of_work() as uow:
            authority = _load(uow, command.authority_id)
            for successor_id in command.successor_ids:
                _must_exist_on(_load(uow, successor_id, "successor_ids"), day, "successor_ids")
            self._refuse_with_subordinates(
                uow.subtrees_on([authority.authority_id], day), authority.authority_id, "splitting"
            )
            authority.split_into(command.successor_ids, day, command.legal_basis)
            record(uow, [_pending(authority)])
            uow.commit()
        return {"authority_id": authority.authority_id, "successor_ids": command.successor_ids}

    def dissolve(self, command: DissolveAuthority) -> dict[str, Any]:
        day = command.effective_from
        with self._unit_of_work() as uow:
            authority = _load(uow, command.authority_id)
            hierarchy = uow.subtrees_on([authority.authority_id], day)
            appends: list[Append] = []
            if command.successor_id is not None:
                _must_exist_on(_load(uow, command.successor_id, "successor_id"), day, "successor_id")
                if any(n.authority_id == command.successor_id for n in hierarchy.subtree(authority.authority_id)):
                    raise InvalidAuthority(
                        f"successor {command.successor_id} lies under {authority.authority_id}",
                        field="successor_id",
                        rule="acyclic",
                    )
            else:
                self._refuse_with_subordinates(hierarchy, authority.authority_id, "dissolving it without a successor")
            authority.dissolve(command.reason, day, command.legal_basis, command.successor_id)
            appends.append(_pending(authority))
            if command.successor_id is not None:
                appends.extend(
                    self._move_subordinates(
                        uow, hierarchy, [authority.authority_id], command.successor_id, day, command
                    )
                )
            record(uow, appends)
            uow.commit()
        return {"authority_id": authority.authority_id, "successor_id": command.successor_id}

    # --- queries --------------------------------------------------------------------
    def tree(self, on: date) -> Hierarchy:
        return self._queries.hierarchy_on(on)

    def subtree(self, authority_id: str, on: date) -> list[dict[str, Any]]:
        nodes = self._queries.subtree_on(authority_id, on)
        if not nodes:
            self.authority(authority_id)  # unknown -> 404
            raise InvalidAuthority(
                f"authority {authority_id} does not exist on {on.isoformat()}",
                field="as_of",
                rule="the authority exists on that day",
            )
        return [n.as_dict() for n in nodes]

    def successors(self, authority_id: str, on: date) -> dict[str, Any]:
        self.authority(authority_id)
        return {
            "authority_id": authority_id,
            "on": on.isoformat(),
            "successors": self._queries.successors_on(authority_id, on),
        }

    def authority(self, authority_id: str) -> dict[str, Any]:
        found = self._queries.authority(authority_id)
        if found is None:
            raise UnknownAuthority(f"authority {authority_id} is not registered", field="authority_id", rule="exists")
        return found

    # --- helpers --------------------------------------------------------------------
    @staticmethod
    def _check_superior(
        uow: RegistryUnitOfWork, hierarchy: Hierarchy, authority_id: str, parent_id: str, day: date
    ) -> None:
        if not uow.authority_exists(parent_id):
            raise UnknownAuthority(
                f"superior authority {parent_id} is not registered", field="parent_id", rule="exists"
            )
        if not uow.authority_exists_on(parent_id, day):
            raise InvalidAuthority(
                f"superior authority {parent_id} does not exist on {day.isoformat()}",
                field="parent_id",
                rule="exists on the effective date",
            )
        if any(node.authority_id == parent_id for node in hierarchy.subtree(authority_id)):
            raise InvalidAuthority(
                f"{parent_id} lies under {authority_id} on {day.isoformat()}", field="parent_id", rule="acyclic"
            )

    @staticmethod
    def _refuse_with_subordinates(hierarchy: Hierarchy, authority_id: str, doing: str) -> None:
        subordinates = hierarchy.children(authority_id)
        if subordinates:
            raise InvalidAuthority(
                f"authority {authority_id} still has {len(subordinates)} subordinate(s) "
                f"({', '.join(subordinates[:5])}); re-parent them before {doing}",
                field="authority_id",
                rule="no subordinates left",
            )

    @staticmethod
    def _move_subordinates(
        uow: RegistryUnitOfWork,
        hierarchy: Hierarchy,
        ended_ids: list[str],
        successor_id: str,
        day: date,
        command: MergeAuthorities | DissolveAuthority,
    ) -> list[Append]:
        """Subordinates of units that end are taken over by the successor on the same day."""
        moved = []
        for ended_id in ended_ids:
            for child_id in hierarchy.children(ended_id):
                if child_id in ended_ids or child_id == successor_id:
                    continue
                child = _load(uow, child_id)
                child.reparent(successor_id, day, command.legal_basis)
                moved.append(_pending(child))
        return moved
