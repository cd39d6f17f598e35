from datetime import datetime, time

from django.conf import settings
from django.db import IntegrityError, transaction

from boernesag.deadlines.models import ScheduledRun

DAILY = "deadlines_daily"


def run_daily_if_due(*, now: datetime, ignore_time: bool = False) -> bool:
    """Enqueue the daily tasks if it is past DEADLINE_DAILY_AT and they have not been
    enqueued today. Returns True if they were enqueued now."""
    hour, minute = (int(x) for x in settings.DEADLINE_DAILY_AT.split(":"))
    if not ignore_time and now.time() < time(hour, minute):
        return False
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(name=DAILY, day=now.date())
            from boernesag.deadlines.tasks import deadlines_escalate, deadlines_send_digests

            transaction.on_commit(deadlines_escalate.enqueue)
            transaction.on_commit(deadlines_send_digests.enqueue)
            from boernesag.lib.tasks import lib_housekeeping  # orphaned uploads, counters

            transaction.on_commit(lib_housekeeping.enqueue)
    except IntegrityError:
        return False
    return True
