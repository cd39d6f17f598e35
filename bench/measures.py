"""The case page with measures at the largest municipality's size (issue 13, performance):
server time and query counts of the case page, its measures panel (the HTMX include), the
measure page and the measures tab, for one case with 5 measures, 20 follow-ups scoring the
plan's goals and 300 events. Target: the case page under 150 ms server time with constant
queries.

    .venv/bin/python bench/measures.py [--children 15000]

Builds a throw-away database: Demo Kommune's organisation and catalogue, ``children``
children in bulk (as bench/casework.py), and one case worked through the services: a made
plan with 4 goals, 5 granted decisions, 5 measures started from them, 20 follow-ups (4 per
measure) with a score for every goal, and journal notes up to 300 events. Prints figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boernesag.conf.settings_test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

MEASURES = 5
FOLLOW_UPS_PER_MEASURE = 4
GOALS = 4
EVENTS = 300


def timed(client, url, repeat=30):
    client.get(url)
    timings = []
    for _ in range(repeat):
        began = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], len(ctx)


def rich_case():
    """One case through the services (see the module's docstring)."""
    from boernesag.accounts.models import User
    from boernesag.cases.models import Case
    from boernesag.cases.services import journal_write
    from boernesag.catalogue.models import LegalSection, Rate, Service
    from boernesag.decisions import services as decisions
    from boernesag.events.models import Event
    from boernesag.measures import services
    from boernesag.persons import selectors as people
    from boernesag.plans import services as plans

    mette = User.objects.get(email__startswith="mette.hansen")
    lone = User.objects.get(email__startswith="lone.mikkelsen")
    case = next(
        c
        for c in Case.objects.open().filter(caseworker=mette).select_related("child")
        if people.custody_holders(c.child)
    )
    today = timezone.localdate()
    plan = plans.plan_create(
        case=case, kind="child", by=mette, purpose="Trivsel", expected_duration_months=12
    )
    for i in range(GOALS):
        plans.goal_add(
            plan=plan,
            by=mette,
            area="school",
            what=f"Mål {i + 1}",
            measure="Skolen",
            due_on=today + timedelta(days=200),
        )
    plan.refresh_from_db()
    plans.plan_make(plan=plan, by=mette, made_on=today, expected_version=plan.version)
    family = Service.objects.get(versions__name="Familiebehandling i hjemmet")
    rate = Rate.objects.filter(service=family, unit="hour").select_related("provider").first()
    provider = rate.provider if rate else family.providers.first()
    s32 = LegalSection.objects.get(law="BL", paragraph="§ 32")
    version = family.current_version
    hours = version.min_hours or 2
    measures = []
    for _ in range(MEASURES):
        d = decisions.decision_create(
            case=case,
            by=mette,
            kind="support",
            outcome="grant",
            service=family,
            provider=provider,
            hours_per_week=hours,
            starts_on=today,
            duration_weeks=version.min_weeks or 26,
            purpose="Formål",
            reasons="Begrundelse",
            child_view="Barnets synspunkter",
            plan_needed=True,
            plan=plan,
            yearly_cost=Decimal(100_000),
            legal_sections=[s32],
        )
        d = decisions.decision_decide(decision=d, by=mette, expected_version=d.version)
        if d.status == "awaiting_approval":
            decisions.decision_approve(decision=d, by=lone, approved=True, reasons="Ok")
            d.refresh_from_db()
        unit = services.default_unit(decision=d, provider=provider, on=today)
        measures.append(
            services.measure_start(
                case=case,
                decision=d,
                by=mette,
                starts_on=today,
                volume=Decimal(hours),
                volume_unit=unit,
            ).measure
        )
    for measure in measures:
        _, goals = services.plan_goals(measure)
        for _ in range(FOLLOW_UPS_PER_MEASURE):
            f = services.follow_up_plan(
                measure=measure, by=mette, held_at=timezone.now(), agenda="Status"
            )
            services.follow_up_record(
                follow_up=f,
                by=mette,
                expected_version=f.version,
                held_on=today,
                decision="continue",
                scores={g.pk: (3, "") for g in goals},
                next_follow_up_on=today + timedelta(days=90),
                interval_reasons="Fast",
                child_talked_on=today,
                child_view="Godt",
            )
    n = Event.objects.filter(case=case).count()
    for i in range(max(EVENTS - n, 0)):
        journal_write(
            case=case,
            author=mette,
            kind="note",
            title=f"Notat {i}",
            text="Samtale med skolen.",
            occurred_on=today,
        )
    return case, measures[0], mette, Event.objects.filter(case=case).count()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=15_000)
    args = parser.parse_args()
    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = "bench_boernesag_measures"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from boernesag.demo.casework import generate
        from boernesag.demo.services import demo_catalogue, demo_organisation_seed

        demo_organisation_seed()
        demo_catalogue()
        began = time.perf_counter()
        generate(children=args.children)
        print(f"{args.children} children generated in {time.perf_counter() - began:.0f} s")
        began = time.perf_counter()
        case, measure, mette, events = rich_case()
        print(
            f"one case with {MEASURES} measures, {MEASURES * FOLLOW_UPS_PER_MEASURE} follow-ups, "
            f"{GOALS} goals and {events} events in {time.perf_counter() - began:.0f} s"
        )
        print(f"Measure pages on PostgreSQL {connection.pg_version}")
        client = Client()
        client.force_login(mette)
        rows = [
            ("case page", f"/sager/{case.pk}/"),
            ("measures panel (case page include)", f"/sager/{case.pk}/indsatser/overblik/"),
            ("measures tab", f"/sager/{case.pk}/indsatser/"),
            ("measure page (4 follow-ups)", f"/sager/{case.pk}/indsatser/{measure.pk}/"),
        ]
        for label, url in rows:
            median, p95, queries = timed(client, url)
            print(f"{label:<44} median {median:7.1f} ms   p95 {p95:7.1f} ms   {queries} queries")
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
