"""Issue 20: each role's front page says what needs the user now, logs every child it shows,
and reads with a fixed number of queries however much data each list holds."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from dateutil.relativedelta import relativedelta
from django.test import Client
from django.utils import timezone

from boernesag.audit.models import AccessLogEntry
from boernesag.authz.models import AccessLogChild
from boernesag.cases import services as cases
from boernesag.cases.tests.factories import build_world, child
from boernesag.deadlines.tasks import deadlines_escalate
from boernesag.decisions import services as decisions
from boernesag.decisions.tests.helpers import build_catalogue, complete
from boernesag.events import catalogue as ev
from boernesag.events.services import event_write
from boernesag.intake import services as intake
from boernesag.persons.constants import RelationKind
from boernesag.persons.services import person_create, relation_add

_serial = iter(range(10_000))


@pytest.fixture
def w(db):
    world = build_world()
    world.cat = build_catalogue(world.admin)
    return world


def grow(w, n: int) -> list:
    """``n`` more children, each in every list of every front page: a new case for the
    caseworker (new, overdue deadline, a deadline later, a meeting this week, a hearing
    answer due, a decision awaiting the leader's approval, an escalation), a custody holder,
    and a report awaiting triage."""
    now = timezone.now()
    kids = []
    for _ in range(n):
        i = next(_serial)
        kid = child(first=f"Barn{i}", last="Vækst")
        kids.append(kid)
        parent = person_create(
            cpr=f"0101{70 + i % 20:02d}{1000 + i:04d}"[:10], first_name="Far", last_name=f"V{i}"
        )
        relation_add(child=kid, person=parent, kind=RelationKind.CUSTODY_HOLDER)
        case = cases.case_open(
            child=kid, caseworker=w.caseworker, team=w.team_a, opened_by=w.intake, reason="Vækst"
        )
        event_write(
            ev.AssessmentStarted(),
            case=case,
            actor=w.caseworker,
            occurred_at=now - relativedelta(months=5),  # § 20 investigation overdue
        )
        cases.meeting_create(
            case=case,
            by=w.caseworker,
            kind="network",
            held_at=now,
            second_caseworker=w.colleague,
        )
        target = SimpleNamespace(case=case)
        draft = decisions.decision_create(case=case, by=w.caseworker, **complete(w.cat))
        decisions.hearing_send(
            decision=draft,
            by=w.caseworker,
            answer_due=timezone.localdate() + timedelta(days=2),
            information="Skolens udtalelse",
        )
        big = decisions.decision_create(
            case=case, by=w.caseworker, **complete(w.cat, hours_per_week=8)
        )
        big.refresh_from_db()
        decisions.decision_decide(decision=big, by=w.caseworker, expected_version=big.version)
        intake.intake_register(
            kind="concern_report",
            channel="phone",
            received_at=now,
            notifier_kind="school",
            content="Bekymring",
            by=w.intake,
            children=[intake.ChildRef(kid.cpr)],
        )
        del target
    deadlines_escalate.call()
    return kids


def _logged_children(what: str) -> set[int]:
    return set(AccessLogChild.objects.filter(entry__what=what).values_list("child_id", flat=True))


def test_min_uge_groups_per_child_with_counts_and_logs_every_child(w):
    kids = grow(w, 2)
    client = Client()
    client.force_login(w.caseworker)
    html = client.get("/").content.decode()
    assert "Min uge" in html
    for kid in kids:
        assert f'id="child-{kid.pk}"' in html and kid.full_name in html
    assert "Børnefaglig undersøgelse" in html and "Overskredet:" in html
    assert "Møde:" in html and "Partshøring, svarfrist:" in html and "Ny sag til dig:" in html
    assert {k.pk for k in kids} <= _logged_children("front_page")
    assert {k.pk for k in kids} <= _logged_children("front_page")
    assert {k.pk for k in kids} <= _logged_children("front_page")
    assert {k.pk for k in kids} <= _logged_children("front_page")
    assert "Senere:" in html  # everything further ahead is one click away
    assert 'href="/frister/mine/"' in html or "/frister/" in html


def test_the_team_leader_sees_caseloads_overdue_with_caseworker_escalations_approvals(w):
    kids = grow(w, 2)
    client = Client()
    client.force_login(w.leader_a)
    html = client.get("/").content.decode()
    assert "Mit team" in html and "Sagstal pr. sagsbehandler" in html
    assert "Ansvarlig sagsbehandler" in html and w.caseworker.get_full_name() in html
    assert "Afgørelser til godkendelse" in html
    assert "Ingen eskalerede frister." not in html  # the escalation task ran
    assert "assessment_duration" not in html  # titles, never rule keys
    assert {k.pk for k in kids} <= _logged_children("front_page")
    assert {k.pk for k in kids} <= _logged_children("front_page")


def test_the_intake_coordinator_opens_on_her_queue_with_countdowns(w):
    kids = grow(w, 2)
    client = Client()
    client.force_login(w.intake)
    html = client.get("/").content.decode()
    assert "Afventer vurdering inden for 24 timer" in html
    assert "tilbage" in html
    for kid in kids:
        assert kid.full_name in html
    assert {k.pk for k in kids} <= _logged_children("front_page")


def test_other_teams_children_are_not_on_a_leaders_front_page(w):
    kids = grow(w, 1)
    client = Client()
    client.force_login(w.leader_b)
    html = client.get("/").content.decode()
    assert kids[0].full_name not in html


@pytest.mark.parametrize("who", ["caseworker", "leader_a", "intake"])
def test_front_page_queries_are_constant_as_every_list_grows(w, who, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = getattr(w, who)
    client = Client()
    client.force_login(user)
    grow(w, 1)
    client.get("/")
    with CaptureQueriesContext(connection) as small:
        assert client.get("/").status_code == 200
    grow(w, 6)
    before = AccessLogEntry.objects.count()
    with CaptureQueriesContext(connection) as large:
        assert client.get("/").status_code == 200
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]
    assert AccessLogEntry.objects.count() > before
