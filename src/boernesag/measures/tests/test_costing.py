"""Expected cost (measures.costing): exact amounts, each day at the rate in force that day
— across rate changes, versions, months, and days without a rate."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from boernesag.catalogue.models import Rate
from boernesag.measures import costing, selectors
from boernesag.measures.costing import RateTerms, Terms

HOURLY = [
    RateTerms(1, 2, "hour", Decimal(500), date(2024, 1, 1), date(2026, 1, 7)),
    RateTerms(1, 2, "hour", Decimal(550), date(2026, 1, 8), None),
]


def terms(volume=4, unit="hours_per_week", start=date(2026, 1, 1), end=None, **kw):
    return Terms(1, 2, Decimal(volume), unit, start, end, **kw)


def test_a_rate_change_mid_period_applies_from_its_date():
    # 7 days × 4 h ÷ 7 × 500 kr. + 7 days × 4 h ÷ 7 × 550 kr.
    cost = costing.period_cost([terms()], HOURLY, date(2026, 1, 1), date(2026, 1, 14))
    assert cost.amount == Decimal("4200.00")
    assert (cost.priced_days, cost.unpriced_days) == (14, 0)


def test_a_month_is_priced_day_by_day_and_rounded_once():
    rates = [
        RateTerms(1, 2, "hour", Decimal(500), date(2024, 1, 1), date(2026, 1, 15)),
        RateTerms(1, 2, "hour", Decimal(550), date(2026, 1, 16), None),
    ]
    # 15 days × 2.000/7 + 16 days × 2.200/7 = 65.200/7 = 9.314,2857…
    assert costing.month_cost([terms()], rates, 2026, 1).amount == Decimal("9314.29")


def test_a_placement_at_a_daily_rate_over_a_year_with_a_rate_change():
    rates = [
        RateTerms(1, 2, "day", Decimal(2500), date(2024, 1, 1), date(2026, 2, 28)),
        RateTerms(1, 2, "day", Decimal(2600), date(2026, 3, 1), None),
    ]
    placement = [terms(7, "days_per_week", start=date(2026, 2, 1))]
    months = costing.monthly_costs(placement, rates, 2026)
    assert months[0].amount == Decimal("0.00")
    assert months[1].amount == Decimal("70000.00")  # 28 × 2.500
    assert months[2].amount == Decimal("80600.00")  # 31 × 2.600
    # February 70.000 + 306 days × 2.600 = 795.600
    assert costing.year_cost(placement, rates, 2026).amount == Decimal("865600.00")
    assert sum(m.amount for m in months) == Decimal("865600.00")


def test_a_monthly_rate_is_the_price_for_a_whole_month_and_pro_rata_for_a_part():
    rates = [RateTerms(1, 2, "month", Decimal(3000), date(2024, 1, 1), None)]
    support = [terms(1, "months", start=date(2026, 1, 16))]
    assert costing.month_cost(support, rates, 2026, 1).amount == Decimal("1548.39")  # 16/31
    assert costing.month_cost(support, rates, 2026, 2).amount == Decimal("3000.00")


def test_modules_are_spread_over_the_expected_days():
    rates = [RateTerms(1, 2, "module", Decimal(1200), date(2024, 1, 1), None)]
    # 10 modules × 1.200 kr. over 1 January – 10 April 2026 (100 days): 120 kr. a day
    course = [terms(10, "modules", expected_end_on=date(2026, 4, 10))]
    assert costing.month_cost(course, rates, 2026, 1).amount == Decimal("3720.00")
    assert costing.period_cost(
        course, rates, date(2026, 1, 1), date(2026, 4, 10)
    ).amount == Decimal("12000.00")
    # without an expected end a module rate cannot be spread: unpriced, not zero
    open_course = [terms(10, "modules")]
    cost = costing.month_cost(open_course, rates, 2026, 1)
    assert (cost.amount, cost.unpriced_days) == (Decimal("0.00"), 31)


def test_versions_are_priced_with_their_own_volume():
    versions = [
        terms(4, end=date(2026, 1, 10)),
        terms(6, start=date(2026, 1, 11)),
    ]
    rates = [RateTerms(1, 2, "hour", Decimal(500), date(2024, 1, 1), None)]
    # 10 × 2.000/7 + 4 × 3.000/7 = 32.000/7
    cost = costing.period_cost(versions, rates, date(2026, 1, 1), date(2026, 1, 14))
    assert cost.amount == Decimal("4571.43")


def test_days_without_a_rate_or_with_a_rate_in_another_unit_are_counted_not_priced():
    rates = [RateTerms(1, 2, "hour", Decimal(500), date(2026, 1, 5), None)]
    cost = costing.period_cost([terms()], rates, date(2026, 1, 1), date(2026, 1, 14))
    assert (cost.priced_days, cost.unpriced_days) == (10, 4)
    assert cost.amount == Decimal("2857.14")  # 10 × 2.000/7
    assert not cost.complete
    daily = [RateTerms(1, 2, "day", Decimal(2500), date(2024, 1, 1), None)]
    assert (
        costing.period_cost([terms()], daily, date(2026, 1, 1), date(2026, 1, 7)).unpriced_days == 7
    )


def test_the_running_month_cost():
    # 4 h × 550 kr. ÷ 7 a day × 365/12 days = 2.200/7 × 365/12 = 9.559,52…
    assert costing.running_month_cost([terms()], HOURLY, date(2026, 2, 1)) == Decimal("9559.52")
    assert costing.running_month_cost([terms()], [], date(2026, 2, 1)) is None


@pytest.mark.django_db
def test_a_measures_cost_uses_the_catalogues_rate_change(db):
    """Through the database: a measure of 4 hours a week whose provider's rate rises from
    500 to 550 kr. an hour ten days after the start."""
    from boernesag.cases.tests.factories import build_world
    from boernesag.catalogue import services as catalogue
    from boernesag.decisions.tests.helpers import build_catalogue
    from boernesag.measures.tests.helpers import granted, start

    w = build_world()
    cat = build_catalogue(w.admin)
    today = timezone.localdate()
    measure = start(w, granted(w, cat))
    change = today + timedelta(days=10)
    Rate.objects.filter(provider=cat.provider, service=cat.family).update(
        valid_to=change - timedelta(days=1)
    )
    catalogue.rate_add(
        provider=cat.provider,
        service=cat.family,
        unit="hour",
        price=Decimal(550),
        valid_from=change,
    )
    cost = selectors.measure_cost(measure, today, today + timedelta(days=13))
    # 10 days at 500 + 4 days at 550: (10 × 2.000 + 4 × 2.200) / 7 = 28.800/7
    assert cost.amount == Decimal("4114.29")


# --- review 13: P2 10 and P3 (the expected end, a monthly volume, a leap year) ---------------

FLAT = [RateTerms(1, 2, "hour", Decimal(500), date(2024, 1, 1), None)]


def test_the_expected_cost_this_year_stops_at_the_expected_end():
    from boernesag.measures.models import Measure

    running = Measure(
        status="active", starts_on=date(2026, 1, 1), expected_end_on=date(2026, 3, 31)
    )
    # 1 January – 31 March 2026: 90 days × 4 h ÷ 7 × 500 kr. = 180.000/7 = 25.714,2857…
    cost = selectors.expected_year_cost(running, [terms()], FLAT, date(2026, 2, 1))
    assert cost.amount == Decimal("25714.29")
    assert (cost.priced_days, cost.unpriced_days) == (90, 0)
    # past its expected end but still running: priced up to today (10 April = 100 days)
    late = selectors.expected_year_cost(running, [terms()], FLAT, date(2026, 4, 10))
    assert late.amount == Decimal("28571.43")  # 200.000/7
    # no expected end: to 31 December (365 days)
    open_ = Measure(status="active", starts_on=date(2026, 1, 1))
    assert selectors.expected_year_cost(open_, [terms()], FLAT, date(2026, 2, 1)).amount == Decimal(
        "104285.71"
    )  # 730.000/7
    # ended: to the day it ended
    ended = Measure(status="ended", starts_on=date(2026, 1, 1), ended_on=date(2026, 1, 7))
    assert selectors.expected_year_cost(
        ended, [terms(end=date(2026, 1, 7))], FLAT, date(2026, 2, 1)
    ).amount == Decimal("2000.00")  # 7 days × 4 h ÷ 7 × 500 kr.


def test_a_monthly_rate_is_multiplied_by_the_volume():
    rates = [RateTerms(1, 2, "month", Decimal(3000), date(2024, 1, 1), None)]
    twice = [terms(2, "months", start=date(2026, 1, 1))]
    assert costing.month_cost(twice, rates, 2026, 2).amount == Decimal("6000.00")
    assert costing.running_month_cost(twice, rates, date(2026, 2, 10)) == Decimal("6000.00")


def test_29_february_in_a_leap_year():
    rates = [RateTerms(1, 2, "month", Decimal(2900), date(2024, 1, 1), None)]
    monthly = [terms(1, "months", start=date(2028, 2, 1))]
    # February 2028 has 29 days: 100 kr. a day, the whole month exactly the price
    assert costing.period_cost(
        monthly, rates, date(2028, 2, 29), date(2028, 2, 29)
    ).amount == Decimal("100.00")
    assert costing.month_cost(monthly, rates, 2028, 2).amount == Decimal("2900.00")
    # an hourly rate over the leap year: 366 days × 4 h ÷ 7 × 500 kr. = 732.000/7
    year = costing.year_cost([terms(start=date(2028, 1, 1))], FLAT, 2028)
    assert year.amount == Decimal("104571.43")
    assert year.priced_days == 366
