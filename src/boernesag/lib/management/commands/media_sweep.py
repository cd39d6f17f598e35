"""Remove uploaded files that no database row refers to (see lib/media.py)."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from boernesag.lib.media import media_sweep, upload_dirs


class Command(BaseCommand):
    help = "Fjern uploadede filer uden databaserække (ældre end karensperioden)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace-hours",
            type=int,
            default=None,
            help="Karensperiode i timer (standard: MEDIA_SWEEP_GRACE_HOURS).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Tæl kun, slet intet.")

    def handle(self, *args, grace_hours, dry_run, **options):
        grace = timedelta(hours=grace_hours) if grace_hours is not None else None
        result = media_sweep(grace=grace, dry_run=dry_run)
        verb = "ville blive fjernet" if dry_run else "fjernet"
        self.stdout.write(
            f"Mapper: {', '.join(upload_dirs())}. {result.checked} filer kontrolleret, "
            f"{result.removed} filer uden databaserække {verb}."
        )
