from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boernesag.deadlines.calendar import (
    TZ,
    add_months,
    due_at,
    is_public_holiday,
    is_weekday,
    is_working_day,
)

starts = st.datetimes(
    min_value=datetime(2010, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(TZ)
)


def local(y, m, d, h=0, mi=0):
    return datetime(y, m, d, h, mi, tzinfo=TZ)


@given(
    starts,
    st.integers(0, 60),
    st.sampled_from(["hours", "days", "weekdays", "working_days", "months"]),
)
def test_due_is_never_before_start(start, amount, unit):
    assert due_at(start, amount, unit) >= start


@given(starts, st.integers(1, 30))
def test_weekday_deadlines_never_fall_on_weekends_or_holidays(start, amount):
    due = due_at(start, amount, "weekdays").date()
    assert due.weekday() < 5 and not is_public_holiday(due)
    # exactly `amount` weekdays after the start day, up to and including the due day
    day, counted = start.date(), 0
    while day < due:
        day += timedelta(days=1)
        counted += is_weekday(day)
    assert counted == amount


@given(starts, st.integers(1, 30))
def test_working_days_skip_constitution_day_and_christmas_and_new_years_eve(start, amount):
    due = due_at(start, amount, "working_days").date()
    assert is_working_day(due)
    assert (due.month, due.day) not in {(6, 5), (12, 24), (12, 31)}


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)), st.integers(0, 48))
def test_month_arithmetic_clamps_to_the_month_end(day, months):
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day == day.day or (result.day < day.day and (result + timedelta(days=1)).day == 1)


@given(starts, st.integers(1, 200))
def test_hours_are_real_elapsed_hours_across_dst(start, hours):
    due = due_at(start, hours, "hours")
    assert due.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=hours)


@pytest.mark.parametrize(
    ("start", "amount", "unit", "expected"),
    [
        # 31 January + 1 month = end of February (leap and non-leap year)
        (local(2024, 1, 31, 10), 1, "months", local(2024, 2, 29, 23, 59)),
        (local(2026, 1, 31, 10), 1, "months", local(2026, 2, 28, 23, 59)),
        # 24 hours across the spring DST change: 23 March 2026 is not 29 March
        (local(2026, 3, 28, 18), 24, "hours", local(2026, 3, 29, 19)),
        (local(2026, 10, 24, 18), 24, "hours", local(2026, 10, 25, 17)),
        # Friday evening before Easter 2026: 30/3, 31/3, 1/4 count; Maundy Thursday 2/4,
        # Good Friday 3/4 and Easter Monday 6/4 do not; 7/4, 8/4, 9/4 → Thursday 9 April
        (local(2026, 3, 27, 19), 6, "weekdays", local(2026, 4, 9, 23, 59)),
        # Maundy Thursday 2 April 2026 + 6 weekdays: 7, 8, 9, 10, 13, 14 April
        (local(2026, 4, 2, 9), 6, "weekdays", local(2026, 4, 14, 23, 59)),
        # Christmas and turn of the year: 23 Dec 2026 + 6 weekdays
        # 24 (Thu), 28, 29, 30, 31 Dec, 4 Jan (1 Jan holiday) → 4 January 2027
        (local(2026, 12, 23, 12), 6, "weekdays", local(2027, 1, 4, 23, 59)),
        # working days also skip 24 and 31 December: 28, 29, 30, 4, 5, 6, 7 Jan
        (local(2026, 12, 23, 12), 7, "working_days", local(2027, 1, 7, 23, 59)),
        # Store bededag was a public holiday until 2023 and is not from 2024:
        # Thu 4 May 2023 + 6 weekdays skips Fri 5 May → 8, 9, 10, 11, 12, 15 May
        (local(2023, 5, 4, 10), 6, "weekdays", local(2023, 5, 15, 23, 59)),
        # Thu 25 April 2024 + 6 weekdays counts Fri 26 April → 26, 29, 30 April, 1, 2, 3 May
        (local(2024, 4, 25, 10), 6, "weekdays", local(2024, 5, 3, 23, 59)),
        (local(2026, 1, 1, 12), 7, "days", local(2026, 1, 8, 23, 59)),
        (local(2026, 5, 10, 12), 0, "days", local(2026, 5, 10, 23, 59)),
    ],
)
def test_golden_dates(start, amount, unit, expected):
    due = due_at(start, amount, unit)
    assert due.replace(second=0, microsecond=0) == expected


def test_negative_and_naive_inputs_are_refused():
    with pytest.raises(ValueError):
        due_at(local(2026, 1, 1), -1, "days")
    with pytest.raises(ValueError):
        due_at(datetime(2026, 1, 1), 1, "days")
    with pytest.raises(ValueError):
        due_at(local(2026, 1, 1), 1, "fortnights")
