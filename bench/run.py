"""Benchmarks: print figures; not timed tests. Run with `make bench`.

Builds a throw-away benchmark database (like the test runner does), seeds Demo Kommune and
measures server time per request with Django's test client (no network in the figure).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boernesag.conf.settings_test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def measure(label: str, fn, repeat: int = 200) -> None:
    fn()  # warm up
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    median = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"{label:<40} median {median:7.2f} ms   p95 {p95:7.2f} ms   {1000 / median:7.0f} req/s")


def main() -> None:
    from bench.cases import BENCHMARKS

    setup_test_environment()
    # never the test suite's database: benchmarks and tests may run at the same time
    connection.settings_dict["TEST"]["NAME"] = "bench_boernesag"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from boernesag.demo.services import demo_organisation_seed

        demo_organisation_seed()
        db = connection.settings_dict["NAME"]
        print(f"Benchmarks on PostgreSQL {connection.pg_version}, database {db}")
        for label, factory, repeat in BENCHMARKS:
            measure(label, factory(Client()), repeat)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
