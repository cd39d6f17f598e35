"""A small daily scheduler for `make run`: enqueues the daily deadline tasks once per day at
DEADLINE_DAILY_AT and the audit trail's daily task (anchor, pruning) at AUDIT_DAILY_AT
(Danish time). In production, cron or a systemd timer may call `manage.py deadlines_daily`
and `manage.py audit_daily` instead; all are idempotent per day."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from boernesag.audit.scheduling import audit_daily_if_due
from boernesag.deadlines.scheduling import run_daily_if_due


class Command(BaseCommand):
    help = "Enqueue the daily deadline tasks at DEADLINE_DAILY_AT; runs until stopped."

    def handle(self, *args, **options):
        self.stdout.write(
            f"Planlægger kører: daglige frist-opgaver kl. {settings.DEADLINE_DAILY_AT}."
        )
        try:
            while True:
                if run_daily_if_due(now=timezone.localtime()):
                    self.stdout.write("Daglige frist-opgaver sat i kø.")
                if audit_daily_if_due(now=timezone.localtime()):
                    self.stdout.write("Forankring af adgangsloggen sat i kø.")
                time.sleep(30)
        except KeyboardInterrupt:
            pass
