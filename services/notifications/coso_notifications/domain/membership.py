"""Party presence conditions: when an enterprise is ready for a party organization, and when an
organization has fallen below the minimum of official members.

The minimum (DOMAIN.md: 3 official members *(default)* to found a party organization, and
to keep one) is configuration per authority subtree from an effective date, because the
rules change by decree and each authority applies them from its own date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from coso_notifications.domain.deadlines import covers
from coso_notifications.domain.errors import InvalidMinimum


@dataclass(frozen=True)
class MinimumOverride:
    """The minimum of official members for one authority subtree from a date on."""

    authority: str
    effective_from: date
    minimum: int


@dataclass(frozen=True)
class MinimumBook:
    """The minimum of official members in force for each authority on each day."""

    default: int = 3
    overrides: Sequence[MinimumOverride] = ()

    def __post_init__(self) -> None:
        for field, value in [("minimum_official_members", self.default)] + [
            (f"minimum_official_members_overrides[{i}].minimum", o.minimum) for i, o in enumerate(self.overrides)
        ]:
            if not 1 <= value <= 100:
                message = f"{field}: {value} is not between 1 and 100"
                raise InvalidMinimum(message, field=field, rule="between 1 and 100")

    def minimum(self, authority: str, on: date) -> int:
        """The most specific override covering the authority, the latest one in effect on `on`."""
        best: MinimumOverride | None = None
        for override in self.overrides:
            if override.effective_from > on or not covers(authority, override.authority):
                continue
            if best is None or (len(override.authority), override.effective_from) > (
                len(best.authority),
                best.effective_from,
            ):
                best = override
        return self.default if best is None else best.minimum


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
