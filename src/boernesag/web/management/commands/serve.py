"""Run the web server and the django-tasks database worker together (make run).

Ctrl-C stops both; the embedded PostgreSQL (if used) stops when the last process using
it has exited.
"""

import signal
import subprocess
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand

MANAGE = str(Path(__file__).resolve().parents[5] / "manage.py")


class Command(BaseCommand):
    help = "Run the web server and a task worker together; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, addrport: str, **options):
        procs = [
            subprocess.Popen([sys.executable, MANAGE, "runserver", "--noreload", addrport]),
            subprocess.Popen([sys.executable, MANAGE, "db_worker"]),
        ]
        self.stdout.write(f"Børnesag kører på http://{addrport}/ – stop med Ctrl-C.")
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while not stopping and all(p.poll() is None for p in procs):
            time.sleep(0.5)
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.stdout.write("Børnesag er stoppet.")
