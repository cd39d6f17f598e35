"""Expected cost of a measure — pure functions, no database (issue 14, economy, builds on
this). The caller gives the measure's terms (one ``Terms`` per version: provider, service,
volume, the days it covers) and the provider's rates; each day is priced with the rate in
force on that day, so a rate change in the middle of a measure applies from its date.

Per day (exact fractions; amounts are rounded to øre only at the end, half up):

- an hourly rate: price × hours per week ÷ 7;
- a daily rate (døgn): price × days per week ÷ 7 (a placement is 7 days a week);
- a monthly rate: price × volume ÷ the number of days in that calendar month (a whole month
  costs exactly price × volume; the services only accept a volume of 1 for a monthly unit);
- a module rate: price × modules ÷ the measure version's days (start to expected end); a
  version without an expected end cannot be priced by module.

A day without a rate, or whose rate's unit does not fit the volume's unit, is not priced: it
is counted in ``Cost.unpriced_days`` so that the caller can say so (never a crash, never a
silent zero).

    terms = [Terms(provider_id=1, service_id=2, volume=Decimal(4),
                   unit="hours_per_week", starts_on=date(2026, 1, 1), ends_on=None)]
    rates = [RateTerms(provider_id=1, service_id=2, unit="hour", price=Decimal(500),
                       valid_from=date(2024, 1, 1), valid_to=None)]
    period_cost(terms, rates, date(2026, 1, 1), date(2026, 1, 14)).amount  # Decimal("4000.00")
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

OERE = Decimal("0.01")
# which rate unit prices which volume unit
FITS = {
    "hour": "hours_per_week",
    "day": "days_per_week",
    "month": "months",
    "module": "modules",
}


@dataclass(frozen=True)
class Terms:
    """One version of a measure: what is delivered from ``starts_on`` to ``ends_on``
    (included; None: open). ``expected_end_on`` spreads a module rate."""

    provider_id: int
    service_id: int
    volume: Decimal
    unit: str
    starts_on: date
    ends_on: date | None = None
    expected_end_on: date | None = None


@dataclass(frozen=True)
class RateTerms:
    provider_id: int
    service_id: int
    unit: str
    price: Decimal
    valid_from: date
    valid_to: date | None = None

    @classmethod
    def of(cls, rate) -> RateTerms:
        """From a ``catalogue.Rate`` row."""
        return cls(
            provider_id=rate.provider_id,
            service_id=rate.service_id,
            unit=rate.unit,
            price=rate.price,
            valid_from=rate.valid_from,
            valid_to=rate.valid_to,
        )


@dataclass(frozen=True)
class Cost:
    amount: Decimal
    priced_days: int
    unpriced_days: int

    @property
    def complete(self) -> bool:
        return self.unpriced_days == 0


def _round(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        OERE, rounding=ROUND_HALF_UP
    )


def _rate_on(rates: Sequence[RateTerms], terms: Terms, day: date) -> RateTerms | None:
    for rate in rates:
        if (
            rate.provider_id == terms.provider_id
            and rate.service_id == terms.service_id
            and rate.valid_from <= day
            and (rate.valid_to is None or day <= rate.valid_to)
        ):
            return rate
    return None


def day_cost(terms: Terms, rate: RateTerms | None, day: date) -> Fraction | None:
    """The cost of one day of ``terms`` at ``rate`` (None: it cannot be priced)."""
    if rate is None or FITS.get(rate.unit) != terms.unit:
        return None
    price = Fraction(rate.price)
    volume = Fraction(terms.volume)
    if rate.unit in ("hour", "day"):
        return price * volume / 7
    if rate.unit == "month":
        return price * volume / calendar.monthrange(day.year, day.month)[1]
    # module: spread over the version's expected days
    end = terms.expected_end_on or terms.ends_on
    if end is None or end < terms.starts_on:
        return None
    return price * volume / ((end - terms.starts_on).days + 1)


def _days(start: date, end: date) -> Iterable[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def period_cost(terms: Sequence[Terms], rates: Sequence[RateTerms], start: date, end: date) -> Cost:
    """The expected cost of the measure from ``start`` to ``end`` (both included): every day
    a version of the measure covers, at the rate in force that day."""
    total = Fraction(0)
    priced = unpriced = 0
    for version in terms:
        first = max(start, version.starts_on)
        last = min(end, version.ends_on) if version.ends_on else end
        for day in _days(first, last):
            cost = day_cost(version, _rate_on(rates, version, day), day)
            if cost is None:
                unpriced += 1
            else:
                priced += 1
                total += cost
    return Cost(amount=_round(total), priced_days=priced, unpriced_days=unpriced)


def month_cost(terms: Sequence[Terms], rates: Sequence[RateTerms], year: int, month: int) -> Cost:
    """The expected cost in one calendar month."""
    last = calendar.monthrange(year, month)[1]
    return period_cost(terms, rates, date(year, month, 1), date(year, month, last))


def monthly_costs(terms: Sequence[Terms], rates: Sequence[RateTerms], year: int) -> list[Cost]:
    """The expected cost in each month of ``year`` (January first)."""
    return [month_cost(terms, rates, year, month) for month in range(1, 13)]


def year_cost(terms: Sequence[Terms], rates: Sequence[RateTerms], year: int) -> Cost:
    """The expected cost in a calendar year."""
    return period_cost(terms, rates, date(year, 1, 1), date(year, 12, 31))


def running_month_cost(
    terms: Sequence[Terms], rates: Sequence[RateTerms], on: date
) -> Decimal | None:
    """What one month of the measure costs at the terms and rate in force on ``on``, as a
    full month would (the figure the case page shows): 365 ÷ 12 days at the day's cost;
    a monthly rate is its price × the volume. None when the day cannot be priced."""
    version = next(
        (t for t in terms if t.starts_on <= on and (t.ends_on is None or on <= t.ends_on)),
        None,
    )
    if version is None:
        return None
    rate = _rate_on(rates, version, on)
    cost = day_cost(version, rate, on)
    if cost is None:
        return None
    if rate.unit == "month":
        return (rate.price * version.volume).quantize(OERE, rounding=ROUND_HALF_UP)
    return _round(cost * Fraction(365, 12))
