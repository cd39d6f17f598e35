"""Writing the access log. (Reasoned access grants and their reviews: cases.services.)"""

from __future__ import annotations

import hashlib
from datetime import UTC

from django.db import connection, transaction
from django.utils import timezone

from boernesag.audit.models import AccessLogEntry

GENESIS = "0" * 64
# Any constant: serialises appends to the chain across processes.
_CHAIN_LOCK_KEY = 0x0B0E5A6


def row_digest(
    *, prev_hash: str, at, user_id, child_id, case_id, what, object_ref, reason, grant_id
) -> str:
    canonical = "|".join(
        str(part)
        for part in (
            prev_hash,
            at.astimezone(UTC).isoformat(timespec="microseconds"),
            user_id,
            child_id or "",
            case_id or "",
            what,
            object_ref,
            reason,
            grant_id or "",
        )
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@transaction.atomic
def access_log_record(
    *,
    user,
    what: str,
    child_id: int | None = None,
    case_id: int | None = None,
    object_ref: str = "",
    reason: str = "",
    grant_id: int | None = None,
) -> AccessLogEntry:
    """Append one row to the access log: who read which child's or case's data, when, why.

    Rows are chained: each stores the previous row's hash. An advisory lock held to the end
    of the transaction keeps the chain linear when many processes write at once."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    prev = AccessLogEntry.objects.order_by("-id").values_list("row_hash", flat=True).first()
    prev_hash = prev or GENESIS
    at = timezone.now()
    entry = AccessLogEntry(
        at=at,
        user_id=user.pk,
        child_id=child_id,
        case_id=case_id,
        what=what,
        object_ref=str(object_ref),
        reason=reason,
        grant_id=grant_id,
        prev_hash=prev_hash,
    )
    entry.row_hash = row_digest(
        prev_hash=prev_hash,
        at=at,
        user_id=user.pk,
        child_id=child_id,
        case_id=case_id,
        what=what,
        object_ref=str(object_ref),
        reason=reason,
        grant_id=grant_id,
    )
    entry.save(force_insert=True)
    return entry


def access_log_verify() -> tuple[bool, str]:
    """Walk the chain in order; report the first row that does not match."""
    prev_hash = GENESIS
    count = 0
    for row in AccessLogEntry.objects.order_by("id").iterator(chunk_size=5000):
        expected = row_digest(
            prev_hash=prev_hash,
            at=row.at,
            user_id=row.user_id,
            child_id=row.child_id,
            case_id=row.case_id,
            what=row.what,
            object_ref=row.object_ref,
            reason=row.reason,
            grant_id=row.grant_id,
        )
        if row.prev_hash != prev_hash:
            return (
                False,
                f"Række {row.id}: kæden er brudt (en tidligere række er fjernet eller ændret).",
            )
        if row.row_hash != expected:
            return False, f"Række {row.id}: indholdet er ændret efter registreringen."
        prev_hash = row.row_hash
        count += 1
    return True, f"Adgangsloggen er intakt ({count} rækker)."
