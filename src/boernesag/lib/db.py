"""Reading dates that Python cannot represent without breaking the page.

PostgreSQL stores dates from 4713 BC to far beyond year 9999; Python's ``date`` and
``datetime`` cover years 1–9999. A meeting typed as "year 1 at midnight" in Danish time is
stored as 31 December 2 BC in UTC, and from then on every query that reads it failed
("timestamp too small"), so the case's meeting tab broke for everyone. Forms now refuse such
dates (``lib.forms.BoundedDateField``); these loaders keep pages working for bad values
already stored: a value before year 1 is read as the first representable day, a value after
9999 (or ``infinity``) as the last, so the page shows an obviously wrong date that can be
corrected instead of an error."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import psycopg
from psycopg.types.datetime import DateLoader

# One day inside the representable range, so converting to local time cannot overflow.
FIRST_DATETIME = datetime.min.replace(tzinfo=UTC) + timedelta(days=1)
LAST_DATETIME = datetime.max.replace(tzinfo=UTC) - timedelta(days=1)
FIRST_DATE = date.min
LAST_DATE = date.max


def _too_small(error: Exception) -> bool:
    return "small" in str(error)


class ClampingDateLoader(DateLoader):
    def load(self, data):
        try:
            return super().load(data)
        except psycopg.DataError as error:
            return FIRST_DATE if _too_small(error) else LAST_DATE


def clamping_timestamptz_loader(base):
    """A subclass of Django's time-zone loader ``base`` (kept, with its ``timezone``, so
    Django does not replace it per cursor) that clamps out-of-range values."""

    class ClampingTzLoader(base):
        def load(self, data):
            try:
                return super().load(data)
            except psycopg.DataError as error:
                value = FIRST_DATETIME if _too_small(error) else LAST_DATETIME
                return value.replace(tzinfo=self.timezone) if self.timezone else value

    return ClampingTzLoader


def install_clamping_loaders(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: registers the loaders on each new PostgreSQL
    connection (after Django has registered its own time-zone loader)."""
    if connection.vendor != "postgresql":
        return
    raw = connection.connection
    adapters = raw.adapters
    oid = psycopg.postgres.types["timestamptz"].oid
    django_loader = adapters.get_loader(oid, psycopg.pq.Format.TEXT)
    if django_loader is not None and not getattr(django_loader, "clamps", False):
        loader = clamping_timestamptz_loader(django_loader)
        loader.clamps = True
        adapters.register_loader("timestamptz", loader)
    adapters.register_loader("date", ClampingDateLoader)
