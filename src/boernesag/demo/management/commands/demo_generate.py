import time

from django.core.management.base import BaseCommand

from boernesag.demo.casework import generate
from boernesag.demo.services import demo_organisation_seed, staff_scale


class Command(BaseCommand):
    help = (
        "Generate a large municipality for benchmarks: N children with families, cases and "
        "timelines, inserted in bulk (adds to what exists)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, required=True)
        parser.add_argument(
            "--events-per-case",
            type=int,
            default=0,
            help="Extra events per case (125 gives ~1.5 million at 15,000).",
        )
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, children: int, events_per_case: int, seed: int, **options):
        demo_organisation_seed()
        started = time.perf_counter()
        added = staff_scale(children=children)
        if added:
            self.stdout.write(f"{added} ekstra sagsbehandlere oprettet (ca. 35 børn hver).")
        counts = generate(children=children, seed=seed, events_per_case=events_per_case)
        seconds = time.perf_counter() - started
        from boernesag.events.runs import rebuild_named

        started = time.perf_counter()
        rebuild_named(out=self.stdout.write)  # phase, responsibility, clocks from the events
        self.stdout.write(f"Afledte data beregnet på {time.perf_counter() - started:.1f} s.")
        summary = ", ".join(f"{k}: {v}" for k, v in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Genereret på {seconds:.1f} s ({summary})."))
