"""The measure pages: starting on the page (token, Danish refusals keeping the input),
the measure page's versions, follow-up with goal scores, the conflict on a stale form,
another case's ids answering 404, and the access log."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from boernesag.audit.models import AccessLogEntry
from boernesag.cases.tests.factories import build_world
from boernesag.decisions.tests.helpers import build_catalogue
from boernesag.measures import services
from boernesag.measures.models import FollowUp, GoalScore, Measure
from boernesag.measures.tests.helpers import granted, start
from boernesag.plans.tests.helpers import made_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_world()


@pytest.fixture
def cat(w):
    return build_catalogue(w.admin)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _start_form(decision, **extra):
    data = {
        "decision": str(decision.pk),
        "starts_on": timezone.localdate().isoformat(),
        "volume": "4",
        "volume_unit": "hours_per_week",
        "token": str(uuid.uuid4()),
    }
    data.update(extra)
    return data


def test_starting_on_the_page_twice_with_one_token_starts_one_measure(w, cat):
    decision = granted(w, cat)
    client = login(w.caseworker)
    url = reverse("measures:start", args=[w.case.pk])
    page = client.get(url, {"afgoerelse": decision.pk})
    assert page.status_code == 200
    assert "Familiebehandling" in page.content.decode()
    data = _start_form(decision)
    first = client.post(url, data)
    second = client.post(url, data)
    measure = Measure.objects.get()
    assert first.status_code == second.status_code == 302
    assert (
        first["Location"]
        == second["Location"]
        == reverse("measures:detail", args=[w.case.pk, measure.pk])
    )
    # the warning (no contract) follows the user to the measure's page
    page = client.get(first["Location"])
    assert "ingen gyldig kontrakt" in page.content.decode()


def test_a_volume_outside_the_frame_is_refused_in_danish_keeping_the_input(w, cat):
    decision = granted(w, cat)
    client = login(w.caseworker)
    response = client.post(
        reverse("measures:start", args=[w.case.pk]), _start_form(decision, volume="1,5")
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "ligger uden for indsatsens ramme" in text
    assert 'value="1,5"' in text
    assert not Measure.objects.exists()


def test_the_measure_page_shows_every_version_and_logs_the_read(w, cat):
    from boernesag.decisions import services as decisions
    from boernesag.decisions.tests.helpers import complete, decide

    first = granted(w, cat)
    measure = start(w, first)
    change = decisions.decision_change_start(decision=first, by=w.caseworker)
    decisions.decision_update(
        decision=change,
        by=w.caseworker,
        expected_version=change.version,
        **complete(cat, hours_per_week=5),
    )
    change = decide(change, w.caseworker)
    client = login(w.caseworker)
    url = reverse("measures:change", args=[w.case.pk, measure.pk])
    response = client.post(
        url,
        {
            "decision": str(change.pk),
            "valid_from": timezone.localdate().isoformat(),
            "volume": "5",
            "volume_unit": "hours_per_week",
            "reason": "Flere timer efter statusmødet",
            "version": measure.version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = login(w.colleague).get(reverse("measures:detail", args=[w.case.pk, measure.pk]))
    text = page.content.decode()
    assert "Flere timer efter statusmødet" in text
    assert text.count("Bevilling: Støttende indsats") == 2  # both versions' decisions
    row = AccessLogEntry.objects.filter(what="measure").latest("id")
    assert (row.user_id, row.case_id, row.object_ref) == (
        w.colleague.pk,
        w.case.pk,
        str(measure.pk),
    )


def test_ending_on_a_stale_page_is_a_conflict_keeping_the_input(w, cat):
    measure = start(w, granted(w, cat))
    stale = measure.version
    Measure.objects.filter(pk=measure.pk).update(version=stale + 1)
    response = login(w.caseworker).post(
        reverse("measures:end", args=[w.case.pk, measure.pk]),
        {
            "ended_on": timezone.localdate().isoformat(),
            "reason": "other",
            "reasons": "Familien er flyttet",
            "final_attainment": "partly",
            "version": stale,
            "token": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 409
    assert "Familien er flyttet" in response.content.decode()
    assert Measure.objects.get().is_active


def test_a_follow_up_is_recorded_on_the_page_with_a_score_for_each_goal(w, cat):
    plan = made_plan(w, goals=2)
    measure = start(w, granted(w, cat, plan=plan))
    client = login(w.caseworker)
    response = client.post(
        reverse("measures:follow_up_plan", args=[w.case.pk, measure.pk]),
        {
            "held_at": (timezone.localdate() + timedelta(days=10)).isoformat() + "T10:00",
            "agenda": "Status og mål",
            "persons": [str(w.parent.pk)],
            "token": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.get()
    assert list(follow_up.meeting.persons.all()) == [w.parent]
    url = reverse("measures:follow_up", args=[w.case.pk, measure.pk, follow_up.pk])
    goals = list(plan.goals.order_by("id"))
    today = timezone.localdate().isoformat()
    data = {
        "held_on": today,
        "child_talked_on": today,
        "child_view": "Det går bedre i skolen",
        "decision": "continue",
        "next_follow_up_on": (timezone.localdate() + timedelta(days=90)).isoformat(),
        "interval_reasons": "Som aftalt på mødet",
        "version": follow_up.version,
        "token": str(uuid.uuid4()),
        f"score_{goals[0].pk}": "4",
        f"note_{goals[0].pk}": "Fravær faldet",
    }
    missing = client.post(url, data)
    assert missing.status_code == 400
    assert "Giv målet en score" in missing.content.decode()
    assert "Fravær faldet" in missing.content.decode()
    data[f"score_{goals[1].pk}"] = "2"
    assert client.post(url, data).status_code == 302
    assert sorted(GoalScore.objects.values_list("goal_id", "score")) == [
        (goals[0].pk, 4),
        (goals[1].pk, 2),
    ]
    # the case page's panel shows the goals' latest scores
    panel = client.get(reverse("measures:case_panel", args=[w.case.pk])).content.decode()
    assert "4 – Næsten nået" in panel and "2 – Lidt fremgang" in panel


def test_another_cases_measure_or_follow_up_answers_404(w, cat):
    from boernesag.cases.services import case_open
    from boernesag.cases.tests.factories import child

    measure = start(w, granted(w, cat))
    follow_up = services.follow_up_plan(
        measure=measure,
        by=w.caseworker,
        held_at=timezone.now() + timedelta(days=5),
        agenda="Status",
    )
    other_case = case_open(
        child=child(first="Bo", last="Berg", born="010116"),
        caseworker=w.caseworker,
        team=w.team_a,
        opened_by=w.intake,
        reason="Ansøgning",
    )
    client = login(w.caseworker)
    for name, args in [
        ("measures:detail", [other_case.pk, measure.pk]),
        ("measures:change", [other_case.pk, measure.pk]),
        ("measures:end", [other_case.pk, measure.pk]),
        ("measures:visit", [other_case.pk, measure.pk]),
        ("measures:follow_up_plan", [other_case.pk, measure.pk]),
        ("measures:follow_up", [other_case.pk, measure.pk, follow_up.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    # a follow-up of another measure of the same case
    second = start(w, granted(w, cat, hours_per_week=2), volume=2)
    url = reverse("measures:follow_up", args=[w.case.pk, second.pk, follow_up.pk])
    assert client.get(url).status_code == 404
    # a decision of another case cannot be started here
    response = client.post(
        reverse("measures:start", args=[other_case.pk]), _start_form(measure.decision)
    )
    assert response.status_code == 400
    assert Measure.objects.filter(case=other_case).count() == 0


def test_the_case_page_includes_the_measures_panel(w, cat):
    start(w, granted(w, cat))
    client = login(w.caseworker)
    page = client.get(reverse("cases:case", args=[w.case.pk])).content.decode()
    assert reverse("measures:case_panel", args=[w.case.pk]) in page
    panel = client.get(reverse("measures:case_panel", args=[w.case.pk])).content.decode()
    assert "Familiecentret" in panel
    # 4 h × 500 kr. ÷ 7 × 365/12 = 8.690,48 kr. a month
    assert "8.690,48 kr." in panel


def test_the_measures_tab_says_why_a_grant_awaiting_approval_cannot_start(w, cat):
    from boernesag.decisions import services as decisions
    from boernesag.decisions.tests.helpers import complete, decide

    pending = decide(
        decisions.decision_create(case=w.case, by=w.caseworker, **complete(cat, hours_per_week=8)),
        w.caseworker,
    )
    assert pending.status == "awaiting_approval"
    text = login(w.caseworker).get(reverse("measures:list", args=[w.case.pk])).content.decode()
    assert "Bevillinger, der endnu ikke kan iværksættes" in text
    assert "venter på godkendelse efter kompetenceplanen" in text
    assert "Iværksæt en indsats" not in text
