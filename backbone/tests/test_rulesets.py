"""Which rule is in force (defaults, options, adopted here, received from a superior), the
`RulesAdopted` contracts' validation, and what a link's down token may read of them."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from coso_backbone.contracts.rules import AdmissionRulesAdopted, RegistryRulesAdopted
from coso_backbone.links.policy import event_filter, shared_events
from coso_backbone.rulesets.lineage import Lineages, ParentMap
from coso_backbone.rulesets.precedence import Origin, RuleSet, dotted_lineage, in_force

DEFAULTS = {"decision_working_days": 60, "probation_months": 12}
COMMUNE = ["xa", "province"]  # the commune, then its superior


def rule(authority: str, on: str, origin: Origin, position: int = 1, **values: int) -> RuleSet:
    return RuleSet(authority, date.fromisoformat(on), values, origin, "QĐ 1", f"/coso/{origin}/admissions", position)


def test_without_rule_sets_every_rule_is_its_default() -> None:
    found = in_force(DEFAULTS, [], COMMUNE, date(2026, 1, 1))

    assert {n: (r.value, r.origin) for n, r in found.items()} == {
        "decision_working_days": (60, Origin.DEFAULT),
        "probation_months": (12, Origin.DEFAULT),
    }


def test_the_nearest_authority_wins_even_over_a_later_date_of_a_superior() -> None:
    sets = [
        rule("xa", "2025-01-01", Origin.OPTIONS, decision_working_days=50),
        rule("province", "2026-01-01", Origin.RECEIVED, decision_working_days=45, probation_months=18),
    ]

    found = in_force(DEFAULTS, sets, COMMUNE, date(2026, 6, 1))

    assert (found["decision_working_days"].value, found["decision_working_days"].authority_id) == (50, "xa")
    assert (found["probation_months"].value, found["probation_months"].origin) == (18, Origin.RECEIVED)


def test_a_set_counts_from_its_effective_date_and_the_latest_in_force_wins() -> None:
    sets = [
        rule("province", "2025-07-01", Origin.RECEIVED, 1, decision_working_days=50),
        rule("province", "2026-01-01", Origin.RECEIVED, 2, decision_working_days=45),
    ]

    assert in_force(DEFAULTS, sets, COMMUNE, date(2025, 6, 30))["decision_working_days"].value == 60
    assert in_force(DEFAULTS, sets, COMMUNE, date(2025, 12, 31))["decision_working_days"].value == 50
    assert in_force(DEFAULTS, sets, COMMUNE, date(2026, 1, 1))["decision_working_days"].value == 45


def test_for_one_authority_and_day_this_stack_s_adoption_beats_a_received_one_which_beats_the_options() -> None:
    options = rule("xa", "2026-01-01", Origin.OPTIONS, 9, decision_working_days=40)
    received = rule("xa", "2026-01-01", Origin.RECEIVED, 500, decision_working_days=45)
    adopted = rule("xa", "2026-01-01", Origin.ADOPTED, 1, decision_working_days=50)
    on = date(2026, 2, 1)

    assert in_force(DEFAULTS, [options, received], COMMUNE, on)["decision_working_days"].value == 45
    assert in_force(DEFAULTS, [adopted, received, options], COMMUNE, on)["decision_working_days"].value == 50
    later = rule("xa", "2026-01-01", Origin.ADOPTED, 2, decision_working_days=55)
    assert in_force(DEFAULTS, [later, adopted], COMMUNE, on)["decision_working_days"].value == 55


def test_a_set_of_another_subtree_or_of_everywhere() -> None:
    sets = [
        rule("other-province", "2020-01-01", Origin.RECEIVED, decision_working_days=30),
        rule("", "2020-01-01", Origin.OPTIONS, probation_months=6),
    ]

    found = in_force(DEFAULTS, sets, COMMUNE, date(2026, 1, 1))

    assert (found["decision_working_days"].value, found["probation_months"].value) == (60, 6)
    assert dotted_lineage("hn.kcn.a") == ["hn.kcn.a", "hn.kcn", "hn"]


def test_an_adoption_names_the_field_of_a_bad_value() -> None:
    base = {"authority_id": "hn", "effective_from": "2026-01-01", "legal_basis": "QĐ 12-QĐ/TU"}
    with pytest.raises(ValidationError) as bad:
        AdmissionRulesAdopted.model_validate({**base, "values": {"decision_working_days": -3, "vote_share": "3/2"}})
    assert sorted(".".join(map(str, e["loc"])) for e in bad.value.errors()) == [
        "values.decision_working_days",
        "values.vote_share",
    ]
    with pytest.raises(ValidationError, match="legal_basis"):
        AdmissionRulesAdopted.model_validate({**base, "legal_basis": "", "values": {"probation_months": 18}})
    with pytest.raises(ValidationError, match="at least one rule"):
        AdmissionRulesAdopted.model_validate({**base, "values": {}})
    with pytest.raises(ValidationError, match="excellent_from > good_from"):
        RegistryRulesAdopted.model_validate(
            {**base, "values": {"excellent_from": 60, "good_from": 70, "complete_from": 50}}
        )
    share = AdmissionRulesAdopted.model_validate({**base, "values": {"vote_share": "0.75"}})
    assert share.values.given() == {"vote_share": "3/4"}


def test_rules_cross_every_policy_and_a_down_token_reads_only_them() -> None:
    assert "RulesAdopted" in (shared_events("admissions", "pseudonymous") or [])
    served = event_filter("admissions", "rules")

    assert served("RulesAdopted")
    assert not served("CandidateProposed")
    assert not served("PersonalDataRecorded")

    assert "RulesAdopted" in (shared_events("notifications", "pseudonymous") or [])
    assert not event_filter("notifications", "rules")("NotificationScheduled")


def test_a_lineage_asks_the_hierarchy_only_when_a_set_names_an_authority_off_the_dotted_path() -> None:
    asked: list[int] = []

    def load() -> dict[str, str | None]:
        asked.append(1)
        return {"xa": "huyen", "huyen": "tinh", "tinh": None, "loop": "loop"}

    lineages = Lineages(ParentMap(load))
    assert lineages.for_sets("hn.kcn", {"", "hn"}) == ["hn.kcn", "hn"]
    assert asked == []
    assert lineages.for_sets("xa", {"tinh"}) == ["xa", "huyen", "tinh"]
    assert lineages.of("hn.xa") == ["hn.xa", "hn"]  # unknown to the hierarchy: its dotted prefixes
    assert lineages.of("loop") == ["loop"]
    assert asked == [1]  # the hierarchy was read once, at the first question that needed it
