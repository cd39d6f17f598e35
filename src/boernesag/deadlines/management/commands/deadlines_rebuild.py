from django.core.management.base import BaseCommand

from boernesag.events.runs import rebuild_named


class Command(BaseCommand):
    help = (
        "Recompute every deadline clock from the events. Alias for "
        "`projections_rebuild clocks organisation_clocks`."
    )

    def handle(self, *args, **options):
        rebuild_named(["clocks", "organisation_clocks"], out=self.stdout.write)
