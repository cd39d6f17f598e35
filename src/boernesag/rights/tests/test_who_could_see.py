""" "Who could see this child on date X" answers from the dated data: responsibility replayed
from the case's events, roles and memberships as dated, reasoned access as granted."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from boernesag.accounts.constants import Role, UnitKind
from boernesag.accounts.models import Municipality, RoleAssignment, TeamMembership
from boernesag.accounts.services import role_grant, team_join, unit_create
from boernesag.accounts.tests.factories import UserFactory
from boernesag.audit.models import AccessGrant, AccessLogEntry, GrantKind
from boernesag.cases import services as case_services
from boernesag.cases.tests.factories import child as make_child
from boernesag.events import catalogue as ev
from boernesag.events.services import event_write
from boernesag.rights import services
from boernesag.rights.selectors import who_could_see

pytestmark = pytest.mark.django_db


def at(day, hour=9):
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def story(municipality):
    today = timezone.localdate()
    root = unit_create(kind=UnitKind.MUNICIPALITY, name="Kommunen", code="k")
    dept = unit_create(kind=UnitKind.DEPARTMENT, name="Børn og Familie", code="bf", parent=root)
    north = unit_create(kind=UnitKind.TEAM, name="Team Nord", code="nord", parent=dept)
    south = unit_create(kind=UnitKind.TEAM, name="Team Syd", code="syd", parent=dept)
    intake = unit_create(kind=UnitKind.TEAM, name="Modtagelsen", code="mod", parent=dept)
    long_ago = today - timedelta(days=60)

    def staff(role, unit, member=True, valid_from=long_ago):
        user = UserFactory()
        role_grant(user=user, role=role, unit=unit, valid_from=valid_from)
        if member:
            team_join(user=user, team=unit, valid_from=valid_from)
        return user

    s = type("Story", (), {})()
    s.today = today
    s.worker_a = staff(Role.CASEWORKER, north)
    s.worker_b = staff(Role.CASEWORKER, south)
    s.leader_north = staff(Role.TEAM_LEADER, north)
    s.leader_dept = staff(Role.TEAM_LEADER, dept, member=False)
    s.coordinator = staff(Role.INTAKE_COORDINATOR, intake)
    s.admin = staff(Role.ADMIN, root, member=False)
    s.admin2 = staff(Role.ADMIN, root, member=False)
    # a colleague in Team Nord who left the team (and the role) 8 days ago
    s.leaver = staff(Role.CASEWORKER, north)
    RoleAssignment.objects.filter(user=s.leaver).update(valid_to=today - timedelta(days=8))
    TeamMembership.objects.filter(user=s.leaver).update(valid_to=today - timedelta(days=8))
    # a caseworker of Team Syd who joined Team Nord 3 days ago
    s.joiner = staff(Role.CASEWORKER, south)
    team_join(user=s.joiner, team=north, valid_from=today - timedelta(days=3))
    s.outsider = staff(Role.CASEWORKER, south)

    s.child = make_child()
    s.case = case_services.case_open(
        child=s.child,
        caseworker=s.worker_a,
        team=north,
        opened_by=s.worker_a,
        opened_at=at(today - timedelta(days=10)),
    )
    # an investigation started the day after: out of intake
    event_write(
        ev.AssessmentStarted(),
        case=s.case,
        actor=s.worker_a,
        occurred_at=at(today - timedelta(days=9)),
    )
    # reasoned access for one afternoon, 4 days ago
    s.grant = AccessGrant.objects.create(
        user=s.outsider,
        child=s.child,
        reason="Oplysninger til et skolemøde",
        kind=GrantKind.INFORMATION,
        granted_at=at(today - timedelta(days=4), 13),
        expires_at=at(today - timedelta(days=4), 17),
    )
    # moved to Team Syd today
    case_services.case_reassign(
        case=s.case,
        caseworker=s.worker_b,
        team=south,
        by=s.leader_north,
        reason="Flytning",
        expected_version=None,
    )
    return s


def seen(story, days_ago: int) -> dict:
    return {
        s.user: [b.text for b in s.reasons]
        for s in who_could_see(story.child, story.today - timedelta(days=days_ago))
    }


def test_before_the_case_was_opened_nobody_could_see_the_child(story):
    assert seen(story, 11) == {}


def test_on_the_day_it_was_opened_intake_and_team_nord_could(story):
    day = seen(story, 10)
    assert set(day) == {
        story.worker_a,
        story.leader_north,
        story.leader_dept,
        story.leaver,
        story.coordinator,
    }
    assert any("Ansvarlig sagsbehandler" in t for t in day[story.worker_a])
    assert any("Teamleder for Børn og Familie" in t for t in day[story.leader_dept])
    assert any("modtagelsen" in t for t in day[story.coordinator])


def test_a_colleague_who_left_the_team_drops_out_and_a_grant_counts_for_its_day(story):
    day = seen(story, 4)
    assert story.leaver not in day
    assert story.coordinator not in day  # the investigation had started
    assert story.joiner not in day  # joined Team Nord later
    assert any("Oplysninger til et skolemøde" in t for t in day[story.outsider])
    assert story.outsider not in seen(story, 5)


def test_a_team_joined_counts_from_its_first_day(story):
    assert story.joiner in seen(story, 3)


def test_the_day_of_a_reassignment_shows_both_teams_and_the_day_before_only_the_old(story):
    yesterday = seen(story, 1)
    assert story.worker_a in yesterday and story.worker_b not in yesterday
    today = seen(story, 0)
    assert {story.worker_a, story.worker_b, story.leader_north, story.leader_dept} <= set(today)


def test_an_immediate_revocation_still_counts_for_its_day_but_not_after(story):
    assignment = RoleAssignment.objects.get(user=story.leader_dept)
    services.role_end(actor=story.admin, assignment=assignment, reason="Ny stilling")
    assert story.leader_dept in seen(story, 0)


def test_the_team_setting_is_read_as_it_was(story):
    Municipality.objects.update(caseworkers_see_team_cases=False)
    assert story.leaver in seen(story, 10)  # the setting was on then
    # today the setting is off: team members see only their own cases
    today = seen(story, 0)
    assert story.joiner in today  # the change during the day still counts (it was on)


def test_the_page_is_gated_logged_and_answers_for_the_date(story):
    client = Client()
    client.force_login(story.admin)
    url = reverse("rights:who_could_see", args=[story.child.pk])
    response = client.get(url, {"dato": (story.today - timedelta(days=10)).isoformat()})
    assert response.status_code == 200
    body = response.content.decode()
    assert story.worker_a.get_full_name() in body
    assert story.worker_b.get_full_name() not in body
    row = AccessLogEntry.objects.order_by("-id").first()
    assert (row.user_id, row.what, row.child_id) == (
        story.admin.pk,
        "who_could_see",
        story.child.pk,
    )

    bad = client.get(url, {"dato": "0001-01-01"})
    assert bad.status_code == 400
    assert "Datoen kan ikke ligge før" in bad.content.decode()

    future = client.get(url, {"dato": (story.today + timedelta(days=1)).isoformat()})
    assert future.status_code == 400

    outsider = Client()
    outsider.force_login(story.worker_a)
    assert outsider.get(url).status_code == 403


def test_a_child_named_in_an_intake_item_is_seen_by_intake_coordinators(story):
    """Intake coordinators see every intake item and every child named in it
    (``intake.access``), also before the child has a case and after it left intake."""
    IntakeItem = apps.get_model("intake", "IntakeItem")
    IntakeChild = apps.get_model("intake", "IntakeChild")
    other = make_child()
    item = IntakeItem.objects.create(
        channel="phone",
        received_at=at(story.today - timedelta(days=20)),
        recorded_at=at(story.today - timedelta(days=20)),
        notifier_kind="school",
        content="Bekymring",
        registered_by=story.coordinator,
    )
    IntakeChild.objects.create(item=item, child=other)
    before = {s.user for s in who_could_see(other, story.today - timedelta(days=21))}
    assert before == set()
    day = {
        s.user: [b.text for b in s.reasons]
        for s in who_could_see(other, story.today - timedelta(days=20))
    }
    assert set(day) == {story.coordinator}
    assert any("nævnt i en henvendelse" in t for t in day[story.coordinator])
    # and later, when the child of the story (whose case left intake) is named too
    IntakeChild.objects.create(item=item, child=story.child)
    assert story.coordinator in seen(story, 4)
