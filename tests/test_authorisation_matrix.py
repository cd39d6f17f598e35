"""Every case and child URL × every role × own/team/other case → allow or deny.

Denied requests change nothing and show no data about the child."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from boernesag.audit.models import AccessLogEntry
from boernesag.cases.constants import EventKind
from boernesag.cases.models import CaseEvent, Consent, Document, JournalEntry, Meeting
from boernesag.cases.tests.factories import build_world, pdf_upload

VIEWERS = {"caseworker_own", "caseworker_team", "team_leader_own"}
EDITORS = VIEWERS
REASSIGNERS = {"team_leader_own"}
ALL_ROLES = [
    "caseworker_own",
    "caseworker_team",
    "caseworker_other",
    "team_leader_own",
    "team_leader_other",
    "intake_coordinator",
    "manager",
    "finance",
    "admin",
]


def read_urls(w):
    case, child = w.case, w.child
    entry = case.journal_entries.first()
    document = case.documents.first()
    meeting = case.meetings.first()
    return {
        "child": f"/boern/{child.pk}/",
        "case": f"/sager/{case.pk}/",
        "timeline": f"/sager/{case.pk}/tidslinje/",
        "journal": f"/sager/{case.pk}/journal/",
        "journal_search": f"/sager/{case.pk}/journal/?q=skolen",
        "journal_addendum": f"/sager/{case.pk}/journal/{entry.pk}/tilfoej/",
        "documents": f"/sager/{case.pk}/dokumenter/",
        "document_download": f"/sager/{case.pk}/dokumenter/{document.pk}/hent/",
        "meetings": f"/sager/{case.pk}/moeder/",
        "meeting": f"/sager/{case.pk}/moeder/{meeting.pk}/",
        "consents": f"/sager/{case.pk}/samtykker/",
    }


def write_requests(w):
    case = w.case
    meeting = case.meetings.first()
    consent = case.consents.first()
    return {
        "journal_write": (
            f"/sager/{case.pk}/journal/",
            {"kind": "note", "title": "Nyt", "occurred_on": "2026-01-02", "text": "Tekst"},
            JournalEntry,
        ),
        "document_upload": (
            f"/sager/{case.pk}/dokumenter/",
            {
                "file": pdf_upload(),
                "title": "Bilag",
                "kind": "other",
                "document_date": "2026-01-02",
            },
            Document,
        ),
        "meeting_create": (
            f"/sager/{case.pk}/moeder/",
            {"kind": "status_meeting", "held_at": "2026-01-02T10:00"},
            Meeting,
        ),
        "meeting_finish": (
            f"/sager/{case.pk}/moeder/{meeting.pk}/",
            {"minutes": "Referat", "version": meeting.version},
            JournalEntry,
        ),
        "consent_record": (
            f"/sager/{case.pk}/samtykker/",
            {
                "given_by": w.parent.pk,
                "scope": "share_plan",
                "form": "written",
                "given_on": "2026-01-02",
            },
            Consent,
        ),
        "consent_withdraw": (
            f"/sager/{case.pk}/samtykker/{consent.pk}/tilbagekald/",
            {"withdrawn_on": date.today().isoformat(), "version": consent.version},
            CaseEvent,
        ),
    }


@pytest.fixture
def world(db):
    return build_world()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_read_urls_allow_exactly_the_need_to_know_roles(world, role):
    client = Client()
    client.force_login(world.users_by_role()[role])
    for name, url in read_urls(world).items():
        response = client.get(url)
        if role in VIEWERS:
            assert response.status_code == 200, (role, name)
        else:
            assert response.status_code == 403, (role, name, response.status_code)
            body = b"".join(response) if response.streaming else response.content
            assert world.child.first_name.encode() not in body
            assert world.child.cpr[:6].encode() not in body
    if role not in VIEWERS:
        assert not AccessLogEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_writes_allow_exactly_the_editing_roles_and_denied_writes_change_nothing(world, role):
    client = Client()
    client.force_login(world.users_by_role()[role])
    for name, (url, data, model) in write_requests(world).items():
        before = model.objects.count()
        events_before = CaseEvent.objects.count()
        response = client.post(url, data)
        if role in EDITORS:
            assert response.status_code == 302, (role, name, response.status_code)
            assert CaseEvent.objects.count() > events_before, (role, name)
        else:
            assert response.status_code == 403, (role, name, response.status_code)
            assert model.objects.count() == before, (role, name)
            assert CaseEvent.objects.count() == events_before, (role, name)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_reassign_only_by_the_team_leader(world, role):
    client = Client()
    client.force_login(world.users_by_role()[role])
    url = f"/sager/{world.case.pk}/omfordel/"
    response = client.post(
        url,
        {
            "team": world.team_a.pk,
            "caseworker": world.colleague.pk,
            "reason": "Ferie",
            "version": world.case.version,
        },
    )
    world.case.refresh_from_db()
    if role in REASSIGNERS:
        assert response.status_code == 302
        assert world.case.caseworker == world.colleague
        event = world.case.events.get(kind=EventKind.CASE_REASSIGNED)
        assert world.case.reassignments.get(pk=event.typed.reassignment).reason == "Ferie"
        assert event.actor == world.leader_a
    else:
        assert response.status_code == 403
        assert world.case.caseworker == world.caseworker


@pytest.mark.django_db
def test_team_cases_are_private_when_the_municipality_says_so(db):
    w = build_world(see_team_cases=False)
    client = Client()
    client.force_login(w.colleague)
    assert client.get(f"/sager/{w.case.pk}/").status_code == 403
    client.force_login(w.caseworker)
    assert client.get(f"/sager/{w.case.pk}/").status_code == 200


@pytest.mark.django_db
def test_intake_coordinators_see_cases_still_in_intake(db):
    w = build_world(phase_event=EventKind.REPORT_TRIAGED)
    client = Client()
    client.force_login(w.intake)
    assert client.get(f"/sager/{w.case.pk}/").status_code == 200
    from boernesag.events import catalogue as ev
    from boernesag.events.services import event_write

    event_write(ev.AssessmentStarted(), case=w.case, actor=w.caseworker)
    assert client.get(f"/sager/{w.case.pk}/").status_code == 403


@pytest.mark.django_db
def test_reason_gives_time_limited_logged_access(world, settings):
    from datetime import timedelta

    from django.utils import timezone

    from boernesag.audit.models import AccessGrant

    client = Client()
    client.force_login(world.other_caseworker)
    assert client.get(f"/sager/{world.case.pk}/").status_code == 403
    search = client.get("/boern/", {"q": world.child.cpr_formatted})
    assert search.context["result"].hidden_match == world.child
    assert world.child.first_name not in search.content.decode()
    short = client.post(f"/boern/{world.child.pk}/adgang/", {"reason": "kort"})
    assert short.status_code == 400
    assert "mindst 10 tegn" in short.content.decode()
    assert not AccessGrant.objects.exists()
    response = client.post(
        f"/boern/{world.child.pk}/adgang/",
        {"reason": "Vagt: akut henvendelse fra politiet om barnet"},
    )
    assert response.status_code == 302
    grant = AccessGrant.objects.get()
    assert grant.expires_at - grant.granted_at == timedelta(hours=settings.ACCESS_GRANT_HOURS)
    assert client.get(f"/sager/{world.case.pk}/").status_code == 200
    row = AccessLogEntry.objects.filter(what="case_page").get()
    assert row.reason == grant.reason and row.grant_id == grant.pk
    assert world.case.events.filter(kind=EventKind.ACCESS_GRANTED).exists()
    # the grant runs out (grants are append-only, so move the clock instead)
    later = timezone.now() + timedelta(hours=settings.ACCESS_GRANT_HOURS, minutes=1)
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=later):
        fresh = Client()
        fresh.force_login(world.other_caseworker)
        assert fresh.get(f"/sager/{world.case.pk}/").status_code == 403
