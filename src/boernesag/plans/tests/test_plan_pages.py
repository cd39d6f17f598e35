"""The plan pages: through the gate, conflicts that keep what was typed, double submits,
sending with and without consent, the letters' content."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from boernesag.audit.models import AccessLogEntry
from boernesag.cases.constants import ConsentForm, ConsentScope
from boernesag.cases.services import consent_record
from boernesag.cases.tests.factories import build_world
from boernesag.events import catalogue as ev
from boernesag.events.services import event_write
from boernesag.letters.models import Letter, LetterKind
from boernesag.letters.services import letter_pdf_render
from boernesag.persons.constants import ProfessionalRole, RelationKind
from boernesag.persons.services import person_create, relation_add
from boernesag.plans import services
from boernesag.plans.models import Plan, PlanDispatch, PlanGoal
from boernesag.plans.tests.helpers import draft_plan, made_plan

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def w():
    return build_world()


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_case_page_links_to_the_plans_and_a_concluded_investigation_offers_the_plan(w):
    client = login(w.caseworker)
    case_page = client.get(reverse("cases:case", args=[w.case.pk]))
    assert reverse("plans:plans", args=[w.case.pk]) in case_page.content.decode()
    page = client.get(reverse("plans:plans", args=[w.case.pk]))
    assert "Den børnefaglige undersøgelse er afsluttet" not in page.content.decode()
    event_write(ev.AssessmentConcluded(), case=w.case, actor=w.caseworker)
    page = client.get(reverse("plans:plans", args=[w.case.pk]))
    text = page.content.decode()
    assert "Den børnefaglige undersøgelse er afsluttet" in text
    assert "Opret barnets plan" in text


def test_creating_a_plan_on_the_page_twice_with_one_token_makes_one_plan(w):
    client = login(w.caseworker)
    url = reverse("plans:plan_new", args=[w.case.pk])
    form = client.get(url)
    token = form.context["form"].initial["token"]
    data = {"kind": "child", "purpose": "Alma trives", "token": str(token)}
    first = client.post(url, data)
    second = client.post(url, data)
    plan = Plan.objects.get(case=w.case)
    assert first.status_code == second.status_code == 302
    assert (
        first["Location"] == second["Location"] == reverse("plans:plan", args=[w.case.pk, plan.pk])
    )


def test_a_plan_without_purpose_is_refused_in_danish_and_keeps_the_input(w):
    client = login(w.caseworker)
    response = client.post(
        reverse("plans:plan_new", args=[w.case.pk]),
        {"kind": "child", "purpose": "", "basis": "Undersøgelsen <b>viste</b> fravær"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Skriv det overordnede formål med indsatsen." in text
    assert "Undersøgelsen &lt;b&gt;viste&lt;/b&gt; fravær" in text  # kept, and as text
    assert not Plan.objects.exists()


def test_editing_a_plan_someone_else_just_saved_gives_the_conflict_and_keeps_the_input(w):
    plan = draft_plan(w)
    seen = plan.version
    # a colleague saves first
    services.plan_update(
        plan=plan, by=w.colleague, expected_version=seen, purpose="Kollegaens formål"
    )
    client = login(w.caseworker)
    response = client.post(
        reverse("plans:plan", args=[w.case.pk, plan.pk]),
        {"purpose": "Mit nye formål, som ikke må gå tabt", "version": seen},
    )
    assert response.status_code == 409
    text = response.content.decode()
    assert "En anden har gemt ændringer" in text
    assert "Mit nye formål, som ikke må gå tabt" in text  # what was typed
    assert "Kollegaens formål" in text  # what is saved
    plan.refresh_from_db()
    assert plan.purpose == "Kollegaens formål"
    # saving again from the conflict page (it carries the new version) succeeds
    again = client.post(
        reverse("plans:plan", args=[w.case.pk, plan.pk]),
        {"purpose": "Mit nye formål, som ikke må gå tabt", "version": plan.version},
    )
    assert again.status_code == 302
    plan.refresh_from_db()
    assert plan.purpose == "Mit nye formål, som ikke må gå tabt"


def test_editing_a_goal_someone_else_just_saved_gives_the_conflict_and_keeps_the_input(w):
    plan = draft_plan(w)
    goal = plan.goals.get()
    seen = goal.version
    services.goal_update(
        goal=goal,
        by=w.colleague,
        expected_version=seen,
        area=goal.area,
        what="Kollegaens mål",
        measure=goal.measure,
        due_on=goal.due_on,
    )
    client = login(w.caseworker)
    response = client.post(
        reverse("plans:goal", args=[w.case.pk, plan.pk, goal.pk]),
        {
            "area": "school",
            "what": "Mit mål",
            "measure": "Min måling",
            "due_on": (TODAY + timedelta(days=30)).isoformat(),
            "version": seen,
        },
    )
    assert response.status_code == 409
    text = response.content.decode()
    assert "Mit mål" in text and "Min måling" in text and "Kollegaens mål" in text
    goal.refresh_from_db()
    assert goal.what == "Kollegaens mål"


def test_a_revision_based_on_an_old_view_of_the_plan_is_a_conflict(w):
    plan = made_plan(w)
    seen = plan.version
    goal = plan.goals.get()
    services.goal_update(
        goal=goal,
        by=w.colleague,
        expected_version=goal.version,
        area=goal.area,
        what="Ændret af kollega",
        measure=goal.measure,
        due_on=goal.due_on,
    )
    client = login(w.caseworker)
    response = client.post(
        reverse("plans:version_new", args=[w.case.pk, plan.pk]),
        {
            "made_on": TODAY.isoformat(),
            "changes": "Mine ændringer",
            "reason": "Min grund",
            "version": seen,
        },
    )
    assert response.status_code == 409
    assert "Mine ændringer" in response.content.decode()
    plan.refresh_from_db()
    assert plan.current_number == 1


def test_the_plan_page_shows_goals_sub_goals_tasks_and_unsaved_changes(w):
    plan = made_plan(w)
    goal = plan.goals.get()
    services.goal_add(
        plan=plan,
        by=w.caseworker,
        area="school",
        what="Lektier <script>alert(1)</script>",
        measure="Ugebrev",
        due_on=goal.due_on,
        parent=goal,
    )
    services.task_add(
        plan=plan,
        by=w.caseworker,
        responsible="family",
        what="Mor vækker",
        person=w.parent,
        goal=goal,
    )
    client = login(w.caseworker)
    response = client.get(reverse("plans:plan", args=[w.case.pk, plan.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Delmål 1.1" in text
    assert "Lektier &lt;script&gt;" in text and "<script>alert" not in text
    assert "Mor vækker" in text and w.parent.full_name in text
    assert 'data-testid="unsaved-changes"' in text
    row = AccessLogEntry.objects.filter(what="plan").latest("id")
    assert row.case_id == w.case.pk and row.object_ref == str(plan.pk)


def test_another_cases_plan_or_goal_answers_404(w):
    from boernesag.cases.services import case_open
    from boernesag.cases.tests.factories import child

    plan = draft_plan(w)
    other_child = child(first="Bo", last="Berg", born="010116")
    other_case = case_open(
        child=other_child,
        caseworker=w.caseworker,
        team=w.team_a,
        opened_by=w.intake,
        reason="Ansøgning",
    )
    client = login(w.caseworker)
    assert client.get(reverse("plans:plan", args=[other_case.pk, plan.pk])).status_code == 404
    goal = plan.goals.get()
    url = reverse("plans:goal", args=[other_case.pk, plan.pk, goal.pk])
    assert client.get(url).status_code == 404


def test_sending_to_the_family_makes_letters_after_commit_with_the_plan_and_no_protected_address(
    w, django_capture_on_commit_callbacks
):
    w.parent.street, w.parent.postcode, w.parent.city = "Hemmeligvej 9", "9990", "Demoby"
    w.parent.address_protected = True
    w.parent.save()
    plan = made_plan(w)
    version = plan.versions.get()
    client = login(w.caseworker)
    url = reverse("plans:send", args=[w.case.pk, plan.pk, 1])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, {"family": [str(w.parent.pk)]})
    assert response.status_code == 302
    assert len(callbacks) == 1  # the outbox is nudged after commit, not before
    letter = Letter.objects.get(kind=LetterKind.PLAN)
    assert letter.recipient_name == w.parent.full_name
    assert letter.recipient_address == ""
    assert "Hemmeligvej" not in letter.body
    assert "Alma møder i skole mindst 9 ud af 10 dage" in letter.body
    assert "Barnets Lov §§ 91–92" in letter.body
    assert PlanDispatch.objects.get().version == version
    sent = w.case.events.filter(kind="plan_sent").get()
    assert sent.payload == {"plan": plan.pk, "number": 1, "family": 1, "professionals": 0}
    pdf = letter_pdf_render(letter)
    assert pdf.startswith(b"%PDF")


def test_professionals_get_the_plan_only_with_consent_to_share_it(w):
    teacher = person_create(
        cpr=None, first_name="Lise", last_name="Lærer", is_test=True, organisation="Demoskolen"
    )
    relation_add(
        child=w.child,
        person=teacher,
        kind=RelationKind.PROFESSIONAL,
        professional_role=ProfessionalRole.SCHOOL,
        by=w.caseworker,
        case=w.case,
    )
    plan = made_plan(w)
    version = plan.versions.get()
    with pytest.raises(Exception) as exc:
        services.plan_send(version=version, by=w.caseworker, family=[], professionals=[teacher])
    assert "samtykke" in " ".join(exc.value.messages)
    client = login(w.caseworker)
    page = client.get(reverse("plans:send", args=[w.case.pk, plan.pk, 1]))
    assert 'data-testid="no-consent"' in page.content.decode()
    assert "Lise Lærer" not in page.content.decode()
    consent = consent_record(
        case=w.case,
        by=w.caseworker,
        given_by=w.parent,
        scope=ConsentScope.SHARE_PLAN,
        form=ConsentForm.WRITTEN,
        given_on=TODAY,
    )
    response = client.post(
        reverse("plans:send", args=[w.case.pk, plan.pk, 1]),
        {"family": [str(w.parent.pk)], "professionals": [str(teacher.pk)]},
    )
    assert response.status_code == 302
    dispatch = PlanDispatch.objects.get(person=teacher)
    assert dispatch.professional and dispatch.consent == consent
    assert "Med familiens samtykke" in dispatch.letter.body
    assert dispatch.letter.recipient_name == "Lise Lærer, Demoskolen"


def test_only_the_current_version_is_sent(w):
    plan = made_plan(w)
    goal = plan.goals.get()
    services.goal_status_set(
        goal=goal, by=w.caseworker, expected_version=goal.version, status="achieved"
    )
    plan.refresh_from_db()
    services.plan_revise(
        plan=plan,
        by=w.caseworker,
        made_on=TODAY,
        changes="Målet er nået",
        reason="Statusmøde",
        expected_version=plan.version,
    )
    client = login(w.caseworker)
    response = client.post(
        reverse("plans:send", args=[w.case.pk, plan.pk, 1]), {"family": [str(w.parent.pk)]}
    )
    assert response.status_code == 400
    assert "Kun den gældende version" in response.content.decode()
    assert not Letter.objects.exists()
    # the service itself refuses an old version (not only the view)
    with pytest.raises(ValidationError, match="Kun den gældende version"):
        services.plan_send(version=plan.versions.get(number=1), by=w.caseworker, family=[w.parent])
    assert not Letter.objects.exists()
    version_page = client.get(reverse("plans:version", args=[w.case.pk, plan.pk, 1]))
    assert "Denne version gælder ikke længere." in version_page.content.decode()
    assert PlanGoal.objects.filter(plan=plan).count() == 1


def test_a_plan_sent_twice_sends_one_set_of_letters(w):
    plan = made_plan(w)
    client = login(w.caseworker)
    url = reverse("plans:send", args=[w.case.pk, plan.pk, 1])
    assert 'name="token"' in client.get(url).content.decode()
    data = {"family": [str(w.parent.pk)], "token": "1b4e28ba-2fa1-11d2-883f-0016d3cca429"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert PlanDispatch.objects.count() == 1
    assert Letter.objects.count() == 1
    assert w.case.events.filter(kind="plan_sent").count() == 1


def test_the_plan_letter_of_a_protected_child_names_no_teacher_or_provider(w):
    """A teacher or provider named in the plan letter would tell where the child goes to
    school or is placed: for a child with name and address protection the letter says only
    who (the role) does what."""
    from boernesag.persons.models import Person

    Person.objects.filter(pk=w.child.pk).update(address_protected=True)
    w.child.refresh_from_db()
    teacher = person_create(
        cpr=None, first_name="Lise", last_name="Lærer", is_test=True, organisation="Demoskolen"
    )
    relation_add(
        child=w.child,
        person=teacher,
        kind=RelationKind.PROFESSIONAL,
        professional_role=ProfessionalRole.SCHOOL,
        by=w.caseworker,
        case=w.case,
    )
    plan = draft_plan(w)
    services.task_add(
        plan=plan,
        by=w.caseworker,
        responsible="professional",
        what="Følger fraværet hver uge",
        person=teacher,
    )
    plan.refresh_from_db()
    services.plan_make(
        plan=plan, by=w.caseworker, made_on=timezone.localdate(), expected_version=plan.version
    )
    services.plan_send(
        version=plan.versions.get(), by=w.caseworker, family=[w.parent], professionals=[]
    )
    letter = Letter.objects.get(kind=LetterKind.PLAN)
    assert "Følger fraværet hver uge" in letter.body
    assert "Lise Lærer" not in letter.body and "Demoskolen" not in letter.body
