"""Input limits in one place: text lengths, date windows and request sizes.

Forms (``lib.forms``) and, later, the API use these, so a field accepts the same input
wherever it is typed. See docs/security.md ("Input limits")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# --- text ------------------------------------------------------------------------------


class TextLimit:
    """Maximum lengths in characters for free text that has no length in the database
    (``TextField``). A page of A4 is about 2,500 characters."""

    LINE = 500  # an address, a list of participants
    REASON = 2_000  # reasons, notes, short descriptions (under a page)
    DESCRIPTION = 10_000  # agendas, service descriptions, terms (about four pages)
    DOCUMENT = 50_000  # journal text, meeting minutes, a concern report (about 20 pages)


def model_max_length(model, field_name: str) -> int:
    """The database length of a ``CharField`` (the one source of truth for its limit)."""
    max_length = model._meta.get_field(field_name).max_length
    if not max_length:
        raise ValueError(f"{model.__name__}.{field_name} has no max_length")
    return max_length


def clip(value: str, limit: int) -> str:
    """Shorten text produced by the system (not typed by a user) to ``limit`` characters,
    marking the cut with an ellipsis. User input is never clipped: forms refuse it with a
    message instead."""
    value = value or ""
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def clip_to_field(model, field_name: str, value: str) -> str:
    return clip(value, model_max_length(model, field_name))


# --- dates -----------------------------------------------------------------------------

EARLIEST = date(1900, 1, 1)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class DateWindow:
    """The dates a field accepts, relative to today.

    ``earliest`` is a fixed first date; ``years_back`` (when set) makes the first date
    relative to today instead. The last date is today plus ``years_ahead`` years and
    ``days_ahead`` days."""

    name: str
    earliest: date = EARLIEST
    years_back: int | None = None
    years_ahead: int = 0
    days_ahead: int = 0

    def bounds(self, today: date) -> tuple[date, date]:
        from datetime import timedelta

        first = add_years(today, -self.years_back) if self.years_back is not None else self.earliest
        last = add_years(today, self.years_ahead) + timedelta(days=self.days_ahead)
        return first, last


class Window:
    """The windows used by Børnesag's forms. Pick the narrowest that fits the field."""

    # Something that has happened: a birth, a noted event, a consent given. Never future.
    PAST = DateWindow("past")
    BIRTH = DateWindow("birth")
    # A document's own date: may be old (a parent's school record) or dated ahead a little.
    DOCUMENT = DateWindow("document", years_ahead=1)
    # Meetings, conversations with the child: held or planned near today.
    MEETING = DateWindow("meeting", years_back=10, years_ahead=2)
    # When a report arrived: registered late at most some years after.
    RECEIVED = DateWindow("received", years_back=10, days_ahead=1)
    # Decisions by the municipality (approval of a service, a revision).
    DECISION = DateWindow("decision", earliest=date(1990, 1, 1), years_ahead=1)
    # Periods of validity: rates, contracts, local standards, consents valid until.
    PERIOD = DateWindow("period", earliest=date(1990, 1, 1), years_ahead=25)
    # The deadline calculator: rules exist from 2011 (Barnets Reform) and run ahead.
    CALCULATION = DateWindow("calculation", earliest=date(2000, 1, 1), years_ahead=10)
