"""The audit trail's daily jobs, run by the scheduler of ``make run``
(``deadlines/management/commands/scheduler.py``) or by cron with ``manage.py audit_daily``.

Daily at ``AUDIT_DAILY_AT``: anchor the access log's head outside the database, and prune
login attempts older than ``LOGIN_ATTEMPT_RETENTION_DAYS``. Once per day (a unique
``DailyRun`` row); a late start catches up the same day.
"""

from __future__ import annotations

from datetime import datetime, time

from django.conf import settings
from django.db import IntegrityError, transaction

from boernesag.audit.models import DailyRun

DAILY = "audit_daily"


def audit_daily_if_due(*, now: datetime, ignore_time: bool = False) -> bool:
    """Enqueue the daily audit task if it is past AUDIT_DAILY_AT and has not run today."""
    hour, minute = (int(x) for x in settings.AUDIT_DAILY_AT.split(":"))
    if not ignore_time and now.time() < time(hour, minute):
        return False
    try:
        with transaction.atomic():
            DailyRun.objects.create(name=DAILY, day=now.date())
            from boernesag.audit.tasks import audit_daily

            transaction.on_commit(audit_daily.enqueue)
    except IntegrityError:
        return False
    return True
