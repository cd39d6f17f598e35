"""Per-case and organisation-wide advisory locks (transaction-scoped).

Every event write takes the lock of its case (or the organisation lock) before inserting, and
projection rebuilds take the same locks for the cases of a chunk, so an incremental update
and a rebuild never interleave for one case. Readers are never blocked: these are advisory
locks, not table locks."""

from __future__ import annotations

from django.db import connection

CASE_NAMESPACE = 0x6576  # "ev"
ORGANISATION_NAMESPACE = 0x6F72  # "or"
_MOD = 2147483647


def case_lock(case_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, (%s %% %s)::int)", [CASE_NAMESPACE, case_id, _MOD]
        )


def case_try_locks(case_ids: list[int]) -> set[int]:
    """Lock as many of ``case_ids`` as are free right now (never waits); return those."""
    if not case_ids:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM unnest(%s::bigint[]) AS id "
            "WHERE pg_try_advisory_xact_lock(%s, (id %% %s)::int)",
            [sorted(case_ids), CASE_NAMESPACE, _MOD],
        )
        return {row[0] for row in cursor.fetchall()}


def organisation_lock() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [ORGANISATION_NAMESPACE])
