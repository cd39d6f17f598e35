"""The case page's measures panel and the measure page answer with a fixed number of
queries, however many measures, versions, follow-ups, goals and scores the case has."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from boernesag.cases.tests.factories import build_world
from boernesag.catalogue import services as catalogue
from boernesag.decisions.tests.helpers import build_catalogue
from boernesag.measures import services
from boernesag.measures.tests.helpers import granted, start
from boernesag.plans import services as plans
from boernesag.plans.tests.helpers import made_plan

pytestmark = pytest.mark.django_db


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def grow(w, cat, plan, first, n: int) -> None:
    """n more of everything: measures (each at its own provider with a rate), goals in a
    new plan version, and follow-ups scoring every goal on the first measure."""
    today = timezone.localdate()
    for i in range(n):
        provider = catalogue.provider_create(
            name=f"Leverandør {i}", kind="private", services=[cat.family]
        )
        catalogue.rate_add(
            provider=provider,
            service=cat.family,
            unit="hour",
            price=500 + i,
            valid_from=today - timedelta(days=1),
        )
        start(w, granted(w, cat, provider=provider, hours_per_week=2), volume=2)
        plans.goal_add(
            plan=plan,
            by=w.caseworker,
            area="family",
            what=f"Mål {i}",
            measure="Måling",
            due_on=today + timedelta(days=100),
        )
    plan.refresh_from_db()
    plans.plan_revise(
        plan=plan,
        by=w.caseworker,
        made_on=today,
        changes="Nye mål",
        reason="Statusmøde",
        expected_version=plan.version,
    )
    _, goals = services.plan_goals(first)
    for _i in range(n):
        follow_up = services.follow_up_plan(
            measure=first, by=w.caseworker, held_at=timezone.now(), agenda="Status"
        )
        services.follow_up_record(
            follow_up=follow_up,
            by=w.caseworker,
            expected_version=follow_up.version,
            held_on=today,
            decision="continue",
            scores={g.pk: (3, "") for g in goals},
            next_follow_up_on=today + timedelta(days=90),
            interval_reasons="Fast",
            child_not_talked_reason="Syg",
        )


def grow_more(w, cat, first, placement, n: int) -> None:
    """n more versions of the first measure (measure_change), supervision visits on the
    placement, and ended measures (review 13, P2 13)."""
    from decimal import Decimal

    from boernesag.decisions import services as decisions
    from boernesag.decisions.tests.helpers import complete, decide
    from boernesag.measures.models import Measure

    today = timezone.localdate()
    for i in range(n):
        first = Measure.objects.get(pk=first.pk)
        change = decisions.decision_change_start(decision=first.decision, by=w.caseworker)
        decisions.decision_update(
            decision=change,
            by=w.caseworker,
            expected_version=change.version,
            **complete(cat, hours_per_week=4 + (i % 2)),
        )
        change = decide(change, w.caseworker)
        services.measure_change(
            measure=first,
            decision=change,
            by=w.caseworker,
            valid_from=today,
            volume=Decimal(4 + (i % 2)),
            volume_unit="hours_per_week",
            expected_version=first.version,
        )
        services.supervision_visit_record(
            measure=placement, by=w.caseworker, visited_on=today, talk="alone"
        )
        ended = start(w, granted(w, cat, hours_per_week=2), volume=2)
        services.measure_end(
            measure=ended,
            by=w.caseworker,
            ended_on=today,
            reason="goal_met",
            final_attainment="met",
            expected_version=ended.version,
        )


def test_the_case_page_and_the_measure_pages_stay_constant_as_everything_grows(settings):
    """Versions, visits, ended measures, measures, follow-ups, goals and scores grow; the
    case page itself (``cases:case``), the panel, the measure page, the placement's page and
    the list keep their query counts."""
    from boernesag.measures.models import Measure, MeasureVersion, SupervisionVisit
    from boernesag.measures.tests.helpers import placement_granted

    w = build_world()
    cat = build_catalogue(w.admin)
    plan = made_plan(w, goals=1)
    first = start(w, granted(w, cat, plan=plan))
    placement = start(w, placement_granted(w, cat), volume=7, unit="days_per_week")
    client = Client()
    client.force_login(w.caseworker)
    urls = [
        reverse("cases:case", args=[w.case.pk]),
        reverse("measures:case_panel", args=[w.case.pk]),
        reverse("measures:detail", args=[w.case.pk, first.pk]),
        reverse("measures:detail", args=[w.case.pk, placement.pk]),
        reverse("measures:list", args=[w.case.pk]),
    ]
    grow(w, cat, plan, first, 1)
    grow_more(w, cat, first, placement, 1)
    before = [count(client, url) for url in urls]
    grow(w, cat, plan, first, 4)
    grow_more(w, cat, first, placement, 4)
    after = [count(client, url) for url in urls]
    assert after == before
    assert MeasureVersion.objects.filter(measure=first).count() == 6
    assert SupervisionVisit.objects.filter(measure=placement).count() == 5
    assert Measure.objects.filter(case=w.case, status="ended").count() == 5


def test_the_panel_and_the_measure_page_have_constant_queries(settings):
    w = build_world()
    cat = build_catalogue(w.admin)
    plan = made_plan(w, goals=1)
    first = start(w, granted(w, cat, plan=plan))
    client = Client()
    client.force_login(w.caseworker)
    panel = reverse("measures:case_panel", args=[w.case.pk])
    page = reverse("measures:detail", args=[w.case.pk, first.pk])
    listing = reverse("measures:list", args=[w.case.pk])
    grow(w, cat, plan, first, 1)
    before = [count(client, url) for url in (panel, page, listing)]
    grow(w, cat, plan, first, 4)
    after = [count(client, url) for url in (panel, page, listing)]
    assert after == before
    # the data did grow in every dimension the panel shows
    from boernesag.measures.models import FollowUp, GoalScore, Measure

    assert Measure.objects.filter(case=w.case).count() == 6
    assert FollowUp.objects.filter(case=w.case).count() == 5
    assert GoalScore.objects.count() > 5
