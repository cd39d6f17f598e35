from django.core.management.base import BaseCommand
from django.utils import timezone

from boernesag.deadlines.scheduling import run_daily_if_due


class Command(BaseCommand):
    help = "Enqueue today's escalation and digest tasks (once per day; safe to repeat)."

    def handle(self, *args, **options):
        if run_daily_if_due(now=timezone.localtime(), ignore_time=True):
            self.stdout.write("Daglige frist-opgaver sat i kø.")
        else:
            self.stdout.write("Dagens frist-opgaver er allerede sat i kø.")
