from django.core.management.base import BaseCommand, CommandError

from boernesag.audit.services import access_log_verify


class Command(BaseCommand):
    help = (
        "Verify the access log: the keyed chain, the anchors outside the database and the "
        "append-only guards. Exits non-zero when anything is wrong; says up to which anchor "
        "the log is proven intact."
    )

    def handle(self, *args, **options):
        report = access_log_verify()
        if not report.ok:
            raise CommandError(report.message)
        self.stdout.write(self.style.SUCCESS(report.message))
