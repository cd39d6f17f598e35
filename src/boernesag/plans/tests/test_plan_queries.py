"""The plan pages answer with a fixed number of queries, however many plans, goals,
sub-goals, tasks, versions, letters, meetings and people the case has."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from boernesag.cases.constants import ConsentForm, ConsentScope, MeetingKind
from boernesag.cases.services import consent_record, meeting_create
from boernesag.cases.tests.factories import build_world
from boernesag.catalogue.services import provider_create
from boernesag.persons.constants import ProfessionalRole, RelationKind
from boernesag.persons.services import person_create, relation_add
from boernesag.plans import services
from boernesag.plans.tests.helpers import made_plan

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def grow(w, plan, n: int) -> None:
    """n more of everything the pages show."""
    for i in range(n):
        teacher = person_create(
            cpr=None, first_name=f"Lærer{i}", last_name="Skov", is_test=True, organisation="Skolen"
        )
        relation_add(
            child=w.child,
            person=teacher,
            kind=RelationKind.PROFESSIONAL,
            professional_role=ProfessionalRole.SCHOOL,
            by=w.caseworker,
            case=w.case,
        )
        provider = provider_create(name=f"Leverandør {i}")
        meeting_create(
            case=w.case,
            by=w.caseworker,
            kind=MeetingKind.PLAN_MEETING,
            held_at=timezone.now() - timedelta(days=i + 1),
            staff=[w.caseworker],
            persons=[w.parent],
        )
        goal = services.goal_add(
            plan=plan,
            by=w.caseworker,
            area="family",
            what=f"Mål {i}",
            measure="Måling",
            due_on=TODAY + timedelta(days=100),
        )
        services.goal_add(
            plan=plan,
            by=w.caseworker,
            area="family",
            what=f"Delmål {i}",
            measure="Måling",
            due_on=TODAY + timedelta(days=90),
            parent=goal,
        )
        services.task_add(
            plan=plan,
            by=w.caseworker,
            responsible="professional",
            person=teacher,
            goal=goal,
            what=f"Opgave {i}",
        )
        services.task_add(
            plan=plan, by=w.caseworker, responsible="provider", provider=provider, what="Behandling"
        )
        other = services.plan_create(case=w.case, kind="child", by=w.caseworker, purpose=f"P{i}")
        services.goal_add(
            plan=other, by=w.caseworker, area="school", what="x", measure="y", due_on=TODAY
        )
        plan.refresh_from_db()
        version = services.plan_revise(
            plan=plan,
            by=w.caseworker,
            made_on=TODAY,
            changes=f"Mål {i} tilføjet",
            reason="Statusmøde",
            expected_version=plan.version,
        )
        services.plan_send(
            version=version, by=w.caseworker, family=[w.parent], professionals=[teacher]
        )


def test_the_plan_pages_query_count_does_not_grow():
    w = build_world()
    plan = made_plan(w)
    consent_record(
        case=w.case,
        by=w.caseworker,
        given_by=w.parent,
        scope=ConsentScope.SHARE_PLAN,
        form=ConsentForm.WRITTEN,
        given_on=TODAY,
    )
    goal = plan.goals.get()
    client = Client()
    client.force_login(w.caseworker)

    def urls():
        return {
            "plans": reverse("plans:plans", args=[w.case.pk]),
            "plan": reverse("plans:plan", args=[w.case.pk, plan.pk]),
            "plan_new": reverse("plans:plan_new", args=[w.case.pk]),
            "goal": reverse("plans:goal", args=[w.case.pk, plan.pk, goal.pk]),
            "task_add": reverse("plans:task_add", args=[w.case.pk, plan.pk]),
            "version_new": reverse("plans:version_new", args=[w.case.pk, plan.pk]),
            "version": reverse("plans:version", args=[w.case.pk, plan.pk, 1]),
            "send": reverse("plans:send", args=[w.case.pk, plan.pk, 1]),
        }

    for url in urls().values():
        client.get(url)  # warm caches (sessions, permissions)
    small = {name: count(client, url) for name, url in urls().items()}
    grow(w, plan, 12)
    plan.refresh_from_db()
    urls_after = urls()
    urls_after["send"] = reverse("plans:send", args=[w.case.pk, plan.pk, plan.current_number])
    big = {name: count(client, url) for name, url in urls_after.items()}
    assert big == small
    assert max(small.values()) <= 40, small
