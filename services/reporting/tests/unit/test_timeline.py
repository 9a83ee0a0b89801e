"""An authority's dated timeline folded from registry's hierarchy events (no I/O)."""

from datetime import date

import pytest

from coso_backbone.contracts.registry import (
    AuthorityDissolved,
    AuthorityLevel,
    AuthorityMerged,
    AuthorityRegistered,
    AuthorityRenamed,
    AuthorityReparented,
    AuthoritySplit,
)
from coso_reporting.domain.errors import HierarchyEventRefused
from coso_reporting.domain.timeline import fold, successions_of
from coso_reporting.domain.tree import AuthorityPeriod, Succession

BASIS = "Nghị quyết 1658/NQ-UBTVQH15"
D = date.fromisoformat


def registered(since: str = "2020-01-01") -> AuthorityRegistered:
    return AuthorityRegistered(
        authority_id="bn.kcn", name="Đảng ủy KCN", level=AuthorityLevel.INDUSTRIAL_ZONE, parent_id="bn.a",
        effective_from=D(since),
    )  # fmt: skip


def renamed(name: str, on: str) -> AuthorityRenamed:
    return AuthorityRenamed(authority_id="bn.kcn", name=name, effective_from=D(on), legal_basis=BASIS)


def reparented(parent: str, on: str) -> AuthorityReparented:
    return AuthorityReparented(
        authority_id="bn.kcn", parent_id=parent, previous_parent_id="bn.a", effective_from=D(on), legal_basis=BASIS
    )


def folded(*events: object) -> list[AuthorityPeriod]:
    periods: list[AuthorityPeriod] = []
    for event in events:
        periods = fold(periods, event)  # type: ignore[arg-type]
    return periods


def summary(periods: list[AuthorityPeriod]) -> list[tuple[str, str | None, str | None, str | None]]:
    return [
        (p.valid_from.isoformat(), p.valid_to.isoformat() if p.valid_to else None, p.name, p.parent_id) for p in periods
    ]


def test_a_reparenting_and_a_rename_each_begin_a_period_from_their_day() -> None:
    periods = folded(registered(), reparented("bn.abc", "2025-07-01"), renamed("Đảng ủy KCN Quế Võ", "2026-01-01"))
    assert summary(periods) == [
        ("2020-01-01", "2025-07-01", "Đảng ủy KCN", "bn.a"),
        ("2025-07-01", "2026-01-01", "Đảng ủy KCN", "bn.abc"),
        ("2026-01-01", None, "Đảng ủy KCN Quế Võ", "bn.abc"),
    ]


def test_every_event_applied_twice_changes_nothing() -> None:
    events = [registered(), reparented("bn.abc", "2025-07-01"), renamed("KCN Quế Võ", "2026-01-01")]
    once = folded(*events)
    assert folded(*events, *events) == once
    ended = AuthorityDissolved(
        authority_id="bn.kcn", reason="bãi bỏ", successor_id="bn.abc", effective_from=D("2027-01-01"), legal_basis="x"
    )
    assert folded(*events, ended, ended) == folded(*events, ended)


def test_a_change_arriving_after_a_later_one_lands_in_its_own_period_and_keeps_the_later_change() -> None:
    periods = folded(registered(), reparented("bn.abc", "2025-07-01"), renamed("KCN A", "2024-01-01"))
    assert summary(periods) == [
        ("2020-01-01", "2024-01-01", "Đảng ủy KCN", "bn.a"),
        ("2024-01-01", "2025-07-01", "KCN A", "bn.a"),
        ("2025-07-01", None, "KCN A", "bn.abc"),
    ]
    later_rename_kept = folded(registered(), renamed("KCN B", "2026-01-01"), renamed("KCN A", "2024-01-01"))
    assert [p.name for p in later_rename_kept] == ["Đảng ủy KCN", "KCN A", "KCN B"]


def test_a_merger_ends_the_last_period_and_names_the_successor() -> None:
    merged = AuthorityMerged(
        authority_id="bn.kcn", successor_id="bn.abc", merged_with=["bn.kcn"], effective_from=D("2025-07-01"),
        legal_basis=BASIS,
    )  # fmt: skip
    assert summary(folded(registered(), merged)) == [("2020-01-01", "2025-07-01", "Đảng ủy KCN", "bn.a")]
    assert successions_of(merged) == [Succession("bn.kcn", "bn.abc", D("2025-07-01"))]


def test_a_split_names_its_successors_in_registrys_order_and_a_dissolution_without_successor_none() -> None:
    split = AuthoritySplit(
        authority_id="bn.abc", successor_ids=["bn.south", "bn.north"], effective_from=D("2027-01-01"), legal_basis="x"
    )
    assert [s.successor_id for s in successions_of(split)] == ["bn.south", "bn.north"]
    dissolved = AuthorityDissolved(
        authority_id="bn.x", reason="bãi bỏ", effective_from=D("2025-07-01"), legal_basis="x"
    )
    assert successions_of(dissolved) == []


def test_an_authority_that_ends_without_being_known_keeps_its_successor() -> None:
    merged = AuthorityMerged(
        authority_id="bn.b",
        successor_id="bn.abc",
        merged_with=["bn.b"],
        effective_from=D("2025-07-01"),
        legal_basis="x",
    )
    assert fold([], merged) == []
    assert successions_of(merged)[0].successor_id == "bn.abc"


@pytest.mark.parametrize(
    ("events", "rule"),
    [
        ([renamed("KCN A", "2024-01-01")], "registered"),
        ([registered(), renamed("KCN A", "2019-01-01")], "within the authority's existence"),
        ([registered(), registered("2021-01-01")], "registered once"),
        (
            [
                registered(),
                AuthorityDissolved(authority_id="bn.kcn", reason="x", effective_from=D("2025-07-01"), legal_basis="x"),
                renamed("KCN A", "2026-01-01"),
            ],
            "within the authority's existence",
        ),
    ],
)
def test_an_event_that_cannot_be_placed_is_refused_with_the_reason(events: list[object], rule: str) -> None:
    with pytest.raises(HierarchyEventRefused) as refused:
        folded(*events)
    assert refused.value.rule == rule
    assert "bn.kcn" in refused.value.message
