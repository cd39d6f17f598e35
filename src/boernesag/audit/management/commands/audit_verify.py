from django.core.management.base import BaseCommand, CommandError

from boernesag.audit.services import access_log_verify


class Command(BaseCommand):
    help = "Verify the access log's hash chain; exits non-zero if a row was altered or removed."

    def handle(self, *args, **options):
        ok, message = access_log_verify()
        if not ok:
            raise CommandError(message)
        self.stdout.write(self.style.SUCCESS(message))
