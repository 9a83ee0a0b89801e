import pytest

from coso_registry.domain.errors import InvalidTaxCode
from coso_registry.domain.tax_code import TaxCode


def test_a_ten_digit_tax_code_with_a_valid_check_digit_is_accepted() -> None:
    assert str(TaxCode.parse("0100109106")) == "0100109106"


def test_a_branch_tax_code_is_printed_with_its_branch_suffix() -> None:
    code = TaxCode.parse("0100109106001")
    assert str(code) == "0100109106-001"
    assert code.is_branch


def test_a_tax_code_with_a_wrong_check_digit_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidTaxCode) as refused:
        TaxCode.parse("0100109107")
    assert refused.value.field == "tax_code"
    assert "check digit" in refused.value.message


@pytest.mark.parametrize("raw", ["", "12345", "01001091060", "abcdefghij"])
def test_a_tax_code_of_the_wrong_length_or_letters_is_refused(raw: str) -> None:
    with pytest.raises(InvalidTaxCode):
        TaxCode.parse(raw)
