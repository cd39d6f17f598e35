"""Benchmark: the plan pages in a municipality of the largest size.

    .venv/bin/python bench/plans.py [--children 15000] [--events-per-case 125] [--repeat 30]

Builds a throw-away database, generates the municipality with ``demo_generate``, puts a
large plan on the busiest caseworker's busiest case (40 goals and sub-goals, 20 tasks, 15
versions, 30 letters) and a small one next to it, then measures server time (Django test
client, median of repeated requests) and query counts of every plan page — for the small and
the large plan, so that a growing query count shows — and the time to render a plan letter
as PDF (done by the outbox worker, off the request path).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
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
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402


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


def plan_build(case, worker, *, goals: int, tasks: int, versions: int):
    from boernesag.persons import selectors as people
    from boernesag.plans import services

    plan = services.plan_create(
        case=case,
        kind="child",
        by=worker,
        purpose="Barnet trives i skolen og hjemme.",
        basis="Undersøgelsen viste fravær og uro.",
        expected_duration_months=12,
    )
    today = timezone.localdate()
    tops = []
    for i in range(goals):
        parent = tops[i % len(tops)] if tops and i % 2 else None
        goal = services.goal_add(
            plan=plan,
            by=worker,
            area="school",
            what=f"Mål {i}: barnet møder i skole",
            measure="Fraværslisten",
            due_on=today + timedelta(days=200 - (10 if parent else 0)),
            parent=parent,
        )
        if parent is None:
            tops.append(goal)
    family = people.consent_givers(case)
    for i in range(tasks):
        services.task_add(
            plan=plan,
            by=worker,
            responsible="family" if family else "caseworker",
            person=family[0] if family else None,
            goal=tops[i % len(tops)] if tops else None,
            what=f"Opgave {i}",
        )
    plan.refresh_from_db()
    services.plan_make(plan=plan, by=worker, made_on=today, expected_version=plan.version)
    for n in range(versions - 1):
        plan.refresh_from_db()
        version = services.plan_revise(
            plan=plan,
            by=worker,
            made_on=today,
            changes=f"Revision {n}",
            reason="Statusmøde",
            expected_version=plan.version,
        )
        if family:
            services.plan_send(version=version, by=worker, family=family[:2])
    plan.refresh_from_db()
    return plan


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=15000)
    parser.add_argument("--events-per-case", type=int, default=125)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = "bench_boernesag_plans"
    old = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from boernesag.accounts.models import User
        from boernesag.cases.models import Case
        from boernesag.demo.services import demo_organisation_seed
        from boernesag.events.models import Event
        from boernesag.letters.models import Letter
        from boernesag.letters.services import letter_pdf_render

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
        worker = User.objects.annotate(n=Count("cases")).filter(n__gt=0).order_by("-n").first()
        case = (
            Case.objects.filter(caseworker=worker, closed_at__isnull=True)
            .annotate(n=Count("events"))
            .order_by("-n")
            .first()
        )
        with override_settings(
            TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
        ):
            start = time.perf_counter()
            small = plan_build(case, worker, goals=1, tasks=1, versions=1)
            large = plan_build(case, worker, goals=40, tasks=20, versions=15)
            built = time.perf_counter() - start
        print(f"plans built through the services in {built:.1f} s ({case.events.count()} events)")
        client = Client()
        client.force_login(worker)
        for label, plan in (("small plan", small), ("large plan", large)):
            pages = [
                ("case's plans", reverse("plans:plans", args=[case.pk])),
                ("plan page", reverse("plans:plan", args=[case.pk, plan.pk])),
                (
                    "goal page",
                    reverse("plans:goal", args=[case.pk, plan.pk, plan.goals.first().pk]),
                ),
                ("who does what (form)", reverse("plans:task_add", args=[case.pk, plan.pk])),
                ("new version (form)", reverse("plans:version_new", args=[case.pk, plan.pk])),
                (
                    "current version",
                    reverse("plans:version", args=[case.pk, plan.pk, plan.current_number]),
                ),
                ("send", reverse("plans:send", args=[case.pk, plan.pk, plan.current_number])),
            ]
            for page, url in pages:
                median, queries = timed(client, url, args.repeat)
                print(f"{label + ', ' + page:<45} median {median:7.1f} ms   {queries} queries")
        letter = Letter.objects.filter(kind="plan").order_by("-id").first()
        if letter is not None:
            samples = []
            for _ in range(5):
                start = time.perf_counter()
                letter_pdf_render(letter)
                samples.append((time.perf_counter() - start) * 1000)
            print(
                f"{'plan letter PDF (40 goals), outbox worker':<45} median "
                f"{statistics.median(samples):7.1f} ms"
            )
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)


if __name__ == "__main__":
    main()
