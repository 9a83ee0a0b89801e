"""The worker's handlers of registry events fill admissions' lookup tables (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import select

from coso_admissions import bootstrap
from coso_admissions.adapters.tables import registry_authorities, registry_enterprises
from coso_admissions.application.commands import ProposeCandidate


def rows(app: bootstrap.AdmissionsApp, table) -> list[dict]:
    with app.store.engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(select(table))]


def test_registry_events_fill_the_enterprise_lookup_table_with_authority_tax_code_and_name(
    app: bootstrap.AdmissionsApp, registry
) -> None:
    outcome = registry.apply(
        registry.authority("hn", parent_id=None),
        registry.authority("hn.kcn-thang-long", parent_id="hn"),
        registry.enterprise(
            "ent-minh-phat", "hn.kcn-thang-long", tax_code="0100109106-001", name="Chi nhánh Minh Phát"
        ),
    )

    assert (outcome.applied, outcome.dead_lettered) == (3, 0)
    assert rows(app, registry_enterprises) == [
        {
            "enterprise_id": "ent-minh-phat",
            "authority_id": "hn.kcn-thang-long",
            "tax_code": "0100109106-001",
            "name": "Chi nhánh Minh Phát",
        }
    ]
    assert {(r["authority_id"], r["parent_id"]) for r in rows(app, registry_authorities)} == {
        ("hn", None),
        ("hn.kcn-thang-long", "hn"),
    }
    assert registry.consumer.checkpoints() == {registry.source: 3}
    assert registry.dead_letters.letters == []


def test_an_enterprise_whose_authority_was_never_announced_is_recorded_and_can_take_candidates(
    app: bootstrap.AdmissionsApp, registry
) -> None:
    registry.apply(registry.enterprise("ent-minh-phat", "hn.kcn-chua-biet"))

    answer = app.admissions.propose_candidate(
        ProposeCandidate(
            enterprise_id="ent-minh-phat",
            source_channel="labour_federation",
            job_category="technician",
            proposed_on="2025-09-01",
        )
    )

    assert app.admissions.candidate(answer["candidate_id"])["authority_id"] == "hn.kcn-chua-biet"
    assert rows(app, registry_authorities) == []


def test_an_enterprise_announced_again_by_another_registry_source_keeps_one_current_copy(
    app: bootstrap.AdmissionsApp, announcements_for, run_id: str
) -> None:
    first = announcements_for(app)
    first.apply(first.enterprise("ent-minh-phat", "hn.ba-dinh", name="Công ty Minh Phát"))
    second = announcements_for(app)
    second.source = f"/coso/{run_id}-upper/registry"
    second.apply(second.enterprise("ent-minh-phat", "hn.kcn-thang-long", name="Công ty TNHH Minh Phát"))

    assert [(r["authority_id"], r["name"]) for r in rows(app, registry_enterprises)] == [
        ("hn.kcn-thang-long", "Công ty TNHH Minh Phát")
    ]
    assert second.dead_letters.letters == []
