"""The candidate's rules, in plain Python."""

from datetime import date

import pytest

from coso_admissions.domain.candidate import Candidate, Stage, stream_of_candidate
from coso_admissions.domain.enterprise import EnterpriseOnRecord
from coso_admissions.domain.errors import InvalidCandidate
from coso_backbone.contracts.admissions import CandidateProposed, JobCategory, SourceChannel
from coso_backbone.contracts.registry import EnterpriseRegistered, Ownership

MINH_PHAT = EnterpriseOnRecord("ent-minh-phat", "hn.kcn-thang-long", "0100109106", "Công ty TNHH Minh Phát")
TODAY = date(2025, 9, 15)


def propose(**overrides: object) -> Candidate:
    values: dict[str, object] = {
        "enterprise": MINH_PHAT,
        "source_channel": SourceChannel.ENTERPRISE_TRADE_UNION,
        "job_category": JobCategory.PRODUCTION_WORKER,
        "proposed_on": date(2025, 9, 1),
        "today": TODAY,
    }
    values.update(overrides)
    return Candidate.propose("c-1", **values)  # type: ignore[arg-type]


def test_a_candidate_proposed_in_an_enterprise_belongs_to_the_enterprise_authority() -> None:
    candidate = propose()

    assert candidate.authority_id == "hn.kcn-thang-long"
    assert candidate.enterprise_id == "ent-minh-phat"
    assert candidate.stage is Stage.PROPOSED
    assert candidate.pending == [
        CandidateProposed(
            candidate_id="c-1",
            enterprise_id="ent-minh-phat",
            authority_id="hn.kcn-thang-long",
            source_channel=SourceChannel.ENTERPRISE_TRADE_UNION,
            job_category=JobCategory.PRODUCTION_WORKER,
            proposed_on=date(2025, 9, 1),
        )
    ]


def test_a_proposal_dated_after_today_is_refused_naming_proposed_on() -> None:
    with pytest.raises(InvalidCandidate) as refused:
        propose(proposed_on=date(2025, 9, 16))

    assert refused.value.field == "proposed_on"
    assert refused.value.rule == "not in the future"


def test_a_proposal_dated_today_is_accepted() -> None:
    assert propose(proposed_on=TODAY).proposed_on == TODAY


@pytest.mark.parametrize("reference", ["CĐCS-2025/017", "LĐLĐ.HN:45", "A", "kcn_tl#12"])
def test_an_opaque_office_reference_is_kept_on_the_candidate(reference: str) -> None:
    candidate = propose(display_ref=reference)

    assert candidate.display_ref == reference
    assert candidate.pending[0].display_ref == reference  # type: ignore[attr-defined]


@pytest.mark.parametrize("reference", ["Nguyễn Văn An", " 017", "-017", "", "x" * 65, "a;b"])
def test_a_display_ref_that_is_not_an_opaque_reference_is_refused(reference: str) -> None:
    with pytest.raises(InvalidCandidate) as refused:
        propose(display_ref=reference)

    assert refused.value.field == "display_ref"


def test_the_proposal_event_has_no_field_for_personal_data() -> None:
    assert set(CandidateProposed.model_fields) == {
        "candidate_id",
        "enterprise_id",
        "authority_id",
        "source_channel",
        "job_category",
        "proposed_on",
        "display_ref",
    }


def test_a_candidate_rebuilt_from_its_history_is_the_candidate_that_was_proposed() -> None:
    proposed = propose(display_ref="CĐCS-17")

    rebuilt = Candidate.from_history(proposed.pending)

    assert (rebuilt.candidate_id, rebuilt.authority_id, rebuilt.proposed_on, rebuilt.display_ref) == (
        "c-1",
        "hn.kcn-thang-long",
        date(2025, 9, 1),
        "CĐCS-17",
    )
    assert rebuilt.version == 1
    assert rebuilt.pending == []


def test_a_history_that_does_not_start_with_a_proposal_is_not_a_candidate() -> None:
    other = EnterpriseRegistered(
        enterprise_id="e",
        tax_code="0100109106",
        name="n",
        authority_id="hn",
        ownership=Ownership.OTHER,
        worker_count=1,
        registered_on=TODAY,
    )
    with pytest.raises(ValueError, match="starts with CandidateProposed"):
        Candidate.from_history([other])


def test_each_candidate_has_its_own_stream() -> None:
    assert stream_of_candidate("c-1") == "candidate-c-1"
