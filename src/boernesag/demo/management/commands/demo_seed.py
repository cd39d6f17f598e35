from django.core.management.base import BaseCommand

from boernesag.accounts.models import Municipality
from boernesag.demo.access import demo_access_changes_seed
from boernesag.demo.closure import demo_closure_seed
from boernesag.demo.management.commands.demo_logins import print_logins
from boernesag.demo.services import (
    demo_casework_seed,
    demo_catalogue,
    demo_decisions,
    demo_organisation_seed,
)


class Command(BaseCommand):
    help = "Create Demo Kommune with its organisation and demo users (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only seed when the database has no municipality yet (used by make run).",
        )
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print logins.")

    def handle(self, *args, if_empty: bool, quiet_logins: bool, **options):
        if if_empty and Municipality.objects.exists():
            self.stdout.write("Databasen har allerede en kommune; demodata oprettes ikke.")
            return
        created = demo_organisation_seed()
        # the catalogue first: case histories name its providers (plans: who does what)
        created.update(demo_catalogue())
        created.update(demo_casework_seed())
        created.update(demo_access_changes_seed())
        created.update(demo_decisions())
        # closed cases (through the checklist), a reopened one, youth steps (docs/closure.md)
        created.update(demo_closure_seed())
        summary = ", ".join(f"{key}: {count}" for key, count in created.items())
        self.stdout.write(self.style.SUCCESS(f"Demo Kommune er klar (oprettet {summary})."))
        if not quiet_logins:
            print_logins(self.stdout)
