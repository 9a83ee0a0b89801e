"""Vietnam's working-day calendar from the `holidays` package (lunar New Year included), with
configured extra days off and make-up working days (the government moves days every year)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import holidays

from coso_notifications.domain.calendar import WorkingCalendar
from coso_notifications.domain.errors import InvalidCalendar


class _Holidays:
    """A country's public holidays plus extra days off; years are loaded as they are asked for."""

    def __init__(self, country: str, extra: Iterable[date]) -> None:
        try:
            self._country = holidays.country_holidays(country)
        except NotImplementedError:
            raise InvalidCalendar(
                f"no holiday calendar for country {country!r}", field="calendar.country", rule="ISO 3166 code"
            ) from None
        self._extra = frozenset(extra)

    def __contains__(self, day: object) -> bool:
        return day in self._extra or day in self._country


def national_calendar(
    country: str = "VN",
    extra_holidays: Iterable[date] = (),
    extra_working_days: Iterable[date] = (),
    weekend: Iterable[int] = (5, 6),
) -> WorkingCalendar:
    return WorkingCalendar(
        holidays=_Holidays(country, extra_holidays),
        weekend=frozenset(weekend),
        extra_working_days=frozenset(extra_working_days),
    )
