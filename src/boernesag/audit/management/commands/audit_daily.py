from django.core.management.base import BaseCommand

from boernesag.audit.tasks import audit_daily


class Command(BaseCommand):
    help = (
        "The audit trail's daily jobs now (anchor the access log, prune old login attempts); "
        "for cron or a systemd timer when the built-in scheduler is not used."
    )

    def handle(self, *args, **options):
        result = audit_daily.call()
        self.stdout.write(
            f"Adgangsloggen er forankret (nyeste række {result['anchored_head'] or 'ingen'}); "
            f"{result['pruned']} gamle loginforsøg er slettet."
        )
