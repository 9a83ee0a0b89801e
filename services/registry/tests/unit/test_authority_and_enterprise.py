from datetime import date

import pytest

from coso_backbone.contracts.registry import AuthorityLevel, AuthorityRegistered, EnterpriseRegistered, Ownership
from coso_registry.domain.authority import Authority
from coso_registry.domain.enterprise import Enterprise
from coso_registry.domain.errors import InvalidAuthority, InvalidEnterprise
from coso_registry.domain.tax_code import TaxCode


def test_registering_an_authority_records_authority_registered() -> None:
    authority = Authority.register(
        "hn.ba-dinh", "Đảng ủy phường Ba Đình", AuthorityLevel.COMMUNE, "hn", date(2025, 7, 1)
    )
    assert authority.pending == [
        AuthorityRegistered(
            authority_id="hn.ba-dinh",
            name="Đảng ủy phường Ba Đình",
            level=AuthorityLevel.COMMUNE,
            parent_id="hn",
            effective_from=date(2025, 7, 1),
        )
    ]


def test_a_commune_authority_without_a_superior_is_refused() -> None:
    with pytest.raises(InvalidAuthority) as refused:
        Authority.register("ba-dinh", "Ba Đình", AuthorityLevel.COMMUNE, None, date(2025, 7, 1))
    assert refused.value.field == "parent_id"


def test_an_authority_id_with_spaces_or_capitals_is_refused() -> None:
    with pytest.raises(InvalidAuthority) as refused:
        Authority.register("Ha Noi", "Hà Nội", AuthorityLevel.PROVINCE, None, date(2025, 7, 1))
    assert refused.value.field == "authority_id"


def test_registering_an_enterprise_records_its_tax_code_in_printed_form() -> None:
    enterprise = Enterprise.register(
        "e1", TaxCode.parse("0100109106001"), " Công ty May ", "hn", Ownership.FOREIGN_INVESTED, 250, date(2025, 1, 2)
    )
    (event,) = enterprise.pending
    assert isinstance(event, EnterpriseRegistered)
    assert event.tax_code == "0100109106-001"
    assert event.name == "Công ty May"
    assert event.worker_count == 250


def test_an_enterprise_without_a_name_is_refused() -> None:
    with pytest.raises(InvalidEnterprise):
        Enterprise.register("e1", TaxCode.parse("0100109106"), "  ", "hn", Ownership.OTHER, 0, date(2025, 1, 2))
