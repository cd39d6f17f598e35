"""Plans: drafting with goals, sub-goals and who does what; making and revising versions;
the events and the phase; nothing deleted; double submits; conflicts."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.utils import timezone

from boernesag.cases.constants import MeetingKind
from boernesag.cases.services import meeting_create
from boernesag.cases.tests.factories import build_world
from boernesag.events.models import Event
from boernesag.plans import services
from boernesag.plans.constants import GoalArea, GoalStatus, PlanKind, PlanStatus, Responsible
from boernesag.plans.models import PlanGoal, PlanVersion
from boernesag.plans.tests.helpers import draft_plan, made_plan

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def w():
    return build_world()


def kinds(case):
    return list(Event.objects.filter(case=case).order_by("id").values_list("kind", flat=True))


def test_a_draft_has_no_version_and_writes_no_event(w):
    before = kinds(w.case)
    plan = draft_plan(w, goals=2)
    assert plan.status == PlanStatus.DRAFT
    assert plan.current_number == 0
    assert PlanVersion.objects.filter(plan=plan).count() == 0
    assert kinds(w.case) == before
    assert [g.position for g in plan.goals.order_by("position")] == [1, 2]


def test_making_the_plan_freezes_version_one_writes_plan_made_and_moves_the_phase(w):
    plan = draft_plan(w, goals=1)
    meeting = meeting_create(
        case=w.case,
        by=w.caseworker,
        kind=MeetingKind.PLAN_MEETING,
        held_at=timezone.now() - timedelta(hours=2),
        persons=[w.parent],
        staff=[w.caseworker],
    )
    services.plan_update(
        plan=plan,
        by=w.caseworker,
        expected_version=plan.version,
        purpose=plan.purpose,
        meeting=meeting,
    )
    goal = plan.goals.get()
    version = services.plan_make(
        plan=plan, by=w.caseworker, made_on=TODAY, expected_version=plan.version
    )
    plan.refresh_from_db()
    w.case.refresh_from_db()
    assert version.number == 1 and plan.current_number == 1
    assert plan.status == PlanStatus.MADE and plan.made_on == TODAY
    assert version.content["meeting"] == meeting.pk
    assert version.content["goals"][0]["id"] == goal.pk
    assert version.content["goals"][0]["what"] == goal.what
    made = Event.objects.filter(case=w.case, kind="plan_made").get()
    assert made.payload == {"plan_kind": "child", "plan": plan.pk}
    assert made.subject_type == ""  # a stop without subject reaches any decision's clock
    assert w.case.phase == "plan"


def test_a_plan_without_a_concrete_goal_cannot_be_made(w):
    plan = draft_plan(w, goals=0)
    with pytest.raises(ValidationError) as exc:
        services.plan_make(plan=plan, by=w.caseworker, made_on=TODAY, expected_version=plan.version)
    assert "mindst ét konkret mål" in " ".join(exc.value.messages)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert not Event.objects.filter(case=w.case, kind="plan_made").exists()


def test_a_goal_needs_what_how_and_when_and_a_sub_goal_ends_by_its_goal(w):
    plan = draft_plan(w, goals=1)
    goal = plan.goals.get()
    with pytest.raises(ValidationError) as exc:
        services.goal_add(
            plan=plan, by=w.caseworker, area=GoalArea.HEALTH, what=" ", measure="", due_on=None
        )
    assert set(exc.value.message_dict) == {"what", "measure", "due_on"}
    with pytest.raises(ValidationError) as exc:
        services.goal_add(
            plan=plan,
            by=w.caseworker,
            area=GoalArea.SCHOOL,
            what="Lektier hver dag",
            measure="Lærerens ugebrev",
            due_on=goal.due_on + timedelta(days=1),
            parent=goal,
        )
    assert "senest samtidig med målet" in exc.value.message_dict["due_on"][0]
    sub = services.goal_add(
        plan=plan,
        by=w.caseworker,
        area=GoalArea.SCHOOL,
        what="Lektier hver dag",
        measure="Lærerens ugebrev",
        due_on=goal.due_on,
        parent=goal,
    )
    with pytest.raises(ValidationError):
        services.goal_add(
            plan=plan,
            by=w.caseworker,
            area=GoalArea.SCHOOL,
            what="Et delmål til et delmål",
            measure="x",
            due_on=goal.due_on,
            parent=sub,
        )
    assert sub.parent_id == goal.pk
    assert PlanGoal.objects.filter(plan=plan).count() == 2


def test_a_revision_records_what_changed_and_why_and_keeps_earlier_versions(w):
    plan = made_plan(w, goals=1)
    goal = plan.goals.get()
    first = plan.versions.get(number=1)
    services.goal_update(
        goal=goal,
        by=w.caseworker,
        expected_version=goal.version,
        area=goal.area,
        what="Alma møder i skole hver dag",
        measure=goal.measure,
        due_on=goal.due_on,
    )
    plan.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.plan_revise(
            plan=plan,
            by=w.caseworker,
            made_on=TODAY,
            changes="",
            reason="",
            expected_version=plan.version,
        )
    assert set(exc.value.message_dict) == {"changes", "reason"}
    second = services.plan_revise(
        plan=plan,
        by=w.caseworker,
        made_on=TODAY,
        changes="Målet for skolegang er skærpet",
        reason="Fraværet er faldet; statusmødet aftalte et højere mål",
        expected_version=plan.version,
    )
    plan.refresh_from_db()
    first.refresh_from_db()
    assert second.number == 2 and plan.current_number == 2
    assert first.content["goals"][0]["what"].startswith("Alma møder i skole mindst 9")
    assert second.content["goals"][0]["what"] == "Alma møder i skole hver dag"
    assert second.content["goals"][0]["id"] == first.content["goals"][0]["id"] == goal.pk
    revised = Event.objects.filter(case=w.case, kind="plan_revised").get()
    assert revised.payload == {"plan_kind": "child", "plan": plan.pk, "number": 2}
    # the versions are append-only in the database
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute("UPDATE plans_planversion SET changes = 'x' WHERE id = %s", [first.pk])


def test_a_goal_is_never_deleted_dropping_needs_a_reason_and_drops_its_sub_goals(w):
    plan = draft_plan(w, goals=1)
    goal = plan.goals.get()
    sub = services.goal_add(
        plan=plan,
        by=w.caseworker,
        area=GoalArea.SCHOOL,
        what="Lektier",
        measure="Ugebrev",
        due_on=goal.due_on,
        parent=goal,
    )
    with pytest.raises(ValidationError):
        services.goal_status_set(
            goal=goal, by=w.caseworker, expected_version=goal.version, status=GoalStatus.DROPPED
        )
    services.goal_status_set(
        goal=goal,
        by=w.caseworker,
        expected_version=goal.version,
        status=GoalStatus.DROPPED,
        reason="Familien er flyttet, skolen skiftet",
    )
    sub.refresh_from_db()
    assert sub.status == GoalStatus.DROPPED
    assert PlanGoal.objects.filter(plan=plan).count() == 2
    assert goal.history.count() >= 2  # pghistory keeps every earlier state


def test_editing_a_goal_someone_else_just_saved_is_a_conflict(w):
    plan = draft_plan(w, goals=1)
    goal = plan.goals.get()
    seen = goal.version
    services.goal_update(
        goal=goal,
        by=w.colleague,
        expected_version=seen,
        area=goal.area,
        what="Kollegaens tekst",
        measure=goal.measure,
        due_on=goal.due_on,
    )
    with pytest.raises(services.ConflictError):
        services.goal_update(
            goal=goal,
            by=w.caseworker,
            expected_version=seen,
            area=goal.area,
            what="Min tekst",
            measure=goal.measure,
            due_on=goal.due_on,
        )
    goal.refresh_from_db()
    assert goal.what == "Kollegaens tekst"


def test_a_double_submit_creates_one_plan_one_goal_one_task_and_one_version(w):
    token = uuid.uuid4()
    first = services.plan_create(
        case=w.case, kind=PlanKind.CHILD, by=w.caseworker, purpose="Formål", token=token
    )
    again = services.plan_create(
        case=w.case, kind=PlanKind.CHILD, by=w.caseworker, purpose="Formål", token=token
    )
    assert first.pk == again.pk
    goal_token = uuid.uuid4()
    args = dict(
        plan=first,
        by=w.caseworker,
        area=GoalArea.FAMILY,
        what="Morgenrutine",
        measure="Mor fortæller",
        due_on=TODAY + timedelta(days=60),
        token=goal_token,
    )
    assert services.goal_add(**args).pk == services.goal_add(**args).pk
    task_token = uuid.uuid4()
    targs = dict(
        plan=first,
        by=w.caseworker,
        responsible=Responsible.FAMILY,
        what="Mor vækker Alma kl. 7",
        person=w.parent,
        token=task_token,
    )
    assert services.task_add(**targs).pk == services.task_add(**targs).pk
    first.refresh_from_db()
    version_token = uuid.uuid4()
    v1 = services.plan_make(
        plan=first,
        by=w.caseworker,
        made_on=TODAY,
        expected_version=first.version,
        token=version_token,
    )
    v1_again = services.plan_make(
        plan=first,
        by=w.caseworker,
        made_on=TODAY,
        expected_version=first.version,
        token=version_token,
    )
    assert v1.pk == v1_again.pk
    assert Event.objects.filter(case=w.case, kind="plan_made").count() == 1


def test_a_task_names_a_person_around_the_child_or_a_catalogue_provider(w):
    from boernesag.persons.services import person_create

    plan = draft_plan(w)
    stranger = person_create(cpr=None, first_name="Fremmed", last_name="Person", is_test=True)
    with pytest.raises(ValidationError) as exc:
        services.task_add(
            plan=plan, by=w.caseworker, responsible=Responsible.NETWORK, what="x", person=stranger
        )
    assert "person" in exc.value.message_dict
    task = services.task_add(
        plan=plan, by=w.caseworker, responsible=Responsible.FAMILY, what="Mor", person=w.parent
    )
    services.task_end(task=task, by=w.caseworker, expected_version=task.version)
    task.refresh_from_db()
    assert task.ended and plan.tasks.count() == 1


def test_a_handleplan_is_only_for_serviceloven_cases_and_dates(w):
    with pytest.raises(ValidationError) as exc:
        services.plan_create(case=w.case, kind=PlanKind.ACTION, by=w.caseworker, purpose="x")
    assert "Serviceloven § 140" in exc.value.message_dict["kind"][0]
    plan = draft_plan(w)
    with pytest.raises(ValidationError) as exc:
        services.plan_make(
            plan=plan,
            by=w.caseworker,
            made_on=TODAY + timedelta(days=1),
            expected_version=plan.version,
        )
    assert "fremtiden" in exc.value.message_dict["made_on"][0]


def test_a_youth_plan_is_proposed_from_16_and_is_the_position_on_a_youth_plan(w):
    from boernesag.plans import selectors

    assert services.kind_proposed(w.case) == PlanKind.CHILD  # the world's child is 11
    child = w.case.child
    child.birth_date = date(TODAY.year - 16, 1, 1)
    child.save()
    assert services.kind_proposed(w.case) == PlanKind.YOUTH
    assert selectors.youth_plan_proposed(w.case, [])
    plan = made_plan(w, kind=PlanKind.YOUTH)
    assert not selectors.youth_plan_proposed(w.case, [plan])
    decided = Event.objects.filter(case=w.case, kind="youth_plan_decided").get()
    assert decided.payload == {"plan": plan.pk, "step": None}  # a plan, not a recorded position


def test_a_closed_case_takes_no_plan_changes(w):
    from boernesag.cases.services import case_close

    plan = draft_plan(w)
    case_close(case=w.case, by=w.caseworker, reason="Afsluttet")
    plan.refresh_from_db()
    with pytest.raises(ValidationError):
        services.goal_add(
            plan=plan, by=w.caseworker, area="school", what="x", measure="y", due_on=TODAY
        )


def test_the_services_ask_the_permission_registry(w):
    # someone who may read but not write the case (another team's caseworker, the finance
    # officer) is refused by the services themselves, not only by the views
    for outsider in (w.other_caseworker, w.finance):
        with pytest.raises(services.NotAllowed):
            draft_plan(w, by=outsider)
    plan = draft_plan(w)
    with pytest.raises(services.NotAllowed):
        services.plan_update(
            plan=plan, by=w.finance, expected_version=plan.version, purpose="Ændret"
        )
    plan.refresh_from_db()
    assert plan.purpose == "Alma skal trives i skolen og hjemme."
