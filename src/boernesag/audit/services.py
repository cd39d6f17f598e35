"""Writing the access log. (Reasoned access grants and their reviews: cases.services.)"""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from boernesag.audit.chain import GENESIS, current_key, keyed_digest, row_fields
from boernesag.audit.models import AccessLogEntry
from boernesag.audit.verify import VerifyReport
from boernesag.audit.verify import access_log_verify as verify_report

# Any constant: serialises appends to the chain across processes.
_CHAIN_LOCK_KEY = 0x0B0E5A6


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

    Rows form a keyed chain (``audit.chain``): each stores the previous row's hash and an
    HMAC of its own content with the audit key, which is not in the database. An advisory
    lock held to the end of the transaction keeps the chain linear when many processes
    write at once."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    prev = AccessLogEntry.objects.order_by("-id").values_list("row_hash", flat=True).first()
    key = current_key()
    entry = AccessLogEntry(
        at=timezone.now(),
        user_id=user.pk,
        child_id=child_id,
        case_id=case_id,
        what=what,
        object_ref=str(object_ref),
        reason=reason,
        grant_id=grant_id,
        prev_hash=prev or GENESIS,
        key_id=key.key_id,
    )
    entry.row_hash = keyed_digest(row_fields(entry), key)
    entry.save(force_insert=True)
    return entry


def access_log_verify() -> VerifyReport:
    """Check the chain, the anchors outside the database and the guards (``audit.verify``)."""
    return verify_report()
