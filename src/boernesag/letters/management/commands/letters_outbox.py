"""Advance every letter in the outbox that is due (a retry whose time has come, or a letter
whose task was lost). Idempotent; production may run it from cron every few minutes."""

from django.core.management.base import BaseCommand

from boernesag.letters.outbox import letters_due


class Command(BaseCommand):
    help = "Dan og send de breve i udbakken, der venter og er klar til et nyt forsøg."

    def handle(self, *args, **options):
        moved = letters_due()
        self.stdout.write(f"{moved} brev(e) flyttet videre.")
