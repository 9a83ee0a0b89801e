"""The in-memory tally of events: where candidates count, and what is refused."""

from datetime import date

import pytest

from coso_backbone.contracts.admissions import CandidateProposed, JobCategory, SourceChannel
from coso_backbone.contracts.registry import AuthorityLevel, AuthorityRegistered, EnterpriseRegistered, Ownership
from coso_reporting.domain.errors import DuplicateRecord
from coso_reporting.domain.indicators import Counts
from coso_reporting.domain.tally import Facts, IndicatorTally, Move, WaitingCandidate, lookups_for


def enterprise(enterprise_id: str, authority_id: str) -> EnterpriseRegistered:
    return EnterpriseRegistered(
        enterprise_id=enterprise_id,
        tax_code="0100109106",
        name="Công ty May Hà Nội",
        authority_id=authority_id,
        ownership=Ownership.DOMESTIC_PRIVATE,
        worker_count=50,
        registered_on=date(2024, 5, 6),
    )


def candidate(candidate_id: str, enterprise_id: str, authority_id: str) -> CandidateProposed:
    return CandidateProposed(
        candidate_id=candidate_id,
        enterprise_id=enterprise_id,
        authority_id=authority_id,
        source_channel=SourceChannel.LABOUR_FEDERATION,
        job_category=JobCategory.TECHNICIAN,
        proposed_on=date(2025, 1, 2),
    )


def test_a_candidate_counts_under_the_authority_of_its_enterprise() -> None:
    tally = IndicatorTally(Facts(enterprises={"e1": "hn.kcn"})).add_all([candidate("c1", "e1", "hn")])
    assert tally.deltas == {"hn.kcn": Counts(0, 1)}
    assert tally.waiting == {}


def test_a_candidate_of_an_unknown_enterprise_counts_under_its_own_authority_and_waits() -> None:
    tally = IndicatorTally(Facts()).add_all([candidate("c1", "e9", "hn")])
    assert tally.deltas == {"hn": Counts(0, 1)}
    assert tally.waiting == {"c1": WaitingCandidate("c1", "e9", "hn", "2025-01-02", "labour_federation", "technician")}


def test_an_enterprise_arriving_later_in_the_run_takes_over_its_waiting_candidates() -> None:
    tally = IndicatorTally(Facts()).add_all([candidate("c1", "e9", "hn"), enterprise("e9", "hn.kcn")])
    assert tally.deltas == {"hn": Counts(0, 0), "hn.kcn": Counts(1, 1)}
    assert tally.waiting == {}
    assert tally.candidates["c1"].authority_id == "hn.kcn"


def test_an_enterprise_takes_over_candidates_that_waited_for_it_in_earlier_runs() -> None:
    facts = Facts(waiting={"e9": [WaitingCandidate("c1", "e9", "hn"), WaitingCandidate("c2", "e9", "hn.x")]})
    tally = IndicatorTally(facts).add_all([enterprise("e9", "hn.kcn")])
    assert tally.deltas == {"hn.kcn": Counts(1, 2), "hn": Counts(0, -1), "hn.x": Counts(0, -1)}
    assert tally.moves == [Move("c1", "hn.kcn"), Move("c2", "hn.kcn")]
    assert tally.placed_enterprises == {"e9"}


def test_an_enterprise_registered_twice_is_refused_naming_the_field() -> None:
    with pytest.raises(DuplicateRecord) as refused:
        IndicatorTally(Facts()).add_all([enterprise("e1", "hn"), enterprise("e1", "hn")])
    assert (refused.value.field, refused.value.rule) == ("enterprise_id", "unique")
    with pytest.raises(DuplicateRecord):
        IndicatorTally(Facts(enterprises={"e1": "hn"})).add_all([enterprise("e1", "hn")])


def test_a_candidate_proposed_twice_in_a_run_is_refused() -> None:
    with pytest.raises(DuplicateRecord) as refused:
        IndicatorTally(Facts()).add_all([candidate("c1", "e1", "hn"), candidate("c1", "e1", "hn")])
    assert refused.value.field == "candidate_id"


def test_the_latest_registration_of_an_authority_is_kept() -> None:
    first = AuthorityRegistered(
        authority_id="hn",
        name="Thành ủy",
        level=AuthorityLevel.PROVINCE,
        parent_id=None,
        effective_from=date(2020, 1, 1),
    )
    second = first.model_copy(update={"name": "Thành ủy Hà Nội"})
    tally = IndicatorTally(Facts()).add_all([first, second])
    assert tally.registrations["hn"].name == "Thành ủy Hà Nội"
    assert tally.deltas == {}


def test_lookups_name_the_enterprises_candidates_need_and_the_new_enterprises() -> None:
    lookups = lookups_for([candidate("c1", "e1", "hn"), enterprise("e2", "hn"), candidate("c2", "e2", "hn")])
    assert lookups.enterprises == {"e1", "e2"}
    assert lookups.waiting_for == {"e2"}


def test_the_dated_history_counts_each_event_on_its_own_day() -> None:
    tally = IndicatorTally(Facts()).add_all([enterprise("e1", "hn"), candidate("c1", "e1", "hn")])
    assert tally.daily_deltas == {("hn", "2024-05-06"): Counts(1, 0), ("hn", "2025-01-02"): Counts(0, 1)}


def test_a_waiting_candidate_moves_in_the_dated_history_on_its_proposal_day() -> None:
    facts = Facts(waiting={"e9": [WaitingCandidate("c1", "e9", "hn", "2025-01-02", "youth_union", "technician")]})
    tally = IndicatorTally(facts).add_all([enterprise("e9", "hn.kcn")])
    assert tally.daily_deltas == {
        ("hn.kcn", "2024-05-06"): Counts(1, 0),
        ("hn", "2025-01-02"): Counts(0, -1),
        ("hn.kcn", "2025-01-02"): Counts(0, 1),
    }
    assert tally.candidate_kinds == {
        ("hn", "2025-01-02", "youth_union", "technician"): -1,
        ("hn.kcn", "2025-01-02", "youth_union", "technician"): 1,
    }


def test_a_tally_that_does_not_count_keeps_the_records_alone() -> None:
    """As a rebuild tallies, counting the own counts at its end instead."""
    tally = IndicatorTally(Facts(), counting=False).add_all(
        [enterprise("e1", "hn.kcn"), candidate("c1", "e1", "hn"), candidate("c2", "e9", "hn")]
    )
    assert tally.enterprises == {"e1": "hn.kcn"} and tally.registration_days == {"e1": "2024-05-06"}
    assert {c: r.authority_id for c, r in tally.candidates.items()} == {"c1": "hn.kcn", "c2": "hn"}
    assert set(tally.waiting) == {"c2"}
    assert (tally.deltas, tally.daily_deltas, tally.candidate_kinds) == ({}, {}, {})
