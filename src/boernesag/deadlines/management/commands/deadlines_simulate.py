import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from boernesag.deadlines.simulate import FILE_MAX_CHARS, SimulationError, parse_json, simulate


class Command(BaseCommand):
    help = (
        "Read a case timeline as JSON (FILE, or - for stdin) and print the clocks the product "
        "would compute, as JSON. A malformed timeline exits 2 naming the line and field. "
        "Format: docs/deadlines.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"kan ikke læse {file}: {exc.strerror}", returncode=2) from None
        try:
            result = simulate(parse_json(text, limit=FILE_MAX_CHARS))
        except SimulationError as exc:
            raise CommandError(f"{Path(file).name}, {exc}", returncode=2) from None
        self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
