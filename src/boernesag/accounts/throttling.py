"""Atomic login counters (``LoginThrottle``): one SQL statement per step, so that parallel
attempts are counted exactly — none can read a stale count and slip past the limit.

An attempt *reserves* its place before the password is checked: the counter is increased
first, and an attempt whose number is beyond the limit is refused without checking the
password at all. A success gives the place back (``release``) or, per account, resets the
count. A lock lasts until ``locked_until``; only after it has run out does the next attempt
start a fresh window, in the same statement, so no attempt can start counting afresh while
the lock is in force.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection

_RESERVE = """
INSERT INTO accounts_loginthrottle AS t (key, window_started_at, attempts, locked_until)
VALUES (%(key)s, %(now)s, 1, NULL)
ON CONFLICT (key) DO UPDATE SET
    attempts = CASE
        WHEN t.locked_until > %(now)s THEN t.attempts + 1
        WHEN t.locked_until IS NOT NULL OR t.window_started_at <= %(floor)s THEN 1
        ELSE t.attempts + 1
    END,
    window_started_at = CASE
        WHEN t.locked_until > %(now)s THEN t.window_started_at
        WHEN t.locked_until IS NOT NULL OR t.window_started_at <= %(floor)s THEN %(now)s
        ELSE t.window_started_at
    END,
    locked_until = CASE WHEN t.locked_until > %(now)s THEN t.locked_until ELSE NULL END
RETURNING attempts, locked_until
"""


@dataclass(frozen=True)
class Reservation:
    key: str
    number: int  # this attempt's number in the window (earlier ones included)
    locked_until: datetime | None


def reserve(key: str, *, now: datetime, window: timedelta) -> Reservation:
    with connection.cursor() as cursor:
        cursor.execute(_RESERVE, {"key": key, "now": now, "floor": now - window})
        attempts, locked_until = cursor.fetchone()
    return Reservation(key=key, number=attempts, locked_until=locked_until)


def lock(key: str, *, now: datetime, until: datetime) -> tuple[bool, datetime]:
    """Lock ``key`` until ``until`` unless a lock is already in force. Returns whether this
    call set the lock, and the lock's end."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_loginthrottle SET locked_until = %s WHERE key = %s "
            "AND (locked_until IS NULL OR locked_until <= %s) RETURNING locked_until",
            [until, key, now],
        )
        row = cursor.fetchone()
        if row is not None:
            return True, row[0]
        cursor.execute("SELECT locked_until FROM accounts_loginthrottle WHERE key = %s", [key])
        return False, cursor.fetchone()[0]


def locked_until(key: str, *, now: datetime) -> datetime | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT locked_until FROM accounts_loginthrottle WHERE key = %s AND locked_until > %s",
            [key, now],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def release(key: str) -> None:
    """A success gives its reserved place back (network address, installation)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_loginthrottle SET attempts = GREATEST(attempts - 1, 0) WHERE key = %s",
            [key],
        )


def reset(key: str, *, now: datetime, unlock: bool = False) -> None:
    """Start counting afresh: after a successful login (not while locked) or when an
    administrator lifts a lock (``unlock``)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_loginthrottle"
            " SET attempts = 0, window_started_at = %s, locked_until = NULL"
            " WHERE key = %s AND (%s OR locked_until IS NULL OR locked_until <= %s)",
            [now, key, unlock, now],
        )


def prune(*, older_than: datetime) -> int:
    """Counters whose window and lock are both over are no longer needed."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM accounts_loginthrottle WHERE window_started_at < %s "
            "AND (locked_until IS NULL OR locked_until < %s)",
            [older_than, older_than],
        )
        return cursor.rowcount
