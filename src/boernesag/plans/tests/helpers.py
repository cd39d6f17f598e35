"""A plan on the case of ``cases.tests.factories.build_world``, made through the services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from boernesag.plans import services
from boernesag.plans.constants import GoalArea, PlanKind


def draft_plan(w, *, kind=PlanKind.CHILD, goals=1, by=None):
    by = by or w.caseworker
    plan = services.plan_create(
        case=w.case,
        kind=kind,
        by=by,
        purpose="Alma skal trives i skolen og hjemme.",
        basis="Den børnefaglige undersøgelse viste meget fravær.",
        involvement="Planen er lavet med Alma og hendes mor på et møde hjemme.",
        drafted_with_family=True,
        expected_duration_months=6,
    )
    today = timezone.localdate()
    for n in range(goals):
        services.goal_add(
            plan=plan,
            by=by,
            area=GoalArea.SCHOOL,
            what=f"Alma møder i skole mindst 9 ud af 10 dage ({n + 1})",
            measure="Skolens fraværsliste",
            due_on=today + timedelta(days=120 + n),
        )
    plan.refresh_from_db()
    return plan


def made_plan(w, **kwargs):
    plan = draft_plan(w, **kwargs)
    services.plan_make(
        plan=plan, by=w.caseworker, made_on=timezone.localdate(), expected_version=plan.version
    )
    plan.refresh_from_db()
    return plan
