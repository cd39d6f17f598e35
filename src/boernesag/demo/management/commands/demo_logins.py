from django.core.management.base import BaseCommand

from boernesag.demo.data import DEMO_PASSWORD
from boernesag.demo.services import demo_logins


def print_logins(out) -> None:
    out.write("")
    out.write(f"Demo-logins (adgangskode for alle: {DEMO_PASSWORD})")
    for role, name, email in demo_logins():
        out.write(f"  {role:<34} {name:<22} {email}")
    out.write("")


class Command(BaseCommand):
    help = "Print the demo users' logins."

    def handle(self, *args, **options):
        print_logins(self.stdout)
