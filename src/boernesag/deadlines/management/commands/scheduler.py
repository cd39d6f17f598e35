"""A small daily scheduler for `make run`: enqueues the daily deadline tasks once per day at
DEADLINE_DAILY_AT (Danish time). In production, cron or a systemd timer may call
`manage.py deadlines_daily` instead; both are idempotent per day."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

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
                time.sleep(30)
        except KeyboardInterrupt:
            pass
