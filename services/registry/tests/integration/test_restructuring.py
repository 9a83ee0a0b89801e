"""Restructuring the hierarchy against the real databases: three communes merged into one."""

from collections.abc import Iterator
from datetime import date

import pytest

from coso_backbone.config import CosoSettings
from coso_registry import bootstrap
from coso_registry.application.commands import (
    DissolveAuthority,
    MergeAuthorities,
    RegisterAuthority,
    RenameAuthority,
    ReparentAuthority,
    SplitAuthority,
)
from coso_registry.domain.errors import AuthorityNoLongerExists, InvalidAuthority

BASIS = "Nghị quyết 1658/NQ-UBTVQH15"
BEFORE, JULY = date(2025, 6, 30), date(2025, 7, 1)


@pytest.fixture
def app(database_url: str, amqp_uri: str) -> Iterator[bootstrap.RegistryApp]:
    settings = CosoSettings(
        service="registry", database_url=database_url, amqp_uri=amqp_uri, http_port=0, metrics_port=0
    )
    bootstrap.migrate(settings)
    application = bootstrap.build(settings)
    yield application
    application.store.engine.dispose()


def _register(app: bootstrap.RegistryApp, authority_id: str, level: str, parent: str | None, since: str) -> None:
    app.authorities.register(
        RegisterAuthority(
            authority_id=authority_id,
            name=f"Đảng ủy {authority_id}",
            level=level,
            parent_id=parent,
            effective_from=since,
        )
    )


@pytest.fixture
def merged(app: bootstrap.RegistryApp) -> bootstrap.RegistryApp:
    """Province bn with communes a, b, c, d (since 2020); a has an industrial-zone committee;
    on 2025-07-01 a, b and c merge into the new commune abc."""
    _register(app, "bn", "province", None, "2020-01-01")
    for commune in "abcd":
        _register(app, f"bn.{commune}", "commune", "bn", "2020-01-01")
    _register(app, "bn.a.kcn", "industrial_zone", "bn.a", "2021-01-01")
    _register(app, "bn.abc", "commune", "bn", "2025-07-01")
    app.authorities.merge(
        MergeAuthorities(
            merged_ids=["bn.a", "bn.b", "bn.c"], successor_id="bn.abc", effective_from=JULY, legal_basis=BASIS
        )
    )
    return app


def _ids(nodes: list[dict[str, object]]) -> list[object]:
    return [n["authority_id"] for n in nodes]


def test_the_tree_before_the_merge_shows_the_three_communes_and_after_it_their_successor(
    merged: bootstrap.RegistryApp,
) -> None:
    before, after = merged.authorities.tree(BEFORE), merged.authorities.tree(JULY)
    assert before.children("bn") == ["bn.a", "bn.b", "bn.c", "bn.d"]
    assert after.children("bn") == ["bn.abc", "bn.d"]
    assert _ids(merged.authorities.subtree("bn.a", BEFORE)) == ["bn.a", "bn.a.kcn"]
    assert _ids(merged.authorities.subtree("bn.abc", JULY)) == ["bn.abc", "bn.a.kcn"]
    assert _ids(merged.authorities.subtree("bn", BEFORE)) == ["bn", "bn.a", "bn.a.kcn", "bn.b", "bn.c", "bn.d"]
    assert _ids(merged.authorities.subtree("bn", JULY)) == ["bn", "bn.abc", "bn.a.kcn", "bn.d"]


def test_the_merged_communes_are_succeeded_by_the_new_one_from_the_merge_date_on(
    merged: bootstrap.RegistryApp,
) -> None:
    assert merged.authorities.successors("bn.b", BEFORE)["successors"] == ["bn.b"]
    assert merged.authorities.successors("bn.b", JULY)["successors"] == ["bn.abc"]
    assert merged.authorities.successors("bn.d", JULY)["successors"] == ["bn.d"]


def test_successors_are_followed_through_a_later_split(merged: bootstrap.RegistryApp) -> None:
    _register(merged, "bn.north", "commune", "bn", "2027-01-01")
    _register(merged, "bn.south", "commune", "bn", "2027-01-01")
    merged.authorities.reparent(
        ReparentAuthority(
            authority_id="bn.a.kcn", parent_id="bn.north", effective_from="2027-01-01", legal_basis="QĐ 5"
        )
    )
    merged.authorities.split(
        SplitAuthority(
            authority_id="bn.abc",
            successor_ids=["bn.north", "bn.south"],
            effective_from="2027-01-01",
            legal_basis="QĐ 5",
        )
    )
    assert merged.authorities.successors("bn.a", date(2026, 1, 1))["successors"] == ["bn.abc"]
    assert merged.authorities.successors("bn.a", date(2027, 1, 1))["successors"] == ["bn.north", "bn.south"]


def test_the_merge_records_one_event_per_merged_unit_and_moves_their_subordinates(
    merged: bootstrap.RegistryApp,
) -> None:
    types = [e.event_type for e in merged.store.read_after(0)]
    assert types.count("AuthorityMerged") == 3
    assert types[-1] == "AuthorityReparented"
    history = merged.authorities.authority("bn.a")
    assert history["ended_on"] == "2025-07-01"
    assert history["successions"][0]["successor_id"] == "bn.abc"


def test_a_merged_commune_cannot_be_renamed_afterwards(merged: bootstrap.RegistryApp) -> None:
    with pytest.raises(AuthorityNoLongerExists):
        merged.authorities.rename(
            RenameAuthority(authority_id="bn.b", name="Xã B", effective_from="2025-08-01", legal_basis=BASIS)
        )


def test_a_rename_is_visible_only_from_its_effective_date(merged: bootstrap.RegistryApp) -> None:
    merged.authorities.rename(
        RenameAuthority(authority_id="bn.d", name="Đảng ủy phường D", effective_from="2026-01-01", legal_basis=BASIS)
    )
    assert merged.authorities.tree(date(2025, 12, 31)).nodes["bn.d"].name == "Đảng ủy bn.d"
    assert merged.authorities.tree(date(2026, 1, 1)).nodes["bn.d"].name == "Đảng ủy phường D"


def test_a_reparent_that_would_make_a_cycle_is_refused(merged: bootstrap.RegistryApp) -> None:
    with pytest.raises(InvalidAuthority) as refused:
        merged.authorities.reparent(
            ReparentAuthority(authority_id="bn.abc", parent_id="bn.a.kcn", effective_from="2025-08-01", legal_basis="x")
        )
    assert refused.value.rule == "acyclic"


def test_dissolving_an_authority_with_subordinates_and_no_successor_is_refused(merged: bootstrap.RegistryApp) -> None:
    with pytest.raises(InvalidAuthority) as refused:
        merged.authorities.dissolve(
            DissolveAuthority(authority_id="bn.abc", reason="bãi bỏ", effective_from="2026-01-01", legal_basis="x")
        )
    assert refused.value.rule == "no subordinates left"
    merged.authorities.dissolve(
        DissolveAuthority(
            authority_id="bn.abc", reason="sáp nhập", successor_id="bn.d", effective_from="2026-01-01", legal_basis="x"
        )
    )
    assert _ids(merged.authorities.subtree("bn.d", date(2026, 1, 1))) == ["bn.d", "bn.a.kcn"]
    assert merged.authorities.successors("bn.a", date(2026, 1, 1))["successors"] == ["bn.d"]
