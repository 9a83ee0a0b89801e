"""Party presence conditions: when an enterprise is ready for a party organization, and when an
organization has fallen below the minimum of official members.

The minimum (DOMAIN.md: 3 official members *(default)* to found a party organization, and
to keep one) is a rule in force per authority subtree from an effective date
(`rule_book.NotificationRuleBook.minimum`), because the rules change by decree and each
authority applies them from its own date.
"""

from __future__ import annotations

from dataclasses import dataclass


def ready_for_organization(official_members: int, union_members: int, has_organization: bool, minimum: int) -> bool:
    """An enterprise with no party organization and either at least `minimum` official members
    or a grassroots trade union with members (the "trade union first" path)."""
    return not has_organization and (official_members >= minimum or union_members > 0)


@dataclass(frozen=True)
class OrganizationStrength:
    """What is known of a party organization's official members.

    `declared` is registry's count (at founding or upgrade); `known` counts the official
    members admissions' events tie to it. Admissions' count is trusted once it has reached
    the minimum (`armed`): before that, members are still being enrolled or imported one by
    one, and a low count would be a false alarm, so registry's declared count is used.
    """

    declared: int
    known: int
    armed: bool

    def counted(self) -> int:
        return self.known if self.armed else self.declared

    def below(self, minimum: int) -> bool:
        return self.counted() < minimum
