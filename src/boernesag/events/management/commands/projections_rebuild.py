from django.core.management.base import BaseCommand, CommandError

from boernesag.events.runs import rebuild_named


class Command(BaseCommand):
    help = (
        "Recompute derived state from the events (every projection, or those named), in "
        "short chunks that never block readers; writes only what differs."
    )

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="projections (default: all)")

    def handle(self, *args, names, **options):
        try:
            rebuild_named(names, out=self.stdout.write)
        except KeyError as exc:
            raise CommandError(exc.args[0]) from None
