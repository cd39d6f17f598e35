from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from boernesag.audit.anchoring import audit_anchor


class Command(BaseCommand):
    help = "Anchor the access log's head outside the database now (a signed checkpoint)."

    def handle(self, *args, **options):
        checkpoint, places = audit_anchor()
        at = timezone.localtime(parse_datetime(checkpoint["at"]))
        self.stdout.write(
            self.style.SUCCESS(
                f"Adgangsloggen er forankret {at:%d.%m.%Y kl. %H:%M}: {checkpoint['count']} "
                f"rækker, nyeste række {checkpoint['head_id'] or 'ingen'}."
            )
        )
        for place in places:
            self.stdout.write(f"  skrevet til {place}")
