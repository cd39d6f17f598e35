from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Re-seed Demo Kommune (make demo). Only adds what is missing; never deletes."

    def handle(self, *args, **options):
        call_command("demo_seed", stdout=self.stdout)
