"""The rules' use cases as an HTTP caller reaches them: an editor over the authority adopts
rules for its subtree, a viewer asks the rules in force. The service says what its roles are
and how it checks a grant (its access control's `require`)."""

from __future__ import annotations

from typing import Any, Protocol

from coso_backbone.rulesets.application import RuleSets
from coso_backbone.rulesets.commands import RulesAdoption, RulesOfAuthority


class Grants(Protocol):
    def require(self, principal: Any, authority_id: str, role: Any) -> None:
        """Refuse unless the principal holds the role over the authority."""


class GuardedRules:
    """The rules' use cases for one caller."""

    def __init__(self, rules: RuleSets, grants: Grants, principal: Any, editor: Any, viewer: Any) -> None:
        self._rules = rules
        self._grants = grants
        self._principal = principal
        self._editor = editor
        self._viewer = viewer

    def adopt(self, command: RulesAdoption) -> dict[str, Any]:
        """An editor over the authority adopts rules for its subtree."""
        self._grants.require(self._principal, command.authority_id, self._editor)
        return self._rules.adopt(command)

    def in_force(self, query: RulesOfAuthority) -> dict[str, Any]:
        self._grants.require(self._principal, query.authority_id, self._viewer)
        return self._rules.in_force(query)
