"""Decision pages at the largest municipality's size, and the decision letter's PDF
(issue 12, performance): server time and query counts of the decision tab, a decision page,
an appeal page, the approval queue and the appeals overview; the time to render one decision
letter to PDF (done by the outbox worker after commit, never in the request).

    .venv/bin/python bench/decisions.py [--children 15000]

Builds a throw-away database: Demo Kommune's organisation and catalogue, ``children``
children in bulk (as bench/casework.py), about one decision per open case in bulk (3 % of
them appealed, with every status and ruling), and one case whose decisions are written
through the services with hearings, approvals, letters and appeals. Prints figures.
"""

from __future__ import annotations

import argparse
import os
import random
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

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402


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


def bulk_decisions(rng) -> tuple[int, int]:
    from boernesag.accounts.models import User
    from boernesag.cases.models import Case
    from boernesag.catalogue.models import Service
    from boernesag.decisions.models import Appeal, Decision

    services = list(Service.objects.all()[:10])
    admin = User.objects.order_by("pk").first()
    now = timezone.now()
    decisions = []
    for case in Case.objects.open().only("pk", "child_id").iterator():
        kind = rng.choices(
            ["support", "placement_with_consent", "placement_without_consent"], [85, 12, 3]
        )[0]
        decisions.append(
            Decision(
                case_id=case.pk,
                kind=kind,
                outcome="grant" if rng.random() < 0.85 else "refusal",
                status="sent",
                service=rng.choice(services),
                reasons="Begrundelse",
                purpose="Formål",
                child_view="Barnets synspunkter",
                committee=kind == "placement_without_consent",
                decided_at=now - timedelta(days=rng.randint(1, 700)),
                sent_at=now - timedelta(days=rng.randint(1, 700)),
                created_by=admin,
            )
        )
    Decision.objects.bulk_create(decisions, batch_size=2000)
    appeals = []
    statuses = ["received", "changed", "forwarded", "ruled"]
    for decision in Decision.objects.filter(status="sent").iterator():
        if rng.random() > 0.03:
            continue
        status = rng.choice(statuses)
        forwarded = status in ("forwarded", "ruled")
        appeals.append(
            Appeal(
                case_id=decision.case_id,
                decision=decision,
                received_on=timezone.localdate() - timedelta(days=rng.randint(1, 300)),
                appellant_id=Case.objects.only("child_id").get(pk=decision.case_id).child_id,
                content="Klage",
                late=rng.random() < 0.05,
                status=status,
                registered_by=admin,
                forwarded_on=timezone.localdate() if forwarded else None,
                ruling=rng.choice(["upheld", "changed", "set_aside", "sent_back"])
                if status == "ruled"
                else "",
            )
        )
    Appeal.objects.bulk_create(appeals, batch_size=2000)
    return len(decisions), len(appeals)


def rich_case(rng):
    """One case through the services: 12 decisions, 6 hearings, 6 approvals, letters to
    two parties each, 4 appeals."""
    from boernesag.accounts.models import User
    from boernesag.cases.models import Case
    from boernesag.catalogue.models import LegalSection, Service
    from boernesag.decisions import services
    from boernesag.persons import selectors as people

    mette = User.objects.get(email__startswith="mette.hansen")
    lone = User.objects.get(email__startswith="lone.mikkelsen")
    case = next(
        c
        for c in Case.objects.open().filter(caseworker=mette).select_related("child")
        if people.custody_holders(c.child)
    )
    family = Service.objects.get(versions__name="Familiebehandling i hjemmet")
    provider = family.providers.first()
    s32 = LegalSection.objects.get(law="BL", paragraph="§ 32")
    base = dict(
        kind="support",
        outcome="grant",
        service=family,
        provider=provider,
        hours_per_week=4,
        starts_on=timezone.localdate() + timedelta(days=7),
        duration_weeks=26,
        purpose="Formål",
        reasons="Begrundelse",
        child_view="Barnets synspunkter",
        plan_needed=True,
        legal_sections=[s32],
    )
    last = None
    for i in range(12):
        hours = 8 if i % 2 else 4
        d = services.decision_create(case=case, by=mette, **{**base, "hours_per_week": hours})
        if i % 2 == 0:
            h = services.hearing_send(
                decision=d,
                by=mette,
                answer_due=timezone.localdate() + timedelta(days=10),
                information="Oplysninger",
            )
            services.hearing_answer(
                hearing=h, by=mette, answered_on=timezone.localdate(), answer="Svar"
            )
        d.refresh_from_db()
        d = services.decision_decide(decision=d, by=mette, expected_version=d.version)
        if i % 2:
            services.decision_approve(decision=d, by=lone, approved=True, reasons="Ok")
            d.refresh_from_db()
        services.decision_send(decision=d, by=mette)
        if i < 4:
            services.appeal_register(
                decision=d,
                by=mette,
                received_on=timezone.localdate(),
                appellant=people.parties(case)[0],
                content="Klage",
            )
        last = d
    return case, last, mette, lone


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=15_000)
    args = parser.parse_args()
    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = "bench_boernesag_decisions"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from boernesag.decisions.models import DecisionLetter
        from boernesag.demo.casework import generate
        from boernesag.demo.services import demo_catalogue, demo_organisation_seed
        from boernesag.letters.services import letter_pdf_render

        rng = random.Random(12)
        demo_organisation_seed()
        demo_catalogue()
        began = time.perf_counter()
        generate(children=args.children)
        print(f"{args.children} children generated in {time.perf_counter() - began:.0f} s")
        began = time.perf_counter()
        n_decisions, n_appeals = bulk_decisions(rng)
        print(
            f"{n_decisions} decisions and {n_appeals} appeals in bulk in "
            f"{time.perf_counter() - began:.0f} s"
        )
        case, decision, mette, lone = rich_case(rng)
        appeal = decision.case.decisions.filter(appeals__isnull=False).first().appeals.first()
        print(f"Decision pages on PostgreSQL {connection.pg_version}")
        caseworker, leader = Client(), Client()
        caseworker.force_login(mette)
        leader.force_login(lone)
        rows = [
            ("decision tab (12 decisions)", caseworker, f"/sager/{case.pk}/afgoerelser/"),
            ("decision page", caseworker, f"/sager/{case.pk}/afgoerelser/{decision.pk}/"),
            ("new decision form", caseworker, f"/sager/{case.pk}/afgoerelser/ny/"),
            ("appeal page", caseworker, f"/sager/{case.pk}/klager/{appeal.pk}/"),
            ("approval queue (team leader)", leader, "/afgoerelser/godkendelse/"),
            (f"appeals overview ({n_decisions} decisions)", leader, "/afgoerelser/klager/"),
            ("authority matrix", caseworker, "/afgoerelser/kompetenceplan/"),
        ]
        for label, client, url in rows:
            median, p95, queries = timed(client, url)
            print(f"{label:<44} median {median:7.1f} ms   p95 {p95:7.1f} ms   {queries} queries")
        letter = DecisionLetter.objects.filter(decision=decision).first().letter
        timings = []
        for _ in range(10):
            began = time.perf_counter()
            pdf = letter_pdf_render(letter)
            timings.append((time.perf_counter() - began) * 1000)
        print(
            f"{'decision letter PDF (WeasyPrint)':<44} median {statistics.median(timings):7.0f} ms"
            f"   max {max(timings):7.0f} ms   {len(pdf) // 1024} KiB"
        )
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
