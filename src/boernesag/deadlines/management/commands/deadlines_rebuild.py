import time

from django.core.management.base import BaseCommand

from boernesag.deadlines.engine import rebuild_all


class Command(BaseCommand):
    help = "Recompute every deadline clock from the case events (gives identical clocks)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        total = rebuild_all()
        self.stdout.write(
            self.style.SUCCESS(
                f"{total} frister genberegnet på {time.perf_counter() - started:.1f} s."
            )
        )
