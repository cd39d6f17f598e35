"""Benchmark: each role's front page (issue 20) in a municipality of the largest size.

    .venv/bin/python bench/front_pages.py [--children 15000] [--events-per-case 125] [--repeat 30]

Builds a throw-away database, generates the municipality with ``demo_generate``, and
measures server time (Django test client, median of repeated requests) and the query count
of ``/`` for the busiest caseworker ("Min uge"), the leader of the busiest team and an
intake coordinator. The target: under 100 ms each, with a query count that does not grow
with the data (``tests/test_front_pages.py`` checks the constancy on small data).
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=15000)
    parser.add_argument("--events-per-case", type=int, default=125)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = "bench_boernesag_front_pages"
    old = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from boernesag.accounts.constants import Role
        from boernesag.accounts.models import RoleAssignment, User
        from boernesag.cases.models import Case
        from boernesag.demo.services import demo_organisation_seed
        from boernesag.events.models import Event

        demo_organisation_seed()
        start = time.perf_counter()
        call_command("demo_generate", children=args.children, events_per_case=args.events_per_case)
        generated = time.perf_counter() - start
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"generated {args.children} children, {Case.objects.count()} cases, "
            f"{Event.objects.count()} events in {generated:.0f} s"
        )
        worker = (
            User.objects.annotate(n=Count("cases", filter=None))
            .filter(n__gt=0)
            .order_by("-n")
            .first()
        )
        team_id = (
            Case.objects.open()
            .values("team_id")
            .annotate(n=Count("id"))
            .order_by("-n")[0]["team_id"]
        )
        leader = User.objects.filter(
            role_assignments__role=Role.TEAM_LEADER, role_assignments__unit_id=team_id
        ).first() or (
            User.objects.filter(
                pk__in=RoleAssignment.objects.filter(role=Role.TEAM_LEADER).values("user_id")
            ).first()
        )
        coordinator = User.objects.filter(
            pk__in=RoleAssignment.objects.filter(role=Role.INTAKE_COORDINATOR).values("user_id")
        ).first()
        for label, user in (
            ("caseworker, Min uge", worker),
            ("team leader, Mit team", leader),
            ("intake coordinator, queue", coordinator),
        ):
            if user is None:
                print(f"{label:<45} (no such user in the generated data)")
                continue
            client = Client()
            client.force_login(user)
            median, queries = timed(client, "/", args.repeat)
            print(f"{label:<45} median {median:7.1f} ms   {queries} queries")
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)


if __name__ == "__main__":
    main()
