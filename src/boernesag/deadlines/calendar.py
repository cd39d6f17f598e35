"""Danish deadline arithmetic.

- hours: real elapsed hours (computed in UTC, so daylight-saving changes are handled);
- days: calendar days; due at the end of the last day (Danish local time);
- weekdays (hverdage): Monday–Friday except Danish public holidays;
- working days (arbejdsdage): weekdays, also excepting Constitution Day (5 June),
  Christmas Eve and New Year's Eve, when public offices are normally closed;
- months: calendar months (31 January + 1 month = 28/29 February); due at the end of the day.

For day-based units the count starts the day after the start event, and the deadline is the
end of the last counted day (23:59:59.999999 local time).
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

TZ = ZoneInfo("Europe/Copenhagen")
UNITS = ("hours", "days", "weekdays", "working_days", "months")
END_OF_DAY = time(23, 59, 59, 999999)


@lru_cache(maxsize=256)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("DK", years=year).keys())


def is_public_holiday(day: date) -> bool:
    return day in _public_holidays(day.year)


def is_weekday(day: date) -> bool:
    """Hverdag: Monday–Friday and not a Danish public holiday."""
    return day.weekday() < 5 and not is_public_holiday(day)


def is_working_day(day: date) -> bool:
    return is_weekday(day) and (day.month, day.day) not in {(6, 5), (12, 24), (12, 31)}


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, END_OF_DAY, tzinfo=TZ)


def due_at(start: datetime, amount: int, unit: str) -> datetime:
    """The deadline for something started at ``start`` (aware) with the given duration."""
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    if amount < 0:
        raise ValueError("duration must not be negative")
    if unit == "hours":
        return (start.astimezone(UTC) + timedelta(hours=amount)).astimezone(TZ)
    local_day = start.astimezone(TZ).date()
    if unit == "days":
        return end_of_day(local_day + timedelta(days=amount))
    if unit == "months":
        return end_of_day(add_months(local_day, amount))
    if unit in ("weekdays", "working_days"):
        counts = is_weekday if unit == "weekdays" else is_working_day
        day, left = local_day, amount
        while left > 0:
            day += timedelta(days=1)
            if counts(day):
                left -= 1
        return end_of_day(day)
    raise ValueError(f"unknown unit {unit!r}")
