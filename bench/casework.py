"""Benchmark: "Mine sager" and the case page in a municipality of the largest size.

    .venv/bin/python bench/casework.py [--children 15000] [--events-per-case 125]

Builds a throw-away database, generates the municipality with ``demo_generate`` (timed),
then measures server time (Django test client, median of repeated requests) and query
counts for "Mine sager" and the case page of a typical caseworker.
"""

from __future__ import annotations

import argparse
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

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def timed(client, url, repeat):
    client.get(url)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return statistics.median(samples), len(ctx.captured_queries)


def deadline_figures(case, worker, repeat):
    """Clock overhead per event, projections rebuild/verify, the quarterly compliance view,
    and a page's latency while a local standard is recomputed in the background."""
    from django.db import transaction

    from boernesag.deadlines.selectors import compliance_table, current_period
    from boernesag.events import catalogue as ev
    from boernesag.events.services import event_write

    def service_call(make):
        samples = []
        for _ in range(repeat):
            with transaction.atomic():
                start = time.perf_counter()
                event_write(make(), case=case, actor=worker)
                samples.append((time.perf_counter() - start) * 1000)
                transaction.set_rollback(True)
        return statistics.median(samples)

    plain = service_call(lambda: ev.DocumentAdded(document_kind="other"))  # no rule reacts
    with_clocks = service_call(ev.AssessmentStarted)  # opens a clock (and re-reads the case)
    print(f"{'event without clocks (event_write)':<45} median {plain:7.1f} ms")
    print(
        f"{'event that opens a clock':<45} median {with_clocks:7.1f} ms "
        f"(clock overhead {with_clocks - plain:.1f} ms)"
    )
    devnull = open(os.devnull, "w")  # noqa: SIM115
    start = time.perf_counter()
    call_command("projections_rebuild", stdout=devnull)
    print(
        f"{'projections_rebuild, all (nothing to change)':<45} {time.perf_counter() - start:7.1f} s"
    )
    from boernesag.deadlines.models import Clock

    Clock.objects.all().delete()  # derived: rebuild must write every clock again
    start = time.perf_counter()
    call_command("projections_rebuild", "clocks", stdout=devnull)
    print(
        f"{'projections_rebuild clocks (from none)':<45} {time.perf_counter() - start:7.1f} s "
        f"({Clock.objects.count()} clocks)"
    )
    start = time.perf_counter()
    call_command("projections_verify", stdout=devnull)
    print(f"{'projections_verify, all':<45} {time.perf_counter() - start:7.1f} s")
    period = current_period("quarter")
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        compliance_table(period=period, group="team")
        samples.append((time.perf_counter() - start) * 1000)
    print(
        f"{'quarterly compliance, whole municipality':<45} median "
        f"{statistics.median(samples):7.1f} ms"
    )
    client = Client()
    from boernesag.accounts.models import User as U

    client.force_login(U.objects.get(email="susanne.brandt@demo-kommune.dk"))
    median, queries = timed(client, "/frister/lovoverholdelse/", 5)
    print(f"{'compliance page (manager)':<45} median {median:7.1f} ms   {queries} queries")
    local_standard_under_load(case, worker)


def local_standard_under_load(case, worker):
    """Set a local standard (the recompute runs in a thread, as the task worker would) and
    measure a caseworker's pages while it runs."""
    import threading
    from datetime import date

    from django.db import connections
    from django.test import override_settings
    from django.utils import timezone

    from boernesag.accounts.models import User as U
    from boernesag.deadlines import services

    client = Client()
    client.force_login(worker)
    urls = ["/frister/mine/", f"/sager/{case.pk}/", f"/frister/sag/{case.pk}/"]

    def sample(seconds: float | None = None, count: int = 30):
        timings, until = [], time.perf_counter() + (seconds or 0)
        while (seconds and time.perf_counter() < until) or (not seconds and len(timings) < count):
            for url in urls:
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (url, response.status_code)
        return timings

    before = sample(count=10)
    admin = U.objects.get(email="kirsten.madsen@demo-kommune.dk")
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    ):
        standard = services.local_standard_set(
            rule_key="measure_follow_up",
            amount=2,
            unit="months",
            valid_from=date(timezone.localdate().year - 3, 1, 1),
            reason="Benchmark: opfølgning efter 2 måneder",
            by=admin,
        )
    result = {}

    def recompute():
        started = time.perf_counter()
        result["changed"] = services.local_standard_recompute(standard_id=standard.pk)
        result["seconds"] = time.perf_counter() - started
        connections.close_all()

    thread = threading.Thread(target=recompute)
    thread.start()
    during = []
    while thread.is_alive():
        during.extend(sample(seconds=1))
    thread.join()
    standard.refresh_from_db()
    print(
        f"{'local standard recompute (background)':<45} {result['seconds']:7.1f} s, "
        f"{standard.recompute_total} cases, {result['changed']} changed"
    )
    for label, values in (("before", before), ("during", during)):
        values.sort()
        print(
            f"{'  caseworker pages, ' + label:<45} median {statistics.median(values):7.1f} ms   "
            f"p95 {values[int(len(values) * 0.95) - 1]:7.1f} ms   max {values[-1]:7.1f} ms "
            f"({len(values)} requests)"
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=15000)
    parser.add_argument("--events-per-case", type=int, default=125)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    setup_test_environment()
    # never the test suite's database: benchmarks and tests may run at the same time
    connection.settings_dict["TEST"]["NAME"] = "bench_boernesag"
    old = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from boernesag.accounts.models import User
        from boernesag.cases.models import Case
        from boernesag.demo.services import demo_organisation_seed
        from boernesag.events.models import Event

        demo_organisation_seed()
        start = time.perf_counter()
        call_command("demo_generate", children=args.children, events_per_case=args.events_per_case)
        generated = time.perf_counter() - start
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        cases, events = Case.objects.count(), Event.objects.count()
        print(
            f"generated {args.children} children, {cases} cases, {events} events "
            f"in {generated:.0f} s"
        )
        worker = User.objects.annotate(n=Count("cases")).filter(n__gt=0).order_by("-n").first()
        client = Client()
        client.force_login(worker)
        case = (
            Case.objects.filter(caseworker=worker)
            .annotate(n=Count("events"))
            .order_by("-n")
            .first()
        )
        for label, url in [
            (
                f"Mine sager ({worker.cases.filter(closed_at__isnull=True).count()} open cases)",
                "/sager/mine/",
            ),
            (f"case page ({case.events.count()} events)", f"/sager/{case.pk}/"),
            ("case journal", f"/sager/{case.pk}/journal/"),
        ]:
            median, queries = timed(client, url, args.repeat)
            print(f"{label:<45} median {median:7.1f} ms   {queries} queries")
        deadline_figures(case, worker, args.repeat)
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)


if __name__ == "__main__":
    main()
