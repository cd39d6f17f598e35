"""Benchmark: the investigation page and the plan editor in a generated municipality.

    .venv/bin/python bench/assessments.py [--children 15000] [--events-per-case 125]
                                          [--activities 40]

Builds a throw-away database, generates the municipality with ``demo_generate``, gives the
busiest caseworker's case with the most events an investigation through the services (the
§ 20 decision, ``--activities`` activities recorded — a third of them statements — and every
section written), then measures server time (Django test client, median of repeated requests)
and query counts of the investigation page and the plan editor.
"""

from __future__ import annotations

import argparse
import os
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
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.casework import timed  # noqa: E402


def investigation(case, worker, activities: int):
    from boernesag.assessments import services
    from boernesag.assessments.constants import ActivityKind, ConsentRoute, LegalBasis
    from boernesag.persons.services import person_create, relation_add

    aware = None if services.running_start(case) else timezone.now() - timedelta(days=30)
    a = services.assessment_decide(
        case=case,
        by=worker,
        decided_on=timezone.localdate() - timedelta(days=20),
        legal_basis=LegalBasis.BL_20_2,
        reasons="Benchmark",
        consent_route=ConsentRoute.WITHOUT_CONSENT,
        without_consent_reasons="Benchmark",
        aware_at=aware,
    )
    teacher = person_create(cpr=None, first_name="Bench", last_name="Lærer", is_test=True)
    relation_add(
        child=case.child,
        person=teacher,
        kind="professional",
        professional_role="school",
        by=worker,
        case=case,
    )
    for i in range(activities):
        statement = i % 3 == 0
        activity = services.activity_add(
            assessment=a,
            by=worker,
            kind=ActivityKind.STATEMENT if statement else ActivityKind.HOME_VISIT,
            planned_on=a.decided_on,
            statement_source="school" if statement else "",
            person=teacher if statement else None,
            answer_by=timezone.localdate() + timedelta(days=14) if statement else None,
        )
        services.activity_record(
            activity=activity,
            by=worker,
            expected_version=activity.version,
            held=True,
            held_on=timezone.localdate(),
            summary="Observation " * 40,
            source="Kilde",
        )
    for section in a.sections.all():
        services.section_save(
            section=section, by=worker, expected_version=section.version, text="Tekst " * 300
        )
    return a


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=15000)
    parser.add_argument("--events-per-case", type=int, default=125)
    parser.add_argument("--activities", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = "bench_boernesag_assessments"
    old = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from boernesag.accounts.models import User
        from boernesag.cases.models import Case
        from boernesag.demo.services import demo_organisation_seed

        demo_organisation_seed()
        start = time.perf_counter()
        call_command("demo_generate", children=args.children, events_per_case=args.events_per_case)
        print(f"generated {args.children} children in {time.perf_counter() - start:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        worker = User.objects.annotate(n=Count("cases")).filter(n__gt=0).order_by("-n").first()
        case = (
            Case.objects.filter(caseworker=worker, closed_at__isnull=True)
            .annotate(n=Count("events"))
            .order_by("-n")
            .first()
        )
        a = investigation(case, worker, args.activities)
        client = Client()
        client.force_login(worker)
        base = f"/sager/{case.pk}/undersoegelse/{a.pk}/"
        for label, url in [
            (f"investigation page ({args.activities} activities, 8 sections)", base),
            ("plan editor", base + "plan/"),
        ]:
            median, queries = timed(client, url, args.repeat)
            print(f"{label:<50} median {median:7.1f} ms   {queries} queries")
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)


if __name__ == "__main__":
    main()
