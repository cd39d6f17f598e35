"""Reasoned access (adgang med begrundelse): who may use it, what it allows, who reviews it."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from boernesag.accounts.constants import Role
from boernesag.accounts.models import Municipality
from boernesag.accounts.services import role_grant
from boernesag.audit.models import AccessGrant, AccessGrantReview, AccessLogEntry, GrantKind
from boernesag.cases.constants import EventKind
from boernesag.cases.services import reasoned_access_grant, reasoned_access_review
from boernesag.cases.tests.factories import build_world

REASON = "Vagtordning: barnets mor har ringet akut"


@pytest.fixture
def w(db):
    return build_world()


def _fresh(user):
    """The same user as a new request would load it (no cached scope or roles)."""
    return type(user).objects.get(pk=user.pk)


def test_default_roles_may_use_it_finance_and_administrators_never(w):
    for user in (w.other_caseworker, w.leader_b, w.intake):
        assert user.has_perm("cases.use_reasoned_access")
    for user in (w.finance, w.admin, w.manager):
        assert not user.has_perm("cases.use_reasoned_access")
        with pytest.raises(PermissionDenied):
            reasoned_access_grant(user=user, child=w.child, reason=REASON)
    assert not AccessGrant.objects.exists()


def test_the_municipality_chooses_the_roles_but_can_never_open_it_to_finance_or_admin(w):
    Municipality.objects.update(reasoned_access_roles=[Role.TEAM_LEADER, Role.MANAGER])
    assert not _fresh(w.other_caseworker).has_perm("cases.use_reasoned_access")
    assert _fresh(w.manager).has_perm("cases.use_reasoned_access")
    for role in (Role.FINANCE, Role.ADMIN):
        with pytest.raises(IntegrityError), transaction.atomic():
            Municipality.objects.update(reasoned_access_roles=[Role.CASEWORKER, role])


def test_an_administrator_with_another_role_still_cannot_give_herself_a_grant_as_admin(w):
    # holding the admin role adds nothing; only the allowed role counts
    assert not w.admin.has_perm("cases.use_reasoned_access")
    role_grant(user=w.admin, role=Role.MANAGER, unit=w.team_a)
    assert not _fresh(w.admin).has_perm("cases.use_reasoned_access")  # manager not allowed


def test_information_grants_read_assignment_grants_also_write(w):
    user = w.other_caseworker
    assert not user.has_perm("cases.view_case", w.case)
    grant = reasoned_access_grant(user=user, child=w.child, reason=REASON)
    assert grant.kind == GrantKind.INFORMATION
    user = _fresh(user)
    assert user.has_perm("cases.view_case", w.case)
    assert user.has_perm("cases.view_child", w.child)
    for perm in ("cases.edit_case", "cases.write_journal", "cases.upload_document"):
        assert not user.has_perm(perm, w.case), perm
    client = Client()
    client.force_login(user)
    page = client.get(f"/sager/{w.case.pk}/journal/")
    assert page.status_code == 200 and "Nyt journalnotat" not in page.content.decode()
    assert (
        client.post(
            f"/sager/{w.case.pk}/journal/",
            {"kind": "note", "title": "x", "occurred_on": "2026-01-02", "text": "y"},
        ).status_code
        == 403
    )
    reasoned_access_grant(user=user, child=w.child, reason=REASON, kind=GrantKind.ASSIGNMENT)
    user = _fresh(user)
    assert user.has_perm("cases.write_journal", w.case)
    assert not user.has_perm("cases.reassign_case", w.case)
    client.force_login(user)
    assert "Nyt journalnotat" in client.get(f"/sager/{w.case.pk}/journal/").content.decode()
    events = w.case.events.filter(kind=EventKind.ACCESS_GRANTED)
    assert [e.typed.grant_kind for e in events.order_by("id")] == ["information", "assignment"]


def test_the_grant_runs_out(w, settings):
    reasoned_access_grant(user=w.other_caseworker, child=w.child, reason=REASON)
    later = timezone.now() + timedelta(hours=settings.ACCESS_GRANT_HOURS, minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert not _fresh(w.other_caseworker).has_perm("cases.view_case", w.case)


def test_a_reason_is_needed_and_the_child_must_have_a_case(w):
    with pytest.raises(ValidationError, match="mindst 10 tegn"):
        reasoned_access_grant(user=w.other_caseworker, child=w.child, reason="kort")
    with pytest.raises(ValidationError, match="ingen sag"):
        reasoned_access_grant(user=w.other_caseworker, child=w.parent, reason=REASON)


def test_reviewed_by_the_team_leader_of_the_childs_team_never_by_the_grantee(w):
    grant = reasoned_access_grant(user=w.other_caseworker, child=w.child, reason=REASON)
    assert w.leader_a.has_perm("cases.review_grant", grant)
    for user in (w.leader_b, w.other_caseworker, w.admin, w.manager, w.intake, w.caseworker):
        assert not user.has_perm("cases.review_grant", grant)
    with pytest.raises(PermissionDenied):
        reasoned_access_review(grant=grant, reviewed_by=w.admin, approved=True)
    reasoned_access_review(grant=grant, reviewed_by=w.leader_a, approved=True, note="OK")
    with pytest.raises(ValidationError, match="allerede"):
        reasoned_access_review(grant=grant, reviewed_by=w.leader_a, approved=False)
    # a team leader's own grant (on a child of her own team) waits for another leader
    own = reasoned_access_grant(user=w.leader_a, child=w.child, reason=REASON)
    assert not w.leader_a.has_perm("cases.review_grant", own)
    with pytest.raises(PermissionDenied):
        reasoned_access_review(grant=own, reviewed_by=w.leader_a, approved=True)
    assert AccessGrantReview.objects.count() == 1


def test_while_the_case_is_in_intake_the_intake_leader_reviews_too(db):
    """In phases 1–2 the intake team's leader reviews grants too; once the case has moved on
    (an investigation), only the case's own team leader. A report triaged later does not
    move the case back into intake (docs/phases.md)."""
    from boernesag.accounts.tests.factories import UserFactory
    from boernesag.events import catalogue as ev
    from boernesag.events.services import event_write

    w = build_world(phase_event=EventKind.REPORT_TRIAGED)
    intake_leader = UserFactory()
    role_grant(user=intake_leader, role=Role.TEAM_LEADER, unit=w.intake_team)
    grant = reasoned_access_grant(user=w.other_caseworker, child=w.child, reason=REASON)
    assert _fresh(intake_leader).has_perm("cases.review_grant", grant)  # triage phase
    assert _fresh(w.leader_a).has_perm("cases.review_grant", grant)
    event_write(ev.AssessmentStarted(), case=w.case, actor=w.caseworker)
    assert not _fresh(intake_leader).has_perm("cases.review_grant", grant)
    event_write(ev.ReportTriaged(outcome="advice"), case=w.case, actor=w.intake)
    assert not _fresh(intake_leader).has_perm("cases.review_grant", grant)  # still investigating
    assert _fresh(w.leader_a).has_perm("cases.review_grant", grant)


def test_the_review_page_lists_the_teams_grants_and_the_leader_reviews_one(w):
    grant = reasoned_access_grant(user=w.other_caseworker, child=w.child, reason=REASON)
    client = Client()
    client.force_login(w.leader_a)
    page = client.get("/adgangslog/")
    assert [g.pk for g in page.context["grants"]] == [grant.pk]
    assert "Oplysninger til brug i min opgave" in page.content.decode()
    response = client.post(f"/adgangslog/{grant.pk}/gennemgaa/", {"approved": "1", "note": ""})
    assert response.status_code == 302
    assert AccessGrantReview.objects.get().reviewed_by == w.leader_a
    # another team's leader cannot even find it
    other = Client()
    other.force_login(w.leader_b)
    assert other.post(f"/adgangslog/{grant.pk}/gennemgaa/", {"approved": "0"}).status_code == 404


def test_the_grant_and_the_reads_it_allows_are_logged_with_the_reason(w):
    client = Client()
    client.force_login(w.other_caseworker)
    found = client.post("/boern/", {"q": w.child.cpr}, follow=True)
    link = found.context["result"].reasoned_access_url
    page = client.get(link)
    # initials only (in the page's main part: the header shows the user's random name)
    assert w.child.first_name not in page.content.decode().split("<main", 1)[1]
    short = client.post(link, {"kind": "information", "reason": "kort"})
    assert short.status_code == 400 and "mindst 10 tegn" in short.content.decode()
    response = client.post(link, {"kind": "information", "reason": REASON})
    assert response.status_code == 302 and response["Location"] == f"/boern/{w.child.pk}/"
    grant = AccessGrant.objects.get()
    assert client.get(f"/sager/{w.case.pk}/").status_code == 200
    row = AccessLogEntry.objects.filter(what="case_page").get()
    assert (row.reason, row.grant_id) == (REASON, grant.pk)
    assert AccessLogEntry.objects.filter(what="access_granted", grant=grant).exists()


def test_with_read_only_access_the_child_page_offers_the_assignment(w):
    reasoned_access_grant(user=w.other_caseworker, child=w.child, reason=REASON)
    client = Client()
    client.force_login(w.other_caseworker)
    page = client.get(f"/boern/{w.child.pk}/")
    link = page.context["reasoned_access_url"]
    assert page.context["read_only_grant"] and link
    response = client.post(link, {"kind": "assignment", "reason": REASON})
    assert response.status_code == 302
    page = client.get(f"/boern/{w.child.pk}/")
    assert not page.context["read_only_grant"] and not page.context["reasoned_access_url"]
