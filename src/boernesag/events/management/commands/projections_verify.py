from django.core.management.base import BaseCommand, CommandError

from boernesag.events.runs import verify_named


class Command(BaseCommand):
    help = (
        "Compare stored derived state with what the events give; print the differences and "
        "exit 1 if there are any."
    )

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="projections (default: all)")
        parser.add_argument(
            "--limit", type=int, default=50, help="differences shown per projection"
        )

    def handle(self, *args, names, limit, **options):
        try:
            results = verify_named(names, limit=limit, out=self.stdout.write)
        except KeyError as exc:
            raise CommandError(exc.args[0]) from None
        differences = sum(r.differences for r in results)
        if differences:
            raise CommandError(
                f"{differences} forskelle mellem gemte og beregnede data", returncode=1
            )
        self.stdout.write(self.style.SUCCESS("Alle projektioner stemmer med hændelserne."))
