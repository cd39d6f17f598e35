"""Run the web server, the django-tasks database worker and the daily scheduler together
(make run).

This process owns the embedded PostgreSQL (when DATABASE_URL is unset): the children get its
URLs in DATABASE_URL (the application role, which owns nothing) and MIGRATION_DATABASE_URL
(the owner role, used only by `migrate`), so they never start or stop it themselves. Ctrl-C
stops both children and then the embedded database, when this process exits.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

MANAGE = str(Path(__file__).resolve().parents[5] / "manage.py")


class Command(BaseCommand):
    help = "Run the web server and a task worker together; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, addrport: str, **options):
        env = dict(os.environ, DATABASE_URL=settings.DATABASE_URL)
        if settings.MIGRATION_DATABASE_URL:
            env["MIGRATION_DATABASE_URL"] = settings.MIGRATION_DATABASE_URL
        procs = [
            subprocess.Popen(
                [sys.executable, MANAGE, "runserver", "--noreload", addrport], env=env
            ),
            subprocess.Popen([sys.executable, MANAGE, "db_worker"], env=env),
            subprocess.Popen([sys.executable, MANAGE, "scheduler"], env=env),
        ]
        self.stdout.write(f"Børnesag kører på http://{addrport}/ – stop med Ctrl-C.")
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while not stopping and all(p.poll() is None for p in procs):
            time.sleep(0.3)
        # Ctrl-C in a terminal already reached the children; give them a moment first.
        self._stop_all(procs, grace=3)
        self.stdout.write("Børnesag er stoppet.")

    def _stop_all(self, procs, grace: float) -> None:
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and any(p.poll() is None for p in procs):
            time.sleep(0.2)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            alive = [p for p in procs if p.poll() is None]
            for proc in alive:
                proc.send_signal(sig)
            for proc in alive:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=10)
