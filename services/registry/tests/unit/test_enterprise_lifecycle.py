"""Enterprises as they change: particulars, moves, suspension, closure, workforce over time."""

from datetime import date

import pytest

from coso_backbone.contracts.registry import EnterpriseMoved, EnterpriseStatus, EnterpriseUpdated, Ownership
from coso_registry.domain.enterprise import Enterprise
from coso_registry.domain.errors import EnterpriseNotOperating, InvalidEnterprise
from coso_registry.domain.tax_code import TaxCode


def _enterprise() -> Enterprise:
    return Enterprise.register(
        "e1", TaxCode.parse("0100109106"), "Công ty May", "bn.a", Ownership.DOMESTIC_PRIVATE, 120, date(2024, 1, 2)
    )


def test_an_update_records_only_the_particulars_that_changed() -> None:
    enterprise = _enterprise()
    assert enterprise.update(date(2025, 1, 1), name="Công ty May", sector="May mặc", address=None)
    event = enterprise.pending[-1]
    assert isinstance(event, EnterpriseUpdated)
    assert (event.name, event.sector) == (None, "May mặc")


def test_an_update_that_changes_nothing_records_nothing() -> None:
    enterprise = _enterprise()
    assert not enterprise.update(date(2025, 1, 1), name="Công ty May")
    assert len(enterprise.pending) == 1


def test_a_move_names_where_the_enterprise_came_from() -> None:
    enterprise = _enterprise()
    enterprise.move("bn.abc", "bn.kcn", date(2025, 7, 1))
    event = enterprise.pending[-1]
    assert isinstance(event, EnterpriseMoved)
    assert (event.previous_authority_id, event.authority_id, event.industrial_zone_id) == ("bn.a", "bn.abc", "bn.kcn")
    with pytest.raises(InvalidEnterprise) as refused:
        enterprise.move("bn.abc", "bn.kcn", date(2025, 8, 1))
    assert refused.value.field == "authority_id"


def test_a_closed_enterprise_accepts_no_further_change() -> None:
    enterprise = _enterprise()
    enterprise.suspend("tạm ngừng kinh doanh", date(2025, 1, 1))
    enterprise.resume(date(2025, 3, 1))
    enterprise.close("giải thể", date(2025, 6, 1))
    assert enterprise.status is EnterpriseStatus.CLOSED
    with pytest.raises(EnterpriseNotOperating) as refused:
        enterprise.count_workforce(10, date(2025, 7, 1))
    assert refused.value.field == "status"


def test_suspending_twice_or_resuming_an_operating_enterprise_is_refused() -> None:
    enterprise = _enterprise()
    with pytest.raises(EnterpriseNotOperating):
        enterprise.resume(date(2025, 1, 1))
    enterprise.suspend("thiếu vốn", date(2025, 1, 1))
    with pytest.raises(EnterpriseNotOperating):
        enterprise.suspend("thiếu vốn", date(2025, 2, 1))


def test_the_current_workforce_is_the_latest_count_whatever_order_counts_arrive_in() -> None:
    enterprise = _enterprise()
    enterprise.count_workforce(300, date(2025, 6, 30))
    enterprise.count_workforce(200, date(2024, 12, 31))
    assert enterprise.worker_count == 300
    assert enterprise.workforce == {date(2024, 1, 2): 120, date(2024, 12, 31): 200, date(2025, 6, 30): 300}


def test_a_change_dated_before_registration_is_refused() -> None:
    with pytest.raises(InvalidEnterprise) as refused:
        _enterprise().close("giải thể", date(2020, 1, 1))
    assert refused.value.field == "effective_from"


def test_an_enterprise_replayed_from_its_events_has_its_status_and_version() -> None:
    enterprise = _enterprise()
    enterprise.suspend("thiếu vốn", date(2025, 1, 1))
    enterprise.count_workforce(80, date(2025, 1, 1))
    replayed = Enterprise.replay(enterprise.pending)
    assert replayed.status is EnterpriseStatus.SUSPENDED
    assert replayed.worker_count == 80
    assert replayed.version == 3
