"""Roles granted on authority subtrees, as plain rules."""

import pytest

from coso_registry.domain.access import Grant, Principal, Role, Scope, require, roots_with
from coso_registry.domain.errors import AccessDenied


def test_a_stronger_role_includes_the_weaker_ones() -> None:
    principal = Principal("an", (Grant("bn.a", Role.EDITOR), Grant("bn", Role.VIEWER)))
    assert roots_with(principal, Role.VIEWER) == ["bn.a", "bn"]
    assert roots_with(principal, Role.EDITOR) == ["bn.a"]
    assert roots_with(principal, Role.ADMINISTRATOR) == []


def test_acting_outside_the_scope_is_refused_naming_the_role() -> None:
    with pytest.raises(AccessDenied) as refused:
        require(Scope(frozenset({"bn.a"})), "bn.b", Role.EDITOR, "an")
    assert refused.value.field == "authority_id"
    assert refused.value.rule == "editor granted on a superior authority"
    require(Scope(frozenset(), everywhere=True), "bn.b", Role.EDITOR, "admin")
